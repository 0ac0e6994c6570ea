//! wasm tests shared by `tests/node.rs` and `tests/web.rs`: the fixture list through
//! `RawVerifier` driven by the package's driver (`js/driver.js`, as the wrapper drives it), with
//! the JWKS served by an injected `fetch` or loaded with `cacheJwks`.

use cognito_wasm::bindings::{error_catalog, RawVerifier};
use js_sys::{Array, Function, Object, Promise, Reflect, JSON};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen(module = "/js/driver.js")]
extern "C" {
    #[wasm_bindgen(js_name = driverOf)]
    fn driver_of(raw: RawVerifier, options: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = verifyWith)]
    fn verify_with(host: &JsValue, token: &JsValue, overrides: &JsValue) -> Promise;
    #[wasm_bindgen(js_name = hydrate)]
    fn hydrate_all(host: &JsValue) -> Promise;
}

/// A `RawVerifier` with the driver's state (`driverOf`): what the package's verifier classes
/// hold.
struct Verifier {
    host: JsValue,
}

impl Verifier {
    fn cognito(options: JsValue) -> Result<Verifier, JsValue> {
        let raw = RawVerifier::cognito(options.clone())?;
        Ok(Verifier {
            host: driver_of(raw, &options),
        })
    }

    fn generic(options: JsValue) -> Result<Verifier, JsValue> {
        let raw = RawVerifier::generic(options.clone())?;
        Ok(Verifier {
            host: driver_of(raw, &options),
        })
    }

    fn verify(&self, token: JsValue, overrides: JsValue) -> Promise {
        verify_with(&self.host, &token, &overrides)
    }

    fn hydrate(&self) -> Promise {
        hydrate_all(&self.host)
    }

    fn cache_jwks(&self, jwks: JsValue, issuer: Option<&str>) -> Result<(), JsValue> {
        let raw = get(&self.host, "raw");
        let cache: Function = get(&raw, "cacheJwks").unchecked_into();
        let issuer = issuer.map_or(JsValue::UNDEFINED, JsValue::from_str);
        cache.call2(&raw, &jwks, &issuer).map(drop)
    }
}

const FIXTURE: &str = include_str!("../fixtures/tokens.json");

fn fixture() -> Value {
    serde_json::from_str(FIXTURE).unwrap()
}

fn js(v: &Value) -> JsValue {
    JSON::parse(&v.to_string()).unwrap()
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap()
}

fn get_str(obj: &JsValue, key: &str) -> String {
    get(obj, key).as_string().unwrap_or_default()
}

fn to_value(v: &JsValue) -> Value {
    serde_json::from_str(&JSON::stringify(v).unwrap().as_string().unwrap()).unwrap()
}

fn token(name: &str) -> String {
    let f = fixture();
    let case = f["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name);
    case.unwrap()["token"].as_str().unwrap().to_owned()
}

/// A fake `fetch` driven by `state`: `routes` (url → body) or `body`, `status` (default 200),
/// `hang` (never answers). It counts `calls` and records `urls`.
fn fake_fetch(state: &Object) -> Function {
    let make = Function::new_with_args(
        "state",
        "return (url, init) => {
            state.calls = (state.calls || 0) + 1;
            (state.urls = state.urls || []).push(url);
            if (!init || !init.signal) throw new Error('no abort signal');
            if (state.hang) return new Promise(() => {});
            if (state.fail) throw new TypeError('offline');
            const body = state.routes ? state.routes[url] : state.body;
            return Promise.resolve(new Response(body, { status: body === undefined ? 404 : (state.status || 200) }));
        };",
    );
    make.call1(&JsValue::UNDEFINED, state)
        .unwrap()
        .unchecked_into()
}

fn serving_fixture_jwks() -> Object {
    let state = Object::new();
    Reflect::set(
        &state,
        &"body".into(),
        &fixture()["jwks"].to_string().into(),
    )
    .unwrap();
    state
}

