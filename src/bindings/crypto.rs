//! WebCrypto through `globalThis.crypto.subtle` (pages, workers, Node; never `window`):
//! RSASSA-PKCS1-v1_5 key import from a JWK and signature verification, or a synchronous check an
//! entry point installed for the runtime (the Node entries: node:crypto, `js/node-crypto.js`).

use super::error::set;
use crate::protocol::error::{Error, SignatureError};
use crate::protocol::verify::jwk::Jwk;
use crate::protocol::Alg;
use js_sys::{Array, Function, Object, Uint8Array};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

#[wasm_bindgen]
extern "C" {
    /// `globalThis.crypto.subtle` (never `window`'s), typed by web-sys. Every runtime the package
    /// supports has `globalThis.crypto` (Node ≥ 20, browsers, workerd); where `subtle` is missing
    /// (a page outside a secure context) each call below fails with a caught error.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["globalThis", "crypto"], js_name = subtle)]
    static SUBTLE: SubtleCrypto;
}

const RSA: &str = "RSASSA-PKCS1-v1_5";

thread_local! {
    /// The synchronous signature check [`set_signature_check`] installed, if any.
    static CHECK: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Installs `check(cryptoKey, signature, data) -> boolean`, synchronous, for every signature the
/// core verifies (the hot path in `js/verifier.js` uses the same one). A check that throws leaves
/// that signature to WebCrypto.
#[wasm_bindgen(js_name = setSignatureCheck)]
pub fn set_signature_check(check: Function) {
    CHECK.with(|c| *c.borrow_mut() = Some(check));
}

/// The installed check's answer for `signature` over `data`, or `None` (none installed, or it
/// threw).
fn installed_check(key: &JsValue, signature: &[u8], data: &[u8]) -> Option<bool> {
    let check = CHECK.with(|c| c.borrow().clone())?;
    let (signature, data) = (Uint8Array::from(signature), Uint8Array::from(data));
    check
        .call3(&JsValue::UNDEFINED, key, &signature, &data)
        .ok()
        .map(|v| v.is_truthy())
}

/// `{name: "RSASSA-PKCS1-v1_5"}`, the verify algorithm (built once per verifier).
pub(crate) fn verify_algorithm() -> Object {
    let alg = Object::new();
    set(&alg, "name", &JsValue::from_str(RSA));
    alg
}

/// The JWK as a frozen JS object: what `importKey` takes and what `customJwtCheck` receives.
pub(crate) fn jwk_object(jwk: &Jwk) -> Object {
    let obj = Object::new();
    let fields = [
        ("kty", Some(&jwk.kty)),
        ("use", jwk.use_.as_ref()),
        ("alg", jwk.alg.as_ref()),
        ("kid", jwk.kid.as_ref()),
        ("n", jwk.n.as_ref()),
        ("e", jwk.e.as_ref()),
    ];
    for (name, value) in fields {
        if let Some(v) = value {
            set(&obj, name, &JsValue::from_str(v));
        }
    }
    Object::freeze(&obj)
}

fn crypto_failed(_: JsValue) -> Error {
    SignatureError::Crypto.into()
}

/// Imports `jwk` (an object from [`jwk_object`]) as a verify-only key for `alg`.
pub(crate) async fn import(jwk: &Object, alg: Alg) -> Result<JsValue, Error> {
    let params = verify_algorithm();
    set(&params, "hash", &JsValue::from_str(alg.hash()));
    let usages = Array::of1(&JsValue::from_str("verify"));
    let promise = SUBTLE
        .with(|subtle| subtle.import_key_with_object("jwk", jwk, &params, false, &usages))
        .map_err(crypto_failed)?;
    JsFuture::from(promise).await.map_err(crypto_failed)
}

/// Verifies `signature` over `data`: with the installed check when there is one, else WebCrypto.
/// WebCrypto gets the slices as views of wasm memory and copies them synchronously, so no copy is
/// made here.
pub(crate) async fn verify(
    algorithm: &Object,
    key: &JsValue,
    signature: &[u8],
    data: &[u8],
) -> Result<bool, Error> {
    if let Some(valid) = installed_check(key, signature, data) {
        return Ok(valid);
    }
    let key: &CryptoKey = key.unchecked_ref();
    let promise = SUBTLE
        .with(|subtle| {
            subtle.verify_with_object_and_u8_array_and_u8_array(algorithm, key, signature, data)
        })
        .map_err(crypto_failed)?;
    let ok = JsFuture::from(promise).await.map_err(crypto_failed)?;
    Ok(ok.is_truthy())
}
