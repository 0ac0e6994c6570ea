//! The pure core: parsing and validation with time, keys and bytes passed in.
//!
//! No JS, no clock, no RNG, no I/O. Time is `now` in seconds since the epoch (`f64`, like
//! `Date.now() / 1000`). By capability:
//!
//! - [`codec`]: base64url, the strict JSON reader and writer, form decoding, constant-time
//!   comparison. The helpers the capabilities share live here or in `verify`.
//! - [`verify`]: JWT structure, keys and the JWKS cache, claims, options, Cognito IDs, limits,
//!   the verifier.
//! - [`signin`] (feature `sign-in`): the hosted UI's authorize URL and callback, PKCE, the token
//!   endpoint, the stored session, userInfo, the upstream IdP's tokens.
//! - [`edge`] (feature `edge`): bearer tokens, introspection, the verified-token cache, the edge
//!   session cookie.
//! - [`error`] (the error catalogue) and `redact` (`Debug` without secrets), shared by all.
//!
//! Imports go one way: `error`/`redact` ← `codec` ← `verify` ← `signin`, `edge` (which never
//! import each other). The flow of one verification:
//!
//! 1. [`JwtVerifier::prepare`]: limits, decoding, issuer selection, `alg`/`kid` checks.
//! 2. [`JwtVerifier::rules`]: create-time options merged with verify-time overrides.
//! 3. [`JwksState::lookup`]: the key, or "fetch now" / "wait for the fetch in flight" / an error.
//! 4. [`Prepared::signature_check`]: what the crypto backend must verify.
//! 5. [`Prepared::verified`] with the backend's answer: a [`VerifiedJwt`], the only way to
//!    [`VerifiedJwt::check_claims`], so a claim error can only come after a good signature.

pub mod codec;
#[cfg(feature = "edge")]
pub mod edge;
pub mod error;
mod redact;
#[cfg(feature = "sign-in")]
pub mod signin;
pub mod verify;

pub use error::{Code, Error, CATALOG};
pub use verify::claims::{Claims, Rules};
pub use verify::jwk::{parse_discovery, parse_jwks};
pub use verify::jwks::{JwksCache, JwksState, Step};
pub use verify::jwt::{Alg, SignatureCheck, UntrustedJwt};
pub use verify::options::Options;
pub use verify::verifier::{JwtVerifier, Prepared, VerifiedJwt};