fn options(extra: &[(&str, JsValue)], fetch_state: Option<&Object>) -> JsValue {
    let o = js(&fixture()["verifier"]);
    for (k, v) in extra {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    if let Some(state) = fetch_state {
        Reflect::set(&o, &"fetch".into(), &fake_fetch(state)).unwrap();
    }
    o
}

async fn settle(p: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(p).await
}

fn calls(state: &Object) -> f64 {
    get(state, "calls").as_f64().unwrap_or(0.0)
}

/// Checks every case of a fixture document (`tokens.json`, or the hostile corpus
/// `hostile/corpus.json`): valid tokens resolve to their payload, the others reject with their
/// code as the catalogued class, without token text. Returns the number of cases checked.
async fn check_every_case(doc: &Value) -> usize {
    let catalog = error_catalog();
    let cases = doc["cases"].as_array().unwrap();
    let mut checked = 0;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let token = case["token"].as_str().unwrap();
        // a fresh verifier per case: one miss's penalty box must not leak into the next
        let state = Object::new();
        Reflect::set(&state, &"body".into(), &doc["jwks"].to_string().into()).unwrap();
        let o = js(&doc["verifier"]);
        Reflect::set(&o, &"fetch".into(), &fake_fetch(&state)).unwrap();
        let verifier = Verifier::cognito(o).unwrap();
        let result = settle(verifier.verify(token.into(), JsValue::UNDEFINED)).await;
        match (&case["expectCode"], result) {
            (Value::Null, Ok(payload)) => {
                assert_eq!(to_value(&payload), case["expectPayload"], "{name}")
            }
            (Value::String(code), Err(err)) => {
                assert!(
                    err.is_instance_of::<js_sys::Error>(),
                    "{name}: not an Error"
                );
                assert_eq!(
                    &get_str(&err, "code"),
                    code,
                    "{name}: {}",
                    get_str(&err, "message")
                );
                let entry = catalog
                    .iter()
                    .find(|e| get_str(e, "code") == *code)
                    .unwrap();
                assert_eq!(get_str(&err, "name"), get_str(&entry, "name"), "{name}");
                let message = get_str(&err, "message");
                assert!(
                    !message.is_empty()
                        && !token
                            .split('.')
                            .any(|seg| seg.len() > 8 && message.contains(seg)),
                    "{name}"
                );
                assert!(get(&err, "rawJwt").is_undefined(), "{name}");
            }
            (want, got) => panic!("{name}: expected {want}, got {got:?}"),
        }
        checked += 1;
    }
    checked
}

#[wasm_bindgen_test]
async fn every_fixture_gets_its_expected_code() {
    assert!(check_every_case(&fixture()).await >= 30);
}

/// The hostile-input corpus (`tests/fixtures/hostile.mjs`; natively: `tests/hostile.rs`).
#[wasm_bindgen_test]
async fn every_hostile_case_gets_its_expected_code() {
    let corpus = serde_json::from_str(include_str!("../fixtures/hostile/corpus.json")).unwrap();
    assert!(check_every_case(&corpus).await >= 30);
}

/// All fixtures on one verifier whose keys are already imported, so that valid-looking tokens
/// take the synchronous fast path; results must not differ from the full path.
#[wasm_bindgen_test]
async fn warm_verifier_gives_the_same_results() {
    let f = fixture();
    let verifier = Verifier::cognito(options(&[], Some(&serving_fixture_jwks()))).unwrap();
    for name in ["valid id token", "valid access token"] {
        settle(verifier.verify(token(name).into(), JsValue::UNDEFINED))
            .await
            .unwrap();
    }
    for case in f["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let result =
            settle(verifier.verify(case["token"].as_str().unwrap().into(), JsValue::UNDEFINED))
                .await;
        match (&case["expectCode"], result) {
            (Value::Null, Ok(payload)) => {
                assert_eq!(to_value(&payload), case["expectPayload"], "{name}")
            }
            (Value::String(code), Err(err)) => {
                let got = get_str(&err, "code");
                // after the first miss, unknown kids meet the penalty box
                let penalised = code == "ERR_JWKS_KID_NOT_FOUND" && got == "ERR_JWKS_PENALTY_BOX";
                assert!(&got == code || penalised, "{name}: {got}");
            }
            (want, got) => panic!("{name}: expected {want}, got {got:?}"),
        }
    }
}

