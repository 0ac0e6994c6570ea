//! The edge session cookie's framing (`crate::protocol::edge::edge_session`) for `js/edge-auth.js`,
//! which seals and opens the bytes with AES-GCM (WebCrypto):
//!
//! ```text
//! function edgeSessionCookies(name: string, version: number, sealed: Uint8Array): [string, string][] | undefined
//! function edgeSessionFramed(cookieHeader: string, name: string): string | undefined
//! function edgeSessionUnframe(framed: string): {version, sealed: Uint8Array} | undefined
//! function edgeSessionChunks(cookieHeader: string, name: string): number[]
//! function edgeSessionStrip(cookieHeader: string, name: string, txName: string): string
//! ```

use super::error::set;
use crate::protocol::edge::edge_session::{
    chunk, chunk_indexes, frame, framed, unframe, without_chunks,
};
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

/// The framed value of the session `name` in a `Cookie` header, its chunks joined; `undefined`
/// for none (absent, out of order, oversized). Other cookies do not change it.
#[wasm_bindgen(js_name = edgeSessionFramed)]
pub fn edge_session_framed(cookie_header: &str, name: &str) -> Option<String> {
    framed(cookie_header, name)
}

/// The key version and sealed bytes of a framed value; `undefined` when it is malformed.
#[wasm_bindgen(js_name = edgeSessionUnframe)]
pub fn edge_session_unframe(framed: &str) -> JsValue {
    let Some((version, sealed)) = unframe(framed) else {
        return JsValue::UNDEFINED;
    };
    let out = Object::new();
    set(&out, "version", &JsValue::from(version));
    set(&out, "sealed", &Uint8Array::from(sealed.as_slice()).into());
    out.into()
}

/// The chunk indexes of `name` in a `Cookie` header, each once, in order.
#[wasm_bindgen(js_name = edgeSessionChunks)]
pub fn edge_session_chunks(cookie_header: &str, name: &str) -> Vec<u32> {
    let indexes = chunk_indexes(cookie_header, name);
    indexes.into_iter().map(|i| i as u32).collect()
}

/// The `Cookie` header without the chunks of the session `name` and the transaction `tx_name`.
#[wasm_bindgen(js_name = edgeSessionStrip)]
pub fn edge_session_strip(cookie_header: &str, name: &str, tx_name: &str) -> String {
    without_chunks(cookie_header, &[name, tx_name])
}
