// CognitoAuth: sign-in for SPAs (authorization code + PKCE against the Cognito hosted UI / managed
// login). The wasm core (RawAuth) makes every protocol decision (URLs, callback and state checks,
// token bodies and responses, nonce/at_hash, refresh decision, rotation-aware merge, userInfo,
// IdP tokens); this file owns storage, cross-tab coordination (Web Locks + BroadcastChannel),
// fetch and navigation. Tokens are verified with the package's own verifiers.
// @ts-check
import { RawAuth, isApiIssued, requireScopes } from "./cognito_wasm.js";
import { JwtVerifier, fetchText, fromWasmError, invalidOptions, poolVerifier, wasmCall } from "./verifier.js";
/** @import { CognitoAccessTokenPayload, CognitoIdTokenPayload, Json, JwtHeader, JwtPayload } from "./types.js" */
/** @import { CognitoJwtVerifierProperties, FetchFunction } from "./verifier.js" */

/**
 * Where the session is kept. `"session"` (default): sessionStorage, this tab only, gone when the
 * tab closes. `"local"`: localStorage, shared by every tab of the origin (one refresh for all,
 * Web Locks + BroadcastChannel). `"memory"`: this page only. Or an adapter (may be async;
 * `shared: true` turns on the cross-tab coordination).
 * @typedef {"memory" | "session" | "local" | {
 *   getItem(key: string): string | null | Promise<string | null>;
 *   setItem(key: string, value: string): void | Promise<void>;
 *   removeItem(key: string): void | Promise<void>;
 *   shared?: boolean;
 * }} AuthStorage
 */

/**
 * @typedef {object} CognitoAuthOptions
 * @property {string} userPoolId
 * @property {string} clientId
 * @property {string} domain Hosted UI base URL, e.g. `https://myapp.auth.us-east-1.amazoncognito.com` (`https://` added when missing).
 * @property {string} redirectUri Must equal one of the app client's callback URLs.
 * @property {string} [logoutUri] One of the app client's sign-out URLs (needed by `signOut`).
 * @property {string[]} [scopes] Requested scopes. Default `["openid"]`; `[]` sends no `scope` (every scope the client allows).
 * @property {AuthStorage} [storage] Default `"session"`.
 * @property {AuthStorage} [transactionStorage] Where the PKCE transaction waits for the callback. Default sessionStorage (this tab).
 * @property {number} [refreshMarginSeconds] Refresh when the access token expires within this many seconds (default: docs/verifier-api.md, "Defaults of the other APIs").
 * @property {string} [jwksUri] JWKS URL override for the verifier (e.g. a local emulator).
 * @property {Omit<CognitoJwtVerifierProperties, "userPoolId" | "clientId" | "tokenUse">} [verifierOptions] More options for the token verifier (`graceSeconds`, `fetch`, ...).
 * @property {string} [apiEndpoint] The user-pool API endpoint for `signOut({ global: true })`. Default `https://cognito-idp.{region}.amazonaws.com/`.
 * @property {FetchFunction} [fetch] Default `globalThis.fetch`.
 * @property {(url: string) => void} [navigate] Default `location.assign`.
 */

/**
 * @typedef {object} SignInOptions
 * @property {string} [identityProvider] `COGNITO` or an IdP name; exclusive with `idpIdentifier`.
 * @property {string} [idpIdentifier] An IdP identifier (e.g. an email domain); exclusive with `identityProvider`.
 * @property {string} [lang]
 * @property {string} [loginHint]
 * @property {"none" | "login" | "select_account" | "consent"} [prompt]
 * @property {string} [customState] Returned by `handleRedirectCallback` (kept in this tab, never sent to Cognito).
 */

/**
 * @typedef {object} CognitoSession
 * @property {string} [idToken]
 * @property {string} accessToken
 * @property {string} [refreshToken]
 * @property {number} expiresAt Epoch seconds (from `expires_in`).
 * @property {CognitoIdTokenPayload} [idTokenPayload]
 * @property {CognitoAccessTokenPayload} accessTokenPayload
 */

