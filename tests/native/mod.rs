//! The native runner of the fixture documents (`tests/fixtures/tokens.json`, made by
//! `generate.mjs`, and `tests/fixtures/hostile/corpus.json`, made by `hostile.mjs`): the core's
//! verification driver ([`drive`], the steps `js/driver.js` runs in the package) with the JWKS
//! "fetched" from the document and the signature checked by the `rsa` crate and again by
//! jwt-compact (`oracle.rs`), whose verdict must agree. Shared by
//! `tests/protocol_fixtures.rs`, `tests/hostile.rs` and the emulator's tests (every token they are
//! served), which each use a part of it.
#![allow(dead_code)]

pub mod oracle;

pub use cognito_wasm::protocol::error::{Error, SignatureError};
use cognito_wasm::protocol::verify::driver::{Action, Engine, Input};
use cognito_wasm::protocol::verify::jwk::{parse_jwks, Jwk};
use cognito_wasm::protocol::verify::jwks::{JwksState, Step};
use cognito_wasm::protocol::{Alg, JwtVerifier, Options, SignatureCheck};
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

/// jwt-compact's verdict on `token` with `jwk`.
fn judge(token: &str, alg: Alg, jwk: &Jwk) -> oracle::Verdict {
    oracle::verdict(token, alg.name(), &bytes(&jwk.n), &bytes(&jwk.e))
}

/// One verification of `token` through the driver with a fresh JWKS cache, the JWKS fetched
/// from `jwks`.
pub fn verify_fresh(v: &JwtVerifier, jwks: &[u8], token: &str) -> Result<String, Error> {
    drive(&mut Engine::new(v.clone()), jwks, token)
}

/// Runs the steps of one verification of `token` as the package's driver does: the key "import"
/// is the JWK itself, a fetch is served `jwks`, and every signature the core asks for is checked
/// by the `rsa` crate and by jwt-compact, whose verdicts must agree (and on a verified token's
/// claims too).
pub fn drive(engine: &mut Engine<Jwk>, jwks: &[u8], token: &str) -> Result<String, Error> {
    let now = now();
    let mut v = engine.begin::<Error>(token.to_owned(), None)?;
    let mut input = Input::Start;
    let mut signature_good = false;
    loop {
        let action = match engine.next(&mut v, input, now) {
            Ok(action) => action,
            Err(e) => {
                // a claim error: after a good signature, on claims jwt-compact reads the same
                if let (Error::Claim(_), Some(p), Some(jwk)) = (&e, v.prepared(), v.key()) {
                    assert!(signature_good, "a claim error before a good signature");
                    if let Some(claims) = &judge(token, v.alg(), jwk).claims {
                        oracle::assert_same_claims(&p.jwt.payload_json, claims, token);
                    }
                }
                return Err(e);
            }
        };
        input = match action {
            Action::Verify => {
                let jwk = v.key().expect("the key to check with");
                let (signature, data) = v.signed();
                let check = SignatureCheck {
                    alg: v.alg(),
                    kid: jwk.kid.as_deref().unwrap_or_default(),
                    signing_input: data,
                    signature,
                };
                let ours = rsa_verify(jwk, &check);
                let theirs = judge(token, v.alg(), jwk);
                assert_eq!(
                    ours.is_ok(),
                    theirs.signature,
                    "the core's signature verdict {ours:?} against jwt-compact's {theirs:?}"
                );
                signature_good = ours.is_ok();
                match ours {
                    Err(Error::Signature(SignatureError::Crypto)) => Input::Verified(None),
                    result => Input::Verified(Some(result.is_ok())),
                }
            }
            Action::Import => Input::Imported(v.jwk().cloned()),
            Action::Fetch => Input::Settled(engine.fetched(v.config(), jwks, now)),
            Action::Wait => unreachable!("nothing else is in flight"),
            Action::Done => {
                let jwk = v.key().expect("the key that verified");
                let payload = v.prepared().expect("the token").jwt.payload_json.clone();
                let theirs = judge(token, v.alg(), jwk);
                let claims = theirs.claims.as_ref();
                let claims = claims.unwrap_or_else(|| {
                    panic!("the core accepted claims jwt-compact cannot decode: {payload}")
                });
                oracle::assert_same_claims(&payload, claims, token);
                return Ok(payload);
            }
        };
    }
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

/// The token of the case `name` of a fixture document.
pub fn case_token(doc: &Value, name: &str) -> String {
    let case = doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name);
    case.unwrap()["token"].as_str().unwrap().to_owned()
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
