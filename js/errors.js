// Error classes of cognito-wasm. Names and hierarchy follow aws-jwt-verify's `error.ts`, so code
// written against it keeps working; every error also carries a stable `ERR_*` `code`, which is
// the cross-realm-safe contract. The wasm core throws plain `Error`s with `name` and `code`
// (its `errorCatalog()` lists them); the wrapper (verifier.js) rethrows those as these classes.

/** Base class of every error this package throws; `code` is the stable `ERR_*` code. */
export class JwtBaseError extends Error {}

/** An actual value did not match the expected one; `failedAssertion` says which. */
export class FailedAssertionError extends JwtBaseError {
  constructor(message, actual, expected, options) {
    super(message, options);
    this.failedAssertion = { actual, expected };
  }
}

/** A claim check failed. `rawJwt` is set only with `includeRawJwtInErrors` (after the signature verified). */
export class JwtInvalidClaimError extends FailedAssertionError {
  withRawJwt({ header, payload }) {
    this.rawJwt = { header, payload };
    return this;
  }
}

const roots = { JwtBaseError, FailedAssertionError, JwtInvalidClaimError };

// [name, parent]: one row per class, parents first. Codes are not fixed per class (several codes
// can share one class, e.g. every ParameterValidationError); the core's errorCatalog() maps each
// code to its class. Both come from errors/catalog.json.
// BEGIN generated: error-table (scripts/gen-errors.mjs from errors/catalog.json; do not edit)
const table = [
  ["JwtBaseError", "Error"],
  ["FailedAssertionError", "JwtBaseError"],
  ["JwtInvalidClaimError", "FailedAssertionError"],
  ["ParameterValidationError", "JwtBaseError"],
  ["JwtParseError", "JwtBaseError"],
  ["JwtTooLargeError", "JwtParseError"],
  ["JwtJsonTooDeepError", "JwtParseError"],
  ["JwtCritHeaderError", "JwtParseError"],
  ["JwtInvalidSignatureAlgorithmError", "FailedAssertionError"],
  ["JwtWithoutValidKidError", "JwtBaseError"],
  ["JwksValidationError", "JwtBaseError"],
  ["DiscoveryValidationError", "JwtBaseError"],
  ["JwkValidationError", "JwtBaseError"],
  ["JwkWeakKeyError", "JwkValidationError"],
  ["JwkInvalidUseError", "FailedAssertionError"],
  ["JwkInvalidKtyError", "FailedAssertionError"],
  ["KidNotFoundInJwksError", "JwtBaseError"],
  ["WaitPeriodNotYetEndedJwkError", "JwtBaseError"],
  ["JwtInvalidSignatureError", "JwtBaseError"],
  ["CryptoError", "JwtBaseError"],
  ["JwtExpiredError", "JwtInvalidClaimError"],
  ["JwtMissingExpirationError", "JwtInvalidClaimError"],
  ["JwtNotBeforeError", "JwtInvalidClaimError"],
  ["JwtIssuedInFutureError", "JwtInvalidClaimError"],
  ["JwtInvalidIssuerError", "JwtInvalidClaimError"],
  ["JwtInvalidAudienceError", "JwtInvalidClaimError"],
  ["JwtInvalidScopeError", "JwtInvalidClaimError"],
  ["CognitoJwtInvalidGroupError", "JwtInvalidClaimError"],
  ["CognitoJwtInvalidTokenUseError", "JwtInvalidClaimError"],
  ["CognitoJwtInvalidClientIdError", "JwtInvalidClaimError"],
  ["FetchError", "JwtBaseError"],
  ["NonRetryableFetchError", "FetchError"],
  ["CognitoAuthError", "JwtBaseError"],
  ["OAuthError", "CognitoAuthError"],
  ["InvalidGrantError", "OAuthError"],
  ["AuthNetworkError", "CognitoAuthError"],
  ["AuthNoTransactionError", "CognitoAuthError"],
  ["AuthStateMismatchError", "CognitoAuthError"],
  ["AuthNonceMismatchError", "CognitoAuthError"],
  ["AuthAtHashMismatchError", "CognitoAuthError"],
  ["IdpTokensMissingError", "CognitoAuthError"],
  ["ApiIssuedTokenScopeError", "CognitoAuthError"],
  ["EdgeAuthError", "CognitoAuthError"],
];
// END generated: error-table

/** Every error class, by name. */
export const errorClasses = {};
for (const [name, parent] of table) {
  const cls = roots[name] ?? { [name]: class extends errorClasses[parent] {} }[name];
  Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true });
  errorClasses[name] = cls;
}

// BEGIN generated: error-exports (scripts/gen-errors.mjs from errors/catalog.json; do not edit)
export const {
  ParameterValidationError,
  JwtParseError,
  JwtTooLargeError,
  JwtJsonTooDeepError,
  JwtCritHeaderError,
  JwtInvalidSignatureAlgorithmError,
  JwtWithoutValidKidError,
  JwksValidationError,
  DiscoveryValidationError,
  JwkValidationError,
  JwkWeakKeyError,
  JwkInvalidUseError,
  JwkInvalidKtyError,
  KidNotFoundInJwksError,
  WaitPeriodNotYetEndedJwkError,
  JwtInvalidSignatureError,
  CryptoError,
  JwtExpiredError,
  JwtMissingExpirationError,
  JwtNotBeforeError,
  JwtIssuedInFutureError,
  JwtInvalidIssuerError,
  JwtInvalidAudienceError,
  JwtInvalidScopeError,
  CognitoJwtInvalidGroupError,
  CognitoJwtInvalidTokenUseError,
  CognitoJwtInvalidClientIdError,
  FetchError,
  NonRetryableFetchError,
  CognitoAuthError,
  OAuthError,
  InvalidGrantError,
  AuthNetworkError,
  AuthNoTransactionError,
  AuthStateMismatchError,
  AuthNonceMismatchError,
  AuthAtHashMismatchError,
  IdpTokensMissingError,
  ApiIssuedTokenScopeError,
  EdgeAuthError,
} = errorClasses;
// END generated: error-exports
