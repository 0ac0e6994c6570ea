// Edge workers (Cloudflare Workers, Vercel Edge, any fetch-style runtime): RFC 6750 bearer checks
// (`requireAuth`), an RFC 7662 introspection endpoint for Cognito access tokens
// (`createIntrospectionHandler`), a verified-token cache, and JWKS cache persistence across
// isolates (Workers KV or the Cache API). The parsing and checks run in the wasm core
// (src/bindings/edge.rs); this file only moves Requests and Responses.
// @ts-check
import { BearerGuard, Introspector, TokenCache } from "./cognito_wasm.js";
import { fetchWithin, invalidOptions, jwksGeneration, jwksRevision, throughCache, wasmCall } from "./verifier.js";

/** @import { CognitoAccessTokenPayload, JwksCacheState, JwtPayload } from "./types.js" */
/** @import { ClaimMatch } from "./verifier.js" */

export { TokenCache };

/**
 * Anything with `verify(token)`: a `CognitoJwtVerifier` or `JwtVerifier`.
 * @typedef {object} TokenVerifier
 * @property {(token: string) => Promise<JwtPayload>} verify
 */

/**
 * @typedef {object} RequireAuthOptions
 * @property {TokenVerifier} verifier
 * @property {"id" | "access"} [tokenUse] The token's `token_use` must be this (else 401 `invalid_token`).
 * @property {ClaimMatch} [scope] Required scopes (else 403 `insufficient_scope`): any of a string / array, or `{anyOf}` / `{allOf}`.
 * @property {ClaimMatch} [groups] Required `cognito:groups`, same forms (else 403 `insufficient_scope`).
 * @property {string} [realm] `realm` of the `WWW-Authenticate` challenge (default `"api"`).
 * @property {TokenCache | false | null} [tokenCache] Verified-token cache: default one per verifier (`DEFAULT_TOKEN_CACHE_ENTRIES`); `false` turns it off.
 */

/**
 * @typedef {object} IntrospectionOptions
 * @property {TokenVerifier} verifier Verifies the tokens to introspect (create it with `tokenUse: "access"`).
 * @property {Array<{ clientId: string; clientSecret: string }>} [clients] Callers authenticating with `client_secret_basic` (or `client_secret_post`).
 * @property {Omit<RequireAuthOptions, "tokenCache">} [bearer] Callers authenticating with a bearer token that this verifier accepts (and `scope`/`groups`, if given).
 * @property {IntrospectionRevocation} [revocation]
 * @property {TokenCache | false | null} [tokenCache]
 * @property {typeof fetch} [fetch] `fetch` for the live check (default `globalThis.fetch`).
 * @property {number} [maxBodyBytes] Longest request body read (default `DEFAULT_INTROSPECTION_MAX_BODY_BYTES`): a longer one,
 * by `content-length` or while streaming, is answered 413 `invalid_request` unread.
 */

/**
 * How the introspection handler sees a revoked token.
 * @typedef {object} IntrospectionRevocation
 * @property {{ has(originJti: string): boolean | Promise<boolean> }} [denyList] Deny-list keyed by `origin_jti` (e.g. a `Set`, or a KV lookup).
 * @property {string} [userInfoEndpoint] The pool's `/oauth2/userInfo`: a live check per request (fails closed).
 * @property {number} [timeoutMs] Milliseconds the live check may take, else the token is inactive (default `DEFAULT_USER_INFO_TIMEOUT_MS`).
 */

/**
 * Where `persistJwksCache` keeps the JWKS cache.
 * @typedef {object} JwksCacheStore
 * @property {() => Promise<JwksCacheState | null | undefined>} get
 * @property {(state: JwksCacheState) => Promise<unknown>} put
 */

/** Entries of the token cache each verifier gets by default in `requireAuth` / introspection.
 * @type {number} */
export const DEFAULT_TOKEN_CACHE_ENTRIES = 1000;

/** Milliseconds the introspection handler's live userInfo check may take by default.
 * @type {number} */
export const DEFAULT_USER_INFO_TIMEOUT_MS = 5000;
/** Bytes of an introspection request body read at most by default (RFC 7662 bodies are a token
 * and a hint: a few KB).
 * @type {number} */
