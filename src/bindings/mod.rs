//! The thin wasm-bindgen layer: `RawVerifier` and `errorCatalog()`, the contract with the JS
//! package (see `docs/verifier-api.md`). Crypto and fetch go through `globalThis`, never
//! `window`, so one build serves pages, workers and Node.

mod auth;
mod crypto;
mod edge;
mod error;
mod fetch;
mod verifier;

pub use auth::{is_api_issued, require_scopes, RawAuth};
pub use edge::{BearerGuard, Introspector, TokenCache};
pub use error::error_catalog;
pub use verifier::RawVerifier;
