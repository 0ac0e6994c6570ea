// Types of `cognito-wasm/verify`: the verifiers and the error classes of the whole package (same
// declarations), without the sign-in and edge exports, which this entry does not load.
export type * from "../index.js";
// BEGIN generated: verify-exports (scripts/gen-errors.mjs from errors/catalog.json; do not edit)
export {
  CognitoJwtVerifier, JwtVerifier, errorCatalog, JwtBaseError, FailedAssertionError,
  JwtInvalidClaimError, ParameterValidationError, JwtParseError, JwtTooLargeError,
  JwtJsonTooDeepError, JwtCritHeaderError, JwtInvalidSignatureAlgorithmError,
  JwtWithoutValidKidError, JwksValidationError, DiscoveryValidationError, JwkValidationError,
  JwkWeakKeyError, JwkInvalidUseError, JwkInvalidKtyError, KidNotFoundInJwksError,
  WaitPeriodNotYetEndedJwkError, JwtInvalidSignatureError, CryptoError, JwtExpiredError,
  JwtMissingExpirationError, JwtNotBeforeError, JwtIssuedInFutureError, JwtInvalidIssuerError,
  JwtInvalidAudienceError, JwtInvalidScopeError, CognitoJwtInvalidGroupError,
  CognitoJwtInvalidTokenUseError, CognitoJwtInvalidClientIdError, FetchError,
  NonRetryableFetchError, CognitoAuthError, OAuthError, InvalidGrantError, AuthNetworkError,
  AuthNoTransactionError, AuthStateMismatchError, AuthNonceMismatchError, AuthAtHashMismatchError,
  IdpTokensMissingError, ApiIssuedTokenScopeError, EdgeAuthError, errorClasses,
} from "../index.js";
// END generated: verify-exports
