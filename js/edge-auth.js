// Sign-in at the edge (backend-for-frontend, issue 14): a fetch-style handler that runs the
// hosted-UI code flow as a (possibly confidential) client, keeps the tokens in AES-GCM-sealed
// HttpOnly cookies and hands the origin verified claims in headers. The protocol decisions are
// the SPA client's (RawAuth in the wasm core: URLs, state/nonce/PKCE, token bodies, the
// rotation-aware merge, the refresh decision, nonce and at_hash); the cookie framing and chunking
// is the core's too (src/protocol/edge/edge_session.rs). This file owns WebCrypto, cookies, the
// in-isolate refresh coordination and the Requests and Responses.
// @ts-check
import { RawAuth, TokenCache, edgeSessionChunks, edgeSessionCookies, edgeSessionFramed, edgeSessionStrip, edgeSessionUnframe } from "./cognito_wasm.js";
import { persistJwksCache } from "./edge.js";
import { EdgeAuthError } from "./errors.js";
import { fetchText, fromWasmError, invalidOptions, jwksGeneration, poolVerifier, throughCache, wasmCall } from "./verifier.js";
/** @import { JwksCacheStore } from "./edge.js" */
/** @import { CognitoJwtVerifier } from "./verifier.js" */

/**
 * @typedef {object} EdgeAuthCookieOptions
 * @property {string | string[]} secret At least 32 characters; an array rotates: the first seals, every one opens (a cookie
 * sealed with an older one is sealed again with the first on its next request).
 * @property {string} [name] Default `"__Host-session"` (`"__Secure-session"` with `domain`); the chunks are
 * `<name>.0`, `<name>.1`, … and the sign-in transaction is `<name>-tx.0`.
 * @property {string} [domain] Omitted (default): a host-only cookie.
 * @property {"Lax" | "Strict"} [sameSite] Default `"Lax"`. `"Strict"`: the callback answers with a page that navigates on.
 * @property {number} [maxAgeSeconds] Max-Age of the session cookies; omitted (default): they end with the browser session.
 */

/**
 * @template [Env=unknown]
 * @typedef {object} EdgeAuthOptions
 * @property {string} userPoolId
 * @property {string} clientId
 * @property {string} [clientSecret] A confidential client's secret (sent as `client_secret_basic`).
 * @property {string} domain The hosted UI / managed login domain (`https://` added when missing).
 * @property {string} [redirectPath] The callback path, registered as `<origin><redirectPath>` in the app client (default `"/auth/callback"`).
 * @property {string} [logoutPath] Signs out: clears the cookies, revokes the refresh token, redirects to Cognito `/logout` (default `"/auth/logout"`).
 * @property {string} [signedOutPath] Where Cognito sends the browser after `/logout`, registered as `<origin><signedOutPath>` (default `"/"`).
 * @property {EdgeAuthCookieOptions} cookie
 * @property {string[]} [scopes] Default `["openid"]`.
 * @property {Array<string | RegExp | ((path: string) => boolean)>} protect Paths that need a session: `"/exact"`, `"/prefix/*"`, a RegExp or a predicate of the path.
 * @property {Record<string, string>} [claimHeaders] `{header: claim}`: verified claims the origin receives (access token first, then ID token);
 * default `{"x-auth-sub": "sub", "x-auth-username": "username", "x-auth-groups": "cognito:groups"}`.
 * Arrays are comma-joined; a value with anything but printable ASCII (or a `%`) is percent-encoded.
 * The client's own copies of these headers are always removed.
 * @property {{ accessToken?: string; idToken?: string }} [tokenHeaders] Opt-in: the raw tokens for the origin, e.g. `{accessToken: "authorization-token"}` (removed from client requests too).
 * @property {string[]} [allowedOrigins] Origins besides the request's own allowed to make state-changing requests to protected paths.
 * @property {number} [refreshMarginSeconds] Refresh when the session expires within this many seconds (default: docs/verifier-api.md, "Defaults of the other APIs").
 * @property {(request: Request, env: Env, ctx: unknown) => Response | Promise<Response>} [origin] Where passed requests go (default `fetch(request)`).
 * @property {string} [jwksUri]
 * @property {Record<string, unknown>} [verifierOptions]
 * @property {JwksCacheStore} [jwksStore] Keeps the verifier's JWKS cache across isolates (`kvJwksStore(env.KV)`, `cacheApiJwksStore`,
 * any `{get, put}`): loaded once per isolate, saved through `ctx.waitUntil` when it changed.
 * @property {typeof fetch} [fetch] `fetch` for the token and revoke endpoints (default `globalThis.fetch`).
 */

/**
 * What the handler of `createEdgeAuth` carries besides being a function.
 * @typedef {object} EdgeAuthHandlerProperties
 * @property {CognitoJwtVerifier | undefined} verifier The gateway's verifier (e.g. for `persistJwksCache`); `undefined` until built (a factory
 * of `env` builds it on the first request).
 */

