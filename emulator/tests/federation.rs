//! Federation over real HTTP (docs/cognito.md#federation-endpoints,
//! #federation-with-oidc-providers, #behaviours-under-test): the emulator in-process, mock OIDC
//! IdPs on loopback (tiny_http) that sign the user in at once, and a client walking the redirects.
//! Every IdP fault must come back to the app as an error redirect
//! (docs/cognito.md#federation-errors), never a 500. (`tests/emulator/federation.test.mjs` runs the
//! same flow against a real `oidc-provider`.)

mod common;

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use cognito_emulator::config::JsonObject;
use cognito_emulator::keys::{generate_pair, KeySet, KeyUse};
use cognito_emulator::Emulator;
use common::*;
use serde_json::{json, Value};

const TOO_LONG: &str = "String attributes cannot have a length of more than 2048";

/// What a mock IdP gets wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    Denied,
    TokenStatus,
    TokenGarbage,
    JwksDown,
    WrongNonce,
    LongIdToken,
    UserInfoStatus,
    UserInfoOtherSubject,
}

/// A mock IdP: discovery, `/auth` (signs `alice` in at once, or denies), JWKS, `/token`
/// (client_secret_post, code `good`) and `/me` (userInfo with the configured method only).
struct MockIdp {
    issuer: String,
    /// Every ID token it issued.
    issued: Arc<Mutex<Vec<String>>>,
}

/// The IdPs' own signing keys (not the emulator's).
fn idp_keys() -> &'static KeySet {
    static KEYS: OnceLock<KeySet> = OnceLock::new();
    KEYS.get_or_init(|| {
        let (id, access) = generate_pair();
        KeySet::new(id, access)
    })
}

fn now() -> i64 {
    let elapsed = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    i64::try_from(elapsed.as_secs()).unwrap()
}

