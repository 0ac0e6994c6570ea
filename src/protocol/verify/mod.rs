//! Verifying a JWT: decoding and structure ([`jwt`]), JWKs ([`jwk`]), the JWKS cache ([`jwks`]), the
//! host's imported keys ([`keys`]), claims and their rules ([`claims`]), options ([`options`]),
//! Cognito pool IDs ([`cognito`]), size limits ([`limits`]), the verifier that ties them together
//! ([`verifier`]) and the one verification state machine the host drives ([`driver`]).
//!
//! Always compiled (the package's verify-only module is this and [`codec`](super::codec)).
//! Depends on `codec` and the shared `error` and `redact`, never on `signin` or `edge`.

pub mod claims;
pub mod cognito;
pub mod driver;
pub mod jwk;
pub mod jwks;
pub mod jwt;
pub mod keys;
pub mod limits;
pub mod options;
pub mod verifier;