/**
 * A module worker's `fetch`: answers sign-in, callback, sign-out and refusals (by `Accept`: HTML
 * or JSON `{error: "ERR_…", message}`), and passes everything else to `origin`.
 * @template [Env=unknown]
 * @typedef {((request: Request, env: Env, ctx?: unknown) => Promise<Response>) & Readonly<EdgeAuthHandlerProperties>} EdgeAuthHandler
 */

/** Seconds a sign-in may take between the redirect to the hosted UI and the callback (600).
 * @type {number} */
export const EDGE_AUTH_TRANSACTION_SECONDS = 600;

const EDGE_FETCH_TIMEOUT_MS = 10_000;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** Sessions whose refresh result is shared (in flight, then for RECENT_MS). */
const MAX_REFRESHES = 1000;
const RECENT_MS = 30_000;
const MAX_RAW = 16;
/** Opened session cookies kept per isolate (keyed by the whole Cookie header), by count and bytes. */
const MAX_OPENED = 1000;
const MAX_OPENED_BYTES = 8 * 1024 * 1024;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const COOKIE_NAME = /^[!#$%&'*+^_`|~0-9A-Za-z-]+$/;
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();
const epochSeconds = () => Date.now() / 1000;

/** @param {string} message */
const optionsError = (message) => invalidOptions(`createEdgeAuth: ${message}`);

/** @param {EdgeAuthError["code"]} code @param {string} message @param {number} status */
function edgeError(code, message, status) {
  const error = new EdgeAuthError(message);
  /** @type {any} */ (error).code = code;
  /** @type {any} */ (error).status = status;
  return error;
}

/** @param {Uint8Array} bytes */
const base64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const randomId = () => base64url(globalThis.crypto.getRandomValues(new Uint8Array(16)));

// ---------------------------------------------------------------------------------------------
// Sealing: AES-256-GCM under keys derived from the cookie secrets with HKDF-SHA-256, one key per
// purpose (session, transaction). A key's version (the `v<n>` of the cookie frame) is derived from
// its secret too, so a cookie names the secret that sealed it whatever the order of the list.

const SALT = utf8Encoder.encode("cognito-wasm/edge-auth/v1");

async function deriveKeys(secret) {
  const subtle = globalThis.crypto.subtle;
  const ikm = await subtle.importKey("raw", utf8Encoder.encode(secret), "HKDF", false, ["deriveKey", "deriveBits"]);
  const hkdf = (info) => ({ name: "HKDF", hash: "SHA-256", salt: SALT, info: utf8Encoder.encode(info) });
  const aes = (info) => subtle.deriveKey(hkdf(info), ikm, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  const id = new DataView(await subtle.deriveBits(hkdf("key-version"), ikm, 32)).getUint32(0);
  return { version: id, session: await aes("session"), transaction: await aes("transaction") };
}

/** Seals `value` (JSON) for `purpose`, bound to the cookie `name`: `{version, sealed}`. */
async function seal(keys, purpose, name, value) {
  const { version } = keys[0];
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const data = utf8Encoder.encode(JSON.stringify(value));
  const cipher = new Uint8Array(
    await globalThis.crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: utf8Encoder.encode(`${purpose}:${name}`) }, keys[0][purpose], data),
  );
  const sealed = new Uint8Array(12 + cipher.length);
  sealed.set(iv);
  sealed.set(cipher, 12);
  return { version, sealed };
}

/** `{value, current}`: the JSON object sealed in the cookie `name` of `cookieHeader`, and whether
 * the first secret sealed it; or `null` (absent, tampered, sealed with an unknown secret, or not
 * an object). */
function open(keys, purpose, name, cookieHeader) {
  return openFramed(keys, purpose, name, edgeSessionFramed(cookieHeader, name));
}

