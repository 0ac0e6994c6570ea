// Types of cognito-wasm (hand-written; the package's only declaration file).
// Option and error names follow aws-jwt-verify where they overlap, so migrating is an import change.

// ---------------------------------------------------------------------------------------------
// JSON and JWT model

export type JsonPrimitive = string | number | boolean | null;
export type Json = JsonPrimitive | Json[] | JsonObject;
export interface JsonObject {
  [name: string]: Json;
}

/** A decoded JOSE header. */
export type JwtHeader = {
  alg?: string;
  kid?: string;
  typ?: string;
} & JsonObject;

/** A decoded JWT payload with the registered claims typed. */
export type JwtPayload = {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  scope?: string;
} & JsonObject;

/** A decoded JWT: header and payload. */
export interface Jwt {
  header: JwtHeader;
  payload: JwtPayload;
}

/** One entry of an ID token's `identities` claim (federated users). Cognito writes strings. */
export interface CognitoIdentity {
  userId: string;
  providerName: string;
  providerType: "Google" | "Facebook" | "LoginWithAmazon" | "SignInWithApple" | "OIDC" | "SAML" | (string & {});
  /** `null` for OIDC and social providers; the SAML entity ID for SAML. */
  issuer: string | null;
  /** `"true"` or `"false"` (a string, as Cognito writes it). */
  primary: string;
  /** Epoch milliseconds, as a string. */
  dateCreated: string;
}

/** Claims common to Cognito ID and access tokens. */
interface CognitoJwtFields {
  token_use: "id" | "access";
  sub: string;
  iss: string;
  exp: number;
  iat: number;
  auth_time: number;
  jti?: string;
  /** Present when token revocation is enabled and the session has a refresh token. */
  origin_jti?: string;
  event_id?: string;
  /** Present only when the user is in at least one group. */
  "cognito:groups"?: string[];
}

/** Payload of a Cognito ID token (`token_use: "id"`). */
export type CognitoIdTokenPayload = CognitoJwtFields & {
  token_use: "id";
  /** The app client ID. */
  aud: string;
  "cognito:username": string;
  at_hash?: string;
  nonce?: string;
  email?: string;
  email_verified?: boolean;
  phone_number?: string;
  phone_number_verified?: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
  middle_name?: string;
  nickname?: string;
  preferred_username?: string;
  profile?: string;
  picture?: string;
  website?: string;
  gender?: string;
  birthdate?: string;
  zoneinfo?: string;
  locale?: string;
  updated_at?: number;
  address?: { formatted?: string };
  identities?: CognitoIdentity[];
  "cognito:roles"?: string[];
  "cognito:preferred_role"?: string;
  acr?: string;
  amr?: string[];
} & JsonObject;

/** Payload of a Cognito access token (`token_use: "access"`). Access tokens have no `aud` by default. */
export type CognitoAccessTokenPayload = CognitoJwtFields & {
  token_use: "access";
  /** The app client ID. */
  client_id: string;
  /** Space-separated scopes. */
  scope: string;
  version?: number;
  /** Absent in client-credentials (machine-to-machine) tokens. */
  username?: string;
  device_key?: string;
  /** Only with resource binding. */
  aud?: string;
} & JsonObject;

/** An ID or an access token payload; narrow it with `payload.token_use`. */
export type CognitoJwtPayload = CognitoIdTokenPayload | CognitoAccessTokenPayload;

/** A JSON Web Key as found in a JWKS. */
export type Jwk = {
  kty: string;
  kid?: string;
  use?: string;
  alg?: string;
  n?: string;
  e?: string;
} & JsonObject;

/** A JSON Web Key Set, e.g. a user pool's `/.well-known/jwks.json`. */
export interface Jwks {
  keys: Jwk[];
}

// ---------------------------------------------------------------------------------------------
// Options

/** The fetch function the verifier uses for JWKS documents (`globalThis.fetch` by default). */
export type FetchFunction = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * Called after the signature and all standard claims verified. Throw (or reject) to fail the
 * verification: the error you throw reaches the caller of `verify` unchanged.
 */
export type CustomJwtCheck<P extends JwtPayload = JwtPayload> = (props: {
  header: JwtHeader;
  payload: P;
  jwk: Jwk;
}) => void | Promise<void>;

/**
 * A requirement on a list-valued claim (`scope`, `cognito:groups`). A string or an array means
 * "at least one of these" (aws-jwt-verify semantics); `{ allOf }` means "every one of these".
 */
export type ClaimMatch =
  | string
  | readonly string[]
  | { readonly anyOf: string | readonly string[] }
  | { readonly allOf: string | readonly string[] };

/** Checks that can be set at creation and overridden per `verify` call. */
export interface VerifyProperties<P extends JwtPayload = JwtPayload> {
  /** Your own check, run after every built-in check passed; what it throws reaches the caller unchanged. */
  customJwtCheck?: CustomJwtCheck<P>;
  /** Required scopes, matched against the space-separated `scope` claim. Unset or `null`: not checked. */
  scope?: ClaimMatch | null;
  /** Seconds of leeway for `exp` and `nbf` (default: docs/verifier-api.md, "Options"). */
  graceSeconds?: number;
  /** Reject tokens whose `iat` lies more than this many seconds in the future (default: docs/verifier-api.md, "Options"). */
  clockSkewSeconds?: number;
  /**
   * Attach the decoded header and payload (`rawJwt`) to claim errors. Only claim errors carry it,
   * and only once the signature verified. Default `false`.
   */
  includeRawJwtInErrors?: boolean;
}