export const DEFAULT_INTROSPECTION_MAX_BODY_BYTES = 16 * 1024;

const TOO_LARGE = JSON.stringify({ error: "invalid_request", error_description: "request body too large" });

/** The body of `request` as text, or `null` as soon as it is known to exceed `max` bytes: from
 * `content-length` before anything is read, else while streaming (the rest is never read). So an
 * oversized body never reaches wasm memory, which does not shrink.
 * @param {Request} request
 * @param {number} max
 * @returns {Promise<string | null>} */
async function boundedText(request, max) {
  if (Number(request.headers.get("content-length")) > max) {
    await request.body?.cancel();
    return null;
  }
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  chunks.reduce((at, chunk) => (bytes.set(chunk, at), at + chunk.byteLength), 0);
  return new TextDecoder().decode(bytes);
}

const INACTIVE = '{"active":false}';
const defaultCaches = new WeakMap();
// Each verifier's id in every TokenCache: a cache shared by several verifiers only serves a token
// to the verifier that verified it.
const verifierIds = new WeakMap();
let lastVerifierId = 0;
function verifierId(verifier) {
  let id = verifierIds.get(verifier);
  if (id === undefined) {
    id = ++lastVerifierId;
    verifierIds.set(verifier, id);
  }
  return id;
}

/** The cache for `verifier` under the `tokenCache` option: `false`/`null` none, a `TokenCache`, or
 * by default one shared cache per verifier. */
function cacheFor(verifier, tokenCache) {
  if (tokenCache === false || tokenCache === null) return undefined;
  if (tokenCache !== undefined) return tokenCache;
  let cache = defaultCaches.get(verifier);
  if (cache === undefined) {
    cache = new TokenCache(DEFAULT_TOKEN_CACHE_ENTRIES);
    defaultCaches.set(verifier, cache);
  }
  return cache;
}

