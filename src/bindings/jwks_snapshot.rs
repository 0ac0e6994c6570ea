//! The JWKS cache as plain data, for `RawVerifier.exportJwksCache()` / `importJwksCache(state)`:
//! `{version: 1, jwks: [{uri, loadedAt, penaltyUntil?, keys: [JWK]}]}`, times in seconds since
//! the epoch; JSON-safe, so it can go to KV or the Cache API as is.

use super::crypto::jwk_object;
use super::error::set;
use super::{get, json_string};
use crate::protocol::error::{Error, KeyError};
use crate::protocol::verify::jwk::parse_jwks;
use crate::protocol::verify::jwks::JwksSnapshot;
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

/// Version of the exported JWKS-cache format.
const SNAPSHOT_VERSION: u32 = 1;

/// The exported JWKS cache as a plain object.
pub(crate) fn snapshots_to_js(snapshots: Vec<JwksSnapshot>) -> JsValue {
    let list: Array = snapshots
        .iter()
        .map(|s| {
            let obj = Object::new();
            set(&obj, "uri", &JsValue::from_str(&s.uri));
            set(&obj, "loadedAt", &JsValue::from_f64(s.loaded_at));
            if let Some(until) = s.penalty_until {
                set(&obj, "penaltyUntil", &JsValue::from_f64(until));
            }
            let keys: Array = s
                .keys
                .iter()
                .map(|k| JsValue::from(jwk_object(&k.jwk)))
                .collect();
            set(&obj, "keys", &keys);
            JsValue::from(obj)
        })
        .collect();
    let out = Object::new();
    set(&out, "version", &JsValue::from(SNAPSHOT_VERSION));
    set(&out, "jwks", &list);
    out.into()
}

/// Reads an exported JWKS cache; anything else is `ERR_JWKS_INVALID`. Keys are validated as a
/// fetched JWKS would be.
pub(crate) fn snapshots_from_js(state: &JsValue) -> Result<Vec<JwksSnapshot>, Error> {
    let invalid = || Error::from(KeyError::JwksInvalid);
    let finite = |v: JsValue| v.as_f64().filter(|n| n.is_finite());
    if get(state, "version").as_f64() != Some(f64::from(SNAPSHOT_VERSION)) {
        return Err(invalid());
    }
    let list = get(state, "jwks");
    if !Array::is_array(&list) {
        return Err(invalid());
    }
    Array::from(&list)
        .iter()
        .map(|item| {
            let penalty = get(&item, "penaltyUntil");
            let jwks = Object::new();
            set(&jwks, "keys", &get(&item, "keys"));
            let json = json_string(&jwks);
            Ok(JwksSnapshot {
                uri: get(&item, "uri").as_string().ok_or_else(invalid)?,
                keys: parse_jwks(json.ok_or_else(invalid)?.as_bytes())?,
                loaded_at: finite(get(&item, "loadedAt")).ok_or_else(invalid)?,
                penalty_until: match penalty.is_undefined() {
                    true => None,
                    false => Some(finite(penalty).ok_or_else(invalid)?),
                },
            })
        })
        .collect()
}
