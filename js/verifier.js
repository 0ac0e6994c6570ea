// The idiomatic API over the wasm core's RawVerifier: `CognitoJwtVerifier.create(...)` and
// `JwtVerifier.create(...)`, with errors rethrown as the classes of ./errors.js. Loading and
// instantiating the wasm module is the entry point's job (node.js, web.js, workerd.js).
// @ts-check
import { RawVerification, RawVerifier, errorCatalog, fastMaxUnits, fastOut, fastScratch, invalidSignatureError, wasmMemory } from "./cognito_wasm.js";
import { callerErrors, drive, driverOf, fetchWithin, hydrate, rsa, signatureCheck, verifyWith } from "./driver.js";
import { FailedAssertionError, ParameterValidationError, errorClasses } from "./errors.js";
/** @import { ClaimsObject, CognitoAccessTokenPayload, CognitoIdTokenPayload, CognitoJwtPayload, Jwk, Jwks, JwksCacheState, JwtHeader, JwtPayload } from "./types.js" */

// ---------------------------------------------------------------------------------------------
// The options' types (the published .d.ts is generated from these JSDoc types; see
// scripts/build-pkg.sh). Option names follow aws-jwt-verify's, so migrating is an import change.

/**
 * The fetch function the verifier uses for JWKS documents (`globalThis.fetch` by default).
 * @typedef {(input: string, init?: RequestInit) => Promise<Response>} FetchFunction
 */

/**
 * Called after the signature and all standard claims verified. Throw (or reject) to fail the
 * verification: the error you throw reaches the caller of `verify` unchanged.
 * @template {JwtPayload} [P=JwtPayload]
 * @typedef {(props: { header: JwtHeader; payload: P; jwk: Jwk }) => void | Promise<void>} CustomJwtCheck
 */

/**
 * A requirement on a list-valued claim (`scope`, `cognito:groups`). A string or an array means
 * "at least one of these" (aws-jwt-verify semantics); `{ allOf }` means "every one of these".
 * @typedef {string | readonly string[] | { readonly anyOf: string | readonly string[] } | { readonly allOf: string | readonly string[] }} ClaimMatch
 */

/**
 * Checks that can be set at creation and overridden per `verify` call.
 * @template {JwtPayload} [P=JwtPayload]
 * @typedef {object} VerifyProperties
 * @property {CustomJwtCheck<P>} [customJwtCheck] Your own check, run after every built-in check passed; what it throws reaches the caller unchanged.
 * @property {ClaimMatch | null} [scope] Required scopes, matched against the space-separated `scope` claim. Unset or `null`: not checked.
 * @property {number} [graceSeconds] Seconds of leeway for `exp` and `nbf` (default: docs/verifier-api.md, "Options").
 * @property {number} [clockSkewSeconds] Reject tokens whose `iat` lies more than this many seconds in the future (default: docs/verifier-api.md, "Options").
 * @property {boolean} [includeRawJwtInErrors] Attach the decoded header and payload (`rawJwt`) to claim errors. Only claim errors carry it,
 * and only once the signature verified. Default `false`.
 */

/**
 * The Cognito checks of `CognitoVerifyProperties` besides `VerifyProperties`.
 * @internal
 * @typedef {object} CognitoChecks
 * @property {"id" | "access" | null} tokenUse Which token to accept: `"id"`, `"access"`, or `null` for either (a conscious choice).
 * @property {string | readonly string[] | null} clientId Accepted app client IDs: checked against `aud` in ID tokens and `client_id` in access
 * tokens. `null` skips the check.
 * @property {ClaimMatch | null} [groups] Required groups, matched against `cognito:groups`. Unset or `null`: not checked.
 */

/**
 * Cognito checks; `tokenUse` and `clientId` must be given (or set to `null`) at creation or per call.
 * @typedef {VerifyProperties<CognitoJwtPayload> & CognitoChecks} CognitoVerifyProperties
 */

/**
 * Generic OIDC checks; `audience` must be given (or set to `null`) at creation or per call.
 * @typedef {VerifyProperties & { audience: string | readonly string[] | null }} JwtVerifyProperties
 */