/** Cognito checks; `tokenUse` and `clientId` must be given (or set to `null`) at creation or per call. */
export interface CognitoVerifyProperties extends VerifyProperties<CognitoJwtPayload> {
  /** Which token to accept: `"id"`, `"access"`, or `null` for either (a conscious choice). */
  tokenUse: "id" | "access" | null;
  /**
   * Accepted app client IDs: checked against `aud` in ID tokens and `client_id` in access
   * tokens. `null` skips the check.
   */
  clientId: string | readonly string[] | null;
  /** Required groups, matched against `cognito:groups`. Unset or `null`: not checked. */
  groups?: ClaimMatch | null;
}

/** Generic OIDC checks; `audience` must be given (or set to `null`) at creation or per call. */
export interface JwtVerifyProperties extends VerifyProperties {
  /** Accepted `aud` values; `null` skips the check. */
  audience: string | readonly string[] | null;
}

/** Creation-time options: where keys come from, the JWKS cache and limits. */
export interface VerifierProperties {
  /** The JWKS URL. Cognito default: `<issuer>/.well-known/jwks.json`; override it e.g. for a local emulator. */
  jwksUri?: string;
  /** The fetch function used for the JWKS (default `globalThis.fetch`). */
  fetch?: FetchFunction;
  /** Accepted header `alg` values (default `["RS256"]`; `none`, HS* and ES* are never accepted). */
  algorithms?: readonly ("RS256" | "RS384" | "RS512")[];
  /** Abort a JWKS fetch after this many milliseconds (default: docs/verifier-api.md, "Options"). */
  jwksFetchTimeoutMs?: number;
  /** Reject JWKS (or discovery) responses larger than this many bytes (default: docs/verifier-api.md, "Options"). */
  jwksMaxBytes?: number;
  /** After a `kid` was not found even in a fresh JWKS, or a fetch failed, reject unknown kids for this many seconds (default: docs/verifier-api.md, "Options"). */
  penaltyBoxSeconds?: number;
  /** Refetch keys older than this before use (default: never; keys are kept until an unknown kid or `hydrate`). */
  jwksMaxAgeSeconds?: number;
  /** Reject longer tokens before decoding them (default: docs/verifier-api.md, "Options"). */
  maxTokenLength?: number;
  /** Reject header or payload JSON nested deeper than this (at most 256; default: docs/verifier-api.md, "Options"). */
  maxJsonDepth?: number;
}

/** Options of `CognitoJwtVerifier.create` for one user pool. */
export type CognitoJwtVerifierProperties = {
  /** The user pool ID, e.g. `us-east-1_AbCdEf123`: the issuer and JWKS URL derive from it. */
  userPoolId: string;
} & Partial<CognitoVerifyProperties> &
  VerifierProperties;

/** Options of `JwtVerifier.create` for one OIDC issuer. */
export type JwtVerifierProperties = {
  /** The exact `iss` value to accept. */
  issuer: string;
} & JwtVerifyProperties &
  VerifierProperties;

// ---------------------------------------------------------------------------------------------
// Verifiers

/** Rejects option names that do not exist (typos), which a generic parameter would otherwise accept. */
type NoExtra<T, Allowed> = T & { readonly [K in Exclude<keyof T, keyof Allowed>]: never };

type IsSet<Cfg, K extends string> = Cfg extends { readonly [key in K]: infer V } ? ([V] extends [undefined] ? false : true) : false;
type Missing<Cfg> =
  | (false extends IsSet<Cfg, "tokenUse"> ? "tokenUse" : never)
  | (false extends IsSet<Cfg, "clientId"> ? "clientId" : never);

type PayloadOf<U> = U extends "id" ? CognitoIdTokenPayload : U extends "access" ? CognitoAccessTokenPayload : CognitoJwtPayload;
type ConfiguredPayload<Cfg> = Cfg extends { readonly tokenUse: infer U } ? PayloadOf<U> : CognitoJwtPayload;

/** The payload `verify` resolves to: narrowed by `tokenUse` of the call, else of the configuration. */
export type CognitoPayload<Cfg, Props> = Props extends { readonly tokenUse: infer U }
  ? PayloadOf<U>
  : ConfiguredPayload<Cfg>;

/** Per-call options: anything not given at creation must be given here. */
export type CognitoVerifyOverrides<Cfg> = [Missing<Cfg>] extends [never]
  ? Partial<CognitoVerifyProperties>
  : Partial<CognitoVerifyProperties> & Pick<CognitoVerifyProperties, Missing<Cfg>>;

type VerifyArgs<Cfg, Props> = [Missing<Cfg>] extends [never] ? [props?: Props] : [props: Props];

/**
 * Verifies Amazon Cognito user pool tokens with WebCrypto: signature (RS256, keys from the
 * pool's JWKS, cached), then issuer, expiry, `token_use`, client ID, and the optional checks.
 */
