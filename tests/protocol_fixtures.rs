//! The core over every fixture of `tests/fixtures/tokens.json` (tokens signed by Node's
//! WebCrypto), through the shared native runner (`tests/native/`, signatures by the `rsa` crate).
#![cfg(not(target_arch = "wasm32"))]

mod native;

use cognito_wasm::protocol::verify::jwk::parse_jwks;
use native::{case_token, check_every_case, now, verifier, verify};
use serde_json::Value;

const FIXTURE: &str = include_str!("fixtures/tokens.json");

fn fixture() -> Value {
    serde_json::from_str(FIXTURE).unwrap()
}

#[test]
fn every_fixture_gets_its_expected_code() {
    assert!(check_every_case(&fixture()) >= 30);
}

#[test]
fn injected_jwks_needs_no_fetch_and_unknown_kids_hit_the_penalty_box() {
    let f = fixture();
    let verifier = verifier(&f);
    let uri = verifier.configs()[0].jwks_uri.clone();
    let mut cache = verifier.new_cache();
    let state = cache.get_mut(&uri).unwrap();
    let jwks = f["jwks"].to_string();
    state.set_keys(parse_jwks(jwks.as_bytes()).unwrap(), now());
    let token = |name: &str| case_token(&f, name);
    // no fetch needed: an empty "server" would fail the test
    assert!(verify(&verifier, state, b"{}", &token("valid access token")).is_ok());
    let unknown = token("unknown kid");
    assert_eq!(
        verify(&verifier, state, jwks.as_bytes(), &unknown)
            .unwrap_err()
            .code(),
        "ERR_JWKS_KID_NOT_FOUND"
    );
    assert_eq!(
        verify(&verifier, state, jwks.as_bytes(), &unknown)
            .unwrap_err()
            .code(),
        "ERR_JWKS_PENALTY_BOX"
    );
    // known kids keep verifying inside the penalty window
    assert!(verify(&verifier, state, b"{}", &token("valid id token")).is_ok());
}
