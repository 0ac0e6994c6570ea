//! Sign-in with the hosted UI as a public client (feature `sign-in`): the authorize URL and its
//! callback ([`authorize`]), PKCE and the sign-in's random values ([`pkce`]), the token endpoint
//! ([`token`]), the stored session ([`session`]), userInfo ([`userinfo`]) and the upstream IdP's
//! tokens ([`idp_tokens`]).
//!
//! Depends on `codec`, `verify` and the shared `error` and `redact`, never on `edge`.

pub mod authorize;
pub mod idp_tokens;
pub mod pkce;
pub mod session;
pub mod token;
pub mod userinfo;