export declare class CognitoJwtVerifier<Cfg = CognitoJwtVerifierProperties> {
  private constructor();
  /** One user pool. Throws `ParameterValidationError` on invalid options. */
  static create<const T extends CognitoJwtVerifierProperties>(options: NoExtra<T, CognitoJwtVerifierProperties>): CognitoJwtVerifier<T>;
  /** Several user pools: the token's `iss` selects the pool. */
  static create<const T extends readonly CognitoJwtVerifierProperties[]>(
    options: T & { readonly [I in keyof T]: NoExtra<T[I], CognitoJwtVerifierProperties> },
  ): CognitoJwtVerifier<T[number]>;
  /**
   * Verifies `token` and resolves to its payload, or rejects with one of this package's errors
   * (or the error your `customJwtCheck` threw). `Claims` types the claims your pre-token trigger
   * adds, e.g. `verify<{ tenant: string }>(token)`: it is not checked at run time (check values
   * with `customJwtCheck`). With it given, set `tokenUse` at creation to keep the payload narrowed.
   */
  verify<Claims extends object = {}, const P extends CognitoVerifyOverrides<Cfg> = CognitoVerifyOverrides<Cfg>>(
    token: string,
    ...props: VerifyArgs<Cfg, P>
  ): Promise<CognitoPayload<Cfg, P> & Claims>;
  /** Fetches the JWKS of every configured pool now (both issuer formats unless `jwksUri` is set), so the first `verify` does not wait. */
  hydrate(): Promise<void>;
  /**
   * Loads a JWKS into the cache (no fetch); `{ keys: [] }` empties it. With several pools, the
   * second argument (an issuer or a user pool ID) selects which one.
   */
  cacheJwks(jwks: Jwks, issuerOrUserPoolId?: string): void;
  /** The JWKS cache as JSON-safe data (keys, load time, open penalty box), for another isolate. */
  exportJwksCache(): JwksCacheState;
  /** Merges an `exportJwksCache()` result: newer keys win, a penalty box is kept. */
  importJwksCache(state: JwksCacheState): void;
}

/** Verifies JWTs of any OIDC issuer (e.g. an upstream identity provider) with WebCrypto. */
export declare class JwtVerifier {
  private constructor();
  /** One issuer, or several (the token's `iss` selects one). Throws `ParameterValidationError`. */
  static create(options: JwtVerifierProperties | readonly JwtVerifierProperties[]): JwtVerifier;
  /** Verifies `token` and resolves to its payload. */
  verify(token: string, props?: Partial<JwtVerifyProperties>): Promise<JwtPayload>;
  /** Fetches every configured JWKS now. */
  hydrate(): Promise<void>;
  /** Loads a JWKS into the cache (no fetch); `issuer` selects the issuer when there are several. */
  cacheJwks(jwks: Jwks, issuer?: string): void;
  /** The JWKS cache as JSON-safe data (keys, load time, open penalty box), for another isolate. */
  exportJwksCache(): JwksCacheState;
  /** Merges an `exportJwksCache()` result: newer keys win, a penalty box is kept. */
  importJwksCache(state: JwksCacheState): void;
}

/** One entry of the core's error catalogue: a code, its class name and that class's parent. */
export interface ErrorCatalogEntry {
  code: CognitoWasmErrorCode;
  name: string;
  parent: string;
}

/** Every error code with the class that carries it. */
export declare function errorCatalog(): ErrorCatalogEntry[];

// ---------------------------------------------------------------------------------------------
// Errors: class names and hierarchy are aws-jwt-verify's; `code` is stable and discriminates.

/** Base class of every error this package throws. */
export declare abstract class JwtBaseError extends Error {
  readonly code: CognitoWasmErrorCode;
}

/** A value did not match: `failedAssertion` holds what was found and what was accepted. */
export declare abstract class FailedAssertionError extends JwtBaseError {
  failedAssertion: {
    actual: unknown;
    expected?: string | number | readonly string[];
  };
}

/** A claim check failed. */
export declare abstract class JwtInvalidClaimError extends FailedAssertionError {
  /** The decoded token; only with `includeRawJwtInErrors` (set after the signature verified). */
  rawJwt?: Jwt;
  readonly code: JwtInvalidClaimErrorCode;
}

// BEGIN generated: error-classes (scripts/gen-errors.mjs from errors/catalog.json; do not edit)
/** The codes of the claim errors (every class that extends `JwtInvalidClaimError`). */
type JwtInvalidClaimErrorCode =
  | JwtExpiredError["code"]
  | JwtMissingExpirationError["code"]
  | JwtNotBeforeError["code"]
  | JwtIssuedInFutureError["code"]
  | JwtInvalidIssuerError["code"]
  | JwtInvalidAudienceError["code"]
  | JwtInvalidScopeError["code"]
  | CognitoJwtInvalidGroupError["code"]
  | CognitoJwtInvalidTokenUseError["code"]
  | CognitoJwtInvalidClientIdError["code"];