/**
 * Creation-time options: where keys come from, the JWKS cache and limits.
 * @typedef {object} VerifierProperties
 * @property {string} [jwksUri] The JWKS URL. Cognito default: `<issuer>/.well-known/jwks.json`; override it e.g. for a local emulator.
 * @property {FetchFunction} [fetch] The fetch function used for the JWKS (default `globalThis.fetch`).
 * @property {readonly ("RS256" | "RS384" | "RS512")[]} [algorithms] Accepted header `alg` values (default `["RS256"]`; `none`, HS* and ES* are never accepted).
 * @property {number} [jwksFetchTimeoutMs] Abort a JWKS fetch after this many milliseconds (default: docs/verifier-api.md, "Options").
 * @property {number} [jwksMaxBytes] Reject JWKS (or discovery) responses larger than this many bytes (default: docs/verifier-api.md, "Options").
 * @property {number} [penaltyBoxSeconds] After a `kid` was not found even in a fresh JWKS, or a fetch failed, reject unknown kids for this many seconds (default: docs/verifier-api.md, "Options").
 * @property {number} [jwksMaxAgeSeconds] Refetch keys older than this before use (default: never; keys are kept until an unknown kid or `hydrate`).
 * @property {number} [maxTokenLength] Reject longer tokens before decoding them (default: docs/verifier-api.md, "Options").
 * @property {number} [maxJsonDepth] Reject header or payload JSON nested deeper than this (at most 256; default: docs/verifier-api.md, "Options").
 */

/**
 * Options of `CognitoJwtVerifier.create` for one user pool.
 * @typedef {{ userPoolId: string } & Partial<CognitoVerifyProperties> & VerifierProperties} CognitoJwtVerifierProperties
 */

/**
 * Options of `JwtVerifier.create` for one OIDC issuer: `issuer`, the exact `iss` value to accept,
 * and the checks and creation-time options.
 * @typedef {{ issuer: string } & JwtVerifyProperties & VerifierProperties} JwtVerifierProperties
 */

/**
 * Rejects option names that do not exist (typos), which a generic parameter would otherwise accept.
 * @internal
 * @template T, Allowed
 * @typedef {T & { readonly [K in Exclude<keyof T, keyof Allowed>]: never }} NoExtra
 */

/**
 * Whether the configuration `Cfg` sets the option `K` (to anything but `undefined`).
 * @internal
 * @template Cfg
 * @template {string} K
 * @typedef {Cfg extends { readonly [key in K]: infer V } ? ([V] extends [undefined] ? false : true) : false} IsSet
 */

/**
 * The Cognito options a configuration leaves for each `verify` call to give.
 * @internal
 * @template Cfg
 * @typedef {(false extends IsSet<Cfg, "tokenUse"> ? "tokenUse" : never) | (false extends IsSet<Cfg, "clientId"> ? "clientId" : never)} Missing
 */

/**
 * @internal
 * @template U
 * @typedef {U extends "id" ? CognitoIdTokenPayload : U extends "access" ? CognitoAccessTokenPayload : CognitoJwtPayload} PayloadOf
 */

/**
 * @internal
 * @template Cfg
 * @typedef {Cfg extends { readonly tokenUse: infer U } ? PayloadOf<U> : CognitoJwtPayload} ConfiguredPayload
 */

/**
 * The payload `verify` resolves to: narrowed by `tokenUse` of the call, else of the configuration.
 * @template Cfg, Props
 * @typedef {Props extends { readonly tokenUse: infer U } ? PayloadOf<U> : ConfiguredPayload<Cfg>} CognitoPayload
 */

/**
 * Per-call options: anything not given at creation must be given here.
 * @template Cfg
 * @typedef {[Missing<Cfg>] extends [never] ? Partial<CognitoVerifyProperties> : Partial<CognitoVerifyProperties> & Pick<CognitoVerifyProperties, Missing<Cfg>>} CognitoVerifyOverrides
 */

/**
 * What `JwtVerifier` is a `Verifier` of (the configuration type of `CognitoJwtVerifier`'s place).
 * @internal
 * @typedef {{ readonly generic: true }} GenericConfig
 */

/**
 * The per-call options of a verifier of configuration `Cfg`.
 * @internal
 * @template Cfg
 * @typedef {Cfg extends GenericConfig ? Partial<JwtVerifyProperties> : CognitoVerifyOverrides<Cfg>} OverridesOf
 */

/**
 * The payload a verifier of configuration `Cfg` resolves to with per-call options `P`.
 * @internal
 * @template Cfg, P
 * @typedef {Cfg extends GenericConfig ? JwtPayload : CognitoPayload<Cfg, P>} PayloadFor
 */

