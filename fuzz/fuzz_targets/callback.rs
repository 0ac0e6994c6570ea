//! The SPA's callback URL parsing (`authorize::parse_callback`, `is_callback`,
//! `strip_callback`): a parsed code implies a callback; a stripped URL is no longer a callback
//! and stripping twice changes nothing; the callback's form decoding agrees with the
//! introspection endpoint's (`introspect::form_decode`); errors never quote the code or the
//! state (an `error=` callback's own `error` and `error_description` are shown, by design).
#![no_main]

use cognito_wasm::protocol::codec::form::form_decode;
use cognito_wasm::protocol::signin::authorize::{
    is_callback, parse_callback, strip_callback, Transaction,
};
use cognito_wasm_fuzz::{check_code, check_error};
use libfuzzer_sys::fuzz_target;

const STATE: &str = "fuzz-state-0123456789abcdefghijk";

fn tx() -> Transaction {
    Transaction {
        state: STATE.into(),
        nonce: "fuzz-nonce".into(),
        verifier: "fuzz-verifier".into(),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // the input as a whole URL
    match parse_callback(text, &tx()) {
        Ok(code) => assert!(!code.is_empty() && is_callback(text)),
        Err(e) => {
            check_code(&e);
            // an `error=` callback shows the IdP's text, whatever it says
            if !text.contains("error") {
                check_error(text, &e);
            }
        }
    }
    let stripped = strip_callback(text);
    assert!(!is_callback(&stripped), "{text:?} -> {stripped:?}");
    assert_eq!(strip_callback(&stripped), stripped);
    // the input as the raw value of `code`, next to the right state
    if text.contains(['&', '#']) {
        return;
    }
    let url = format!("https://app.example/cb?code={text}&state={STATE}");
    match (parse_callback(&url, &tx()), form_decode(text)) {
        (Ok(code), Some(decoded)) => assert_eq!(code, decoded),
        (Ok(code), None) => panic!("callback decoded {text:?} to {code:?}, form_decode refused"),
        (Err(e), Some(decoded)) => {
            assert!(decoded.is_empty(), "{text:?}: {e}");
            check_error(&url, &e);
        }
        (Err(e), None) => check_error(&url, &e),
    }
});