export declare class ParameterValidationError extends JwtBaseError {
  readonly code:
    | "ERR_PARAM_INVALID_OPTIONS"
    | "ERR_PARAM_INVALID_USER_POOL_ID"
    | "ERR_PARAM_MISSING_TOKEN_USE"
    | "ERR_PARAM_MISSING_CLIENT_ID"
    | "ERR_PARAM_MISSING_AUDIENCE"
    | "ERR_PARAM_UNSUPPORTED_ALGORITHM"
    | "ERR_PARAM_ISSUER_NOT_CONFIGURED";
}
export declare class JwtParseError extends JwtBaseError {
  readonly code:
    | "ERR_JWT_MALFORMED"
    | "ERR_JWT_BASE64"
    | "ERR_JWT_JSON"
    | "ERR_JWT_DUPLICATE_KEY"
    | "ERR_JWT_CLAIM_TYPE"
    | JwtTooLargeError["code"]
    | JwtJsonTooDeepError["code"]
    | JwtCritHeaderError["code"];
}
export declare class JwtTooLargeError extends JwtParseError {
  readonly code: "ERR_JWT_TOO_LARGE";
}
export declare class JwtJsonTooDeepError extends JwtParseError {
  readonly code: "ERR_JWT_JSON_TOO_DEEP";
}
export declare class JwtCritHeaderError extends JwtParseError {
  readonly code: "ERR_JWT_CRIT";
}
export declare class JwtInvalidSignatureAlgorithmError extends FailedAssertionError {
  readonly code: "ERR_JWT_ALG_NOT_ALLOWED" | "ERR_JWT_ALG_JWK_MISMATCH";
}
export declare class JwtWithoutValidKidError extends JwtBaseError {
  readonly code: "ERR_JWT_MISSING_KID";
}
export declare class JwksValidationError extends JwtBaseError {
  readonly code: "ERR_JWKS_INVALID";
}
export declare class DiscoveryValidationError extends JwtBaseError {
  readonly code: "ERR_DISCOVERY_INVALID";
}
export declare class JwkValidationError extends JwtBaseError {
  readonly code: "ERR_JWK_INVALID" | JwkWeakKeyError["code"];
}
export declare class JwkWeakKeyError extends JwkValidationError {
  readonly code: "ERR_JWK_WEAK_KEY";
}
export declare class JwkInvalidUseError extends FailedAssertionError {
  readonly code: "ERR_JWK_INVALID_USE";
}
export declare class JwkInvalidKtyError extends FailedAssertionError {
  readonly code: "ERR_JWK_INVALID_KTY";
}
export declare class KidNotFoundInJwksError extends JwtBaseError {
  readonly code: "ERR_JWKS_KID_NOT_FOUND";
}
export declare class WaitPeriodNotYetEndedJwkError extends JwtBaseError {
  readonly code: "ERR_JWKS_PENALTY_BOX";
}
export declare class JwtInvalidSignatureError extends JwtBaseError {
  readonly code: "ERR_JWT_INVALID_SIGNATURE";
}
export declare class CryptoError extends JwtBaseError {
  readonly code: "ERR_CRYPTO";
}
export declare class JwtExpiredError extends JwtInvalidClaimError {
  readonly code: "ERR_JWT_EXPIRED";
}
export declare class JwtMissingExpirationError extends JwtInvalidClaimError {
  readonly code: "ERR_JWT_MISSING_EXP";
}
export declare class JwtNotBeforeError extends JwtInvalidClaimError {
  readonly code: "ERR_JWT_NOT_BEFORE";
}
export declare class JwtIssuedInFutureError extends JwtInvalidClaimError {
  readonly code: "ERR_JWT_IAT_IN_FUTURE";
}
export declare class JwtInvalidIssuerError extends JwtInvalidClaimError {
  readonly code: "ERR_JWT_INVALID_ISSUER";
}
export declare class JwtInvalidAudienceError extends JwtInvalidClaimError {
  readonly code: "ERR_JWT_INVALID_AUDIENCE";
}
export declare class JwtInvalidScopeError extends JwtInvalidClaimError {
  readonly code: "ERR_JWT_INVALID_SCOPE";
}
export declare class CognitoJwtInvalidGroupError extends JwtInvalidClaimError {
  readonly code: "ERR_JWT_INVALID_GROUP";
}
export declare class CognitoJwtInvalidTokenUseError extends JwtInvalidClaimError {
  readonly code: "ERR_JWT_INVALID_TOKEN_USE";
}
export declare class CognitoJwtInvalidClientIdError extends JwtInvalidClaimError {
  readonly code: "ERR_JWT_INVALID_CLIENT_ID";
}
export declare class FetchError extends JwtBaseError {
  readonly code: "ERR_FETCH" | "ERR_FETCH_TIMEOUT" | NonRetryableFetchError["code"];
}
export declare class NonRetryableFetchError extends FetchError {
  readonly code: "ERR_FETCH_STATUS" | "ERR_FETCH_TOO_LARGE";
}
/** A sign-in (hosted UI, PKCE code flow) failure. */
export declare class CognitoAuthError extends JwtBaseError {
  readonly code:
    | "ERR_AUTH_INVALID_RESPONSE"
    | OAuthError["code"]
    | AuthNetworkError["code"]
    | AuthNoTransactionError["code"]
    | AuthStateMismatchError["code"]
    | AuthNonceMismatchError["code"]
    | AuthAtHashMismatchError["code"]
    | IdpTokensMissingError["code"]
    | ApiIssuedTokenScopeError["code"]
    | EdgeAuthError["code"];
}
/** An OAuth error response (`error=` on the callback, or from the token or userInfo endpoint). */
export declare class OAuthError extends CognitoAuthError {
  readonly code: "ERR_AUTH_OAUTH_ERROR" | InvalidGrantError["code"];
}
/** The token endpoint answered `invalid_grant` (code or refresh token expired, reused or revoked). */
export declare class InvalidGrantError extends OAuthError {
  readonly code: "ERR_AUTH_INVALID_GRANT";
}
/** The Cognito endpoint could not be reached. */
export declare class AuthNetworkError extends CognitoAuthError {
  readonly code: "ERR_AUTH_NETWORK";
}
/** A callback arrived with no sign-in pending in this tab. */
export declare class AuthNoTransactionError extends CognitoAuthError {
  readonly code: "ERR_AUTH_NO_TRANSACTION";
}
/** The callback's `state` is not the one this tab sent. */
export declare class AuthStateMismatchError extends CognitoAuthError {
  readonly code: "ERR_AUTH_STATE_MISMATCH";
}
/** The ID token's `nonce` is not the one this tab sent. */
export declare class AuthNonceMismatchError extends CognitoAuthError {
  readonly code: "ERR_AUTH_NONCE_MISMATCH";
}
/** The ID token's `at_hash` does not match the access token. */
export declare class AuthAtHashMismatchError extends CognitoAuthError {
  readonly code: "ERR_AUTH_AT_HASH_MISMATCH";
}
/** The ID token carries no upstream IdP tokens. */
export declare class IdpTokensMissingError extends CognitoAuthError {
  readonly code: "ERR_AUTH_IDP_TOKENS_MISSING";
}
/** An API-issued access token lacks a required scope. */
export declare class ApiIssuedTokenScopeError extends CognitoAuthError {
  readonly code: "ERR_AUTH_API_TOKEN_SCOPE";
}
/** An answer of the edge sign-in gateway (`createEdgeAuth`): no session on a protected path
 * (`ERR_EDGE_UNAUTHENTICATED`), a failed `Origin` check (`ERR_EDGE_CSRF`), tokens too large for the
 * session cookies (`ERR_EDGE_SESSION_TOO_LARGE`), or an unexpected failure (`ERR_EDGE_INTERNAL`). */