/**
 * The `this` of a `verify` call without options: every verifier whose configuration leaves nothing
 * for the call to give (else `never`, and the call needs its options).
 * @internal
 * @template Cfg
 * @typedef {Cfg extends GenericConfig ? unknown : [Missing<Cfg>] extends [never] ? unknown : never} OptionalOverrides
 */


export { fetchWithin };
export { useSignatureCheck } from "./driver.js";

const ownFields = new Set(["name", "code", "message", "stack", "messageId", "messageArgs"]);
let classByCode;

// The core's error messages by id: the wasm passes `messageId` and `messageArgs` (`{name}` in the
// template), and the text is made here, so that the texts are not in the wasm.
// BEGIN generated: error-messages (scripts/gen-errors.mjs from errors/catalog.json; do not edit)
const messages = [
  "invalid options: {detail}",
  "invalid cognito user pool id",
  "tokenUse must be provided or set to null explicitly",
  "clientId must be provided or set to null explicitly",
  "audience must be provided or set to null explicitly",
  "unsupported algorithm in options: {alg}",
  "issuer not configured",
  "jwt is {actual} characters long, the maximum is {max}",
  "jwt header is {actual} characters long, the maximum is {max}",
  "jwt json nests deeper than {max} levels",
  "jwt is not three base64url segments",
  "jwt segment is not valid base64url",
  "jwt {part} is not a json object",
  "jwt {part} has a duplicate key",
  "jwt {part} has a field of the wrong type",
  "jwt header has unsupported crit extensions",
  "jwt signature algorithm not allowed",
  "jwt signature algorithm does not match the jwk",
  "jwt header has no valid kid",
  "jwks is not valid",
  "oidc discovery document is not valid",
  "jwk is not a valid rsa public key",
  "jwk modulus is {bits} bits, at least 2048 required",
  "jwk use is not sig, or its key_ops lack verify",
  "jwk kty is not RSA",
  "kid not found in jwks",
  "jwks refetch is not allowed yet after a recent miss",
  "invalid signature",
  "crypto operation failed",
  "token expired",
  "token has no exp claim",
  "token not valid yet",
  "token issued in the future",
  "issuer not allowed",
  "audience not allowed",
  "scope not allowed",
  "cognito group not allowed",
  "token use not allowed",
  "client id not allowed",
  "fetch failed",
  "fetch timed out after {ms} ms",
  "fetch returned status {status}",
  "fetched document is larger than {max} bytes",
  "invalid {what}",
  "oauth error: {error}",
  "oauth error: invalid_grant (code or refresh token expired, reused or revoked)",
  "the cognito endpoint could not be reached",
  "no sign-in is pending in this tab (callback replayed, or started elsewhere)",
  "callback state does not match",
  "id token nonce does not match",
  "id token at_hash does not match the access token",
  "the id token has no custom:id_token or custom:access_token: map the identity provider's id_token/access_token to these custom attributes (attribute mapping), make them readable by this app client, and sign in through that identity provider",
  "access token from the user pool api (InitiateAuth, scope aws.cognito.signin.user.admin) lacks {missing}: only the oauth endpoints (hosted ui / managed login) or a pre token generation v2 trigger (scopesToAdd) add custom scopes",
];
// END generated: error-messages

/** The message of an error from the core (its code when the id is not one of ours).
 * @type {(error: any) => string} */
const messageOf = ({ messageId, messageArgs, message }) =>
  typeof messageId === "number" && messageId < messages.length
    ? messages[messageId].replace(/\{(\w+)\}/g, (_, name) => String(messageArgs?.[name]))
    : message;

/**
 * Rebuilds an error thrown by the wasm core as an instance of the class that errorCatalog() names
 * for its code. Anything else (not an object, or not one of the core's codes) is returned unchanged.
 * @param {any} error
 * @returns {any}
 */
export function fromWasmError(error) {
  classByCode ??= new Map(errorCatalog().map(({ code, name }) => [code, errorClasses[name]]));
  const cls = error !== null && typeof error === "object" ? classByCode.get(error.code) : undefined;
  if (cls === undefined || cls.prototype.name !== error.name) return error;
  const options = error.cause === undefined ? undefined : { cause: error.cause };
  const converted =
    cls.prototype instanceof FailedAssertionError
      ? new cls(messageOf(error), error.failedAssertion?.actual, error.failedAssertion?.expected, options)
      : new cls(messageOf(error), options);
  converted.code = error.code;
  for (const key of Object.keys(error)) {
    if (!ownFields.has(key)) converted[key] = error[key];
  }
  return converted;
}

