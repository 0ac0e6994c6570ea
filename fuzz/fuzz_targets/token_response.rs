//! The token endpoint's answer (`token::parse_token_response`) and the session built from it:
//! a success needs a 2xx status and a positive lifetime, errors never quote the tokens, and a
//! stored session reads back as it was written (expiry in whole seconds).
#![no_main]

use cognito_wasm::protocol::signin::session::Session;
use cognito_wasm::protocol::signin::token::parse_token_response;
use cognito_wasm_fuzz::{check_code, NOW};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((status, body)) = data.split_first_chunk::<2>() else {
        return;
    };
    let status = u16::from_be_bytes(*status) % 600;
    let Ok(body) = std::str::from_utf8(body) else {
        return;
    };
    let tokens = match parse_token_response(status, body) {
        Ok(tokens) => tokens,
        // an error may repeat the server's error_description: only the code is checked
        Err(e) => return check_code(&e),
    };
    assert!((200..300).contains(&status));
    assert!(tokens.expires_in > 0.0 && tokens.expires_in.is_finite());
    let previous = Session {
        id_token: Some("previous-id".into()),
        access_token: "previous-access".into(),
        refresh_token: Some("previous-refresh".into()),
        expires_at: NOW,
    };
    let session = Session::merge(Some(previous), tokens.clone(), NOW);
    assert_eq!(session.access_token, tokens.access_token);
    assert!(session.refresh_token.is_some() && session.id_token.is_some());
    // storage keeps whole seconds, rounded down (refresh a little early, never late)
    let stored = Session::parse(&session.to_json()).expect("a stored session reads back");
    let expires_at = session.expires_at.floor().min(i64::MAX as f64);
    assert_eq!(
        stored,
        Session {
            expires_at,
            ..session
        }
    );
});