export declare class EdgeAuthError extends CognitoAuthError {
  readonly code:
    | "ERR_EDGE_UNAUTHENTICATED"
    | "ERR_EDGE_CSRF"
    | "ERR_EDGE_SESSION_TOO_LARGE"
    | "ERR_EDGE_INTERNAL";
}

/** Every error class, by name. */
export declare const errorClasses: {
  readonly JwtBaseError: typeof JwtBaseError;
  readonly FailedAssertionError: typeof FailedAssertionError;
  readonly JwtInvalidClaimError: typeof JwtInvalidClaimError;
  readonly ParameterValidationError: typeof ParameterValidationError;
  readonly JwtParseError: typeof JwtParseError;
  readonly JwtTooLargeError: typeof JwtTooLargeError;
  readonly JwtJsonTooDeepError: typeof JwtJsonTooDeepError;
  readonly JwtCritHeaderError: typeof JwtCritHeaderError;
  readonly JwtInvalidSignatureAlgorithmError: typeof JwtInvalidSignatureAlgorithmError;
  readonly JwtWithoutValidKidError: typeof JwtWithoutValidKidError;
  readonly JwksValidationError: typeof JwksValidationError;
  readonly DiscoveryValidationError: typeof DiscoveryValidationError;
  readonly JwkValidationError: typeof JwkValidationError;
  readonly JwkWeakKeyError: typeof JwkWeakKeyError;
  readonly JwkInvalidUseError: typeof JwkInvalidUseError;
  readonly JwkInvalidKtyError: typeof JwkInvalidKtyError;
  readonly KidNotFoundInJwksError: typeof KidNotFoundInJwksError;
  readonly WaitPeriodNotYetEndedJwkError: typeof WaitPeriodNotYetEndedJwkError;
  readonly JwtInvalidSignatureError: typeof JwtInvalidSignatureError;
  readonly CryptoError: typeof CryptoError;
  readonly JwtExpiredError: typeof JwtExpiredError;
  readonly JwtMissingExpirationError: typeof JwtMissingExpirationError;
  readonly JwtNotBeforeError: typeof JwtNotBeforeError;
  readonly JwtIssuedInFutureError: typeof JwtIssuedInFutureError;
  readonly JwtInvalidIssuerError: typeof JwtInvalidIssuerError;
  readonly JwtInvalidAudienceError: typeof JwtInvalidAudienceError;
  readonly JwtInvalidScopeError: typeof JwtInvalidScopeError;
  readonly CognitoJwtInvalidGroupError: typeof CognitoJwtInvalidGroupError;
  readonly CognitoJwtInvalidTokenUseError: typeof CognitoJwtInvalidTokenUseError;
  readonly CognitoJwtInvalidClientIdError: typeof CognitoJwtInvalidClientIdError;
  readonly FetchError: typeof FetchError;
  readonly NonRetryableFetchError: typeof NonRetryableFetchError;
  readonly CognitoAuthError: typeof CognitoAuthError;
  readonly OAuthError: typeof OAuthError;
  readonly InvalidGrantError: typeof InvalidGrantError;
  readonly AuthNetworkError: typeof AuthNetworkError;
  readonly AuthNoTransactionError: typeof AuthNoTransactionError;
  readonly AuthStateMismatchError: typeof AuthStateMismatchError;
  readonly AuthNonceMismatchError: typeof AuthNonceMismatchError;
  readonly AuthAtHashMismatchError: typeof AuthAtHashMismatchError;
  readonly IdpTokensMissingError: typeof IdpTokensMissingError;
  readonly ApiIssuedTokenScopeError: typeof ApiIssuedTokenScopeError;
  readonly EdgeAuthError: typeof EdgeAuthError;
};

/** Any error this package throws, discriminated by `code` (`switch (err.code)` narrows it). */
export type AnyCognitoWasmError =
  | ParameterValidationError
  | JwtParseError
  | JwtInvalidSignatureAlgorithmError
  | JwtWithoutValidKidError
  | JwksValidationError
  | DiscoveryValidationError
  | JwkValidationError
  | JwkInvalidUseError
  | JwkInvalidKtyError
  | KidNotFoundInJwksError
  | WaitPeriodNotYetEndedJwkError
  | JwtInvalidSignatureError
  | CryptoError
  | JwtExpiredError
  | JwtMissingExpirationError
  | JwtNotBeforeError
  | JwtIssuedInFutureError
  | JwtInvalidIssuerError
  | JwtInvalidAudienceError
  | JwtInvalidScopeError
  | CognitoJwtInvalidGroupError
  | CognitoJwtInvalidTokenUseError
  | CognitoJwtInvalidClientIdError
  | FetchError
  | CognitoAuthError;

