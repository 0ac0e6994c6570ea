//! The verification driver's state machine (`protocol::verify::driver`), step by step, natively:
//! the paths `js/driver.js` runs in the package (waiters sharing a fetch and its failure, the
//! penalty box, a key import that outlives a JWKS change, a long token's signature first over
//! each JWKS of its pool, discovery), with the fixture tokens of `tests/fixtures/tokens.json`.
#![cfg(not(target_arch = "wasm32"))]

mod native;

use cognito_wasm::protocol::verify::driver::{Action, Engine, Input, Verification};
use cognito_wasm::protocol::verify::jwk::Jwk;
use cognito_wasm::protocol::{Error, JwtVerifier, Options};
use native::{case_token, drive, now, verifier};
use serde_json::Value;

const FIXTURE: &str = include_str!("fixtures/tokens.json");

fn fixture() -> Value {
    serde_json::from_str(FIXTURE).unwrap()
}

fn token(name: &str) -> String {
    case_token(&fixture(), name)
}

fn jwks() -> String {
    fixture()["jwks"].to_string()
}

type V = Verification<Jwk, Error>;

fn begin(engine: &Engine<Jwk>, name: &str) -> V {
    engine.begin(token(name), None).unwrap()
}

fn step(engine: &mut Engine<Jwk>, v: &mut V, input: Input<Jwk, Error>) -> Result<Action, Error> {
    engine.next(v, input, now())
}

fn code(result: Result<Action, Error>) -> &'static str {
    result.unwrap_err().code()
}

/// Imports the key the verification asks for, then answers its signature check with `valid`:
/// the action after that.
fn import_and_check(engine: &mut Engine<Jwk>, v: &mut V, valid: bool) -> Result<Action, Error> {
    let jwk = v.jwk().cloned();
    assert_eq!(step(engine, v, Input::Imported(jwk))?, Action::Verify);
    step(engine, v, Input::Verified(Some(valid)))
}

#[test]
fn every_fixture_through_the_driver_with_a_warm_cache() {
    let f = fixture();
    let mut engine = Engine::new(verifier(&f));
    engine.cache_jwks(jwks().as_bytes(), None, now()).unwrap();
    let payload = drive(&mut engine, b"{}", &token("valid access token")).unwrap();
    assert!(payload.contains("fixtureclient0000000000001"));
    // the key imported once is kept: the second verification's first step is the signature
    let mut v = begin(&engine, "valid access token");
    assert_eq!(
        step(&mut engine, &mut v, Input::Start).unwrap(),
        Action::Verify
    );
    let (good, expired) = (token("valid access token"), token("expired"));
    let prepared = engine.core().prepare(&good).unwrap();
    assert!(engine.hot_key(&prepared, now()).is_some());
    let expired = engine.core().prepare(&expired).unwrap();
    assert!(
        engine.hot_key(&expired, now()).is_none(),
        "a claim error is not for the hot path"
    );
}

/// Two verifications of a cold verifier: the first fetches the JWKS, the second waits for it.
fn fetcher_and_waiter(engine: &mut Engine<Jwk>, first: &str, second: &str) -> (V, V) {
    let (mut fetcher, mut waiter) = (begin(engine, first), begin(engine, second));
    assert_eq!(
        step(engine, &mut fetcher, Input::Start).unwrap(),
        Action::Fetch
    );
    assert_eq!(
        step(engine, &mut waiter, Input::Start).unwrap(),
        Action::Wait
    );
    (fetcher, waiter)
}

