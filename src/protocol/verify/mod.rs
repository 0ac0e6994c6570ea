//! Verifying a JWT: decoding and structure ([`jwt`]), keys and the JWKS cache ([`jwk`]), claims
//! and their rules ([`claims`]), options ([`options`]), Cognito pool IDs ([`cognito`]), size
//! limits ([`limits`]) and the verifier that ties them together ([`verifier`]).
//!
//! Always compiled (the package's verify-only module is this and [`codec`](super::codec)).
//! Depends on `codec` and the shared `error` and `redact`, never on `signin` or `edge`.

pub mod claims;
pub mod cognito;
pub mod jwk;
pub mod jwt;
pub mod limits;
pub mod options;
pub mod verifier;