/**
 * @typedef {object} IdpToken
 * @property {string} token
 * @property {boolean} truncated At Cognito's 2,048-character attribute limit, or JWT-shaped but not decodable.
 * @property {JwtHeader} [header]
 * @property {JwtPayload} [payload]
 * @property {number} [expiresAt]
 * @property {boolean} [expired]
 * @property {JwtPayload} [verifiedPayload] Set by `idpTokens({ verify })` once the IdP ID token verified against its configured issuer.
 * @property {IdpUnverifiedReason} [unverifiedReason] Set by `idpTokens({ verify })` when the IdP ID token was not verified, and why.
 */

/**
 * Why `idpTokens({ verify })` left the IdP ID token unverified.
 * @typedef {"not-verifiable" | "not-federated" | "provider-not-configured" | "issuer-not-configured"} IdpUnverifiedReason
 */

/**
 * One upstream IdP as `idpTokens({ verify })` trusts it.
 * @typedef {object} IdpProviderConfig
 * @property {string} issuer The IdP's issuer; its discovery document gives the JWKS URI unless `jwksUri` is set.
 * @property {string | string[] | null} audience The Cognito user pool's client ID at the IdP (`null`: not checked).
 * @property {string} [jwksUri]
 */

/** @typedef {"signedIn" | "refreshed" | "sessionExpired" | "signedOut"} CognitoAuthEvent */

/** Runs `fn`, rethrowing a wasm core error as its class.
 * @template T
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>} */
async function authTry(fn) {
  try {
    return await fn();
  } catch (error) {
    throw fromWasmError(error);
  }
}

/** A Storage-like map that lives as long as the page. */
function memoryStorage() {
  /** @type {Map<string, string>} */
  const map = new Map();
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  };
}

/** @type {Record<string, (() => any) | undefined>} */
const builtInStorage = {
  memory: memoryStorage,
  session: () => globalThis.sessionStorage,
  local: () => globalThis.localStorage,
};

/** `"memory" | "session" | "local" | adapter` → { store, shared }; an unknown name, a storage
 * this runtime lacks (sessionStorage in Node.js) or an incomplete adapter is refused.
 * @param {AuthStorage} storage
 * @returns {{ store: any, shared: boolean }} */
function resolveStorage(storage) {
  const store = typeof storage === "string" ? builtInStorage[storage]?.() : storage;
  if (store && ["getItem", "setItem", "removeItem"].every((m) => typeof store[m] === "function")) {
    return { store, shared: storage === "local" || store.shared === true };
  }
  throw invalidOptions('storage must be "memory", "session" or "local" (available in this runtime), or {getItem, setItem, removeItem}');
}

const nowSeconds = () => Date.now() / 1000;

/** JSON.parse, or `{}` for anything unreadable (storage is not trusted to hold what we wrote).
 * @param {string | null} text
 * @returns {any} */
function parseStored(text) {
  try {
    const value = JSON.parse(/** @type {string} */ (text));
    return value !== null && typeof value === "object" ? value : {};
  } catch {
    return {};
  }
}
const formHeaders = { "content-type": "application/x-www-form-urlencoded" };
/** How long a request to the hosted UI's endpoints may take before it fails as a network error. */
const FETCH_TIMEOUT_MS = 10_000;

/** Sign-in for single-page apps against a Cognito user pool's hosted UI. */
export class CognitoAuth {
  #raw;
  #options;
  #store;
  #shared;
  #txStore;
  #key;
  #txKey;
  #verifier;
  #idpVerifiers = new Map();
  #listeners = new Map();
  #channel;
  /** The last session another tab announced (shared storage only). */
  #announced = null;
  #refreshing = null;

  /**
   * Use `CognitoAuth.create`.
   * @private
   * @param {RawAuth} raw
   * @param {CognitoAuthOptions} options
   */
  constructor(raw, options) {
    if (!(raw instanceof RawAuth)) throw new TypeError("use the static create() method");
    this.#raw = raw;
    this.#options = options;
    const storage = resolveStorage(options.storage ?? "session");
    this.#store = storage.store;
    this.#shared = storage.shared;
    this.#txStore = options.transactionStorage
      ? resolveStorage(options.transactionStorage).store
      : (globalThis.sessionStorage ?? this.#store);
    const prefix = `cognito-wasm.${options.clientId}`;
    this.#key = `${prefix}.session`;
    this.#txKey = `${prefix}.transaction`;
    this.#verifier = poolVerifier(options);
    if (this.#shared && typeof BroadcastChannel === "function") {
      this.#channel = new BroadcastChannel(`${prefix}.events`);
      this.#channel.onmessage = ({ data }) => {
        this.#announced = typeof data?.session === "string" ? data.session : null;
        this.#emit(data?.type, false);
      };
    }
  }

