//! The pure core: parsing and validation with time, keys and bytes passed in.
//!
//! No JS, no clock, no RNG, no I/O. Time is `now` in seconds since the epoch (`f64`, like
//! `Date.now() / 1000`). The flow of one verification:
//!
//! 1. [`JwtVerifier::prepare`]: limits, decoding, issuer selection, `alg`/`kid` checks.
//! 2. [`JwtVerifier::rules`]: create-time options merged with verify-time overrides.
//! 3. [`JwksState::lookup`]: the key, or "fetch now" / "wait for the fetch in flight" / an error.
//! 4. [`Prepared::signature_check`]: what the crypto backend must verify.
//! 5. [`Rules::validate`]: the claim checks.

pub mod authorize;
pub mod b64;
pub mod bearer;
pub mod claims;
pub mod cognito;
pub mod edge_session;
pub mod error;
pub mod idp_tokens;
pub mod introspect;
pub mod json;
pub mod jwk;
pub mod jwt;
pub mod limits;
pub mod options;
pub mod pkce;
mod redact;
pub mod session;
pub mod token;
pub mod token_cache;
pub mod userinfo;
pub mod verifier;

pub use claims::{Claims, Rules};
pub use error::{Code, Error, CATALOG};
pub use jwk::{parse_discovery, parse_jwks, JwksCache, JwksState, Step};
pub use jwt::{Alg, SignatureCheck, UntrustedJwt};
pub use options::Options;
pub use verifier::{JwtVerifier, Prepared};
