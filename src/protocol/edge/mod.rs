//! Resource servers and edge workers (feature `edge`): bearer tokens and `requireAuth`
//! ([`bearer`]), RFC 7662 introspection ([`introspect`]), the verified-token cache
//! ([`token_cache`]) and the edge session cookie's framing ([`edge_session`]).
//!
//! Depends on `codec`, `verify` and the shared `error` and `redact`, never on `signin` (the JS
//! edge gateway, `js/edge-auth.js`, also uses the sign-in exports: the package builds both).

pub mod bearer;
pub mod edge_session;
pub mod introspect;
pub mod token_cache;
