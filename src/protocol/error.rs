//! Errors of the verifier, one `#[non_exhaustive]` enum per phase, wrapped by [`Error`].
//!
//! Every failure has a stable `ERR_*` code ([`Error::code`]) and the class name that
//! aws-jwt-verify uses for the same failure ([`Error::js_name`]), or our own `*Error` name for
//! checks aws-jwt-verify does not make. [`CATALOG`] lists every `(code, name, parent)` so the JS
//! side can build its class hierarchy; both come from `errors/catalog.json`. `Display` is lowercase
//! and never contains token text.

use std::fmt;

// `BASE_CLASSES`, the `Code` enum, `CATALOG` and `Code::{code, js_name, parent}`, written by
// scripts/gen-errors.mjs from the one error table, errors/catalog.json.
include!(concat!(env!("CARGO_MANIFEST_DIR"), "/errors/catalog.rs"));

/// A value in a failed assertion (aws-jwt-verify's `failedAssertion.{expected,actual}`).
#[derive(Debug, Clone, PartialEq)]
pub enum Asserted {
    /// The claim or field was absent (JS `undefined`).
    Missing,
    /// A string value.
    Str(String),
    /// A number (times in seconds since the epoch).
    Num(f64),
    /// A list of strings (e.g. the accepted values).
    List(Vec<String>),
}

/// Invalid options given to `create` or `verify`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum OptionsError {
    /// Options are not an object, have a wrong type or an unknown name.
    Invalid { detail: String },
    /// `userPoolId` does not match the Cognito format.
    InvalidUserPoolId,
    /// `tokenUse` was neither given nor set to `null`.
    MissingTokenUse,
    /// `clientId` was neither given nor set to `null`.
    MissingClientId,
    /// `audience` was neither given nor set to `null` (generic verifier).
    MissingAudience,
    /// An `algorithms` entry we cannot verify.
    UnsupportedAlgorithm { alg: String },
    /// A multi-issuer verifier got a token whose `iss` matches no configured issuer.
    IssuerNotConfigured,
}

/// The token could not be decoded (checked before any key is looked up).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ParseError {
    /// The token is longer than `maxTokenLength`.
    TooLarge { max: usize, actual: usize },
    /// The header segment is longer than [`crate::protocol::verify::jwt::MAX_HEADER_CHARS`].
    HeaderTooLarge { max: usize, actual: usize },
    /// Header or payload JSON nests deeper than `maxJsonDepth`.
    TooDeep { max: usize },
    /// Not a string, empty, or not three dot-separated segments.
    Malformed,
    /// A segment is not base64url.
    Base64,
    /// Header or payload is not a UTF-8 JSON object.
    Json { part: Part },
    /// Header or payload has the same key twice at the top level.
    DuplicateKey { part: Part },
    /// A claim or header field has the wrong JSON type.
    ClaimType { part: Part },
    /// The header has a `crit` member (no extensions are understood).
    Crit,
}

/// Which JWT segment a parse error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Header,
    Payload,
}

/// Algorithm, key id and key problems (before the signature is checked).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum KeyError {
    /// Header `alg` is not in the allow-list.
    AlgNotAllowed {
        expected: Vec<String>,
        actual: Option<String>,
    },
    /// The JWK's `alg` differs from the header's.
    AlgJwkMismatch { expected: String, actual: String },
    /// Header `kid` missing or not a string.
    MissingKid,
    /// The JWKS document is not `{"keys":[...]}` with well-typed keys.
    JwksInvalid,
    /// The OIDC discovery document lacks `jwks_uri`, names another issuer, or its `jwks_uri` is
    /// not `https://` on the issuer's host (`http://` only on loopback).
    DiscoveryInvalid,
    /// The JWK lacks `n`/`e` or they are not base64url.
    JwkInvalid,
    /// The RSA modulus is shorter than 2048 bits.
    JwkWeak { bits: usize },
    /// JWK `use` present and not `sig`.
    JwkInvalidUse { actual: String },
    /// JWK `kty` is not `RSA`.
    JwkInvalidKty { actual: String },
    /// The kid is not in the JWKS, even after a fetch.
    KidNotFound,
    /// A recent miss put this JWKS URI in the penalty box.
    PenaltyBox { retry_after_seconds: f64 },
}