#[test]
fn waiters_share_one_fetch_then_its_keys() {
    let mut engine = Engine::new(verifier(&fixture()));
    let (mut first, mut second) =
        fetcher_and_waiter(&mut engine, "valid access token", "valid id token");
    assert_eq!(first.config(), 0);
    assert_eq!(engine.revision(), 0, "nothing an export would show yet");
    engine
        .fetched(first.config(), jwks().as_bytes(), now())
        .unwrap();
    assert_eq!(engine.revision(), 1, "the fetched keys are a change");
    assert_eq!(
        step(&mut engine, &mut first, Input::Settled(Ok(()))).unwrap(),
        Action::Import
    );
    assert_eq!(
        import_and_check(&mut engine, &mut first, true).unwrap(),
        Action::Done
    );
    // the waiter looks again and finds the fetched keys, with no fetch of its own
    assert_eq!(
        step(&mut engine, &mut second, Input::Settled(Ok(()))).unwrap(),
        Action::Import
    );
    assert_eq!(
        import_and_check(&mut engine, &mut second, true).unwrap(),
        Action::Done
    );
    let payload = &second.prepared().unwrap().jwt.payload_json;
    assert!(payload.contains(r#""token_use":"id""#));
    assert_eq!(
        engine.revision(),
        1,
        "verifying with cached keys changes nothing"
    );
}

#[test]
fn a_failed_fetch_fails_its_waiters_and_opens_the_penalty_box() {
    let mut engine = Engine::new(verifier(&fixture()));
    let (mut first, mut second) =
        fetcher_and_waiter(&mut engine, "valid access token", "valid access token");
    engine.fetch_failed(first.config(), now());
    assert_eq!(engine.revision(), 1, "an open penalty box is a change");
    let failure = || Err(cognito_wasm::protocol::error::FetchError::Failed.into());
    assert_eq!(
        code(step(&mut engine, &mut first, Input::Settled(failure()))),
        "ERR_FETCH"
    );
    assert_eq!(
        code(step(&mut engine, &mut second, Input::Settled(failure()))),
        "ERR_FETCH"
    );
    let mut third = begin(&engine, "valid access token");
    assert_eq!(
        code(step(&mut engine, &mut third, Input::Start)),
        "ERR_JWKS_PENALTY_BOX"
    );
}

#[test]
fn a_body_that_is_no_jwks_fails_the_fetch() {
    let mut engine = Engine::new(verifier(&fixture()));
    let mut v = begin(&engine, "valid access token");
    assert_eq!(
        step(&mut engine, &mut v, Input::Start).unwrap(),
        Action::Fetch
    );
    let outcome = engine.fetched(v.config(), b"{\"keys\":3}", now());
    assert_eq!(outcome.as_ref().unwrap_err().code(), "ERR_JWKS_INVALID");
    assert_eq!(
        code(step(&mut engine, &mut v, Input::Settled(outcome))),
        "ERR_JWKS_INVALID"
    );
    let mut again = begin(&engine, "valid access token");
    assert_eq!(
        code(step(&mut engine, &mut again, Input::Start)),
        "ERR_JWKS_PENALTY_BOX"
    );
}

#[test]
fn a_key_import_that_outlives_a_jwks_change_serves_its_verification_only() {
    let mut engine = Engine::new(verifier(&fixture()));
    engine.cache_jwks(jwks().as_bytes(), None, now()).unwrap();
    let mut v = begin(&engine, "valid access token");
    assert_eq!(
        step(&mut engine, &mut v, Input::Start).unwrap(),
        Action::Import
    );
    let generation = engine.generation();
    engine.cache_jwks(jwks().as_bytes(), None, now()).unwrap();
    assert_eq!(engine.generation(), generation + 1);
    assert_eq!(
        import_and_check(&mut engine, &mut v, true).unwrap(),
        Action::Done
    );
    // not kept: the next verification imports the key of the new JWKS
    let mut next = begin(&engine, "valid access token");
    assert_eq!(
        step(&mut engine, &mut next, Input::Start).unwrap(),
        Action::Import
    );
    assert_eq!(
        import_and_check(&mut engine, &mut next, true).unwrap(),
        Action::Done
    );
    let mut warm = begin(&engine, "valid access token");
    assert_eq!(
        step(&mut engine, &mut warm, Input::Start).unwrap(),
        Action::Verify
    );
}

#[test]
fn a_bad_signature_or_a_failed_crypto_ends_with_its_code_and_claims_come_after() {
    let mut engine = Engine::new(verifier(&fixture()));
    engine.cache_jwks(jwks().as_bytes(), None, now()).unwrap();
    let mut v = begin(&engine, "expired");
    assert_eq!(
        step(&mut engine, &mut v, Input::Start).unwrap(),
        Action::Import
    );
    // an expired token with a bad signature is a bad signature, not an expired token
    assert_eq!(
        code(import_and_check(&mut engine, &mut v, false)),
        "ERR_JWT_INVALID_SIGNATURE"
    );
    let mut v = begin(&engine, "expired");
    assert_eq!(
        code(import_and_check(&mut engine, &mut v, true).and_then(|_| unreachable!())),
        "ERR_JWT_EXPIRED"
    );
    let mut v = begin(&engine, "valid access token");
    assert_eq!(
        step(&mut engine, &mut v, Input::Start).unwrap(),
        Action::Verify
    );
    assert_eq!(
        code(step(&mut engine, &mut v, Input::Verified(None))),
        "ERR_CRYPTO"
    );
    // an input the step did not ask for, or a step after the end, is an error, never a success
    let mut v = begin(&engine, "valid access token");
    assert_eq!(
        step(&mut engine, &mut v, Input::Start).unwrap(),
        Action::Verify
    );
    assert_eq!(
        code(step(&mut engine, &mut v, Input::Settled(Ok(())))),
        "ERR_CRYPTO"
    );
    assert_eq!(
        code(step(&mut engine, &mut v, Input::Verified(Some(true)))),
        "ERR_CRYPTO"
    );
}

/// A token of `len` bytes or more: the header of `name`, junk as its payload, its signature.
fn long_junk(name: &str, len: usize) -> String {
    let t = token(name);
    let parts: Vec<&str> = t.split('.').collect();
    format!("{}.{}.{}", parts[0], "A".repeat(len), parts[2])
}

#[test]
fn a_long_token_has_its_signature_checked_before_its_payload_is_read() {
    let mut engine = Engine::new(verifier(&fixture()));
    engine.cache_jwks(jwks().as_bytes(), None, now()).unwrap();
    let junk = long_junk("valid access token", 9000);
    let mut v: V = engine.begin(junk, None).unwrap();
    assert!(v.prepared().is_none(), "the payload was read");
    assert_eq!(
        step(&mut engine, &mut v, Input::Start).unwrap(),
        Action::Import
    );
    let (_, signed) = v.signed();
    assert_eq!(
        signed.len(),
        9000 + 1 + token("valid access token").split('.').next().unwrap().len()
    );
    assert_eq!(
        code(import_and_check(&mut engine, &mut v, false)),
        "ERR_JWT_INVALID_SIGNATURE"
    );
    assert!(
        v.prepared().is_none(),
        "the payload was read after a bad signature"
    );
}

#[test]
fn a_long_token_with_a_good_signature_has_its_payload_read_after_it() {
    use cognito_wasm::protocol::codec::b64;
    let mut engine = Engine::new(verifier(&fixture()));
    engine.cache_jwks(jwks().as_bytes(), None, now()).unwrap();
    let t = token("valid access token");
    let parts: Vec<&str> = t.split('.').collect();
    let mut claims: Value =
        serde_json::from_slice(&b64::decode(parts[1].as_bytes()).unwrap()).unwrap();
    claims["padding"] = Value::String("x".repeat(9000));
    let payload = b64::encode(&serde_json::to_vec(&claims).unwrap());
    let long = format!("{}.{payload}.{}", parts[0], parts[2]);
    let mut v: V = engine.begin(long, None).unwrap();
    assert!(v.prepared().is_none(), "the payload was read first");
    assert_eq!(
        step(&mut engine, &mut v, Input::Start).unwrap(),
        Action::Import
    );
    // the signature step answers "valid" (the driver does not check signatures itself)
    assert_eq!(
        import_and_check(&mut engine, &mut v, true).unwrap(),
        Action::Done
    );
    let prepared = v.prepared().expect("the payload read after the signature");
    assert!(prepared.jwt.payload_json.contains(&"x".repeat(9000)));
    assert_eq!(
        prepared.jwt.signing_input,
        format!("{}.{payload}", parts[0])
    );
    assert_eq!(
        prepared.jwt.header_json,
        String::from_utf8(b64::decode(parts[0].as_bytes()).unwrap()).unwrap()
    );
}

#[test]
fn a_long_tokens_unknown_kid_asks_each_jwks_of_the_pool_once_then_the_penalty_box() {
    let options = r#"{"userPoolId":"us-east-1_Fixture01","tokenUse":null,"clientId":null}"#;
    let core = JwtVerifier::cognito(Options::parse_list(options).unwrap()).unwrap();
    let mut engine: Engine<Jwk> = Engine::new(core);
    let junk = long_junk("unknown kid", 9000);
    let mut v: V = engine.begin(junk.clone(), None).unwrap();
    let mut fetched = Vec::new();
    let mut input = Input::Start;
    let error = loop {
        match step(&mut engine, &mut v, input) {
            Ok(Action::Fetch) => {
                fetched.push(engine.core().configs()[v.config()].jwks_uri.clone());
                input = Input::Settled(engine.fetched(v.config(), jwks().as_bytes(), now()));
            }
            Ok(action) => panic!("{action:?}"),
            Err(e) => break e,
        }
    };
    assert_eq!(error.code(), "ERR_JWKS_KID_NOT_FOUND");
    assert_eq!(fetched.len(), 2, "{fetched:?}");
    assert_ne!(fetched[0], fetched[1]);
    let mut again: V = engine.begin(junk, None).unwrap();
    assert_eq!(
        code(step(&mut engine, &mut again, Input::Start)),
        "ERR_JWKS_PENALTY_BOX"
    );
}

#[test]
fn discovery_names_the_jwks_on_the_issuers_host() {
    let f = fixture();
    let issuer = f["issuer"].as_str().unwrap();
    let options = format!(r#"{{"issuer":"{issuer}","audience":null}}"#);
    let core = JwtVerifier::generic(Options::parse_list(&options).unwrap()).unwrap();
    let mut engine: Engine<Jwk> = Engine::new(core);
    let plan = &engine.core().configs()[0];
    assert!(plan.discover);
    let doc = format!(r#"{{"issuer":"{issuer}","jwks_uri":"{issuer}/keys"}}"#);
    assert_eq!(
        engine.discovered(0, doc.as_bytes()).unwrap(),
        format!("{issuer}/keys")
    );
    let elsewhere = format!(r#"{{"issuer":"{issuer}","jwks_uri":"https://evil.example/keys"}}"#);
    assert_eq!(
        engine
            .discovered(0, elsewhere.as_bytes())
            .unwrap_err()
            .code(),
        "ERR_DISCOVERY_INVALID"
    );
    let mut v = begin(&engine, "valid access token");
    assert_eq!(
        step(&mut engine, &mut v, Input::Start).unwrap(),
        Action::Fetch
    );
    let outcome = engine.fetched(v.config(), jwks().as_bytes(), now());
    assert_eq!(
        step(&mut engine, &mut v, Input::Settled(outcome)).unwrap(),
        Action::Import
    );
}