/** `open` of a framed value (`edgeSessionFramed`: the chunks of the cookie `name` joined). */
async function openFramed(keys, purpose, name, framed) {
  const read = framed === undefined ? undefined : edgeSessionUnframe(framed);
  if (read === undefined || read.sealed.length < 12 + 16) return null;
  // (two secrets whose 32-bit versions collide are both tried)
  for (const key of keys.filter((k) => k.version === read.version)) {
    try {
      const plain = await globalThis.crypto.subtle.decrypt(
        { name: "AES-GCM", iv: read.sealed.subarray(0, 12), additionalData: utf8Encoder.encode(`${purpose}:${name}`) },
        key[purpose],
        read.sealed.subarray(12),
      );
      const value = JSON.parse(utf8Decoder.decode(plain));
      return value !== null && typeof value === "object" ? { value, current: key === keys[0] } : null;
    } catch {
      // not this key (or not JSON): the next one, else no session
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Cookies

function setCookie(cfg, name, value, maxAge) {
  let text = `${name}=${value}; Path=/; Secure; HttpOnly; SameSite=${cfg.sameSite}`;
  if (cfg.domain !== undefined) text += `; Domain=${cfg.domain}`;
  if (maxAge !== undefined) text += `; Max-Age=${maxAge}`;
  return text;
}

/** Set-Cookie values that delete every chunk of `name` the request carried, from index `from`. */
function clearChunks(cfg, name, cookieHeader, from = 0) {
  return [...edgeSessionChunks(cookieHeader, name)].filter((i) => i >= from).map((i) => setCookie(cfg, `${name}.${i}`, "", 0));
}

/** The Set-Cookie values that store `value` sealed under `name` (chunked), and delete the
 * request's stale chunks of `name`. */
async function sealedCookies(cfg, keys, purpose, name, value, cookieHeader, maxAge) {
  const { version, sealed } = await seal(keys, purpose, name, value);
  const chunks = edgeSessionCookies(name, version, sealed);
  if (chunks === undefined) throw edgeError("ERR_EDGE_SESSION_TOO_LARGE", "the tokens do not fit in the session cookies", 500);
  return [...chunks.map(([n, v]) => setCookie(cfg, n, v, maxAge)), ...clearChunks(cfg, name, cookieHeader, chunks.length)];
}

// ---------------------------------------------------------------------------------------------
// Answers

/** The gateway's own pages run no script and load nothing. */
const HTML_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": "default-src 'none'",
  "x-content-type-options": "nosniff",
  // the callback's pages sit at a URL with the code and state: no Referer may carry them on
  "referrer-policy": "no-referrer",
};

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function wantsHtml(request) {
  return (request.headers.get("accept") ?? "").includes("text/html");
}

function isNavigation(request) {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  return request.headers.get("sec-fetch-mode") === "navigate" || wantsHtml(request);
}

function withCookies(headers, cookies) {
  for (const c of cookies) headers.append("set-cookie", c);
  return headers;
}

/** An error page or JSON (by `Accept`) for a coded error: its code and message, never a stack
 * (an uncoded failure is `ERR_EDGE_INTERNAL` with a fixed message). */
function errorAnswer(request, error, cookies = [], retry) {
  const coded = typeof error?.code === "string" && error.code.startsWith("ERR_");
  const code = coded ? error.code : "ERR_EDGE_INTERNAL";
  const message = coded && code !== "ERR_EDGE_INTERNAL" ? String(error.message) : "the sign-in gateway failed";
  // Cognito or its JWKS failing us is a bad gateway; anything else coded is the request's.
  const upstream = code === "ERR_AUTH_NETWORK" || code === "ERR_AUTH_INVALID_RESPONSE" || code.startsWith("ERR_FETCH");
  const status = error?.status ?? (upstream ? 502 : coded ? 400 : 500);
  const headers = withCookies(new Headers({ "cache-control": "no-store" }), cookies);
  if (wantsHtml(request)) {
    for (const [k, v] of Object.entries(HTML_HEADERS)) headers.set(k, v);
    const link = retry === undefined ? "" : `<p><a href="${escapeHtml(retry)}">Sign in again</a></p>`;
    const body = `<!doctype html><meta charset="utf-8"><title>Sign-in error</title><h1>Sign-in error</h1><p>${escapeHtml(message)}</p><p><code>${code}</code></p>${link}`;
    return new Response(body, { status, headers });
  }
  headers.set("content-type", "application/json");
  return new Response(JSON.stringify({ error: code, message }), { status, headers });
}

function redirect(location, cookies) {
  return new Response(null, { status: 302, headers: withCookies(new Headers({ location, "cache-control": "no-store", "referrer-policy": "no-referrer" }), cookies) });
}

// ---------------------------------------------------------------------------------------------
// Options

/** Whether `error` says Cognito or the JWKS could not be reached (not that the session is bad). */
const isOutage = (error) => error?.code === "ERR_AUTH_NETWORK" || error?.code?.startsWith("ERR_FETCH") === true;

function pathMatcher(protect) {
  if (!Array.isArray(protect) || protect.length === 0) throw optionsError("protect must be a non-empty array of paths (\"/app/*\"), RegExps or functions");
  const tests = protect.map((p) => {
    if (p instanceof RegExp) return (path) => p.test(path);
    if (typeof p === "function") return p;
    if (typeof p === "string" && p.startsWith("/")) {
      return p.endsWith("*") ? (path) => path.startsWith(p.slice(0, -1)) : (path) => path === p;
    }
    throw optionsError(`protect entry ${JSON.stringify(String(p))} is not a path, RegExp or function`);
  });
  return (path) => tests.some((t) => t(path));
}

function headerName(name, what) {
  if (typeof name !== "string" || !HEADER_NAME.test(name.toLowerCase())) throw optionsError(`${what}: ${JSON.stringify(String(name))} is not a header name`);
  return name.toLowerCase();
}

/** @param {any} options what `createEdgeAuth` was given (checked here) @returns {any} the options with their defaults */
function resolveOptions(options) {
  if (options === null || typeof options !== "object") throw optionsError("options must be an object");
  const { userPoolId, clientId, clientSecret, domain, cookie = {} } = options;
  for (const [k, v] of Object.entries({ userPoolId, clientId, domain })) {
    if (typeof v !== "string" || v === "") throw optionsError(`${k} must be a non-empty string`);
  }
  if (clientSecret !== undefined && (typeof clientSecret !== "string" || clientSecret === "")) throw optionsError("clientSecret must be a non-empty string");
  const secrets = [].concat(cookie.secret ?? []);
  if (secrets.length === 0 || secrets.some((s) => typeof s !== "string" || s.length < 32)) {
    throw optionsError("cookie.secret must be a string of at least 32 characters, or a non-empty array of them (the first seals, all open)");
  }
  const sameSite = cookie.sameSite ?? "Lax";
  if (sameSite !== "Lax" && sameSite !== "Strict") throw optionsError('cookie.sameSite must be "Lax" or "Strict"');
  const name = cookie.name ?? (cookie.domain === undefined ? "__Host-session" : "__Secure-session");
  if (!COOKIE_NAME.test(name)) throw optionsError("cookie.name must be a cookie name without dots");
  if (cookie.domain !== undefined && (typeof cookie.domain !== "string" || name.startsWith("__Host-"))) {
    throw optionsError("cookie.domain must be a string, and a __Host- cookie cannot have one");
  }
  const maxAge = cookie.maxAgeSeconds;
  if (maxAge !== undefined && !(Number.isSafeInteger(maxAge) && maxAge > 0)) throw optionsError("cookie.maxAgeSeconds must be a positive integer");
  const paths = {};
  for (const [k, fallback] of [["redirectPath", "/auth/callback"], ["logoutPath", "/auth/logout"], ["signedOutPath", "/"]]) {
    const v = options[k] ?? fallback;
    if (typeof v !== "string" || !v.startsWith("/") || v.startsWith("//")) throw optionsError(`${k} must be a path starting with one "/"`);
    paths[k] = v;
  }
  const claimHeaders = Object.entries(options.claimHeaders ?? { "x-auth-sub": "sub", "x-auth-username": "username", "x-auth-groups": "cognito:groups" }).map(
    ([header, claim]) => {
      if (typeof claim !== "string" || claim === "") throw optionsError(`claimHeaders.${header} must name a claim`);
      return [headerName(header, "claimHeaders"), claim];
    },
  );
  const tokenHeaders = Object.entries(options.tokenHeaders ?? {}).map(([token, header]) => {
    if (token !== "accessToken" && token !== "idToken") throw optionsError("tokenHeaders takes accessToken and idToken only");
    return [token, headerName(header, "tokenHeaders")];
  });
  const allowedOrigins = new Set(
    [].concat(options.allowedOrigins ?? []).map((o) => {
      try {
        return new URL(o).origin;
      } catch {
        throw optionsError(`allowedOrigins: ${JSON.stringify(String(o))} is not a URL`);
      }
    }),
  );
  const margin = options.refreshMarginSeconds ?? 60;
  if (!(Number.isFinite(margin) && margin >= 0)) throw optionsError("refreshMarginSeconds must be a number >= 0");
  const origin = options.origin ?? ((request) => globalThis.fetch(request));
  if (typeof origin !== "function") throw optionsError("origin must be a function (request, env, ctx) => Response");
  return {
    ...options,
    ...paths,
    scopes: options.scopes ?? ["openid"],
    cookie: { secrets, sameSite, name, txName: `${name}-tx`, domain: cookie.domain, maxAge },
    claimHeaders,
    tokenHeaders,
    allowedOrigins,
    margin,
    origin,
    isProtected: pathMatcher(options.protect),
  };
}

/** `path` percent-decoded (as sent when it does not decode). */
function decodedPath(path) {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** A claim value as a header value: printable ASCII without `%` as is, anything else
 * percent-encoded (UTF-8); arrays comma-joined, objects as JSON. */
function headerValue(value) {
  const text = Array.isArray(value) ? value.join(",") : typeof value === "object" ? JSON.stringify(value) : String(value);
  return /^[\x20-\x24\x26-\x7e]*$/.test(text) ? text : encodeURIComponent(text);
}

// ---------------------------------------------------------------------------------------------
// The gateway

class Gateway {
  #o;
  #keys;
  #raws = new Map();
  #verifier;
  #cache = new TokenCache(1000);
  #refreshes = new Map();
  #opened = new Map();
  #openedBytes = 0;
  #fetch;
  #jwks;
  #basic;
  #stripped;

  /** @param {EdgeAuthOptions<any>} options */
  constructor(options) {
    this.#o = resolveOptions(options);
    const o = this.#o;
    this.#keys = Promise.all(o.cookie.secrets.map(deriveKeys));
    this.#verifier = poolVerifier(o);
    this.#fetch = o.fetch ?? /** @type {typeof fetch} */ ((...args) => globalThis.fetch(...args));
    // The verifier's JWKS cache across isolates (kvJwksStore, cacheApiJwksStore, any {get, put}).
    this.#jwks = o.jwksStore === undefined ? undefined : persistJwksCache(this.#verifier, o.jwksStore);
    // client_secret_basic (RFC 6749 §2.3.1: both parts form-encoded); Cognito also reads client_id in the body
    this.#basic = o.clientSecret === undefined ? undefined : RawAuth.basicAuthorization(o.clientId, o.clientSecret);
    this.#stripped = [...o.claimHeaders.map(([h]) => h), ...o.tokenHeaders.map(([, h]) => h)];
    this.#raw("http://localhost"); // refuse a bad domain or scopes now, not on the first request
  }

  get verifier() {
    return this.#verifier;
  }

  /** Loads the JWKS snapshot once per isolate (before the first verification). */
  load() {
    return this.#jwks?.load();
  }

  /** Writes the JWKS snapshot back when it changed, after the answer (`ctx.waitUntil`). */
  save(ctx) {
    if (this.#jwks !== undefined && typeof ctx?.waitUntil === "function") ctx.waitUntil(this.#jwks.save().catch(() => {}));
  }

  /** The RawAuth of the origin a request came to (redirect and logout URIs are on it). */
  #raw(origin) {
    let raw = this.#raws.get(origin);
    if (raw === undefined) {
      const o = this.#o;
      raw = wasmCall(() => RawAuth.create({ domain: o.domain, clientId: o.clientId, redirectUri: origin + o.redirectPath, logoutUri: origin + o.signedOutPath, scopes: o.scopes }));
      if (this.#raws.size >= MAX_RAW) this.#raws.clear();
      this.#raws.set(origin, raw);
    }
    return raw;
  }

  async #post(raw, path, body) {
    const headers = { "content-type": "application/x-www-form-urlencoded" };
    if (this.#basic !== undefined) headers.authorization = this.#basic;
    return fetchText(this.#fetch, raw.endpoint(path), { method: "POST", headers, body }, EDGE_FETCH_TIMEOUT_MS, () => fromWasmError(RawAuth.networkError()));
  }

  /** Verifies an access token (through the verified-token cache). */
  #access(token) {
    return this.#cached(token, 1, async () => {
      const payload = await this.#verifier.verify(token);
      if (payload.token_use !== "access") throw edgeError("ERR_EDGE_UNAUTHENTICATED", "the session holds no access token", 401);
      return payload;
    });
  }

  #id(token) {
    return this.#cached(token, 2, () => this.#verifier.verify(token, { tokenUse: "id" }));
  }

  /** `verify()`'s payload for `token`, from the cache while the verifier's JWKS is the one it was
   * verified with (`kind`: 1 access, 2 ID token). */
  #cached(token, kind, verify) {
    return throughCache(this.#cache, token, kind, this.#verifier[jwksGeneration](), verify);
  }

  /** Verifies the tokens of a session JSON. When they are new (`fresh`: after the code exchange,
   * with its `transaction`, or a refresh) the ID token's `at_hash` (when present) is checked
   * too, and after the code exchange its `nonce`; a refresh that kept the old ID token
   * (`previousIdToken`) has no new one to check. */
  /** @param {string} text @param {{ fresh?: boolean, transaction?: string, previousIdToken?: string }} [options] */
  async #verify(text, { fresh = false, transaction, previousIdToken } = {}) {
    return this.#verifySession(JSON.parse(text), { fresh, transaction, previousIdToken });
  }

  /** #verify of a parsed session; on a request (not `fresh`) the ID token is verified only when a
   * claim header needs it (a claim the access token does not have). */
  /** @param {any} session @param {{ fresh?: boolean, transaction?: string, previousIdToken?: string }} [options] */
  async #verifySession(session, { fresh = false, transaction, previousIdToken } = {}) {
    const access = await this.#access(session.accessToken);
    const needsId = fresh || this.#o.claimHeaders.some(([, claim]) => access[claim] === undefined);
    const id = session.idToken === undefined || !needsId ? undefined : await this.#id(session.idToken);
    if (fresh && session.idToken !== undefined && session.idToken !== previousIdToken) {
      wasmCall(() => RawAuth.checkIdToken(session.idToken, session.accessToken, transaction));
    }
    return { session, access, id };
  }

  async handle(request, env, ctx) {
    const o = this.#o;
    const url = new URL(request.url);
    const path = url.pathname;
    const cookies = request.headers.get("cookie") ?? "";
    if (path === o.redirectPath) return this.#callback(request, url, cookies);
    if (path === o.logoutPath) return this.#logout(request, url, cookies);
    // Matched as sent and percent-decoded: an origin that decodes `/%61pp` as `/app` must not
    // be reached past the gateway.
    const guarded = o.isProtected(path) || o.isProtected(decodedPath(path));
    const from = request.headers.get("origin");
    const crossOrigin = !SAFE_METHODS.has(request.method) && from !== url.origin && !o.allowedOrigins.has(from);
    if (guarded && crossOrigin) {
      return errorAnswer(request, edgeError("ERR_EDGE_CSRF", "a state-changing request from another origin (or without Origin) is refused", 403));
    }
    const keys = await this.#keys;
    const state = await this.#session(keys, url, cookies, guarded);
    // A CORS preflight carries no cookies: it goes on to the origin without a session.
    if (state.signedIn === undefined && guarded && request.method !== "OPTIONS") return this.#signIn(request, url, cookies, keys, state.cookies);
    // The origin's request: our cookies out, forged claim headers out, verified claims in.
    const headers = new Headers(request.headers);
    for (const h of this.#stripped) headers.delete(h);
    const rest = edgeSessionStrip(cookies, o.cookie.name, o.cookie.txName);
    if (rest === "") headers.delete("cookie");
    else headers.set("cookie", rest);
    // a state-changing request from another origin reaches an unprotected path as anonymous
    const signedIn = crossOrigin ? undefined : state.signedIn;
    if (signedIn !== undefined) {
      for (const [header, claim] of o.claimHeaders) {
        const value = signedIn.access[claim] ?? signedIn.id?.[claim];
        if (value !== undefined && value !== null) headers.set(header, headerValue(value));
      }
      for (const [token, header] of o.tokenHeaders) {
        const value = signedIn.session[token];
        if (value !== undefined) headers.set(header, value);
      }
    }
    return { forward: new Request(request, { headers }), cookies: state.cookies };
  }

  /** The origin's response to `forward`, with `cookies` added (the origin's errors are its own).
   * A response that carries a session cookie is never stored by a shared cache (`no-store`); a
   * WebSocket upgrade is passed as it is (the cookies then follow on the next request). */
  async pass(env, ctx, { forward, cookies }) {
    const response = await this.#o.origin(forward, env, ctx);
    if (cookies.length === 0 || response.status === 101) return response;
    const out = new Response(response.body, response);
    withCookies(out.headers, cookies);
    out.headers.set("cache-control", "no-store");
    return out;
  }

  /**
   * The request's session: `{signedIn?: {session, access, id}, cookies}` (`cookies`: Set-Cookie
   * values for the response: a refreshed session, or the deletion of an unusable one). Anything
   * unusable (no cookie, tampered, an unknown secret, tokens that do not verify, a refresh token
   * Cognito refuses) is no session. Cognito or the JWKS unreachable (`isOutage`) is a throw
   * (a 502) on a `guarded` path; on a public one the visitor is anonymous for this request and
   * the session cookie is kept for when they are back.
   */
  async #session(keys, url, cookies, guarded) {
    const o = this.#o;
    const none = () => ({ cookies: clearChunks(o.cookie, o.cookie.name, cookies) });
    const outage = (/** @type {any} */ error) => {
      if (guarded) throw error;
      return { cookies: [] };
    };
    const opened = await this.#openSession(keys, cookies);
    const sealed = opened?.value;
    if (sealed === undefined || sealed.s === null || typeof sealed.s !== "object" || typeof sealed.sid !== "string") return none();
    let session = sealed.s;
    // Sealed with an older secret: sealed again with the first (so the old one can be retired).
    let set = opened.current ? [] : await sealedCookies(o.cookie, keys, "session", o.cookie.name, sealed, cookies, o.cookie.maxAge);
    // The core's refresh decision needs the expiry only (not the tokens: less to copy into wasm).
    const due = (margin) => RawAuth.refreshDueAt(session.expiresAt, epochSeconds(), margin);
    if (due(o.margin)) {
      let refreshed;
      try {
        refreshed = await this.#sharedRefresh(keys, url, sealed, JSON.stringify(session), cookies);
      } catch (error) {
        // Cognito unreachable: the current access token serves while it is still valid.
        if (error?.code !== "ERR_AUTH_NETWORK") throw error;
        if (due(0)) return outage(error);
      }
      if (refreshed === null) return none();
      if (refreshed !== undefined) {
        session = JSON.parse(refreshed.text);
        set = refreshed.cookies;
      }
    }
    try {
      return { signedIn: await this.#verifySession(session), cookies: set };
    } catch (error) {
      return isOutage(error) ? outage(error) : none();
    }
  }

  /** `open` of the session cookie, memoised by its framed value (its chunks joined, so other
   * cookies changing do not miss): AEAD gives one plaintext per ciphertext under a key, so a hit
   * is what decrypting again would give (frozen; the tokens in it are still verified, and the
   * refresh decided, on every request). Bounded LRU. */
  async #openSession(keys, cookies) {
    const name = this.#o.cookie.name;
    const framed = edgeSessionFramed(cookies, name);
    if (framed === undefined) return null;
    const hit = this.#opened.get(framed);
    if (hit !== undefined) {
      this.#opened.delete(framed);
      this.#opened.set(framed, hit);
      return hit;
    }
    const opened = await openFramed(keys, "session", name, framed);
    if (opened === null) return null;
    Object.freeze(opened.value.s);
    Object.freeze(opened.value);
    Object.freeze(opened);
    // UTF-16 key plus a plaintext of about the sealed size
    const bytes = framed.length * 3;
    if (bytes <= MAX_OPENED_BYTES) {
      // two requests of one session may both have missed: count the entry once
      if (!this.#opened.has(framed)) this.#openedBytes += bytes;
      this.#opened.set(framed, opened);
      for (const [k] of this.#opened) {
        if (this.#opened.size <= MAX_OPENED && this.#openedBytes <= MAX_OPENED_BYTES) break;
        this.#opened.delete(k);
        this.#openedBytes -= k.length * 3;
      }
    }
    return opened;
  }

  /** One refresh per session generation in this isolate: concurrent requests of a session (and
   * those that still carry its old cookie for RECENT_MS after) share its result, so a rotated
   * refresh token is spent once. Resolves to `{text, cookies}`, or `null` when Cognito refused
   * the refresh token. */
  #sharedRefresh(keys, url, sealed, text, cookies) {
    const key = `${sealed.sid}.${sealed.gen}`;
    const now = Date.now();
    let entry = this.#refreshes.get(key);
    if (entry !== undefined && entry.until < now) {
      this.#refreshes.delete(key);
      entry = undefined;
    }
    if (entry === undefined) {
      if (this.#refreshes.size >= MAX_REFRESHES) {
        // settled ones only: dropping one in flight would let a request spend its rotated token again
        for (const [k, e] of this.#refreshes) if (e.until < now || (e.until !== Infinity && this.#refreshes.size >= MAX_REFRESHES)) this.#refreshes.delete(k);
      }
      entry = { until: Infinity, promise: this.#refresh(keys, url, sealed, text, cookies) };
      this.#refreshes.set(key, entry);
      const settled = () => {
        entry.until = Date.now() + RECENT_MS;
      };
      entry.promise.then(settled, () => this.#refreshes.delete(key));
    }
    return entry.promise;
  }

  async #refresh(keys, url, sealed, text, cookies) {
    const o = this.#o;
    const { refreshToken } = sealed.s;
    if (typeof refreshToken !== "string") return null;
    const raw = this.#raw(url.origin);
    const response = await this.#post(raw, "/oauth2/token", raw.refreshBody(refreshToken));
    let next;
    try {
      next = RawAuth.session(response.status, response.body, text, epochSeconds());
    } catch (error) {
      if (error?.code === "ERR_AUTH_INVALID_GRANT") return null;
      throw fromWasmError(error);
    }
    await this.#verify(next, { fresh: true, previousIdToken: sealed.s.idToken });
    const value = { sid: sealed.sid, gen: (Number(sealed.gen) || 0) + 1, s: JSON.parse(next) };
    return { text: next, cookies: await sealedCookies(o.cookie, keys, "session", o.cookie.name, value, cookies, o.cookie.maxAge) };
  }

  async #signIn(request, url, cookies, keys, clear) {
    const o = this.#o;
    if (!isNavigation(request)) {
      return errorAnswer(request, edgeError("ERR_EDGE_UNAUTHENTICATED", "sign in first: this path needs a session", 401), clear);
    }
    const started = wasmCall(() => this.#raw(url.origin).signIn({}));
    const tx = { t: started.transaction, r: url.pathname + url.search, exp: epochSeconds() + EDGE_AUTH_TRANSACTION_SECONDS };
    // The transaction cookie is always SameSite=Lax: the callback is a cross-site navigation.
    const txCookies = await sealedCookies({ ...o.cookie, sameSite: "Lax" }, keys, "transaction", o.cookie.txName, tx, cookies, EDGE_AUTH_TRANSACTION_SECONDS);
    return redirect(started.url, [...clear, ...txCookies]);
  }

  async #callback(request, url, cookies) {
    const o = this.#o;
    if (request.method !== "GET") return new Response(null, { status: 405, headers: { allow: "GET" } });
    const keys = await this.#keys;
    const tx = (await open(keys, "transaction", o.cookie.txName, cookies))?.value ?? null;
    const live = tx !== null && typeof tx.t === "string" && Number(tx.exp) > epochSeconds();
    const transaction = live ? tx.t : "";
    const back = live && typeof tx.r === "string" && tx.r.startsWith("/") && !tx.r.startsWith("//") ? tx.r : "/";
    const clearTx = clearChunks({ ...o.cookie, sameSite: "Lax" }, o.cookie.txName, cookies);
    const raw = this.#raw(url.origin);
    let body;
    try {
      body = raw.callback(url.href, transaction);
    } catch (error) {
      // A foreign or missing state (anyone can send a browser here) leaves the pending sign-in alone.
      const e = fromWasmError(error);
      return errorAnswer(request, e, e.code === "ERR_AUTH_STATE_MISMATCH" ? [] : clearTx, back);
    }
    try {
      const response = await this.#post(raw, "/oauth2/token", body);
      const text = wasmCall(() => RawAuth.session(response.status, response.body, undefined, epochSeconds()));
      const { session } = await this.#verify(text, { fresh: true, transaction });
      const value = { sid: randomId(), gen: 0, s: session };
      const set = [...clearTx, ...(await sealedCookies(o.cookie, keys, "session", o.cookie.name, value, cookies, o.cookie.maxAge))];
      if (o.cookie.sameSite === "Strict") {
        // A redirect would still be part of the cross-site navigation that brought the browser
        // here, and a Strict cookie is not sent on it: navigate from a page of our own instead.
        const headers = withCookies(new Headers({ ...HTML_HEADERS, "cache-control": "no-store" }), set);
        const target = escapeHtml(back);
        return new Response(`<!doctype html><meta http-equiv="refresh" content="0;url=${target}"><a href="${target}">Continue</a>`, { headers });
      }
      return redirect(back, set);
    } catch (error) {
      return errorAnswer(request, error, clearTx, back);
    }
  }

  async #logout(request, url, cookies) {
    const o = this.#o;
    if (request.method === "POST") {
      const from = request.headers.get("origin");
      if (from !== url.origin && !o.allowedOrigins.has(from)) {
        return errorAnswer(request, edgeError("ERR_EDGE_CSRF", "a sign-out from another origin (or without Origin) is refused", 403));
      }
    } else if (request.method !== "GET") {
      return new Response(null, { status: 405, headers: { allow: "GET, POST" } });
    } else if (!["same-origin", "none", null].includes(request.headers.get("sec-fetch-site"))) {
      // a link from another site must not revoke the user's session
      return errorAnswer(request, edgeError("ERR_EDGE_CSRF", "a sign-out from another site is refused", 403));
    }
    const keys = await this.#keys;
    const sealed = (await open(keys, "session", o.cookie.name, cookies))?.value;
    const raw = this.#raw(url.origin);
    const refreshToken = sealed?.s?.refreshToken;
    if (typeof refreshToken === "string") await this.#post(raw, "/oauth2/revoke", raw.revokeBody(refreshToken)).catch(() => {});
    const clear = [...clearChunks(o.cookie, o.cookie.name, cookies), ...clearChunks({ ...o.cookie, sameSite: "Lax" }, o.cookie.txName, cookies)];
    return redirect(wasmCall(() => raw.logoutUrl()), clear);
  }
}