function deepFreeze(value) {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Verifies with `verifier` unless `cache` holds the token as this verifier verified it with its
 * current JWKS (a verifier of this package counts its JWKS changes; for any other `verify`-er the
 * count stays 0); cached payloads are frozen. */
async function verifyCached(verifier, token, cache) {
  const verify = async () => deepFreeze(await verifier.verify(token));
  if (cache === undefined) return verify();
  return throughCache(cache, token, verifierId(verifier), verifier[jwksGeneration]?.() ?? 0, verify);
}

/** @param {{ status: number, body: string, wwwAuthenticate?: string, allow?: string }} refused */
function refusal({ status, body, wwwAuthenticate, allow }) {
  /** @type {Record<string, string>} */
  const headers = { "cache-control": "no-store" };
  if (body !== "") headers["content-type"] = "application/json";
  if (wwwAuthenticate !== undefined) headers["www-authenticate"] = wwwAuthenticate;
  if (allow !== undefined) headers.allow = allow;
  return new Response(body === "" ? null : body, { status, headers });
}

/** Builds a wasm object, rethrowing its coded errors as this package's classes.
 * @template {unknown[]} A
 * @template T
 * @param {new (...args: A) => T} Class
 * @param {A} args
 * @returns {T} */
function build(Class, ...args) {
  return wasmCall(() => new Class(...args));
}

// One BearerGuard per distinct set of options (call sites are few: options are code, not input;
// the map is bounded all the same).
const guards = new Map();
const MAX_GUARDS = 256;
/** @param {RequireAuthOptions} options */
function guardFor({ realm, tokenUse, scope, groups }) {
  const key = JSON.stringify([realm, tokenUse, scope, groups]);
  let guard = guards.get(key);
  if (guard === undefined) {
    guard = build(BearerGuard, { realm, tokenUse, scope, groups });
    if (guards.size >= MAX_GUARDS) guards.clear(); // dropped guards are freed by wasm-bindgen's finalizer
    guards.set(key, guard);
  }
  return guard;
}

/**
 * Reads `Authorization: Bearer`, verifies the token with `options.verifier`, checks `tokenUse`,
 * `scope` and `groups`, and resolves to the payload, or to a ready 400/401/403 `Response` with an
 * RFC 6750 `WWW-Authenticate` header. The token is never echoed. The payload is frozen.
 * @template {JwtPayload} [P=CognitoAccessTokenPayload]
 * @param {Request} request
 * @param {RequireAuthOptions} options
 * @returns {Promise<P | Response>}
 */
export function requireAuth(request, options) {
  return authorizeBearer(request.headers.get("authorization") ?? undefined, options);
}

/**
 * @param {string | undefined} authorization
 * @param {RequireAuthOptions} options
 * @returns {Promise<any>} the payload, or a refusal `Response`
 */
async function authorizeBearer(authorization, options) {
  const { verifier, tokenCache } = options;
  const guard = guardFor(options);
  const token = guard.token(authorization);
  if (typeof token !== "string") return refusal(token);
  let payload;
  try {
    payload = await verifyCached(verifier, token, cacheFor(verifier, tokenCache));
  } catch (error) {
    return refusal(guard.invalid(typeof error?.code === "string" ? error.code : undefined));
  }
  const denied = guard.check(payload);
  return denied === undefined ? payload : refusal(denied);
}

/** True when `revocation` says the session is revoked; a failing deny-list or userInfo call, or
 * one that takes longer than `timeoutMs`, counts as revoked (fail closed).
 * @param {IntrospectionRevocation} revocation
 * @param {string} token
 * @param {any} payload
 * @param {typeof fetch} fetchImpl
 * @returns {Promise<boolean>} */
async function isRevoked({ denyList, userInfoEndpoint, timeoutMs = DEFAULT_USER_INFO_TIMEOUT_MS }, token, payload, fetchImpl) {
  try {
    if (denyList !== undefined && typeof payload.origin_jti === "string" && (await denyList.has(payload.origin_jti))) {
      return true;
    }
    // Live check: Cognito's userInfo answers 401 for revoked, signed-out, disabled or deleted
    // users. Client-credentials tokens (no `username`) cannot be revoked and userInfo refuses them.
    if (userInfoEndpoint !== undefined && payload.username !== undefined) {
      const status = await fetchWithin(fetchImpl, userInfoEndpoint, { headers: { authorization: `Bearer ${token}` } }, timeoutMs, async (response) => {
        await response.body?.cancel();
        return response.status;
      });
      return status !== 200;
    }
    return false;
  } catch {
    return true;
  }
}

/**
 * An RFC 7662 introspection endpoint for the access tokens `verifier` accepts:
 * `(request) => Promise<Response>`. Callers authenticate with `client_secret_basic` (or
 * `client_secret_post`) against `clients`, or with a bearer token that `bearer.verifier` accepts.
 * `revocation.denyList` (`{has(originJti)}`, sync or async) and `revocation.userInfoEndpoint` (the
 * pool's `/oauth2/userInfo`) are the only ways to see a revoked token. A body over `maxBodyBytes`
 * (default 16 KiB) is answered 413 before it is read into wasm.
 * @param {IntrospectionOptions} options
 * @returns {(request: Request) => Promise<Response>}
 */
export function createIntrospectionHandler({
  verifier,
  clients = [],
  bearer,
  revocation = {},
  tokenCache,
  fetch: fetchImpl,
  maxBodyBytes = DEFAULT_INTROSPECTION_MAX_BODY_BYTES,
}) {
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw invalidOptions("maxBodyBytes must be a positive integer");
  }
  const introspector = build(Introspector, clients, bearer !== undefined);
  const cache = cacheFor(verifier, tokenCache);
  const bearerOptions = bearer === undefined ? undefined : { realm: "introspection", ...bearer };
  /** @type {typeof fetch} */
  const doFetch = fetchImpl ?? ((...args) => globalThis.fetch(...args));
  /** @param {string} body */
  const answer = (body) =>
    new Response(body, { status: 200, headers: { "content-type": "application/json", "cache-control": "no-store", pragma: "no-cache" } });

  return async function introspect(request) {
    const { method, headers } = request;
    const contentType = headers.get("content-type") ?? undefined;
    const authorization = headers.get("authorization") ?? undefined;
    // the method, the content type and an Authorization caller are settled before the body is read
    const caller = introspector.checkHeaders(method, contentType, authorization);
    if (caller.status !== undefined) return refusal(caller);
    if (caller.bearer !== undefined) {
      const verified = await authorizeBearer(`Bearer ${caller.bearer}`, /** @type {RequireAuthOptions} */ (bearerOptions));
      if (verified instanceof Response) return verified;
    }
    const body = await boundedText(request, maxBodyBytes);
    if (body === null) return refusal({ status: 413, body: TOO_LARGE });
    const parsed = introspector.parse(method, contentType, authorization, body);
    if (parsed.status !== undefined) return refusal(parsed);
    let payload;
    try {
      payload = await verifyCached(verifier, parsed.token, cache);
    } catch {
      return answer(INACTIVE);
    }
    const active = introspector.respond(payload);
    if (active === INACTIVE || (await isRevoked(revocation, parsed.token, payload, doFetch))) return answer(INACTIVE);
    return answer(active);
  };
}