const thrown = (error) => (callerErrors.has(error) ? error : fromWasmError(error));

function rethrow(error) {
  throw thrown(error);
}

/**
 * A `ParameterValidationError` with code `ERR_PARAM_INVALID_OPTIONS` (the code the core gives bad
 * options), for the options the wrapper checks itself.
 * @param {string} message
 */
export function invalidOptions(message) {
  const error = new ParameterValidationError(message);
  /** @type {{ code: string }} */ (error).code = "ERR_PARAM_INVALID_OPTIONS";
  return error;
}

/**
 * Runs `fn` (a call into the wasm core), rethrowing a core error as its class.
 * @template T
 * @param {() => T} fn
 * @returns {T}
 */
export function wasmCall(fn) {
  try {
    return fn();
  } catch (error) {
    throw thrown(error);
  }
}

// The hot path (a verification without overrides): the core parses the token in shared wasm
// memory and checks it up to the signature (RawVerifier.fastStart), and JS checks the signature
// on views of that memory and parses the payload, with no promise but the one it returns. A token
// that needs more (a key to fetch, a claim error to report, a customJwtCheck) goes on in the
// driver (./driver.js) from the parse fastStart did, so no token is parsed twice; only a throw of
// the installed signature check starts again from the token.
const encoder = new TextEncoder();
const decoder = new TextDecoder();
let fast;

/**
 * The fast path's views of wasm memory, made again when the memory has grown (growing detaches
 * the old buffer, which empties every view of it).
 */
function fastViews() {
  fast ??= { memory: wasmMemory(), scratch: fastScratch(), max: fastMaxUnits(), out: fastOut(), buffer: null, input: null, result: null };
  if (!(fast.input?.length > 0)) {
    const { buffer } = fast.memory;
    fast.buffer = buffer;
    fast.input = new Uint8Array(buffer, fast.scratch, fast.max * 3);
    fast.result = new Uint32Array(buffer, fast.out, 6);
  }
  return fast;
}

/**
 * Starts a fast verification: a promise of the payload, or `undefined` when the token is not for
 * the fast path (too long, or not ASCII: such a token is refused by the full path's parse, done
 * once). `fallback()` verifies again when the signature check itself failed (threw or rejected).
 */
function fastVerify(host, token, fallback) {
  let views = fastViews();
  if (token.length > views.max) return undefined;
  const { read, written } = encoder.encodeInto(token, views.input);
  if (read !== token.length || written !== read) return undefined;
  const started = host.raw.fastStart(written, Date.now());
  if (started instanceof Error) return Promise.reject(thrown(started));
  if (started instanceof RawVerification) return drive(host, started).then(undefined, rethrow);
  views = fastViews(); // the core may have grown the memory
  const { buffer, result } = views;
  const text = decoder.decode(new Uint8Array(buffer, result[4], result[5]));
  const signature = new Uint8Array(buffer, result[0], result[1]);
  const data = new Uint8Array(buffer, result[2], result[3]);
  if (signatureCheck === undefined) {
    // WebCrypto copies the views at the call, so the next verify may reuse the memory.
    return globalThis.crypto.subtle
      .verify(rsa, started, signature, data)
      .then((valid) => (valid ? JSON.parse(text) : rethrow(invalidSignatureError())), fallback);
  }
  let valid;
  try {
    valid = signatureCheck(started, signature, data);
  } catch {
    return fallback();
  }
  // Settled at once, with no WebCrypto round trip. The core's reader has accepted the payload
  // JSON already, so JSON.parse does not throw here.
  return valid ? Promise.resolve(JSON.parse(text)) : Promise.reject(thrown(invalidSignatureError()));
}

/**
 * The method under which a verifier tells how many times its JWKS changed (a symbol of the global
 * registry, so that the edge module recognises verifiers of every entry point): a token cache
 * stamps entries with it and drops those stamped before a change.
 */
export const jwksGeneration = Symbol.for("cognito-wasm.jwksGeneration");

