//! The thin wasm-bindgen layer: `RawVerifier` and `errorCatalog()`, the contract with the JS
//! package (see `docs/verifier-api.md`). The verifier does no I/O: the package's driver
//! (`js/driver.js`) runs the crypto and the fetches the core asks for, so one build serves pages,
//! workers and Node.
//!
//! The features `sign-in` (`RawAuth`, …) and `edge` (`BearerGuard`, `Introspector`,
//! `TokenCache`) are on by default; the package's verify-only module (`cognito-wasm/verify`) is
//! built without them.

#[cfg(feature = "sign-in")]
mod auth;
mod crypto;
#[cfg(feature = "edge")]
mod edge;
#[cfg(feature = "edge")]
mod edge_session;
mod error;
mod jwks_snapshot;
mod verifier;

#[cfg(feature = "sign-in")]
pub use auth::{is_api_issued, require_scopes, RawAuth};
#[cfg(feature = "edge")]
pub use edge::{BearerGuard, Introspector, TokenCache};
#[cfg(feature = "edge")]
pub use edge_session::{
    edge_session_chunks, edge_session_cookies, edge_session_framed, edge_session_strip,
    edge_session_unframe,
};
pub use error::error_catalog;
pub use verifier::{RawVerification, RawVerifier};

use wasm_bindgen::JsValue;

/// Seconds since the epoch.
fn clock() -> f64 {
    js_sys::Date::now() / 1000.0
}

/// `obj[key]`, or `undefined` when `obj` is not an object.
fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() {
        js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or_default()
    } else {
        JsValue::UNDEFINED
    }
}

/// `JSON.stringify(value)` as a Rust string; `None` when it throws or gives `undefined`.
fn json_string(value: &JsValue) -> Option<String> {
    js_sys::JSON::stringify(value).ok()?.as_string()
}
