//! The JWK as JS sees it: what the driver's key import takes (`crypto.subtle.importKey("jwk", …)`,
//! `js/driver.js`) and what `customJwtCheck` and `exportJwksCache` give out. The crypto itself
//! runs in JS, per runtime (docs/decisions/0008-one-driver.md).

use super::error::set;
use crate::protocol::verify::jwk::Jwk;
use js_sys::Object;
use wasm_bindgen::JsValue;

/// The JWK as a frozen JS object.
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