/// The signature check failed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SignatureError {
    /// The signature does not match.
    Invalid,
    /// The crypto backend refused the key or the operation.
    Crypto,
}

/// A claim check failed (only reported after the signature verified).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ClaimError {
    Expired {
        expected: f64,
        actual: f64,
    },
    MissingExp,
    NotBefore {
        expected: f64,
        actual: f64,
    },
    IatInFuture {
        expected: f64,
        actual: f64,
    },
    Issuer {
        expected: Vec<String>,
        actual: Option<String>,
    },
    Audience {
        expected: Vec<String>,
        actual: Asserted,
    },
    Scope {
        expected: Vec<String>,
        actual: Asserted,
    },
    Group {
        expected: Vec<String>,
        actual: Asserted,
    },
    TokenUse {
        expected: Vec<String>,
        actual: Option<String>,
    },
    ClientId {
        expected: Vec<String>,
        actual: Option<String>,
    },
}

/// Fetching a JWKS or discovery document failed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FetchError {
    /// Network error or the fetch function threw.
    Failed,
    /// No response within the timeout.
    Timeout { ms: f64 },
    /// The response status was not 200.
    Status { status: u16 },
    /// The body is larger than the cap.
    TooLarge { max: usize },
}

/// A sign-in (hosted UI, PKCE code flow) failure. Messages never contain tokens, codes or the
/// PKCE verifier; OAuth `error` / `error_description` come from the server.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AuthError {
    /// A callback, token or userInfo response that is not what the protocol says.
    InvalidResponse { what: &'static str },
    /// An OAuth error response (`error=` on the callback, or from the token/userInfo endpoint).
    OAuth {
        error: String,
        description: Option<String>,
    },
    /// The token endpoint answered `invalid_grant` (code reused/expired, refresh token revoked).
    InvalidGrant { description: Option<String> },
    /// The endpoint could not be reached (the session is kept).
    Network,
    /// A callback arrived with no sign-in pending in this tab (e.g. a replayed callback URL).
    NoTransaction,
    /// The callback's `state` is not the one this tab sent.
    StateMismatch,
    /// The ID token's `nonce` is not the one this tab sent.
    NonceMismatch,
    /// The ID token's `at_hash` does not match the access token.
    AtHashMismatch,
    /// The ID token has neither `custom:id_token` nor `custom:access_token`.
    IdpTokensMissing,
    /// An access token from InitiateAuth (scope `aws.cognito.signin.user.admin`) lacks a
    /// required scope.
    ApiTokenScope { missing: Vec<String> },
}

/// Any verifier failure.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    Options(OptionsError),
    Parse(ParseError),
    Key(KeyError),
    Signature(SignatureError),
    Claim(ClaimError),
    Fetch(FetchError),
    Auth(AuthError),
}

macro_rules! from_phase {
    ($($variant:ident($phase:ident)),+) => {$(
        impl From<$phase> for Error {
            fn from(e: $phase) -> Self {
                Error::$variant(e)
            }
        }
    )+};
}
from_phase!(
    Options(OptionsError),
    Parse(ParseError),
    Key(KeyError),
    Signature(SignatureError),
    Claim(ClaimError),
    Fetch(FetchError),
    Auth(AuthError)
);