#[wasm_bindgen_test]
async fn cached_jwks_needs_no_fetch_and_empty_jwks_empties() {
    let state = Object::new(); // no body: any fetch gets a 404
    let verifier = Verifier::cognito(options(&[], Some(&state))).unwrap();
    verifier.cache_jwks(js(&fixture()["jwks"]), None).unwrap();
    let payload = settle(verifier.verify(token("valid access token").into(), JsValue::UNDEFINED))
        .await
        .unwrap();
    assert_eq!(get_str(&payload, "token_use"), "access");
    assert_eq!(calls(&state), 0.0);
    // keyed by user pool id as well
    verifier
        .cache_jwks(
            JSON::parse(r#"{"keys":[]}"#).unwrap(),
            Some("us-east-1_Fixture01"),
        )
        .unwrap();
    let err = settle(verifier.verify(token("valid access token").into(), JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert_eq!(get_str(&err, "code"), "ERR_FETCH_STATUS");
    assert_eq!(get_str(&err, "name"), "NonRetryableFetchError");
    assert_eq!(calls(&state), 1.0);
    let err = verifier
        .cache_jwks(JSON::parse(r#"{"keys":5}"#).unwrap(), None)
        .unwrap_err();
    assert_eq!(get_str(&err, "code"), "ERR_JWKS_INVALID");
}

#[wasm_bindgen_test]
async fn one_fetch_for_concurrent_verifications_then_penalty_box() {
    let state = serving_fixture_jwks();
    let verifier = Verifier::cognito(options(&[], Some(&state))).unwrap();
    let pending: Array = (0..5)
        .map(|i| {
            let name = if i % 2 == 0 {
                "valid access token"
            } else {
                "valid id token"
            };
            verifier.verify(token(name).into(), JsValue::UNDEFINED)
        })
        .collect();
    let all = settle(Promise::all(&pending)).await.unwrap();
    assert_eq!(Array::from(&all).length(), 5);
    assert_eq!(calls(&state), 1.0);
    let unknown = token("unknown kid");
    let err = settle(verifier.verify(unknown.clone().into(), JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert_eq!(get_str(&err, "code"), "ERR_JWKS_KID_NOT_FOUND");
    assert_eq!(calls(&state), 2.0);
    let err = settle(verifier.verify(unknown.into(), JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert_eq!(get_str(&err, "code"), "ERR_JWKS_PENALTY_BOX");
    assert_eq!(get_str(&err, "name"), "WaitPeriodNotYetEndedJwkError");
    assert_eq!(calls(&state), 2.0);
    // known kids keep verifying inside the penalty window
    assert!(
        settle(verifier.verify(token("valid id token").into(), JsValue::UNDEFINED))
            .await
            .is_ok()
    );
}

#[wasm_bindgen_test]
async fn fetch_timeout_and_size_cap() {
    let state = Object::new();
    Reflect::set(&state, &"hang".into(), &true.into()).unwrap();
    let verifier =
        Verifier::cognito(options(&[("jwksFetchTimeoutMs", 50.into())], Some(&state))).unwrap();
    let err = settle(verifier.hydrate()).await.unwrap_err();
    assert_eq!(get_str(&err, "code"), "ERR_FETCH_TIMEOUT");
    assert_eq!(get_str(&err, "name"), "FetchError");
    // a throwing fetch: FetchError caused by what it threw
    let state = Object::new();
    Reflect::set(&state, &"fail".into(), &true.into()).unwrap();
    let verifier = Verifier::cognito(options(&[], Some(&state))).unwrap();
    let err = settle(verifier.verify(token("valid id token").into(), JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert_eq!(get_str(&err, "code"), "ERR_FETCH");
    assert_eq!(get_str(&get(&err, "cause"), "message"), "offline");
    let state = serving_fixture_jwks();
    let verifier =
        Verifier::cognito(options(&[("jwksMaxBytes", 100.into())], Some(&state))).unwrap();
    let err = settle(verifier.verify(token("valid id token").into(), JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert_eq!(get_str(&err, "code"), "ERR_FETCH_TOO_LARGE");
    // hydrate fetches both issuer formats' JWKS URIs
    let state = serving_fixture_jwks();
    let verifier = Verifier::cognito(options(&[], Some(&state))).unwrap();
    settle(verifier.hydrate()).await.unwrap();
    assert_eq!(calls(&state), 2.0);
    let urls = to_value(&get(&state, "urls"));
    assert_eq!(
        urls[0],
        "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Fixture01/.well-known/jwks.json"
    );
    assert!(
        settle(verifier.verify(token("valid id token").into(), JsValue::UNDEFINED))
            .await
            .is_ok()
    );
    assert_eq!(calls(&state), 2.0);
}

#[wasm_bindgen_test]
async fn custom_check_errors_propagate_unchanged() {
    let seen = Object::new();
    let check = Function::new_with_args(
        "seen",
        "return async ({header, payload, jwk}) => {
            seen.kid = header.kid; seen.sub = payload.sub; seen.kty = jwk.kty;
            if (payload.token_use === 'id') { const e = new Error('mine'); e.mine = true; throw e; }
        };",
    )
    .call1(&JsValue::UNDEFINED, &seen)
    .unwrap();
    let verifier = Verifier::cognito(options(
        &[("customJwtCheck", check)],
        Some(&serving_fixture_jwks()),
    ))
    .unwrap();
    let payload = settle(verifier.verify(token("valid access token").into(), JsValue::UNDEFINED))
        .await
        .unwrap();
    assert_eq!(get_str(&payload, "client_id"), "fixtureclient0000000000001");
    assert_eq!(get_str(&seen, "kid"), "fixture-access-key");
    assert_eq!(get_str(&seen, "kty"), "RSA");
    let err = settle(verifier.verify(token("valid id token").into(), JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert_eq!(get_str(&err, "message"), "mine");
    assert_eq!(get(&err, "mine"), JsValue::TRUE);
    assert!(get(&err, "code").is_undefined());
}

#[wasm_bindgen_test]
async fn raw_jwt_only_when_opted_in_and_signature_verified() {
    let opted = Verifier::cognito(options(
        &[("includeRawJwtInErrors", true.into())],
        Some(&serving_fixture_jwks()),
    ))
    .unwrap();
    let err = settle(opted.verify(token("expired").into(), JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert_eq!(get_str(&err, "code"), "ERR_JWT_EXPIRED");
    let raw = get(&err, "rawJwt");
    assert_eq!(get_str(&get(&raw, "payload"), "token_use"), "access");
    assert_eq!(get_str(&get(&raw, "header"), "alg"), "RS256");
    let fa = get(&err, "failedAssertion");
    assert_eq!(get(&fa, "actual").as_f64(), Some(1_700_003_600.0));
    assert!(get(&fa, "expected").as_f64().unwrap() > 1_700_003_600.0);
    let err = settle(opted.verify(token("tampered payload").into(), JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert_eq!(get_str(&err, "code"), "ERR_JWT_INVALID_SIGNATURE");
    assert!(get(&err, "rawJwt").is_undefined());
    // per-call override switches it off again
    let err = settle(opted.verify(
        token("expired").into(),
        JSON::parse(r#"{"includeRawJwtInErrors":false}"#).unwrap(),
    ))
    .await
    .unwrap_err();
    assert!(get(&err, "rawJwt").is_undefined());
    let err = settle(opted.verify(token("wrong client_id (access)").into(), JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert_eq!(
        get_str(&get(&get(&err, "rawJwt"), "payload"), "client_id"),
        "someoneelse"
    );
    let fa = get(&err, "failedAssertion");
    assert_eq!(get_str(&fa, "actual"), "someoneelse");
    assert_eq!(
        to_value(&get(&fa, "expected")),
        serde_json::json!(["fixtureclient0000000000001"])
    );
}

#[wasm_bindgen_test]
async fn parameters_are_validated() {
    let err = Verifier::cognito(JSON::parse(r#"{"userPoolId":"nope"}"#).unwrap())
        .err()
        .unwrap();
    assert_eq!(get_str(&err, "code"), "ERR_PARAM_INVALID_USER_POOL_ID");
    assert_eq!(get_str(&err, "name"), "ParameterValidationError");
    assert!(err.is_instance_of::<js_sys::Error>());
    let bad_fetch = JSON::parse(r#"{"userPoolId":"us-east-1_a","fetch":"no"}"#).unwrap();
    assert_eq!(
        get_str(&Verifier::cognito(bad_fetch).err().unwrap(), "code"),
        "ERR_PARAM_INVALID_OPTIONS"
    );
    let v =
        Verifier::cognito(JSON::parse(r#"{"userPoolId":"us-east-1_Fixture01"}"#).unwrap()).unwrap();
    v.cache_jwks(js(&fixture()["jwks"]), None).unwrap();
    let err = settle(v.verify(token("valid id token").into(), JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert_eq!(get_str(&err, "code"), "ERR_PARAM_MISSING_TOKEN_USE");
    let overrides =
        JSON::parse(r#"{"tokenUse":"id","clientId":["x","fixtureclient0000000000001"]}"#).unwrap();
    let payload = settle(v.verify(token("valid id token").into(), overrides))
        .await
        .unwrap();
    assert_eq!(get_str(&payload, "token_use"), "id");
    let err = settle(v.verify(JsValue::from(5), JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert_eq!(get_str(&err, "code"), "ERR_JWT_MALFORMED");
}

#[wasm_bindgen_test]
async fn generic_verifier_uses_discovery() {
    let f = fixture();
    let issuer = f["issuer"].as_str().unwrap();
    let state = Object::new();
    let routes = Object::new();
    // the keys on the issuer's host (a jwks_uri elsewhere is refused)
    let jwks_uri = format!("{issuer}/keys");
    let discovery = format!(r#"{{"issuer":"{issuer}","jwks_uri":"{jwks_uri}"}}"#);
    Reflect::set(
        &routes,
        &format!("{issuer}/.well-known/openid-configuration").into(),
        &discovery.into(),
    )
    .unwrap();
    Reflect::set(&routes, &jwks_uri.into(), &f["jwks"].to_string().into()).unwrap();
    Reflect::set(&state, &"routes".into(), &routes).unwrap();
    let o = JSON::parse(&format!(
        r#"{{"issuer":"{issuer}","audience":null,"scope":{{"allOf":["openid","email"]}}}}"#
    ))
    .unwrap();
    Reflect::set(&o, &"fetch".into(), &fake_fetch(&state)).unwrap();
    let v = Verifier::generic(o).unwrap();
    let payload = settle(v.verify(token("valid access token").into(), JsValue::UNDEFINED))
        .await
        .unwrap();
    assert_eq!(get_str(&payload, "iss"), issuer);
    assert_eq!(calls(&state), 2.0);
    let scoped = JSON::parse(r#"{"scope":{"allOf":["openid","admin"]}}"#).unwrap();
    let err = settle(v.verify(token("valid access token").into(), scoped))
        .await
        .unwrap_err();
    assert_eq!(get_str(&err, "code"), "ERR_JWT_INVALID_SCOPE");
}

#[wasm_bindgen_test]
fn catalog_lists_every_code_once_with_a_parent() {
    let catalog = error_catalog();
    assert!(catalog.length() >= 40);
    let mut codes: Vec<String> = catalog.iter().map(|e| get_str(&e, "code")).collect();
    let n = codes.len();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), n);
    for e in catalog.iter() {
        assert!(get_str(&e, "name").ends_with("Error"));
        assert!(!get_str(&e, "parent").is_empty());
    }
}

#[wasm_bindgen_test]
fn global_scope_has_webcrypto_and_fetch() {
    let global = js_sys::global();
    let scope = get_str(&get(&global, "constructor"), "name");
    wasm_bindgen_test::console_log!("global scope: {scope}");
    assert!(
        get(&get(&global, "crypto"), "subtle").is_object(),
        "{scope}"
    );
    assert!(get(&global, "fetch").is_function(), "{scope}");
}

/// The edge session cookie's framing through the binding `js/edge-auth.js` uses: chunks of one
/// sealed value reassemble to its bytes and key version; garbage is no session; more than 8
/// chunks is refused.
#[wasm_bindgen_test]
fn edge_session_cookies_round_trip_through_the_binding() {
    use cognito_wasm::bindings::{edge_session_cookies, edge_session_framed, edge_session_unframe};
    let edge_session_read = |header: &str, name: &str| {
        edge_session_framed(header, name).map_or(JsValue::UNDEFINED, |f| edge_session_unframe(&f))
    };
    let sealed: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
    let chunks = edge_session_cookies("s", 42, &sealed).expect("fits");
    assert_eq!(chunks.length(), 2);
    let pairs: Vec<String> = chunks
        .iter()
        .map(|c| {
            let pair = Array::from(&c);
            format!(
                "{}={}",
                pair.get(0).as_string().unwrap(),
                pair.get(1).as_string().unwrap()
            )
        })
        .collect();
    let read = edge_session_read(&format!("a=1; {}", pairs.join("; ")), "s");
    assert_eq!(get(&read, "version").as_f64(), Some(42.0));
    assert_eq!(
        js_sys::Uint8Array::from(get(&read, "sealed")).to_vec(),
        sealed
    );
    assert!(edge_session_read("s.0=garbage", "s").is_undefined());
    assert!(
        edge_session_read(&pairs[1], "s").is_undefined(),
        "a lone second chunk"
    );
    assert!(edge_session_cookies("s", 1, &vec![0u8; 40_000]).is_none());
}