fn mock_idp(fault: Fault, userinfo_post: bool) -> MockIdp {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind");
    let issuer = format!("http://{}", server.server_addr().to_ip().expect("tcp"));
    let issued = Arc::new(Mutex::new(Vec::new()));
    let (base, record) = (issuer.clone(), Arc::clone(&issued));
    std::thread::spawn(move || {
        let mut nonce = String::new();
        for mut request in server.incoming_requests() {
            let mut body = String::new();
            let _ = request.as_reader().read_to_string(&mut body);
            let url = request.url().to_owned();
            let (path, query) = url.split_once('?').unwrap_or((&url, ""));
            let query_param = |name: &str| param(&format!("?{query}"), name).unwrap_or_default();
            let bearer_ok = request
                .headers()
                .iter()
                .any(|h| h.field.equiv("Authorization") && h.value.as_str() == "Bearer at-1");
            let method_ok = (*request.method() == tiny_http::Method::Post) == userinfo_post;
            let (status, location, text) = match (path, fault) {
                ("/.well-known/openid-configuration", _) => {
                    let doc = json!({"issuer": base, "authorization_endpoint": format!("{base}/auth"),
                        "token_endpoint": format!("{base}/token"), "userinfo_endpoint": format!("{base}/me"),
                        "jwks_uri": format!("{base}/jwks")});
                    (200, None, doc.to_string())
                }
                ("/auth", _) => {
                    nonce = query_param("nonce");
                    let answer = if fault == Fault::Denied {
                        ("error", "access_denied")
                    } else {
                        ("code", "good")
                    };
                    let state = query_param("state");
                    let back = format!(
                        "{}?{}",
                        query_param("redirect_uri"),
                        form(&[answer, ("state", &state)])
                    );
                    (302, Some(back), String::new())
                }
                ("/jwks", Fault::JwksDown) => (503, None, String::new()),
                ("/jwks", _) => (200, None, idp_keys().jwks().to_string()),
                ("/token", Fault::TokenGarbage) => (200, None, "<html>".to_owned()),
                ("/token", fault)
                    if fault != Fault::TokenStatus
                        && body.contains("code=good")
                        && body.contains("client_secret=idp-secret") =>
                {
                    let mut claims = json!({"iss": base, "aud": "cog", "sub": "alice",
                        "nonce": if fault == Fault::WrongNonce { "other" } else { nonce.as_str() },
                        "email": "id@corp.test", "name": "Alice", "iat": now(), "exp": now() + 300});
                    if fault == Fault::LongIdToken {
                        claims["pad"] = json!("x".repeat(2100));
                    }
                    let claims: JsonObject = serde_json::from_value(claims).unwrap();
                    let id_token = idp_keys().sign(KeyUse::Id, &claims, false);
                    record.lock().unwrap().push(id_token.clone());
                    let answer = json!({"id_token": id_token, "access_token": "at-1", "token_type": "Bearer"});
                    (200, None, answer.to_string())
                }
                ("/token", _) => (400, None, r#"{"error":"invalid_grant"}"#.to_owned()),
                ("/me", Fault::UserInfoStatus) => (401, None, String::new()),
                ("/me", Fault::UserInfoOtherSubject) => {
                    (200, None, json!({"sub": "eve"}).to_string())
                }
                ("/me", _) if method_ok && bearer_ok => (
                    200,
                    None,
                    json!({"sub": "alice", "email": "info@corp.test"}).to_string(),
                ),
                _ => (404, None, String::new()),
            };
            let mut response = tiny_http::Response::from_string(text).with_status_code(status);
            if let Some(location) = location {
                response.add_header(
                    tiny_http::Header::from_bytes("Location", location.as_bytes()).unwrap(),
                );
            }
            let _ = request.respond(response);
        }
    });
    MockIdp { issuer, issued }
}

/// An OIDC provider entry federating to `issuer`.
fn provider(name: &str, issuer: &str, method: &str, identifiers: &[&str]) -> Value {
    json!({
        "ProviderName": name,
        "ProviderDetails": {"client_id": "cog", "client_secret": "idp-secret",
            "authorize_scopes": "openid email profile", "oidc_issuer": issuer,
            "attributes_request_method": method},
        "AttributeMapping": {"username": "sub", "email": "email", "name": "name",
            "custom:id_token": "id_token", "custom:access_token": "access_token"},
        "IdpIdentifiers": identifiers,
    })
}

/// Like [`provider`], with every endpoint given explicitly instead of discovered (`token_url`
/// overridable).
fn explicit_provider(name: &str, issuer: &str, token_url: &str) -> Value {
    let mut entry = provider(name, issuer, "GET", &[]);
    let details = &mut entry["ProviderDetails"];
    details["authorize_url"] = json!(format!("{issuer}/auth"));
    details["token_url"] = json!(token_url);
    details["jwks_uri"] = json!(format!("{issuer}/jwks"));
    details["attributes_url"] = json!(format!("{issuer}/me"));
    entry
}

/// The common test pool plus `providers`, all supported by client `public1`.
fn start_federating(providers: Vec<Value>) -> Emulator {
    let mut config = base_config();
    let schema = config["UserPool"]["Schema"].as_array_mut().unwrap();
    for name in ["id_token", "access_token"] {
        schema.push(json!({"Name": name, "StringAttributeConstraints": {"MaxLength": "2048"}}));
    }
    let names: Vec<Value> = providers
        .iter()
        .map(|p| p["ProviderName"].clone())
        .collect();
    config["UserPoolClients"][0]["SupportedIdentityProviders"] = json!(names);
    config["IdentityProviders"] = json!(providers);
    start_with(config, false)
}

/// Follows redirects from the emulator's authorize endpoint through the IdP and back; returns the
/// URLs visited and where the browser lands at the app.
fn walk(base: &str, extra: &[(&str, &str)]) -> (Vec<String>, String) {
    let mut url = format!(
        "{base}/oauth2/authorize?{}",
        authorize_query("public1", extra)
    );
    let mut visited = Vec::new();
    for _ in 0..5 {
        let response = get(&url, &[]);
        let location = response.location();
        visited.push(url);
        if location.starts_with(CB) {
            return (visited, location.to_owned());
        }
        url = location.to_owned();
    }
    panic!("too many redirects: {visited:?}");
}

fn redeem(base: &str, callback: &str) -> Value {
    let code = param(callback, "code").unwrap_or_else(|| panic!("no code: {callback}"));
    let pairs = [
        ("grant_type", "authorization_code"),
        ("client_id", "public1"),
        ("code", &code),
        ("redirect_uri", CB),
        ("code_verifier", VERIFIER),
    ];
    let response = post_form(&format!("{base}/oauth2/token"), &pairs, &[]);
    assert_eq!(response.status, 200, "{response:?}");
    response.json()
}

#[test]
fn a_federated_sign_in_returns_cognito_tokens_carrying_the_idp_tokens() {
    let (post_idp, get_idp) = (mock_idp(Fault::None, true), mock_idp(Fault::None, false));
    let emu = start_federating(vec![
        provider("Corp", &post_idp.issuer, "POST", &[]),
        provider("CorpGet", &get_idp.issuer, "GET", &["corp.test"]),
        explicit_provider(
            "Manual",
            &get_idp.issuer,
            &format!("{}/token", get_idp.issuer),
        ),
    ]);
    let base = &emu.base_url;

    let (visited, callback) = walk(
        base,
        &[
            ("identity_provider", "Corp"),
            ("scope", "openid email profile"),
        ],
    );
    assert_eq!(param(&callback, "state").as_deref(), Some("st"));
    let idp_authorize = &visited[1];
    assert!(idp_authorize.starts_with(&format!("{}/auth?", post_idp.issuer)));
    assert_eq!(
        param(idp_authorize, "redirect_uri"),
        Some(format!("{base}/oauth2/idpresponse"))
    );
    assert_eq!(
        param(idp_authorize, "scope").as_deref(),
        Some("openid email profile")
    );
    let sent_nonce = param(idp_authorize, "nonce").expect("a nonce");

    let tokens = redeem(base, &callback);
    let id = verify(base, tokens["id_token"].as_str().unwrap()).expect("verifies");
    assert_eq!(id["iss"], ISSUER);
    assert_eq!(id["cognito:username"], "Corp_alice");
    assert_eq!(id["cognito:groups"], json!([format!("{POOL_ID}_Corp")]));
    let identity = &id["identities"][0];
    assert_eq!(identity["userId"], "alice");
    assert_eq!(identity["providerName"], "Corp");
    assert_eq!(identity["providerType"], "OIDC");
    assert_eq!(identity["issuer"], Value::Null);
    assert_eq!(identity["primary"], "true");
    assert!(identity["dateCreated"].is_string());
    let issued = post_idp.issued.lock().unwrap().last().cloned().unwrap();
    assert_eq!(id["custom:id_token"], issued);
    assert_eq!(id["custom:access_token"], "at-1");
    assert_eq!(
        id["email"], "info@corp.test",
        "userInfo wins over the ID token"
    );
    assert_eq!(id["email_verified"], false, "unverified unless mapped");
    assert_eq!(
        id["nonce"], sent_nonce,
        "without an app nonce, Cognito's own"
    );
    assert_eq!(claims_of(&tokens, "access_token")["username"], "Corp_alice");

    let (_, callback) = walk(
        base,
        &[("idp_identifier", "corp.test"), ("nonce", "app-nonce")],
    );
    let id = claims_of(&redeem(base, &callback), "id_token");
    assert_eq!(id["cognito:username"], "CorpGet_alice");
    assert_eq!(id["nonce"], "app-nonce");

    let (_, callback) = walk(base, &[("identity_provider", "Manual")]);
    let id = claims_of(&redeem(base, &callback), "id_token");
    assert_eq!(
        id["cognito:username"], "Manual_alice",
        "explicit endpoints, no discovery"
    );

    let (_, implicit) = walk(
        base,
        &[("identity_provider", "Corp"), ("response_type", "token")],
    );
    assert!(implicit.starts_with(&format!("{CB}#")), "{implicit}");
    let id_token = param(&implicit, "id_token").expect("implicit ID token");
    assert_eq!(
        verify(base, &id_token).unwrap()["cognito:username"],
        "Corp_alice"
    );

    // IdP tokens are checked against the real clock, not the shifted emulator clock.
    advance(base, 7200);
    let (_, callback) = walk(base, &[("identity_provider", "Corp")]);
    assert!(param(&callback, "code").is_some(), "{callback}");
}

#[test]
fn idp_faults_come_back_to_the_app_as_error_redirects() {
    let faults = [
        ("Denied", Fault::Denied, "Denied Error - access_denied"),
        (
            "TokenStatus",
            Fault::TokenStatus,
            "TokenStatus Error - 400 error getting token",
        ),
        ("TokenGarbage", Fault::TokenGarbage, "Bad token response"),
        ("JwksDown", Fault::JwksDown, "Timeout in calling jwks uri"),
        (
            "WrongNonce",
            Fault::WrongNonce,
            "Invalid identity token: nonce mismatch",
        ),
        ("LongIdToken", Fault::LongIdToken, TOO_LONG),
        (
            "UserInfo",
            Fault::UserInfoStatus,
            "UserInfo Error - 401 error getting user info",
        ),
        (
            "OtherSub",
            Fault::UserInfoOtherSubject,
            "OtherSub Error - error getting user info",
        ),
    ];
    let idps: Vec<MockIdp> = faults.iter().map(|(_, f, _)| mock_idp(*f, false)).collect();
    let mut providers: Vec<Value> = faults
        .iter()
        .zip(&idps)
        .map(|((name, _, _), idp)| provider(name, &idp.issuer, "GET", &[]))
        .collect();
    providers.push(provider("Down", "http://127.0.0.1:1", "GET", &[]));
    let live = mock_idp(Fault::None, false);
    providers.push(explicit_provider(
        "NoToken",
        &live.issuer,
        "http://127.0.0.1:1/token",
    ));
    let emu = start_federating(providers);
    let cases = faults
        .iter()
        .map(|(name, _, expected)| (*name, *expected))
        .chain([
            ("Down", "Down Error - unable to read the discovery document"),
            ("NoToken", "Connection reset"),
        ]);
    for (name, expected) in cases {
        let (_, callback) = walk(&emu.base_url, &[("identity_provider", name)]);
        assert_eq!(
            param(&callback, "error").as_deref(),
            Some("invalid_request"),
            "{name}"
        );
        assert_eq!(
            param(&callback, "error_description").as_deref(),
            Some(expected),
            "{name}"
        );
        assert_eq!(param(&callback, "state").as_deref(), Some("st"), "{name}");
        assert_eq!(param(&callback, "code"), None, "{name}");
    }
    assert!(
        emu.ctx().find_user("LongIdToken_alice").is_none(),
        "a failed mapping creates no user"
    );
}

#[test]
fn an_unknown_or_reused_state_goes_to_the_error_page() {
    let idp = mock_idp(Fault::None, false);
    let emu = start_federating(vec![provider("Corp", &idp.issuer, "GET", &[])]);
    let base = &emu.base_url;
    let (visited, _) = walk(base, &[("identity_provider", "Corp")]);
    let idpresponse = &visited[2];
    assert!(idpresponse.starts_with(&format!("{base}/oauth2/idpresponse?")));
    let unknown = format!("{base}/oauth2/idpresponse?code=good&state=unknown");
    for url in [idpresponse, &unknown, &format!("{base}/oauth2/idpresponse")] {
        let response = get(url, &[]);
        assert_eq!(response.location(), "/error?error=Invalid+state&client_id=");
    }
    let page = get(&format!("{base}/error?error=Invalid+state&client_id="), &[]);
    assert_eq!(page.status, 400);
    assert!(page.body.contains("Invalid state"));
}
