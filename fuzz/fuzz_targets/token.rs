//! Token decoding, header checks, key selection and claim validation, as one verification runs
//! them, with the signature taken as valid (no crypto in the core) so claims are reached.
//!
//! The first byte picks the input form: odd → the rest is the token text as is; even → the rest
//! is `header JSON 0xff payload JSON 0xff signature bytes`, base64url-encoded and joined by the
//! target, so the fuzzer reaches the JSON and claim checks without learning base64.
#![no_main]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use cognito_wasm::protocol::{Error, JwtVerifier, Step};
use cognito_wasm_fuzz::{check_error, keys, verifier, NOW};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static VERIFIER: LazyLock<JwtVerifier> = LazyLock::new(verifier);

fn token_from(data: &[u8]) -> Option<String> {
    let (&mode, rest) = data.split_first()?;
    if mode % 2 == 1 {
        return std::str::from_utf8(rest).ok().map(str::to_owned);
    }
    let parts: Vec<String> = rest
        .splitn(3, |b| *b == 0xff)
        .map(|p| URL_SAFE_NO_PAD.encode(p))
        .collect();
    Some(parts.join("."))
}

fn verify(v: &JwtVerifier, token: &str) -> Result<(), Error> {
    let prepared = v.prepare(token)?;
    let check = prepared.signature_check();
    // the signature covers exactly `header.payload` as the token spells them
    assert_eq!(
        check.signing_input,
        &token.as_bytes()[..token.rfind('.').unwrap()]
    );
    let resolved = v.rules(prepared.config, None)?;
    let config = &v.configs()[prepared.config];
    let mut cache = v.new_cache();
    let state = cache.get_mut(&config.jwks_uri).expect("registered URI");
    state.set_keys(keys(), NOW);
    let entry = match state.lookup(prepared.kid(), NOW, false)? {
        Step::Key(entry) => entry.clone(),
        Step::Fetch => {
            state.finish_fetch(Ok(keys()), NOW);
            state.key_after_fetch(prepared.kid(), NOW)?.clone()
        }
        Step::Wait => unreachable!("no fetch is in flight"),
    };
    entry.usable_for(prepared.alg)?;
    // no crypto here: the claim checks as if the signature had verified
    prepared
        .verified(true)?
        .check_claims(&resolved.rules, NOW)?;
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let Some(token) = token_from(data) else {
        return;
    };
    if let Err(error) = verify(&VERIFIER, &token) {
        check_error(&token, &error);
    }
});
