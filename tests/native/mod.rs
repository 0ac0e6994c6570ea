//! The native runner of the fixture documents (`tests/fixtures/tokens.json`, made by
//! `generate.mjs`, and `tests/fixtures/hostile/corpus.json`, made by `hostile.mjs`): the core's
//! state machine with the JWKS "fetched" from the document and the signature checked by the
//! `rsa` crate. Shared by `tests/protocol_fixtures.rs` and `tests/hostile.rs`, which each use a
//! part of it.
#![allow(dead_code)]

use cognito_wasm::protocol::error::{Error, SignatureError};
use cognito_wasm::protocol::verify::jwk::{parse_jwks, Jwk, JwksState, Step};
use cognito_wasm::protocol::{JwtVerifier, Options, SignatureCheck};
use rsa::{BigUint, Pkcs1v15Sign, RsaPublicKey};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{SystemTime, UNIX_EPOCH};

pub fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

fn rsa_verify(jwk: &Jwk, check: &SignatureCheck<'_>) -> Result<(), Error> {
    let int = |v: &Option<String>| {
        let bytes =
            cognito_wasm::protocol::codec::b64::decode(v.as_deref().unwrap().as_bytes()).unwrap();
        BigUint::from_bytes_be(&bytes)
    };
    let key = RsaPublicKey::new(int(&jwk.n), int(&jwk.e))
        .map_err(|_| Error::Signature(SignatureError::Crypto))?;
    let digest = Sha256::digest(check.signing_input);
    key.verify(Pkcs1v15Sign::new::<Sha256>(), &digest, check.signature)
        .map_err(|_| Error::Signature(SignatureError::Invalid))
}

/// One verification through the state machine, fetching `jwks` when it says so.
pub fn verify(
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
    resolved.rules.validate(&prepared.jwt.claims, now)?;
    Ok(prepared.jwt.payload_json)
}

/// The Cognito verifier a fixture document configures.
pub fn verifier(doc: &Value) -> JwtVerifier {
    JwtVerifier::cognito(Options::parse_list(&doc["verifier"].to_string()).unwrap()).unwrap()
}

/// Checks every case of a fixture document: valid tokens give their payload; the others fail
/// with their `expectCode`, without a panic and without any token segment in the message.
/// Returns the number of cases checked.
pub fn check_every_case(doc: &Value) -> usize {
    let verifier = verifier(doc);
    let jwks = doc["jwks"].to_string();
    let uri = &verifier.configs()[0].jwks_uri;
    let cases = doc["cases"].as_array().unwrap();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let token = case["token"].as_str().unwrap();
        // a fresh cache per case: the penalty box of one miss must not leak into the next
        let mut cache = verifier.new_cache();
        let state = cache.get_mut(uri).unwrap();
        let result = catch_unwind(AssertUnwindSafe(|| {
            verify(&verifier, state, jwks.as_bytes(), token)
        }))
        .unwrap_or_else(|_| panic!("{name}: the verifier panicked"));
        match (&case["expectCode"], result) {
            (Value::Null, Ok(payload)) => {
                let got: Value = serde_json::from_str(&payload).unwrap();
                assert_eq!(got, case["expectPayload"], "{name}");
            }
            (Value::String(code), Err(e)) => {
                assert_eq!(e.code(), code, "{name}: {e}");
                let message = e.to_string();
                assert!(!message.is_empty(), "{name}");
                assert!(
                    !token
                        .split('.')
                        .any(|seg| seg.len() > 8 && message.contains(seg)),
                    "{name}: token text in the message"
                );
            }
            (want, got) => panic!("{name}: expected {want}, got {got:?}"),
        }
    }
    cases.len()
}
