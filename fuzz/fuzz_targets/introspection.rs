//! The introspection endpoint's request parsing (`introspect::parse_request`): method,
//! content type, `Authorization` header and form body, separated by NUL bytes in the input. A
//! request that parses is a POST with a non-empty token, and its refusals are the fixed bodies.
#![no_main]

use cognito_wasm::protocol::edge::introspect::{parse_request, Caller};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(4, '\0');
    let (method, content_type, authorization, body) = (
        parts.next().unwrap_or_default(),
        parts.next().filter(|s| !s.is_empty()),
        parts.next().filter(|s| !s.is_empty()),
        parts.next().unwrap_or_default(),
    );
    match parse_request(method, content_type, authorization, body) {
        Ok(request) => {
            assert_eq!(method, "POST");
            assert!(!request.token.is_empty());
            if let Some(Caller::Client { id, .. }) = &request.caller {
                assert!(!id.is_empty() || authorization.is_none());
            }
        }
        Err(e) => {
            assert!(matches!(e.status(), 400 | 401 | 405));
            assert!(e.body().starts_with(r#"{"error":"invalid_"#));
        }
    }
});
