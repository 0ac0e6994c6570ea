//! Core errors as JS `Error` objects: `name` (aws-jwt-verify's class name), `code`, `message`
//! (the code; js/verifier.js makes the text from `messageId` and `messageArgs`, never token text), `failedAssertion: {actual, expected}` when the class has one, and
//! `rawJwt: {header, payload}` only for claim errors when the caller opted in (claim checks run
//! after the signature verified).

use crate::protocol::error::{Asserted, Error, OptionsError};
use crate::protocol::CATALOG;
use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::prelude::*;

/// Sets `obj[key] = value` (never fails on plain objects).
pub(crate) fn set(obj: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

fn asserted(v: &Asserted) -> JsValue {
    match v {
        Asserted::Missing => JsValue::UNDEFINED,
        Asserted::Str(s) => JsValue::from_str(s),
        Asserted::Num(n) => JsValue::from_f64(*n),
        Asserted::List(l) => l
            .iter()
            .map(|s| JsValue::from_str(s))
            .collect::<Array>()
            .into(),
    }
}

/// The decoded header and payload JSON texts, for `rawJwt`.
pub(crate) type RawJwt<'a> = Option<(&'a str, &'a str)>;

/// Builds the JS error for `e`; `raw` is attached to claim errors only.
pub(crate) fn to_js(e: &Error, raw: RawJwt<'_>) -> JsValue {
    // The message is the code here; the JS wrapper (fromWasmError) makes the text from
    // `messageId` and `messageArgs`, so that the catalog's texts are not in the wasm.
    let err = js_sys::Error::new(e.code());
    err.set_name(e.js_name());
    let err = JsValue::from(err);
    set(&err, "code", &JsValue::from_str(e.code()));
    let (message, args) = e.message();
    set(&err, "messageId", &JsValue::from(message as u32));
    let values = Object::new();
    for (name, value) in &args {
        set(&values, name, &JsValue::from_str(value));
    }
    set(&err, "messageArgs", &values);
    if let Some((expected, actual)) = e.failed_assertion() {
        let fa = Object::new();
        set(&fa, "actual", &asserted(&actual));
        set(&fa, "expected", &asserted(&expected));
        set(&err, "failedAssertion", &fa);
    }
    if let (Some((header, payload)), true) = (raw, e.is_claim_error()) {
        let rj = Object::new();
        set(&rj, "header", &JSON::parse(header).unwrap_or_default());
        set(&rj, "payload", &JSON::parse(payload).unwrap_or_default());
        set(&err, "rawJwt", &rj);
    }
    err
}

/// A failure of a verification: a core error, or a JS value (a fetch's error, shared by the
/// verifications that waited for that fetch), which propagates unchanged.
pub(crate) enum Failure {
    Core(Error),
    Js(JsValue),
}

impl<E: Into<Error>> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::Core(e.into())
    }
}

/// A `ParameterValidationError` with `detail`.
pub(crate) fn invalid_options(detail: &str) -> Error {
    OptionsError::Invalid {
        detail: detail.to_owned(),
    }
    .into()
}

/// `errorCatalog()`: every `{code, name, parent}`. Parents that are not a `name` here are
/// aws-jwt-verify's abstract bases: `JwtBaseError extends Error`,
/// `FailedAssertionError extends JwtBaseError`, `JwtInvalidClaimError extends FailedAssertionError`.
#[wasm_bindgen(js_name = errorCatalog)]
pub fn error_catalog() -> Array {
    CATALOG
        .iter()
        .map(|c| {
            let entry = Object::new();
            set(&entry, "code", &JsValue::from_str(c.code()));
            set(&entry, "name", &JsValue::from_str(c.js_name()));
            set(&entry, "parent", &JsValue::from_str(c.parent()));
            JsValue::from(entry)
        })
        .collect()
}