// ---------------------------------------------------------------------------------------------
// JWKS cache across isolates

/**
 * A JWKS-cache store over a Workers KV namespace.
 * @param {{ get(key: string, type: "json"): Promise<unknown>; put(key: string, value: string, options?: { expirationTtl?: number }): Promise<unknown> }} namespace
 * @param {{ key?: string; expirationTtl?: number }} [options]
 * @returns {JwksCacheStore}
 */
export function kvJwksStore(namespace, { key = "cognito-wasm:jwks-cache", expirationTtl = 86400 } = {}) {
  return {
    get: () => /** @type {Promise<JwksCacheState | null>} */ (namespace.get(key, "json")),
    put: (state) => namespace.put(key, JSON.stringify(state), { expirationTtl }),
  };
}

/**
 * A JWKS-cache store over the Workers Cache API (`caches.default`, or `await caches.open(name)`).
 * @param {{ match(url: string): Promise<Response | undefined>; put(url: string, response: Response): Promise<unknown> }} cache
 * @param {{ url?: string; maxAgeSeconds?: number }} [options]
 * @returns {JwksCacheStore}
 */
export function cacheApiJwksStore(cache, { url = "https://cognito-wasm.invalid/jwks-cache", maxAgeSeconds = 86400 } = {}) {
  return {
    async get() {
      const response = await cache.match(url);
      return response === undefined ? null : response.json();
    },
    put: (state) =>
      cache.put(
        url,
        new Response(JSON.stringify(state), {
          headers: { "content-type": "application/json", "cache-control": `max-age=${maxAgeSeconds}` },
        }),
      ),
  };
}

/**
 * Keeps `verifier`'s JWKS cache in `store` (kvJwksStore / cacheApiJwksStore / any `{get, put}`):
 * `load()` imports it once per isolate (a fresh isolate then verifies without a fetch), `save()`
 * writes it back when it changed (new keys, or a penalty box other isolates should respect). A
 * store that fails or holds garbage is ignored: the verifier then fetches as usual.
 * @param {{ exportJwksCache(): JwksCacheState; importJwksCache(state: JwksCacheState): void }} verifier
 * @param {JwksCacheStore} store
 * @returns {{ load(): Promise<void>; save(): Promise<boolean> }}
 */
export function persistJwksCache(verifier, store) {
  let loading;
  let saved;
  // a verifier of this package counts its cache's changes: no export while there is none
  /** @type {() => number | undefined} */
  const revision = () => /** @type {any} */ (verifier)[jwksRevision]?.();
  let savedRevision;
  return {
    load() {
      loading ??= (async () => {
        try {
          const state = await store.get();
          if (state !== null && state !== undefined) verifier.importJwksCache(state);
        } catch {
          // ignore: a store outage must not break verification
        }
        savedRevision = revision();
        saved = JSON.stringify(verifier.exportJwksCache());
      })();
      return loading;
    },
    async save() {
      const now = revision();
      if (now !== undefined && now === savedRevision) return false;
      const state = verifier.exportJwksCache();
      const text = JSON.stringify(state);
      const changed = text !== saved;
      // a failed write rejects and leaves the state unsaved: the next save() writes it again
      if (changed) await store.put(state);
      saved = text;
      savedRevision = now;
      return changed;
    },
  };
}