/** Every `ERR_*` code. */
export type CognitoWasmErrorCode = AnyCognitoWasmError["code"];
// END generated: error-classes

// ---------------------------------------------------------------------------------------------
// Sign-in for SPAs (js/auth.js): authorization code + PKCE against the hosted UI / managed login

/** Where the session is kept. `"session"` (default): sessionStorage, this tab only, gone when the
 * tab closes. `"local"`: localStorage, shared by every tab of the origin (one refresh for all,
 * Web Locks + BroadcastChannel). `"memory"`: this page only. Or an adapter (may be async;
 * `shared: true` turns on the cross-tab coordination). */
export type AuthStorage =
  | "memory"
  | "session"
  | "local"
  | {
      getItem(key: string): string | null | Promise<string | null>;
      setItem(key: string, value: string): void | Promise<void>;
      removeItem(key: string): void | Promise<void>;
      shared?: boolean;
    };

export interface CognitoAuthOptions {
  userPoolId: string;
  clientId: string;
  /** Hosted UI base URL, e.g. `https://myapp.auth.us-east-1.amazoncognito.com` (`https://` added when missing). */
  domain: string;
  /** Must equal one of the app client's callback URLs. */
  redirectUri: string;
  /** One of the app client's sign-out URLs (needed by `signOut`). */
  logoutUri?: string;
  /** Requested scopes. Default `["openid"]`; `[]` sends no `scope` (every scope the client allows). */
  scopes?: string[];
  /** Default `"session"`. */
  storage?: AuthStorage;
  /** Where the PKCE transaction waits for the callback. Default sessionStorage (this tab). */
  transactionStorage?: AuthStorage;
  /** Refresh when the access token expires within this many seconds (default: docs/verifier-api.md, "Defaults of the other APIs"). */
  refreshMarginSeconds?: number;
  /** JWKS URL override for the verifier (e.g. a local emulator). */
  jwksUri?: string;
  /** More options for the token verifier (`graceSeconds`, `fetch`, ...). */
  verifierOptions?: Omit<CognitoJwtVerifierProperties, "userPoolId" | "clientId" | "tokenUse">;
  /** The user-pool API endpoint for `signOut({ global: true })`. Default `https://cognito-idp.{region}.amazonaws.com/`. */
  apiEndpoint?: string;
  /** Default `globalThis.fetch`. */
  fetch?: FetchFunction;
  /** Default `location.assign`. */
  navigate?: (url: string) => void;
}

export interface SignInOptions {
  /** `COGNITO` or an IdP name; exclusive with `idpIdentifier`. */
  identityProvider?: string;
  /** An IdP identifier (e.g. an email domain); exclusive with `identityProvider`. */
  idpIdentifier?: string;
  lang?: string;
  loginHint?: string;
  prompt?: "none" | "login" | "select_account" | "consent";
  /** Returned by `handleRedirectCallback` (kept in this tab, never sent to Cognito). */
  customState?: string;
}

export interface CognitoSession {
  idToken?: string;
  accessToken: string;
  refreshToken?: string;
  /** Epoch seconds (from `expires_in`). */
  expiresAt: number;
  idTokenPayload?: CognitoIdTokenPayload;
  accessTokenPayload: CognitoAccessTokenPayload;
}

export interface IdpToken {
  token: string;
  /** At Cognito's 2,048-character attribute limit, or JWT-shaped but not decodable. */
  truncated: boolean;
  header?: JwtHeader;
  payload?: JwtPayload;
  expiresAt?: number;
  expired?: boolean;
  /** Set by `idpTokens({ verify })` once the IdP ID token verified against its configured issuer. */
  verifiedPayload?: JwtPayload;
  /** Set by `idpTokens({ verify })` when the IdP ID token was not verified, and why. */
  unverifiedReason?: IdpUnverifiedReason;
}

/** Why `idpTokens({ verify })` left the IdP ID token unverified. */
export type IdpUnverifiedReason =
  | "not-verifiable"
  | "not-federated"
  | "provider-not-configured"
  | "issuer-not-configured";

/** One upstream IdP as `idpTokens({ verify })` trusts it. */
export interface IdpProviderConfig {
  /** The IdP's issuer; its discovery document gives the JWKS URI unless `jwksUri` is set. */
  issuer: string;
  /** The Cognito user pool's client ID at the IdP (`null`: not checked). */
  audience: string | string[] | null;
  jwksUri?: string;
}

export type CognitoAuthEvent = "signedIn" | "refreshed" | "sessionExpired" | "signedOut";

export declare class CognitoAuth {
  private constructor();
  static create(options: CognitoAuthOptions): CognitoAuth;
  /** True when `url` (default: the current location) carries a hosted-UI callback. */
  static isCallback(url?: string): boolean;
  buildSignInUrl(options?: SignInOptions): Promise<string>;
  signInWithRedirect(options?: SignInOptions): Promise<void>;
  handleRedirectCallback(url?: string): Promise<{ session: CognitoSession; customState?: string }>;
  getSession(options?: { forceRefresh?: boolean }): Promise<CognitoSession | null>;
  signOut(options?: { revoke?: boolean; global?: boolean }): Promise<string>;
  fetchUserInfo(): Promise<{ attributes: Record<string, Json>; raw: Record<string, Json> } | null>;
  idpTokens(options?: { verify?: false | { providers: Record<string, IdpProviderConfig> } }): Promise<{
    idToken?: IdpToken;
    accessToken?: IdpToken;
  } | null>;
  on(type: CognitoAuthEvent, listener: (event: { type: CognitoAuthEvent }) => void): () => void;
}

