//! The native runner of the fixture documents (`tests/fixtures/tokens.json`, made by
//! `generate.mjs`, and `tests/fixtures/hostile/corpus.json`, made by `hostile.mjs`): the core's
//! state machine with the JWKS "fetched" from the document and the signature checked by the
//! `rsa` crate and again by jwt-compact (`oracle.rs`), whose verdict must agree. Shared by
//! `tests/protocol_fixtures.rs`, `tests/hostile.rs` and the emulator's tests (every token they are
//! served), which each use a part of it.
#![allow(dead_code)]

pub mod oracle;

pub use cognito_wasm::protocol::error::{Error, SignatureError};
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

fn bytes(v: &Option<String>) -> Vec<u8> {
    cognito_wasm::protocol::codec::b64::decode(v.as_deref().unwrap().as_bytes()).unwrap()
}

fn rsa_verify(jwk: &Jwk, check: &SignatureCheck<'_>) -> Result<(), Error> {
    let int = |v: &Option<String>| BigUint::from_bytes_be(&bytes(v));
    let key = RsaPublicKey::new(int(&jwk.n), int(&jwk.e))
        .map_err(|_| Error::Signature(SignatureError::Crypto))?;
    let digest = Sha256::digest(check.signing_input);
    key.verify(Pkcs1v15Sign::new::<Sha256>(), &digest, check.signature)
        .map_err(|_| Error::Signature(SignatureError::Invalid))
}

/// One verification through the state machine, fetching `jwks` when it says so. Every signature
/// it checks is checked by jwt-compact too: the two must agree on it, and where it is good on the
/// claims, and a token the core accepts must be one jwt-compact decodes.
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
    let jwk = key.usable_for(prepared.alg)?;
    let ours = rsa_verify(jwk, &prepared.signature_check());
    let theirs = oracle::verdict(token, prepared.alg.name(), &bytes(&jwk.n), &bytes(&jwk.e));
    assert_eq!(
        ours.is_ok(),
        theirs.signature,
        "the core's signature verdict {ours:?} against jwt-compact's {theirs:?}"
    );
    let verified = prepared.verified(ours.is_ok())?;
    let payload = &prepared.jwt.payload_json;
    if let Some(claims) = &theirs.claims {
        oracle::assert_same_claims(payload, claims, token);
    }
    verified.check_claims(&resolved.rules, now)?;
    assert!(
        theirs.claims.is_some(),
        "the core accepted claims jwt-compact cannot decode: {payload}"
    );
    Ok(prepared.jwt.payload_json)
}

/// [`verify`] with a fresh JWKS cache, whose JWKS is fetched from `jwks`.
pub fn verify_fresh(v: &JwtVerifier, jwks: &[u8], token: &str) -> Result<String, Error> {
    let mut cache = v.new_cache();
    let state = cache.get_mut(&v.configs()[0].jwks_uri).unwrap();
    verify(v, state, jwks, token)
}

/// Compares the core's `result` for `token` with jwt-compact's verdict with `jwks` (a JWKS
/// document): a signature the core refuses is one jwt-compact refuses, a token the core accepts is
/// one jwt-compact verifies and decodes the same. Returns jwt-compact's verdict, if it could judge
/// the token (an RSA `alg` and a key with its `kid`).
pub fn compare(
    name: &str,
    token: &str,
    result: &Result<String, Error>,
    jwks: &Value,
) -> Option<oracle::Verdict> {
    let theirs = oracle::against_jwks(token, jwks);
    let signature = theirs.as_ref().is_some_and(|v| v.signature);
    match result {
        Ok(payload) => match theirs.as_ref().and_then(|v| v.claims.as_ref()) {
            Some(claims) if signature => oracle::assert_same_claims(payload, claims, name),
            _ => panic!("{name}: jwt-compact does not verify a token the core accepts"),
        },
        Err(Error::Signature(e)) => assert!(!signature, "{name}: jwt-compact verifies ({e:?})"),
        Err(_) => {}
    }
    theirs
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
    let cases = doc["cases"].as_array().unwrap();
    let mut judged = 0;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let token = case["token"].as_str().unwrap();
        // a fresh cache per case: the penalty box of one miss must not leak into the next
        let result = catch_unwind(AssertUnwindSafe(|| {
            verify_fresh(&verifier, jwks.as_bytes(), token)
        }))
        .unwrap_or_else(|_| panic!("{name}: a panic (the verifier, or an oracle assertion above)"));
        judged += usize::from(compare(name, token, &result, &doc["jwks"]).is_some());
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
    println!(
        "jwt-compact oracle: {} tokens, {judged} with an RSA key of the JWKS to judge; {} verdicts",
        cases.len(),
        oracle::checked()
    );
    assert!(
        judged * 2 > cases.len(),
        "{judged} tokens judged by jwt-compact"
    );
    cases.len()
}