impl Error {
    /// The catalog entry of this failure.
    pub fn kind(&self) -> Code {
        use Code as C;
        match self {
            Error::Options(e) => match e {
                OptionsError::Invalid { .. } => C::InvalidOptions,
                OptionsError::InvalidUserPoolId => C::InvalidUserPoolId,
                OptionsError::MissingTokenUse => C::MissingTokenUse,
                OptionsError::MissingClientId => C::MissingClientId,
                OptionsError::MissingAudience => C::MissingAudience,
                OptionsError::UnsupportedAlgorithm { .. } => C::UnsupportedAlgorithm,
                OptionsError::IssuerNotConfigured => C::IssuerNotConfigured,
            },
            Error::Parse(e) => match e {
                ParseError::TooLarge { .. } | ParseError::HeaderTooLarge { .. } => C::TooLarge,
                ParseError::TooDeep { .. } => C::TooDeep,
                ParseError::Malformed => C::Malformed,
                ParseError::Base64 => C::Base64,
                ParseError::Json { .. } => C::Json,
                ParseError::DuplicateKey { .. } => C::DuplicateKey,
                ParseError::ClaimType { .. } => C::ClaimType,
                ParseError::Crit => C::Crit,
            },
            Error::Key(e) => match e {
                KeyError::AlgNotAllowed { .. } => C::AlgNotAllowed,
                KeyError::AlgJwkMismatch { .. } => C::AlgJwkMismatch,
                KeyError::MissingKid => C::MissingKid,
                KeyError::JwksInvalid => C::JwksInvalid,
                KeyError::DiscoveryInvalid => C::DiscoveryInvalid,
                KeyError::JwkInvalid => C::JwkInvalid,
                KeyError::JwkWeak { .. } => C::JwkWeak,
                KeyError::JwkInvalidUse { .. } => C::JwkInvalidUse,
                KeyError::JwkInvalidKty { .. } => C::JwkInvalidKty,
                KeyError::KidNotFound => C::KidNotFound,
                KeyError::PenaltyBox { .. } => C::PenaltyBox,
            },
            Error::Signature(e) => match e {
                SignatureError::Invalid => C::InvalidSignature,
                SignatureError::Crypto => C::Crypto,
            },
            Error::Claim(e) => match e {
                ClaimError::Expired { .. } => C::Expired,
                ClaimError::MissingExp => C::MissingExp,
                ClaimError::NotBefore { .. } => C::NotBefore,
                ClaimError::IatInFuture { .. } => C::IatInFuture,
                ClaimError::Issuer { .. } => C::InvalidIssuer,
                ClaimError::Audience { .. } => C::InvalidAudience,
                ClaimError::Scope { .. } => C::InvalidScope,
                ClaimError::Group { .. } => C::InvalidGroup,
                ClaimError::TokenUse { .. } => C::InvalidTokenUse,
                ClaimError::ClientId { .. } => C::InvalidClientId,
            },
            Error::Fetch(e) => match e {
                FetchError::Failed => C::Fetch,
                FetchError::Timeout { .. } => C::FetchTimeout,
                FetchError::Status { .. } => C::FetchStatus,
                FetchError::TooLarge { .. } => C::FetchTooLarge,
            },
            Error::Auth(e) => match e {
                AuthError::InvalidResponse { .. } => C::AuthInvalidResponse,
                AuthError::OAuth { .. } => C::AuthOAuth,
                AuthError::InvalidGrant { .. } => C::AuthInvalidGrant,
                AuthError::Network => C::AuthNetwork,
                AuthError::NoTransaction => C::AuthNoTransaction,
                AuthError::StateMismatch => C::AuthStateMismatch,
                AuthError::NonceMismatch => C::AuthNonceMismatch,
                AuthError::AtHashMismatch => C::AuthAtHashMismatch,
                AuthError::IdpTokensMissing => C::AuthIdpTokensMissing,
                AuthError::ApiTokenScope { .. } => C::AuthApiTokenScope,
            },
        }
    }

    /// Stable `ERR_*` code.
    pub fn code(&self) -> &'static str {
        self.kind().code()
    }

    /// aws-jwt-verify's class name for this failure (or ours for new checks).
    pub fn js_name(&self) -> &'static str {
        self.kind().js_name()
    }

    /// aws-jwt-verify's `failedAssertion` as `(expected, actual)`, when the class carries one.
    pub fn failed_assertion(&self) -> Option<(Asserted, Asserted)> {
        let list = |v: &[String]| Asserted::List(v.to_vec());
        let opt = |v: &Option<String>| v.clone().map_or(Asserted::Missing, Asserted::Str);
        let pair = match self {
            Error::Key(KeyError::AlgNotAllowed { expected, actual }) => {
                (list(expected), opt(actual))
            }
            Error::Key(KeyError::AlgJwkMismatch { expected, actual }) => (
                Asserted::Str(expected.clone()),
                Asserted::Str(actual.clone()),
            ),
            Error::Key(KeyError::JwkInvalidUse { actual }) => {
                (Asserted::Str("sig".into()), Asserted::Str(actual.clone()))
            }
            Error::Key(KeyError::JwkInvalidKty { actual }) => {
                (Asserted::Str("RSA".into()), Asserted::Str(actual.clone()))
            }
            Error::Claim(c) => match c {
                ClaimError::Expired { expected, actual }
                | ClaimError::NotBefore { expected, actual }
                | ClaimError::IatInFuture { expected, actual } => {
                    (Asserted::Num(*expected), Asserted::Num(*actual))
                }
                ClaimError::MissingExp => (Asserted::Str("exp".into()), Asserted::Missing),
                ClaimError::Issuer { expected, actual }
                | ClaimError::TokenUse { expected, actual }
                | ClaimError::ClientId { expected, actual } => (list(expected), opt(actual)),
                ClaimError::Audience { expected, actual }
                | ClaimError::Scope { expected, actual }
                | ClaimError::Group { expected, actual } => (list(expected), actual.clone()),
            },
            _ => return None,
        };
        Some(pair)
    }

    /// True for claim errors: the only ones that may carry `rawJwt` (opt-in, after the
    /// signature verified).
    pub fn is_claim_error(&self) -> bool {
        matches!(self, Error::Claim(_))
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Header => "header",
            Part::Payload => "payload",
        })
    }
}