/** True for an access token (payload or scope) from InitiateAuth / AdminInitiateAuth: scope has
 * `aws.cognito.signin.user.admin` and no `openid` (exactly that scope, plus any a V2 trigger added). */
export declare function isApiIssuedAccessToken(payloadOrScope: { scope?: string } | string): boolean;
/** Throws `ApiIssuedTokenScopeError` (API-issued token) or `JwtInvalidScopeError` unless every scope is present. */
export declare function assertScopes(payload: { scope?: string }, required: string | string[]): void;

// ---------------------------------------------------------------------------------------------
// Edge workers (js/edge.js)

/** What `exportJwksCache()` returns and `importJwksCache()` takes: JSON-safe, times in epoch seconds. */
export interface JwksCacheState {
  version: 1;
  jwks: Array<{ uri: string; loadedAt: number; penaltyUntil?: number; keys: Jwk[] }>;
}

/** Anything with `verify(token)`: a `CognitoJwtVerifier` or `JwtVerifier`. */
export interface TokenVerifier {
  verify(token: string): Promise<JwtPayload>;
}

/** Bounded LRU of verified tokens (keyed by the whole token, each entry until the token's `exp`). */
export declare class TokenCache {
  /** At most `maxEntries` tokens, and at most `maxBytes` of tokens plus payloads (as JSON) in all
   * (`0` caches nothing; default: docs/verifier-api.md, "Defaults of the other APIs"). */
  constructor(maxEntries: number, maxBytes?: number);
  /** The payload cached for `token` as the verifier with id `owner` verified it while its JWKS
   * was at generation `jwks` (an entry from an earlier generation is dropped). */
  get(token: string, owner: number, jwks: number): JwtPayload | undefined;
  insert(token: string, owner: number, jwks: number, payload: JwtPayload): void;
  readonly size: number;
  /** Bytes the cached tokens and payloads count against `maxBytes`. */
  readonly bytes: number;
  free(): void;
}
/** Entries of the token cache each verifier gets by default in `requireAuth` / introspection. */
export declare const DEFAULT_TOKEN_CACHE_ENTRIES: number;
/** Milliseconds the introspection handler's live userInfo check may take by default. */
export declare const DEFAULT_USER_INFO_TIMEOUT_MS: number;
/** Bytes of an introspection request body read at most by default. */
export declare const DEFAULT_INTROSPECTION_MAX_BODY_BYTES: number;

export interface RequireAuthOptions {
  verifier: TokenVerifier;
  /** The token's `token_use` must be this (else 401 `invalid_token`). */
  tokenUse?: "id" | "access";
  /** Required scopes (else 403 `insufficient_scope`): any of a string / array, or `{anyOf}` / `{allOf}`. */
  scope?: ClaimMatch;
  /** Required `cognito:groups`, same forms (else 403 `insufficient_scope`). */
  groups?: ClaimMatch;
  /** `realm` of the `WWW-Authenticate` challenge (default `"api"`). */
  realm?: string;
  /** Verified-token cache: default one per verifier (`DEFAULT_TOKEN_CACHE_ENTRIES`); `false` turns it off. */
  tokenCache?: TokenCache | false | null;
}

/**
 * Reads `Authorization: Bearer`, verifies and checks the token: resolves to its payload (frozen),
 * or to a ready 400/401/403 `Response` carrying an RFC 6750 `WWW-Authenticate` header.
 */
export declare function requireAuth<P extends JwtPayload = CognitoAccessTokenPayload>(request: Request, options: RequireAuthOptions): Promise<P | Response>;

export interface IntrospectionOptions {
  /** Verifies the tokens to introspect (create it with `tokenUse: "access"`). */
  verifier: TokenVerifier;
  /** Callers authenticating with `client_secret_basic` (or `client_secret_post`). */
  clients?: Array<{ clientId: string; clientSecret: string }>;
  /** Callers authenticating with a bearer token that this verifier accepts (and `scope`/`groups`, if given). */
  bearer?: Omit<RequireAuthOptions, "tokenCache">;
  revocation?: {
    /** Deny-list keyed by `origin_jti` (e.g. a `Set`, or a KV lookup). */
    denyList?: { has(originJti: string): boolean | Promise<boolean> };
    /** The pool's `/oauth2/userInfo`: a live check per request (fails closed). */
    userInfoEndpoint?: string;
    /** Milliseconds the live check may take, else the token is inactive (default `DEFAULT_USER_INFO_TIMEOUT_MS`). */
    timeoutMs?: number;
  };
  tokenCache?: TokenCache | false | null;
  /** `fetch` for the live check (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  /** Longest request body read (default `DEFAULT_INTROSPECTION_MAX_BODY_BYTES`): a longer one,
   * by `content-length` or while streaming, is answered 413 `invalid_request` unread. */
  maxBodyBytes?: number;
}

/** An RFC 7662 introspection endpoint for Cognito access tokens. */
export declare function createIntrospectionHandler(options: IntrospectionOptions): (request: Request) => Promise<Response>;