/** `verify()`'s payload for `token` from `cache` when it was stored for `owner` under this JWKS
 * `generation` (read by the caller before verifying: a JWKS change during the verification
 * leaves the entry stale), else verified and stored: the edge's verified-token caches
 * (`requireAuth`, `createEdgeAuth`), not part of the public surface.
 * @param {{ get(token: string, owner: number, generation: number): any,
 *   insert(token: string, owner: number, generation: number, payload: any): void }} cache
 * @param {string} token @param {number} owner @param {number} generation
 * @param {() => Promise<any>} verify */
export async function throughCache(cache, token, owner, generation, verify) {
  const hit = cache.get(token, owner, generation);
  if (hit !== undefined) return hit;
  const payload = await verify();
  cache.insert(token, owner, generation, payload);
  return payload;
}

/**
 * The method under which a verifier counts the changes of its JWKS cache that an export would
 * show (new keys, a penalty box opened here): a snapshot store (persistJwksCache) is written only
 * after one.
 */
export const jwksRevision = Symbol.for("cognito-wasm.jwksRevision");

/**
 * A token longer than the hot path takes but within `max`, as UTF-8 bytes when it is ASCII (as
 * every well-formed token is): one copy into wasm memory instead of a character-by-character one.
 */
function longAscii(token, max) {
  if (typeof token !== "string" || token.length <= fastViews().max || token.length > max) return undefined;
  const bytes = encoder.encode(token);
  return bytes.length === token.length ? bytes : undefined;
}

/**
 * What `CognitoJwtVerifier` and `JwtVerifier` share; `Cfg` is the configuration type (the options
 * of `create`), which types `verify`.
 * @template Cfg
 */
class Verifier {
  #host;

  /**
   * Use `create`.
   * @protected
   * @param {any} raw
   * @param {any} [options]
   */
  constructor(raw, options) {
    if (!(raw instanceof RawVerifier)) throw new TypeError("use the static create() method");
    this.#host = driverOf(raw, options);
  }

