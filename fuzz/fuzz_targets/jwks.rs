//! JWKS and discovery parsing, key validation and the JWKS cache's key selection: every key a
//! document lists is found by its kid, and the first key with a kid wins.
#![no_main]

use cognito_wasm::protocol::verify::jwks::JwksPolicy;
use cognito_wasm::protocol::{parse_discovery, parse_jwks, Alg, Error, JwksState, Step};
use cognito_wasm_fuzz::{check_error, NOW};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = parse_discovery(data, "https://issuer.example") {
        check_error(&text, &Error::from(e));
    }
    let entries = match parse_jwks(data) {
        Ok(entries) => entries,
        Err(e) => return check_error(&text, &Error::from(e)),
    };
    for entry in &entries {
        for alg in [Alg::Rs256, Alg::Rs384, Alg::Rs512] {
            if let Err(e) = entry.usable_for(alg) {
                check_error(&text, &Error::from(e));
            }
        }
    }
    let mut state = JwksState::new(JwksPolicy::default());
    state.set_keys(entries.clone(), NOW);
    for kid in entries.iter().filter_map(|e| e.jwk.kid.as_deref()) {
        let first = entries.iter().find(|e| e.jwk.kid.as_deref() == Some(kid));
        match state.lookup(kid, NOW, false) {
            Ok(Step::Key(found)) => assert_eq!(Some(found), first),
            other => panic!("a listed kid was not found: {other:?}"),
        }
    }
});