/** Where `persistJwksCache` keeps the JWKS cache. */
export interface JwksCacheStore {
  get(): Promise<JwksCacheState | null | undefined>;
  put(state: JwksCacheState): Promise<unknown>;
}
/** A store over a Workers KV namespace. */
export declare function kvJwksStore(
  namespace: { get(key: string, type: "json"): Promise<unknown>; put(key: string, value: string, options?: { expirationTtl?: number }): Promise<unknown> },
  options?: { key?: string; expirationTtl?: number },
): JwksCacheStore;
/** A store over the Workers Cache API (`caches.default`). */
export declare function cacheApiJwksStore(
  cache: { match(url: string): Promise<Response | undefined>; put(url: string, response: Response): Promise<unknown> },
  options?: { url?: string; maxAgeSeconds?: number },
): JwksCacheStore;
/** Loads the verifier's JWKS cache from `store` once per isolate, and saves it when it changed. */
export declare function persistJwksCache(
  verifier: { exportJwksCache(): JwksCacheState; importJwksCache(state: JwksCacheState): void },
  store: JwksCacheStore,
): { load(): Promise<void>; save(): Promise<boolean> };

// ---------------------------------------------------------------------------------------------
// Sign-in at the edge: backend-for-frontend (js/edge-auth.js)

/** Seconds a sign-in may take between the redirect to the hosted UI and the callback (600). */
export declare const EDGE_AUTH_TRANSACTION_SECONDS: number;

export interface EdgeAuthCookieOptions {
  /** At least 32 characters; an array rotates: the first seals, every one opens (a cookie
   * sealed with an older one is sealed again with the first on its next request). */
  secret: string | string[];
  /** Default `"__Host-session"` (`"__Secure-session"` with `domain`); the chunks are
   * `<name>.0`, `<name>.1`, … and the sign-in transaction is `<name>-tx.0`. */
  name?: string;
  /** Omitted (default): a host-only cookie. */
  domain?: string;
  /** Default `"Lax"`. `"Strict"`: the callback answers with a page that navigates on. */
  sameSite?: "Lax" | "Strict";
  /** Max-Age of the session cookies; omitted (default): they end with the browser session. */
  maxAgeSeconds?: number;
}

export interface EdgeAuthOptions<Env = unknown> {
  userPoolId: string;
  clientId: string;
  /** A confidential client's secret (sent as `client_secret_basic`). */
  clientSecret?: string;
  /** The hosted UI / managed login domain (`https://` added when missing). */
  domain: string;
  /** The callback path, registered as `<origin><redirectPath>` in the app client (default `"/auth/callback"`). */
  redirectPath?: string;
  /** Signs out: clears the cookies, revokes the refresh token, redirects to Cognito `/logout` (default `"/auth/logout"`). */
  logoutPath?: string;
  /** Where Cognito sends the browser after `/logout`, registered as `<origin><signedOutPath>` (default `"/"`). */
  signedOutPath?: string;
  cookie: EdgeAuthCookieOptions;
  /** Default `["openid"]`. */
  scopes?: string[];
  /** Paths that need a session: `"/exact"`, `"/prefix/*"`, a RegExp or a predicate of the path. */
  protect: Array<string | RegExp | ((path: string) => boolean)>;
  /** `{header: claim}`: verified claims the origin receives (access token first, then ID token);
   * default `{"x-auth-sub": "sub", "x-auth-username": "username", "x-auth-groups": "cognito:groups"}`.
   * Arrays are comma-joined; a value with anything but printable ASCII (or a `%`) is percent-encoded.
   * The client's own copies of these headers are always removed. */
  claimHeaders?: Record<string, string>;
  /** Opt-in: the raw tokens for the origin, e.g. `{accessToken: "authorization-token"}` (removed from client requests too). */
  tokenHeaders?: { accessToken?: string; idToken?: string };
  /** Origins besides the request's own allowed to make state-changing requests to protected paths. */
  allowedOrigins?: string[];
  /** Refresh when the session expires within this many seconds (default: docs/verifier-api.md, "Defaults of the other APIs"). */
  refreshMarginSeconds?: number;
  /** Where passed requests go (default `fetch(request)`). */
  origin?: (request: Request, env: Env, ctx: unknown) => Response | Promise<Response>;
  jwksUri?: string;
  verifierOptions?: Record<string, unknown>;
  /** Keeps the verifier's JWKS cache across isolates (`kvJwksStore(env.KV)`, `cacheApiJwksStore`,
   * any `{get, put}`): loaded once per isolate, saved through `ctx.waitUntil` when it changed. */
  jwksStore?: JwksCacheStore;
  /** `fetch` for the token and revoke endpoints (default `globalThis.fetch`). */
  fetch?: typeof fetch;
}

/** A module worker's `fetch`: answers sign-in, callback, sign-out and refusals (by `Accept`: HTML
 * or JSON `{error: "ERR_…", message}`), and passes everything else to `origin`. */
export interface EdgeAuthHandler<Env = unknown> {
  (request: Request, env: Env, ctx?: unknown): Promise<Response>;
  /** The gateway's verifier (e.g. for `persistJwksCache`); `undefined` until built (a factory
   * of `env` builds it on the first request). */
  readonly verifier: CognitoJwtVerifier | undefined;
}

/** The edge sign-in gateway (backend-for-frontend). `options` may be a function of `env`. */
export declare function createEdgeAuth<Env = unknown>(options: EdgeAuthOptions<Env> | ((env: Env) => EdgeAuthOptions<Env>)): EdgeAuthHandler<Env>;
