// Types of the error classes of js/errors.js, whose classes are built at run time from the table
// in errors/catalog.json: the three base classes are hand-written here, the classes with codes are
// generated (scripts/gen-errors.mjs). scripts/bundle-dts.mjs bundles this into index.d.ts.
// Class names and hierarchy are aws-jwt-verify's; `code` is stable and discriminates.
import type { Jwt } from "./types.js";

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
