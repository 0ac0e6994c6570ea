//! The core's own JSON reader (`protocol::codec::json`) against serde_json as the reference: the same
//! documents are valid (up to the reader's nesting bound), and typed reads of a valid document
//! give serde_json's values.
#![no_main]

use cognito_wasm::protocol::codec::json::{JsonError, Reader, MAX_NESTING};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // serde_json stops at 128 levels; compare only below both bounds. Its `raw_value` feature
    // (on in the library) gives the key "$serde_json::private::RawValue" a meaning of its own.
    if text.bytes().filter(|b| matches!(b, b'[' | b'{')).count() >= 128.min(MAX_NESTING)
        || text.contains("$serde_json::private::")
    {
        return;
    }
    let ours = Reader::document(text, |r| r.skip());
    let reference = serde_json::from_str::<Value>(text);
    assert_eq!(
        ours.is_ok(),
        reference.is_ok(),
        "{text:?}: reader {ours:?}, serde_json {reference:?}"
    );
    let Ok(value) = reference else {
        assert_eq!(ours, Err(JsonError::Syntax));
        return;
    };
    match &value {
        Value::String(s) => assert_eq!(Reader::document(text, |r| r.str()).unwrap(), s.as_str()),
        Value::Number(n) => {
            let got = Reader::document(text, |r| r.num()).unwrap();
            assert_eq!(got, n.as_f64().unwrap(), "{text}");
        }
        Value::Bool(b) => assert_eq!(Reader::document(text, |r| r.bool()).unwrap(), *b),
        Value::Object(members) => {
            let mut keys = Vec::new();
            Reader::document(text, |r| {
                r.object(|r, k| {
                    keys.push(k.into_owned());
                    r.skip()
                })
            })
            .unwrap();
            // serde_json keeps the last of repeated keys; the reader reports each
            assert!(members.keys().all(|k| keys.contains(k)));
        }
        _ => {}
    }
});
