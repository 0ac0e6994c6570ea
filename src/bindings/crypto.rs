//! WebCrypto through `globalThis.crypto.subtle` (pages, workers, Node; never `window`):
//! RSASSA-PKCS1-v1_5 key import from a JWK and signature verification.

use super::error::set;
use crate::protocol::error::{Error, SignatureError};
use crate::protocol::jwk::Jwk;
use crate::protocol::Alg;
use js_sys::{Array, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["globalThis", "crypto", "subtle"], js_name = importKey, catch)]
    fn import_key(
        format: &str,
        key: &Object,
        algorithm: &Object,
        extractable: bool,
        usages: &Array,
    ) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["globalThis", "crypto", "subtle"], js_name = verify, catch)]
    fn subtle_verify(
        algorithm: &Object,
        key: &JsValue,
        signature: &[u8],
        data: &[u8],
    ) -> Result<Promise, JsValue>;
}

const RSA: &str = "RSASSA-PKCS1-v1_5";

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
    let promise = import_key("jwk", jwk, &params, false, &usages).map_err(crypto_failed)?;
    JsFuture::from(promise).await.map_err(crypto_failed)
}

/// Verifies `signature` over `data`. The slices are passed as views of wasm memory; WebCrypto
/// copies them synchronously, so no copy is made here.
pub(crate) async fn verify(
    algorithm: &Object,
    key: &JsValue,
    signature: &[u8],
    data: &[u8],
) -> Result<bool, Error> {
    let promise = subtle_verify(algorithm, key, signature, data).map_err(crypto_failed)?;
    let ok = JsFuture::from(promise).await.map_err(crypto_failed)?;
    Ok(ok.is_truthy())
}