/**
 * The edge sign-in gateway (backend-for-frontend): `(request, env, ctx) => Promise<Response>`, a
 * module worker's `fetch`. It answers sign-in redirects, the callback, sign-out and refusals
 * itself, and passes every other request to `options.origin` (default `fetch(request)`) with the
 * verified claims in headers, the client's copies of those headers and its own cookies removed,
 * and adds the refreshed session's cookies to the origin's response. `options` may be a function
 * of `env` (called once per isolate, on the first request).
 * @template [Env=unknown]
 * @param {EdgeAuthOptions<Env> | ((env: Env) => EdgeAuthOptions<Env>)} options
 * @returns {EdgeAuthHandler<Env>}
 */
export function createEdgeAuth(options) {
  let gateway;
  let failed;
  const get = (env) => {
    if (failed !== undefined) throw failed;
    try {
      gateway ??= new Gateway(typeof options === "function" ? options(env) : options);
    } catch (error) {
      failed = error;
      throw error;
    }
    return gateway;
  };
  if (typeof options !== "function") get(undefined);
  /** @param {Request} request @param {Env} env @param {unknown} [ctx] */
  async function edgeAuth(request, env, ctx) {
    const g = get(env);
    let answer;
    try {
      await g.load();
      answer = await g.handle(request, env, ctx);
    } catch (error) {
      return errorAnswer(request, error);
    } finally {
      g.save(ctx);
    }
    return answer instanceof Response ? answer : g.pass(env, ctx, answer);
  }
  Object.defineProperty(edgeAuth, "verifier", { get: () => gateway?.verifier });
  return /** @type {EdgeAuthHandler<Env>} */ (/** @type {unknown} */ (edgeAuth));
}