impl Error {
    /// This failure's message: its catalog id and the values of the template's `{name}`s. The
    /// wasm passes both to JS, which formats the text; natively, `Display` does.
    pub fn message(&self) -> (Message, Vec<(&'static str, String)>) {
        use Message as M;
        let arg = |name: &'static str, value: &dyn fmt::Display| vec![(name, value.to_string())];
        let none = Vec::new();
        match self {
            Error::Options(e) => match e {
                OptionsError::Invalid { detail } => (M::InvalidOptions, arg("detail", detail)),
                OptionsError::InvalidUserPoolId => (M::InvalidUserPoolId, none),
                OptionsError::MissingTokenUse => (M::MissingTokenUse, none),
                OptionsError::MissingClientId => (M::MissingClientId, none),
                OptionsError::MissingAudience => (M::MissingAudience, none),
                OptionsError::UnsupportedAlgorithm { alg } => {
                    (M::UnsupportedAlgorithm, arg("alg", alg))
                }
                OptionsError::IssuerNotConfigured => (M::IssuerNotConfigured, none),
            },
            Error::Parse(e) => match e {
                ParseError::TooLarge { max, actual } => (
                    M::TooLarge,
                    vec![("actual", actual.to_string()), ("max", max.to_string())],
                ),
                ParseError::HeaderTooLarge { max, actual } => (
                    M::HeaderTooLarge,
                    vec![("actual", actual.to_string()), ("max", max.to_string())],
                ),
                ParseError::TooDeep { max } => (M::TooDeep, arg("max", max)),
                ParseError::Malformed => (M::Malformed, none),
                ParseError::Base64 => (M::Base64, none),
                ParseError::Json { part } => (M::Json, arg("part", part)),
                ParseError::DuplicateKey { part } => (M::DuplicateKey, arg("part", part)),
                ParseError::ClaimType { part } => (M::ClaimType, arg("part", part)),
                ParseError::Crit => (M::Crit, none),
            },
            Error::Key(e) => match e {
                KeyError::AlgNotAllowed { .. } => (M::AlgNotAllowed, none),
                KeyError::AlgJwkMismatch { .. } => (M::AlgJwkMismatch, none),
                KeyError::MissingKid => (M::MissingKid, none),
                KeyError::JwksInvalid => (M::JwksInvalid, none),
                KeyError::DiscoveryInvalid => (M::DiscoveryInvalid, none),
                KeyError::JwkInvalid => (M::JwkInvalid, none),
                KeyError::JwkWeak { bits } => (M::JwkWeak, arg("bits", bits)),
                KeyError::JwkInvalidUse { .. } => (M::JwkInvalidUse, none),
                KeyError::JwkInvalidKty { .. } => (M::JwkInvalidKty, none),
                KeyError::KidNotFound => (M::KidNotFound, none),
                KeyError::PenaltyBox { .. } => (M::PenaltyBox, none),
            },
            Error::Signature(e) => match e {
                SignatureError::Invalid => (M::InvalidSignature, none),
                SignatureError::Crypto => (M::Crypto, none),
            },
            Error::Claim(e) => match e {
                ClaimError::Expired { .. } => (M::Expired, none),
                ClaimError::MissingExp => (M::MissingExp, none),
                ClaimError::NotBefore { .. } => (M::NotBefore, none),
                ClaimError::IatInFuture { .. } => (M::IatInFuture, none),
                ClaimError::Issuer { .. } => (M::InvalidIssuer, none),
                ClaimError::Audience { .. } => (M::InvalidAudience, none),
                ClaimError::Scope { .. } => (M::InvalidScope, none),
                ClaimError::Group { .. } => (M::InvalidGroup, none),
                ClaimError::TokenUse { .. } => (M::InvalidTokenUse, none),
                ClaimError::ClientId { .. } => (M::InvalidClientId, none),
            },
            Error::Fetch(e) => match e {
                FetchError::Failed => (M::Fetch, none),
                // whole milliseconds: formatting an f64 would link the float printer
                FetchError::Timeout { ms } => (M::FetchTimeout, arg("ms", &(*ms as u64))),
                FetchError::Status { status } => (M::FetchStatus, arg("status", status)),
                FetchError::TooLarge { max } => (M::FetchTooLarge, arg("max", max)),
            },
            Error::Auth(e) => match e {
                AuthError::InvalidResponse { what } => (M::AuthInvalidResponse, arg("what", what)),
                AuthError::OAuth { error, .. } => (M::AuthOAuth, arg("error", error)),
                AuthError::InvalidGrant { .. } => (M::AuthInvalidGrant, none),
                AuthError::Network => (M::AuthNetwork, none),
                AuthError::NoTransaction => (M::AuthNoTransaction, none),
                AuthError::StateMismatch => (M::AuthStateMismatch, none),
                AuthError::NonceMismatch => (M::AuthNonceMismatch, none),
                AuthError::AtHashMismatch => (M::AuthAtHashMismatch, none),
                AuthError::IdpTokensMissing => (M::AuthIdpTokensMissing, none),
                AuthError::ApiTokenScope { missing } => {
                    (M::AuthApiTokenScope, arg("missing", &missing.join(" ")))
                }
            },
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (message, args) = self.message();
        let mut rest = message.template();
        while let Some(open) = rest.find('{') {
            let close = open + rest[open..].find('}').unwrap_or(0);
            let name = &rest[open + 1..close];
            f.write_str(&rest[..open])?;
            match args.iter().find(|(n, _)| *n == name) {
                Some((_, value)) => f.write_str(value)?,
                None => f.write_str(&rest[open..=close])?,
            }
            rest = &rest[close + 1..];
        }
        f.write_str(rest)
    }
}

impl std::error::Error for Error {}

/// Shorthand used across the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_parents_resolve() {
        let mut codes: Vec<&str> = CATALOG.iter().map(|c| c.code()).collect();
        codes.sort_unstable();
        let len = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), len, "duplicate code");
        for c in CATALOG {
            assert!(c.code().starts_with("ERR_"));
            assert!(c.js_name().ends_with("Error"));
            let parent = c.parent();
            let known = BASE_CLASSES.iter().any(|(n, _)| *n == parent)
                || CATALOG.iter().any(|o| o.js_name() == parent);
            assert!(known, "{} has unknown parent {parent}", c.code());
            // one parent per class name
            for o in CATALOG.iter().filter(|o| o.js_name() == c.js_name()) {
                assert_eq!(o.parent(), parent, "{} parents disagree", c.js_name());
            }
        }
    }

    #[test]
    fn display_is_lowercase_and_codes_map() {
        let e: Error = ClaimError::Expired {
            expected: 10.0,
            actual: 5.0,
        }
        .into();
        assert_eq!(e.code(), "ERR_JWT_EXPIRED");
        assert_eq!(e.js_name(), "JwtExpiredError");
        assert_eq!(e.to_string(), "token expired");
        assert_eq!(
            e.failed_assertion(),
            Some((Asserted::Num(10.0), Asserted::Num(5.0)))
        );
        let header: Error = ParseError::HeaderTooLarge {
            max: 8192,
            actual: 9000,
        }
        .into();
        assert_eq!(header.code(), "ERR_JWT_TOO_LARGE");
        assert_eq!(
            header.to_string(),
            "jwt header is 9000 characters long, the maximum is 8192"
        );
        let scope: Error = AuthError::ApiTokenScope {
            missing: vec!["a".into(), "b".into()],
        }
        .into();
        assert!(scope.to_string().contains(" lacks a b: only "), "{scope}");
        let p: Error = ParseError::Malformed.into();
        assert!(p.failed_assertion().is_none());
        assert!(!p.is_claim_error());
    }
}