  /**
   * @param {CognitoAuthOptions} options
   * @returns {CognitoAuth}
   */
  static create(options) {
    const { domain, clientId, redirectUri, logoutUri, scopes } = options ?? {};
    const raw = RawAuth.create({ domain, clientId, redirectUri, logoutUri, scopes });
    return new CognitoAuth(raw, options);
  }

  /** Resolves to `{ status, body }` (the body read as text). */
  #fetch(url, init) {
    const fetchFn = this.#options.fetch ?? globalThis.fetch;
    // A hanging endpoint must not hang getSession (and hold the refresh lock of every tab): the
    // exchange, body included, times out after FETCH_TIMEOUT_MS.
    return fetchText(fetchFn, url, init, FETCH_TIMEOUT_MS, () => RawAuth.networkError());
  }

  #post(path, body) {
    return this.#fetch(this.#raw.endpoint(path), { method: "POST", headers: formHeaders, body });
  }

  /** Listens to "signedIn" | "refreshed" | "sessionExpired" | "signedOut" (also from other tabs
   * with shared storage). Returns a function that removes the listener.
   * @param {CognitoAuthEvent} type
   * @param {(event: { type: CognitoAuthEvent }) => void} listener
   * @returns {() => void} */
  on(type, listener) {
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type).add(listener);
    return () => this.#listeners.get(type).delete(listener);
  }

  #emit(type, broadcast = true, session) {
    for (const listener of this.#listeners.get(type) ?? []) listener({ type });
    if (broadcast) this.#channel?.postMessage({ type, session });
  }

  /** Stores a new PKCE transaction and returns the authorize URL (no navigation).
   * @param {SignInOptions} [options]
   * @returns {Promise<string>} */
  async buildSignInUrl(options = {}) {
    const { customState, ...params } = options;
    return authTry(async () => {
      const { url, transaction } = this.#raw.signIn(params);
      await this.#txStore.setItem(this.#txKey, JSON.stringify({ transaction, customState }));
      return url;
    });
  }

  /** Stores a new PKCE transaction and navigates to the hosted UI.
   * @param {SignInOptions} [options]
   * @returns {Promise<void>} */
  async signInWithRedirect(options) {
    const url = await this.buildSignInUrl(options);
    this.#navigate(url);
  }

  #navigate(url) {
    (this.#options.navigate ?? ((to) => globalThis.location.assign(to)))(url);
  }

  /**
   * Completes the sign-in from the callback URL (default: the current location). Code and state
   * leave the address bar; nothing is stored unless every check passes. The pending transaction is
   * spent by any callback that carries its state, whatever happens next; a callback with a missing
   * or foreign state (anyone can send a browser to the redirect URI) is refused before anything
   * else is read and leaves the transaction in place for the real one.
   * @param {string} [url]
   * @returns {Promise<{ session: CognitoSession; customState?: string }>}
   */
  async handleRedirectCallback(url = globalThis.location?.href) {
    const saved = await this.#txStore.getItem(this.#txKey);
    if (globalThis.location?.href === url && globalThis.history) {
      globalThis.history.replaceState(globalThis.history.state, "", RawAuth.stripCallback(url));
    }
    const { transaction = "", customState } = parseStored(saved);
    return authTry(async () => {
      let body;
      try {
        body = this.#raw.callback(String(url), String(transaction));
      } catch (error) {
        if (error?.code !== "ERR_AUTH_STATE_MISMATCH") await this.#txStore.removeItem(this.#txKey);
        throw error;
      }
      await this.#txStore.removeItem(this.#txKey);
      const response = await this.#post("/oauth2/token", body);
      const text = RawAuth.session(response.status, response.body, undefined, nowSeconds());
      const session = await this.#open(text, transaction);
      await this.#store.setItem(this.#key, text);
      this.#emit("signedIn");
      return { session, customState };
    });
  }

  /** True when `url` (default: the current location) carries a hosted-UI callback.
   * @param {string} [url]
   * @returns {boolean} */
  static isCallback(url = globalThis.location?.href) {
    return RawAuth.isCallback(String(url));
  }

  /** Verifies the stored tokens (and checks at_hash/nonce); returns the session object. */
  async #open(text, transaction) {
    const { idToken, accessToken, refreshToken, expiresAt } = JSON.parse(text);
    const accessTokenPayload = await this.#verifier.verify(accessToken, { tokenUse: "access" });
    const idTokenPayload = idToken === undefined ? undefined : await this.#verifier.verify(idToken, { tokenUse: "id" });
    if (idToken !== undefined) RawAuth.checkIdToken(idToken, accessToken, transaction);
    return { idToken, accessToken, refreshToken, expiresAt, idTokenPayload, accessTokenPayload };
  }

  /**
   * The current session (tokens and verified payloads), refreshed first when it expires within
   * `refreshMarginSeconds` or when `forceRefresh`; `null` when signed out.
   * @param {{ forceRefresh?: boolean }} [options]
   * @returns {Promise<CognitoSession | null>}
   */
  async getSession({ forceRefresh = false } = {}) {
    return authTry(async () => {
      let text = await this.#store.getItem(this.#key);
      if (!text) return null;
      const margin = this.#options.refreshMarginSeconds ?? 60;
      if (forceRefresh || RawAuth.refreshDue(text, nowSeconds(), margin)) {
        this.#refreshing ??= this.#locked((waited) => this.#refresh(text, forceRefresh, margin, waited)).finally(() => {
          this.#refreshing = null;
        });
        text = await this.#refreshing;
        if (!text) return null;
      }
      return this.#open(text);
    });
  }

  /**
   * Runs `fn(waited)` under the cross-tab Web Lock when storage is shared (else only in this tab);
   * `waited` is true when another tab held the lock first.
   */
  #locked(fn) {
    const locks = globalThis.navigator?.locks;
    if (!this.#shared || typeof locks?.request !== "function") return fn(false);
    const name = `${this.#key}.refresh`;
    return locks.request(name, { ifAvailable: true }, (lock) => (lock ? fn(false) : locks.request(name, () => fn(true))));
  }

  /**
   * A session that another tab refreshed since this one read `seen`: from storage, or from that
   * tab's announcement. After waiting for the lock, this polls for up to a second, because a
   * localStorage write reaches other tabs asynchronously (Chromium keeps a cache per renderer).
   */
  async #othersResult(seen, margin, waited) {
    const deadline = Date.now() + (waited ? 1000 : 0);
    for (;;) {
      for (const text of [await this.#store.getItem(this.#key), this.#announced]) {
        if (text && text !== seen && !RawAuth.refreshDue(text, nowSeconds(), margin)) return text;
      }
      if (Date.now() >= deadline) return null;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async #refresh(seen, force, margin, waited) {
    const fresh = await this.#othersResult(seen, margin, waited);
    if (fresh) return fresh;
    const current = await this.#store.getItem(this.#key);
    if (!current) return null;
    if (!force && !RawAuth.refreshDue(current, nowSeconds(), margin)) return current;
    const { refreshToken } = parseStored(current);
    if (!refreshToken) {
      await this.#store.removeItem(this.#key);
      this.#emit("sessionExpired");
      return null;
    }
    const response = await this.#post("/oauth2/token", this.#raw.refreshBody(refreshToken));
    let text;
    try {
      text = RawAuth.session(response.status, response.body, current, nowSeconds());
    } catch (error) {
      if (error?.code === "ERR_AUTH_INVALID_GRANT") {
        await this.#store.removeItem(this.#key);
        this.#emit("sessionExpired");
      }
      throw error;
    }
    await this.#open(text);
    await this.#store.setItem(this.#key, text);
    this.#emit("refreshed", true, text);
    return text;
  }

  /**
   * Signs out: revokes the refresh token (`revoke`, default true), optionally signs out every
   * session of the user (`global`: GlobalSignOut on the user-pool API), clears storage, then
   * navigates to Cognito's `/logout`. Resolves to the logout URL.
   * @param {{ revoke?: boolean; global?: boolean }} [options]
   * @returns {Promise<string>}
   */
  async signOut({ revoke = true, global = false } = {}) {
    const url = await authTry(async () => this.#raw.logoutUrl());
    const text = await this.#store.getItem(this.#key);
    const { accessToken, refreshToken } = parseStored(text);
    if (global && accessToken) {
      const region = String(this.#options.userPoolId).split("_")[0];
      const endpoint = this.#options.apiEndpoint ?? `https://cognito-idp.${region}.amazonaws.com/`;
      await this.#fetch(endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": "AWSCognitoIdentityProviderService.GlobalSignOut",
        },
        body: JSON.stringify({ AccessToken: accessToken }),
      }).catch(() => {});
    }
    if (revoke && refreshToken) await this.#post("/oauth2/revoke", this.#raw.revokeBody(refreshToken)).catch(() => {});
    await this.#store.removeItem(this.#key);
    this.#emit("signedOut");
    this.#navigate(url);
    return url;
  }

  /** `/oauth2/userInfo` for the current session: `{ attributes, raw }` (booleans normalised in
   * `attributes`, Cognito's strings in `raw`), or `null` when signed out.
   * @returns {Promise<{ attributes: Record<string, Json>; raw: Record<string, Json> } | null>} */
  async fetchUserInfo() {
    const session = await this.getSession();
    if (!session) return null;
    return authTry(async () => {
      const response = await this.#fetch(this.#raw.endpoint("/oauth2/userInfo"), {
        headers: { authorization: `Bearer ${session.accessToken}` },
      });
      const booleans = RawAuth.userInfo(response.status, response.body);
      const raw = JSON.parse(response.body);
      return { attributes: { ...raw, ...booleans }, raw };
    });
  }

  /**
   * The upstream IdP's tokens that attribute mapping copied into `custom:id_token` /
   * `custom:access_token`. With `verify: { providers: { [idpName]: { issuer, audience, jwksUri? } } }`
   * the IdP ID token is verified against the configuration of the IdP the Cognito ID token's
   * `identities` names, and only when the token's `iss` is that configured issuer; otherwise
   * `unverifiedReason` says why (the token never chooses what it is checked against). `null` when
   * signed out.
   * @param {{ verify?: false | { providers: Record<string, IdpProviderConfig> } }} [options]
   * @returns {Promise<{ idToken?: IdpToken; accessToken?: IdpToken } | null>}
   */
  async idpTokens({ verify = false } = {}) {
    const session = await this.getSession();
    if (!session?.idToken) return null;
    return authTry(async () => {
      const tokens = RawAuth.idpTokens(/** @type {string} */ (session.idToken), nowSeconds());
      const id = tokens.idToken;
      if (verify && id) {
        const providers = Object.entries(verify.providers ?? {});
        const identities = (session.idTokenPayload?.identities ?? []).map((i) => String(i?.providerName));
        const chosen = RawAuth.idpProvider(
          Boolean(id.payload) && !id.truncated,
          typeof id.payload?.iss === "string" ? id.payload.iss : undefined,
          identities,
          providers.map(([name]) => name),
          providers.map(([, p]) => String(p.issuer)),
        );
        if (typeof chosen === "string") {
          id.unverifiedReason = chosen;
        } else {
          const [name, { issuer, audience, jwksUri }] = providers[chosen];
          // keyed by the whole configuration: another call may configure the same name otherwise
          const key = JSON.stringify([name, issuer, audience, jwksUri]);
          if (!this.#idpVerifiers.has(key)) this.#idpVerifiers.set(key, JwtVerifier.create({ issuer, audience, jwksUri }));
          id.verifiedPayload = await this.#idpVerifiers.get(key).verify(id.token);
        }
      }
      return tokens;
    });
  }
}

/** True when an access token (its payload or its `scope`) comes from InitiateAuth /
 * AdminInitiateAuth: its scope has `aws.cognito.signin.user.admin` and no `openid` (exactly that
 * one scope, plus any a V2 pre-token-generation trigger added).
 * @param {{ scope?: string } | string} payloadOrScope
 * @returns {boolean} */
export function isApiIssuedAccessToken(payloadOrScope) {
  const scope = typeof payloadOrScope === "string" ? payloadOrScope : payloadOrScope?.scope;
  return typeof scope === "string" && isApiIssued(scope);
}

/** Throws unless the access token payload has every required scope; an API-issued token gets
 * ApiIssuedTokenScopeError, which explains that only the OAuth endpoints or a V2 trigger add them.
 * @param {{ scope?: string }} payload
 * @param {string | string[]} required
 * @returns {void} */
export function assertScopes(payload, required) {
  wasmCall(() => requireScopes(payload?.scope, /** @type {string[]} */ ([]).concat(required)));
}