  /**
   * Verifies `token` and resolves to its payload, or rejects with one of this package's errors
   * (or the error your `customJwtCheck` threw). `Claims` types the claims your pre-token trigger
   * adds, e.g. `verify<{ tenant: string }>(token)`: it is not checked at run time (check values
   * with `customJwtCheck`). With it given, set `tokenUse` at creation to keep the payload narrowed.
   * Without `props`: only when the configuration gave every required option (`tokenUse`, `clientId`).
   * @template {ClaimsObject} [Claims={}]
   * @template {OverridesOf<Cfg>} [P=OverridesOf<Cfg>]
   * @overload
   * @this {Verifier<Cfg> & OptionalOverrides<Cfg>}
   * @param {string} token
   * @param {P} [props]
   * @returns {Promise<PayloadFor<Cfg, P> & Claims>}
   */
  /**
   * Verifies `token` with per-call options `props`: those the configuration left out (`tokenUse`,
   * `clientId`) must be given here. Resolves to the payload, or rejects as above.
   * @template {ClaimsObject} [Claims={}]
   * @template {OverridesOf<Cfg>} [Props=OverridesOf<Cfg>]
   * @overload
   * @param {string} token
   * @param {Props} props
   * @returns {Promise<PayloadFor<Cfg, Props> & Claims>}
   */
  /**
   * @param {string} token
   * @param {object} [overrides]
   * @returns {Promise<any>}
   */
  // Not `async`: no extra promise or await on the hot path.
  verify(token, overrides) {
    if (overrides === undefined && typeof token === "string") {
      const pending = fastVerify(this.#host, token, () => this.#verify(token));
      if (pending !== undefined) return pending;
    }
    return this.#verify(token, overrides);
  }

  /** @param {unknown} token @param {object} [overrides] @returns {Promise<any>} */
  #verify(token, overrides) {
    return verifyWith(this.#host, longAscii(token, this.#host.raw.maxTokenLength) ?? token, overrides).then(undefined, rethrow);
  }

  /** @returns {number} */
  [jwksGeneration]() {
    return this.#host.raw.jwksGeneration();
  }

  /** @returns {number} */
  [jwksRevision]() {
    return this.#host.raw.jwksRevision();
  }

  /**
   * Fetches every configured JWKS now, all at once (a Cognito verifier: of every configured pool,
   * both issuer formats unless `jwksUri` is set), so the first `verify` does not wait. Resolves
   * when each pool has at least one key set loaded; rejects with a `FetchError` when a pool has
   * none.
   * @returns {Promise<void>}
   */
  async hydrate() {
    try {
      await hydrate(this.#host);
    } catch (error) {
      rethrow(error);
    }
  }

  /**
   * Loads a JWKS into the cache (no fetch); `{ keys: [] }` empties it. With several pools or
   * issuers, the second argument (an issuer, or a user pool ID) selects which one.
   * @param {Jwks} jwks
   * @param {string} [issuer]
   * @returns {void}
   */
  cacheJwks(jwks, issuer) {
    wasmCall(() => this.#host.raw.cacheJwks(jwks, issuer));
  }

  /** The JWKS cache as JSON-safe data (keys, load time, open penalty box), for importJwksCache()
   * in another isolate.
   * @returns {JwksCacheState} */
  exportJwksCache() {
    return this.#host.raw.exportJwksCache();
  }

  /** Merges what exportJwksCache() returned: newer keys win, a penalty box is kept.
   * @param {JwksCacheState} state
   * @returns {void} */
  importJwksCache(state) {
    wasmCall(() => this.#host.raw.importJwksCache(state));
  }
}

/**
 * Verifies Amazon Cognito user pool tokens with WebCrypto (`node:crypto` in Node.js): signature
 * (RS256, keys from the pool's JWKS, cached), then issuer, expiry, `token_use`, client ID, and the
 * optional checks. One pool, or several given as an array.
 * @template [Cfg=CognitoJwtVerifierProperties]
 * @extends {Verifier<Cfg>}
 */
export class CognitoJwtVerifier extends Verifier {
  /**
   * One user pool. Throws `ParameterValidationError` on invalid options.
   * @template {CognitoJwtVerifierProperties} T
   * @overload
   * @param {NoExtra<T, CognitoJwtVerifierProperties>} options
   * @returns {CognitoJwtVerifier<T>}
   */
  /**
   * Several user pools: the token's `iss` selects the pool.
   * @template {readonly CognitoJwtVerifierProperties[]} Pools
   * @overload
   * @param {Pools & { readonly [I in keyof Pools]: NoExtra<Pools[I], CognitoJwtVerifierProperties> }} options
   * @returns {CognitoJwtVerifier<Pools[number]>}
   */
  /**
   * @param {CognitoJwtVerifierProperties | readonly CognitoJwtVerifierProperties[]} options
   * @returns {CognitoJwtVerifier<any>}
   */
  static create(options) {
    return new CognitoJwtVerifier(wasmCall(() => RawVerifier.cognito(options)), options);
  }
}

/**
 * Verifies JWTs of any OIDC issuer (e.g. an upstream identity provider) with WebCrypto.
 * @extends {Verifier<GenericConfig>}
 */
export class JwtVerifier extends Verifier {
  /**
   * One issuer, or several (the token's `iss` selects one). Throws `ParameterValidationError`.
   * @param {JwtVerifierProperties | readonly JwtVerifierProperties[]} options
   * @returns {JwtVerifier}
   */
  static create(options) {
    return new JwtVerifier(wasmCall(() => RawVerifier.generic(options)), options);
  }
}

export { errorCatalog };

/** `fetchWithin` reading the body as text: `{ status, body }`, or a rejection with `failure()`
 * when the exchange failed or timed out (the sign-in clients' calls to Cognito's endpoints).
 * @param {(url: any, init: any) => Promise<Response>} fetchFn
 * @param {string} url
 * @param {RequestInit} init
 * @param {number} ms
 * @param {() => unknown} failure
 * @returns {Promise<{ status: number, body: string }>} */
export function fetchText(fetchFn, url, init, ms, failure) {
  return fetchWithin(fetchFn, url, init, ms, async (response) => ({ status: response.status, body: await response.text() })).catch(() => {
    throw failure();
  });
}

/** The verifier of a sign-in client's user pool: either token use, the client's ID, the options'
 * `jwksUri` and `verifierOptions`.
 * @param {{ userPoolId: string, clientId: string, jwksUri?: string, verifierOptions?: object }} options
 * @returns {CognitoJwtVerifier<CognitoJwtVerifierProperties & { tokenUse: null, clientId: string }>} */
export function poolVerifier({ userPoolId, clientId, jwksUri, verifierOptions }) {
  return CognitoJwtVerifier.create({
    userPoolId,
    clientId,
    tokenUse: null,
    ...(jwksUri === undefined ? {} : { jwksUri }),
    ...verifierOptions,
  });
}
