//! The core over every fixture of `tests/fixtures/tokens.json` (tokens signed by Node's
//! WebCrypto), with the signature check run by the `rsa` crate.
#![cfg(not(target_arch = "wasm32"))]

use cognito_wasm::protocol::error::{Error, SignatureError};
use cognito_wasm::protocol::jwk::{parse_jwks, Jwk, JwksState, Step};
use cognito_wasm::protocol::{JwtVerifier, Options, SignatureCheck};
use rsa::{BigUint, Pkcs1v15Sign, RsaPublicKey};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::time::{SystemTime, UNIX_EPOCH};

const FIXTURE: &str = include_str!("fixtures/tokens.json");

fn fixture() -> Value {
    serde_json::from_str(FIXTURE).unwrap()
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

fn rsa_verify(jwk: &Jwk, check: &SignatureCheck<'_>) -> Result<(), Error> {
    let int = |v: &Option<String>| {
        let bytes = cognito_wasm::protocol::b64::decode(v.as_deref().unwrap().as_bytes()).unwrap();
        BigUint::from_bytes_be(&bytes)
    };
    let key = RsaPublicKey::new(int(&jwk.n), int(&jwk.e))
        .map_err(|_| Error::Signature(SignatureError::Crypto))?;
    let digest = Sha256::digest(check.signing_input);
    key.verify(Pkcs1v15Sign::new::<Sha256>(), &digest, check.signature)
        .map_err(|_| Error::Signature(SignatureError::Invalid))
}

/// One verification through the state machine, fetching `jwks` when it says so.
fn verify(
    v: &JwtVerifier,
    state: &mut JwksState,
    jwks: &[u8],
    token: &str,
) -> Result<String, Error> {
    let now = now();
    let prepared = v.prepare(token)?;
    let resolved = v.rules(prepared.config, None)?;
    let key = match state.lookup(prepared.kid(), now, false)? {
        Step::Key(k) => k.clone(),
        Step::Fetch => {
            state.finish_fetch(parse_jwks(jwks).map_err(|_| ()), now);
            state.key_after_fetch(prepared.kid(), now)?.clone()
        }
        Step::Wait => unreachable!("nothing else is in flight"),
    };
    rsa_verify(key.usable_for(prepared.alg)?, &prepared.signature_check())?;
    resolved.rules.validate(&prepared.claims, now)?;
    Ok(prepared.jwt.payload_json)
}

#[test]
fn every_fixture_gets_its_expected_code() {
    let f = fixture();
    let options = Options::parse_list(&f["verifier"].to_string()).unwrap();
    let verifier = JwtVerifier::cognito(options).unwrap();
    let jwks = f["jwks"].to_string();
    let uri = &verifier.configs()[0].jwks_uri;
    let cases = f["cases"].as_array().unwrap();
    assert!(cases.len() >= 30);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let token = case["token"].as_str().unwrap();
        // a fresh cache per case: the penalty box of one miss must not leak into the next
        let mut cache = verifier.new_cache();
        let result = verify(
            &verifier,
            cache.get_mut(uri).unwrap(),
            jwks.as_bytes(),
            token,
        );
        match (&case["expectCode"], result) {
            (Value::Null, Ok(payload)) => {
                let got: Value = serde_json::from_str(&payload).unwrap();
                assert_eq!(got, case["expectPayload"], "{name}");
            }
            (Value::String(code), Err(e)) => {
                assert_eq!(e.code(), code, "{name}: {e}");
                assert!(
                    !e.to_string().contains(token.get(..20).unwrap_or("-")),
                    "{name}"
                );
            }
            (want, got) => panic!("{name}: expected {want}, got {got:?}"),
        }
    }
}

#[test]
fn injected_jwks_needs_no_fetch_and_unknown_kids_hit_the_penalty_box() {
    let f = fixture();
    let verifier =
        JwtVerifier::cognito(Options::parse_list(&f["verifier"].to_string()).unwrap()).unwrap();
    let uri = verifier.configs()[0].jwks_uri.clone();
    let mut cache = verifier.new_cache();
    let state = cache.get_mut(&uri).unwrap();
    let jwks = f["jwks"].to_string();
    state.set_keys(parse_jwks(jwks.as_bytes()).unwrap(), now());
    let token = |name: &str| {
        f["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    };
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
