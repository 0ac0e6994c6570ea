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

use wasm_bindgen::JsValue;

/// Seconds since the epoch.
fn clock() -> f64 {
    js_sys::Date::now() / 1000.0
}

/// `JSON.stringify(value)` as a Rust string; `None` when it throws or gives `undefined`.
fn json_string(value: &JsValue) -> Option<String> {
    js_sys::JSON::stringify(value).ok()?.as_string()
}
