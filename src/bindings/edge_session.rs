//! The edge session cookie's framing (`crate::protocol::edge::edge_session`) for `js/edge-auth.js`,
//! which seals and opens the bytes with AES-GCM (WebCrypto):
//!
//! ```text
//! function edgeSessionCookies(name: string, version: number, sealed: Uint8Array): [string, string][] | undefined
//! function edgeSessionRead(cookieHeader: string, name: string): {version, sealed: Uint8Array} | undefined
//! ```

use super::error::set;
use crate::protocol::edge::edge_session::{chunk, frame, read};
use js_sys::{Array, Object, Uint8Array};
use wasm_bindgen::prelude::*;

/// The `(cookie name, value)` chunks of a sealed session; `undefined` when it needs more than
/// `MAX_CHUNKS` cookies.
#[wasm_bindgen(js_name = edgeSessionCookies)]
pub fn edge_session_cookies(name: &str, version: u32, sealed: &[u8]) -> Option<Array> {
    let chunks = chunk(name, &frame(version, sealed))?;
    Some(
        chunks
            .into_iter()
            .map(|(k, v)| Array::of2(&JsValue::from_str(&k), &JsValue::from_str(&v)))
            .collect(),
    )
}

/// The key version and sealed bytes of `name` in a `Cookie` header; `undefined` for no session
/// (absent, malformed, oversized).
#[wasm_bindgen(js_name = edgeSessionRead)]
pub fn edge_session_read(cookie_header: &str, name: &str) -> JsValue {
    let Some((version, sealed)) = read(cookie_header, name) else {
        return JsValue::UNDEFINED;
    };
    let out = Object::new();
    set(&out, "version", &JsValue::from(version));
    set(&out, "sealed", &Uint8Array::from(sealed.as_slice()).into());
    out.into()
}
