//! The hosted-UI and OAuth endpoints over real HTTP (docs/cognito.md#behaviours-under-test
//! checklist).

mod common;

use common::*;
use serde_json::{json, Value};

fn error_location(base: &str, query: &str) -> String {
    get(&format!("{base}/oauth2/authorize?{query}"), &[])
        .location()
        .to_owned()
}

#[test]
fn discovery_and_jwks_use_the_real_issuer_and_local_endpoints() {
    let emu = start();
    let base = &emu.base_url;
    let doc = get(
        &format!("{base}/{POOL_ID}/.well-known/openid-configuration"),
        &[],
    );
    assert_eq!(doc.header("access-control-allow-origin"), Some("*"));
    let doc = doc.json();
    assert_eq!(doc["issuer"], ISSUER);
    assert_eq!(
        doc["jwks_uri"],
        format!("{base}/{POOL_ID}/.well-known/jwks.json")
    );
    for (key, path) in [
        ("authorization_endpoint", "/oauth2/authorize"),
        ("token_endpoint", "/oauth2/token"),
        ("userinfo_endpoint", "/oauth2/userInfo"),
        ("revocation_endpoint", "/oauth2/revoke"),
        ("end_session_endpoint", "/logout"),
    ] {
        assert_eq!(doc[key], format!("{base}{path}"), "{key}");
    }
    assert!(doc.get("introspection_endpoint").is_none());
    let jwks = get(&format!("{base}/{POOL_ID}/.well-known/jwks.json"), &[]).json();
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    for key in keys {
        assert_eq!(key["kid"].as_str().unwrap().len(), 44);
        assert_eq!(key["alg"], "RS256");
        assert_eq!(key["kty"], "RSA");
        assert_eq!(key["use"], "sig");
    }
    assert_eq!(
        get(
            &format!("{base}/us-east-1_Other/.well-known/jwks.json"),
            &[]
        )
        .status,
        404
    );
}

#[test]
fn legacy_discovery_variant() {
    let mut config = base_config();
    config["Quirks"] = json!({"Discovery": "Legacy"});
    let emu = start_with(config, false);
    let doc = get(
        &format!(
            "{}/{POOL_ID}/.well-known/openid-configuration",
            emu.base_url
        ),
        &[],
    )
    .json();
    assert!(doc.get("end_session_endpoint").is_none());
    assert!(doc.get("revocation_endpoint").is_none());
    assert_eq!(doc["issuer"], ISSUER);
}

#[test]
fn authorize_error_pages_and_error_redirects() {
    let emu = start();
    let base = &emu.base_url;
    // Untrusted redirect: the error page, never the app.
    assert_eq!(
        error_location(
            base,
            "response_type=code&client_id=nope&redirect_uri=https%3A%2F%2Fapp.test%2Fcb"
        ),
        "/error?error=redirect_mismatch&client_id=nope"
    );
    assert_eq!(
        error_location(
            base,
            "response_type=code&client_id=public1&redirect_uri=https%3A%2F%2Fevil.test%2Fcb"
        ),
        "/error?error=redirect_mismatch&client_id=public1"
    );
    assert_eq!(
        error_location(base, "response_type=code&client_id=public1"),
        "/error?error=redirect_mismatch&client_id=public1"
    );
    let page = get(
        &format!("{base}/error?error=redirect_mismatch&client_id=public1"),
        &[],
    );
    assert_eq!(page.status, 400);
    assert!(page
        .body
        .contains("An error was encountered with the requested page."));
    assert!(page.body.contains("redirect_mismatch"));

    // Trusted redirect: errors go to the app with state.
    let cases = [
        (vec![("response_type", "")], "error=invalid_request"),
        (
            vec![("response_type", "id_token")],
            "error=unsupported_response_type",
        ),
        (
            vec![("code_challenge_method", "plain")],
            "error=invalid_request",
        ),
        (vec![("code_challenge_method", "")], "error=invalid_request"),
        (vec![("prompt", "bogus")], "error=invalid_request"),
        (
            vec![("scope", "openid https://api.test/write")],
            "error_description=invalid_scope&state=st&error=invalid_request",
        ),
    ];
    for (extra, expected) in cases {
        let location = error_location(base, &authorize_query("public1", &extra));
        assert!(location.starts_with(&format!("{CB}?")), "{location}");
        assert!(location.contains(expected), "{extra:?}: {location}");
        assert_eq!(
            param(&location, "state").as_deref(),
            Some("st"),
            "{location}"
        );
    }
    // Implicit is not enabled on conf1.
    let location = error_location(
        base,
        &authorize_query("conf1", &[("response_type", "token")]),
    );
    assert_eq!(location, format!("{CB}?state=st&error=unauthorized_client"));
}

#[test]
fn documented_invalid_scope_shape_and_ignore_mode() {
    let mut config = base_config();
    config["Quirks"] = json!({"DisallowedScope": "InvalidScope"});
    let emu = start_with(config, false);
    let location = error_location(
        &emu.base_url,
        &authorize_query("public1", &[("scope", "openid bogus")]),
    );
    assert_eq!(location, format!("{CB}?state=st&error=invalid_scope"));

    let mut config = base_config();
    config["Quirks"] = json!({"DisallowedScope": "Ignore"});
    let emu = start_with(config, false);
    let tokens = tokens(
        &emu.base_url,
        "public1",
        None,
        &[("scope", "openid bogus email")],
    );
    assert_eq!(claims_of(&tokens, "access_token")["scope"], "openid email");
}

#[test]
fn browser_login_form_session_cookie_and_prompt() {
    let emu = start();
    let base = &emu.base_url;
    let query = authorize_query("public1", &[("nonce", "n-1"), ("login_hint", "jdoe")]);
    let to_login = get(&format!("{base}/oauth2/authorize?{query}"), &[])
        .location()
        .to_owned();
    assert!(to_login.starts_with("/login?"));
    assert_eq!(param(&to_login, "nonce").as_deref(), Some("n-1"));

    let page = get(&format!("{base}{to_login}"), &[]);
    assert_eq!(page.status, 200);
    let xsrf = page
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let csrf = xsrf.split_once('=').unwrap().1.to_owned();
    assert!(page
        .body
        .contains(&format!("name=\"_csrf\" value=\"{csrf}\"")));
    assert!(page.body.contains("name=\"code_challenge\""));
    assert!(
        page.body.contains("value=\"jdoe\""),
        "login_hint pre-fills the username"
    );

    let mut fields: Vec<(String, String)> =
        form_urlencoded::parse(to_login.split_once('?').unwrap().1.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    fields.push(("_csrf".into(), csrf.clone()));
    fields.push(("username".into(), "jdoe".into()));
    let pairs = |password: &str| {
        let mut p: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        p.push(("password", password));
        form(&p)
    };
    let url = format!("{base}/login");
    let ct = "application/x-www-form-urlencoded";
    let wrong = post(&url, ct, &pairs("nope"), &[("Cookie", &xsrf)]);
    assert_eq!(wrong.status, 200);
    assert!(wrong.body.contains("Incorrect username or password."));
    let no_csrf = post(&url, ct, &pairs("Passw0rd!"), &[]);
    assert_eq!(
        no_csrf.status, 200,
        "a missing XSRF cookie re-renders the form"
    );
    assert!(no_csrf.header("location").is_none());

    let ok = post(&url, ct, &pairs("Passw0rd!"), &[("Cookie", &xsrf)]);
    let callback = ok.location().to_owned();
    assert!(callback.starts_with(&format!("{CB}?code=")));
    assert_eq!(param(&callback, "state").as_deref(), Some("st"));
    let cookie = ok.header("set-cookie").unwrap();
    assert!(cookie.contains("Max-Age=3600"));
    let session = cookie.split(';').next().unwrap().to_owned();

    // Silent SSO with the cookie, for any client of the pool.
    let again = get(
        &format!("{base}/oauth2/authorize?{}", authorize_query("conf1", &[])),
        &[("Cookie", &session)],
    );
    assert!(again.location().starts_with(&format!("{CB}?code=")));
    let silent = get(
        &format!(
            "{base}/oauth2/authorize?{}",
            authorize_query("public1", &[("prompt", "none")])
        ),
        &[("Cookie", &session)],
    );
    assert!(silent.location().starts_with(&format!("{CB}?code=")));
    let forced = get(
        &format!(
            "{base}/oauth2/authorize?{}",
            authorize_query("public1", &[("prompt", "login")])
        ),
        &[("Cookie", &session)],
    );
    assert!(forced.location().starts_with("/login?"));
    let none = get(
        &format!(
            "{base}/oauth2/authorize?{}",
            authorize_query("public1", &[("prompt", "none")])
        ),
        &[],
    );
    assert_eq!(
        none.location(),
        format!("{CB}?state=st&error=login_required")
    );

    // max_age: an older sign-in does not count.
    advance(base, 100);
    let fresh_enough = get(
        &format!(
            "{base}/oauth2/authorize?{}",
            authorize_query("public1", &[("max_age", "200")])
        ),
        &[("Cookie", &session)],
    );
    assert!(fresh_enough.location().starts_with(&format!("{CB}?code=")));
    let too_old = get(
        &format!(
            "{base}/oauth2/authorize?{}",
            authorize_query("public1", &[("max_age", "50"), ("prompt", "none")])
        ),
        &[("Cookie", &session)],
    );
    assert_eq!(
        too_old.location(),
        format!("{CB}?state=st&error=login_required")
    );
    let bad = error_location(base, &authorize_query("public1", &[("max_age", "soon")]));
    assert_eq!(bad, format!("{CB}?state=st&error=invalid_request"));

    // The session expires after an hour.
    advance(base, 3601);
    let expired = get(
        &format!(
            "{base}/oauth2/authorize?{}",
            authorize_query("public1", &[])
        ),
        &[("Cookie", &session)],
    );
    assert!(expired.location().starts_with("/login?"));
}

#[test]
fn identity_provider_selection() {
    let emu = start();
    let base = &emu.base_url;
    let cognito = error_location(
        base,
        &authorize_query("public1", &[("identity_provider", "COGNITO")]),
    );
    assert!(cognito.starts_with("/login?"));
    let unknown = error_location(
        base,
        &authorize_query("public1", &[("identity_provider", "Nope")]),
    );
    assert_eq!(
        unknown,
        format!("{CB}?error_description=Invalid+identity+provider&state=st&error=invalid_request")
    );
    let unknown = error_location(
        base,
        &authorize_query("public1", &[("idp_identifier", "nope.example")]),
    );
    assert!(unknown.contains("error=invalid_request"));
}

#[test]
fn code_flow_tokens_have_cognitos_shape_and_verify_against_the_jwks() {
    let emu = start();
    let base = &emu.base_url;
    let callback = login(
        base,
        "public1",
        &[
            ("nonce", "n-0S6"),
            ("scope", "openid email profile https://api.test/read"),
        ],
    );
    let code = param(&callback, "code").unwrap();
    assert_eq!(code.len(), 36, "a UUID code");
    let response = post_form(
        &format!("{base}/oauth2/token"),
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "public1"),
            ("code", &code),
            ("redirect_uri", CB),
            ("code_verifier", VERIFIER),
        ],
        &[("Origin", "https://app.test")],
    );
    assert_eq!(response.status, 200);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    assert_eq!(response.header("cache-control"), Some("no-store"));
    let body = response.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert!(body.get("scope").is_none());
    let (id_token, access_token) = (
        body["id_token"].as_str().unwrap(),
        body["access_token"].as_str().unwrap(),
    );
    assert_eq!(
        body["refresh_token"].as_str().unwrap().split('.').count(),
        5
    );

    let (id_header, access_header) = (header(id_token), header(access_token));
    assert_eq!(
        id_header.as_object().unwrap().len(),
        2,
        "only kid + alg: {id_header}"
    );
    assert_eq!(id_header["alg"], "RS256");
    assert_ne!(id_header["kid"], access_header["kid"]);

    let id = verify(base, id_token).unwrap();
    let access = verify(base, access_token).unwrap();
    let (id_raw, access_raw) = (decode(id_token), decode(access_token));
    assert_eq!(id["iss"], ISSUER);
    assert_eq!(id["aud"], "public1");
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["nonce"], "n-0S6");
    assert_eq!(id["cognito:username"], "jdoe");
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["custom:tenant"], "42");
    assert_eq!(id["name"], "Jane Doe");
    assert!(id.get("phone_number").is_none(), "phone scope not granted");
    assert_eq!(id["cognito:groups"], json!(["admins"]));
    assert_eq!(id["cognito:preferred_role"], "arn:aws:iam::1:role/admins");
    assert_eq!(id["at_hash"], at_hash(access_token));
    assert_eq!(id["origin_jti"], access["origin_jti"]);
    assert_eq!(id["event_id"], access["event_id"]);
    assert_ne!(id["jti"], access["jti"]);
    assert_eq!(
        id_raw["exp"].as_i64().unwrap() - id_raw["iat"].as_i64().unwrap(),
        3600
    );
    assert!(access.get("aud").is_none());
    assert_eq!(access["client_id"], "public1");
    assert_eq!(access["token_use"], "access");
    assert_eq!(access["version"], 2);
    assert_eq!(access["username"], "jdoe");
    assert_eq!(
        access["scope"],
        "openid email profile https://api.test/read"
    );
    assert_eq!(access["sub"], id["sub"]);
    assert_eq!(access_raw["auth_time"], id_raw["auth_time"]);
    assert!(
        access.get("email").is_none(),
        "no attributes in access tokens"
    );
}

#[test]
fn resource_binds_the_access_token_audience() {
    let emu = start();
    let tokens = tokens(
        &emu.base_url,
        "public1",
        None,
        &[("resource", "https://api.test")],
    );
    assert_eq!(
        claims_of(&tokens, "access_token")["aud"],
        "https://api.test"
    );
}

#[test]
fn code_is_single_use_expires_and_is_bound_to_redirect_uri_client_and_verifier() {
    let emu = start();
    let base = &emu.base_url;
    let token_url = format!("{base}/oauth2/token");
    let exchange = |code: &str, client: &str, redirect: &str, verifier: Option<&str>| {
        let mut pairs = vec![
            ("grant_type", "authorization_code"),
            ("client_id", client),
            ("code", code),
            ("redirect_uri", redirect),
        ];
        if let Some(v) = verifier {
            pairs.push(("code_verifier", v));
        }
        let r = post_form(&token_url, &pairs, &[]);
        (r.status, r.json())
    };
    let code = || param(&login(base, "public1", &[]), "code").unwrap();
    let invalid_grant = (400, json!({"error": "invalid_grant"}));

    let c = code();
    assert_eq!(exchange(&c, "public1", CB, Some(VERIFIER)).0, 200);
    assert_eq!(
        exchange(&c, "public1", CB, Some(VERIFIER)),
        invalid_grant,
        "reuse"
    );
    assert_eq!(
        exchange(&code(), "public1", "https://app.test/other", Some(VERIFIER)),
        invalid_grant
    );
    assert_eq!(
        exchange(
            &code(),
            "public1",
            CB,
            Some("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXX")
        ),
        invalid_grant
    );
    assert_eq!(
        exchange(&code(), "public1", CB, None),
        invalid_grant,
        "missing verifier"
    );
    assert_eq!(
        exchange("not-a-code", "public1", CB, Some(VERIFIER)),
        invalid_grant
    );
    let c = code();
    let (status, body) = exchange(&c, "norevoke", CB, Some(VERIFIER));
    assert_eq!((status, body), invalid_grant, "another client");
    let c = code();
    advance(base, 301);
    assert_eq!(
        exchange(&c, "public1", CB, Some(VERIFIER)),
        invalid_grant,
        "expired after 5 minutes"
    );
    let c = code();
    advance(base, 299);
    assert_eq!(
        exchange(&c, "public1", CB, Some(VERIFIER)).0,
        200,
        "still valid before 5 minutes"
    );
    let r = post_form(
        &token_url,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "public1"),
            ("redirect_uri", CB),
        ],
        &[],
    );
    assert_eq!(
        (r.status, r.json()),
        (400, json!({"error": "invalid_request"})),
        "missing code"
    );
}

#[test]
fn token_endpoint_client_authentication_and_error_shapes() {
    let emu = start();
    let base = &emu.base_url;
    let url = format!("{base}/oauth2/token");
    let error = |r: Resp| {
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        (r.status, r.json()["error"].as_str().unwrap().to_owned())
    };
    let e = |status: u16, code: &str| (status, code.to_owned());
    assert_eq!(
        error(post(&url, "application/json", "{}", &[])),
        e(400, "invalid_request")
    );
    assert_eq!(
        error(post_form(&url, &[("client_id", "public1")], &[])),
        e(400, "invalid_request")
    );
    assert_eq!(
        error(post_form(
            &url,
            &[("grant_type", "password"), ("client_id", "public1")],
            &[]
        )),
        e(400, "unsupported_grant_type")
    );
    assert_eq!(
        error(post_form(
            &url,
            &[
                ("grant_type", "refresh_token"),
                ("grant_type", "refresh_token"),
                ("client_id", "public1")
            ],
            &[]
        )),
        e(400, "invalid_request"),
        "duplicated parameter"
    );
    let cc = [("grant_type", "client_credentials")];
    assert_eq!(
        error(post_form(&url, &cc, &[])),
        e(400, "invalid_client"),
        "no client at all"
    );
    assert_eq!(
        error(post_form(&url, &[cc[0], ("client_id", "nope")], &[])),
        e(400, "invalid_client")
    );
    assert_eq!(
        error(post_form(&url, &[cc[0], ("client_id", "m2m1")], &[])),
        e(400, "invalid_client"),
        "missing secret"
    );
    assert_eq!(
        error(post_form(
            &url,
            &[cc[0], ("client_id", "m2m1"), ("client_secret", "x")],
            &[]
        )),
        e(400, "invalid_client")
    );
    assert_eq!(
        error(post_form(
            &url,
            &cc,
            &[("Authorization", &basic("m2m1", "x"))]
        )),
        e(400, "invalid_client")
    );
    assert_eq!(
        error(post_form(
            &url,
            &[cc[0], ("client_id", "conf1")],
            &[("Authorization", &basic("m2m1", "m2msecret"))]
        )),
        e(400, "invalid_client"),
        "body client_id differs from Basic"
    );
    assert_eq!(
        error(post_form(&url, &[cc[0], ("client_id", "public1")], &[])),
        e(400, "unauthorized_client")
    );
    assert_eq!(
        error(post_form(
            &url,
            &[
                ("grant_type", "authorization_code"),
                ("code", "x"),
                ("redirect_uri", CB)
            ],
            &[("Authorization", &basic("m2m1", "m2msecret"))]
        )),
        e(400, "unauthorized_client")
    );
    // Confidential code flow: Basic and post both work.
    tokens(base, "conf1", Some("s3cret"), &[]);
    let callback = login(base, "conf1", &[]);
    let code = param(&callback, "code").unwrap();
    let r = post_form(
        &url,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CB),
            ("code_verifier", VERIFIER),
        ],
        &[("Authorization", &basic("conf1", "s3cret"))],
    );
    assert_eq!(r.status, 200, "{r:?}");
    // Never a 500, and GET is not allowed.
    assert_eq!(get(&url, &[]).status, 405);
    let preflight = options(&url);
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    assert!(preflight
        .header("access-control-allow-headers")
        .unwrap()
        .contains("authorization"));
}

#[test]
fn invalid_client_status_and_descriptions_are_configurable() {
    let mut config = base_config();
    config["Quirks"] = json!({"TokenInvalidClientStatus": 401, "TokenErrorDescriptions": true});
    let emu = start_with(config, false);
    let r = post_form(
        &format!("{}/oauth2/token", emu.base_url),
        &[("grant_type", "client_credentials"), ("client_id", "m2m1")],
        &[],
    );
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"], "invalid_client");
    assert!(r.json()["error_description"].is_string());
}

fn refresh(base: &str, client: &str, secret: Option<&str>, token: &str) -> Resp {
    let mut pairs = vec![
        ("grant_type", "refresh_token"),
        ("client_id", client),
        ("refresh_token", token),
    ];
    if let Some(s) = secret {
        pairs.push(("client_secret", s));
    }
    post_form(&format!("{base}/oauth2/token"), &pairs, &[])
}

#[test]
fn refresh_without_rotation_keeps_session_claims() {
    let emu = start();
    let base = &emu.base_url;
    let first = tokens(base, "public1", None, &[("nonce", "n1")]);
    let rt = first["refresh_token"].as_str().unwrap();
    advance(base, 10);
    let r = refresh(base, "public1", None, rt);
    assert_eq!(r.status, 200);
    let second = r.json();
    assert!(
        second.get("refresh_token").is_none(),
        "no rotation: no new refresh token"
    );
    let (old_id, new_id) = (
        claims_of(&first, "id_token"),
        claims_of(&second, "id_token"),
    );
    let new_access = verify(base, second["access_token"].as_str().unwrap()).unwrap();
    assert_eq!(new_id["auth_time"], old_id["auth_time"]);
    assert_eq!(new_id["origin_jti"], old_id["origin_jti"]);
    assert_ne!(new_id["jti"], old_id["jti"]);
    assert!(new_id["iat"].as_i64() > old_id["iat"].as_i64());
    assert!(new_id.get("nonce").is_none());
    assert_eq!(
        new_access["scope"],
        claims_of(&first, "access_token")["scope"]
    );
    assert_eq!(
        refresh(base, "public1", None, rt).status,
        200,
        "reusable without rotation"
    );
    assert_eq!(
        refresh(base, "norevoke", None, rt).json()["error"],
        "invalid_grant",
        "other client"
    );
    assert_eq!(
        refresh(base, "public1", None, "garbage").json()["error"],
        "invalid_grant"
    );
    let missing = post_form(
        &format!("{base}/oauth2/token"),
        &[("grant_type", "refresh_token"), ("client_id", "public1")],
        &[],
    );
    assert_eq!(missing.json()["error"], "invalid_request");
}

#[test]
fn refresh_rotation_with_and_without_grace() {
    let emu = start();
    let base = &emu.base_url;
    let first = tokens(base, "conf1", Some("s3cret"), &[]);
    let old = first["refresh_token"].as_str().unwrap();
    let rotated = refresh(base, "conf1", Some("s3cret"), old).json();
    let new = rotated["refresh_token"]
        .as_str()
        .expect("rotation returns a new refresh token");
    assert_ne!(new, old);
    advance(base, 5);
    assert_eq!(
        refresh(base, "conf1", Some("s3cret"), old).status,
        200,
        "inside the 10 s grace"
    );
    advance(base, 6);
    assert_eq!(
        refresh(base, "conf1", Some("s3cret"), old).json()["error"],
        "invalid_grant",
        "after the grace"
    );
    assert_eq!(refresh(base, "conf1", Some("s3cret"), new).status, 200);

    let first = tokens(base, "conf0", Some("s3cret0"), &[]);
    let old = first["refresh_token"].as_str().unwrap();
    let new = refresh(base, "conf0", Some("s3cret0"), old).json()["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        refresh(base, "conf0", Some("s3cret0"), old).json()["error"],
        "invalid_grant",
        "grace 0"
    );
    assert_eq!(refresh(base, "conf0", Some("s3cret0"), &new).status, 200);
}

#[test]
fn client_credentials_tokens() {
    let emu = start();
    let base = &emu.base_url;
    let url = format!("{base}/oauth2/token");
    let r = post_form(
        &url,
        &[("grant_type", "client_credentials")],
        &[("Authorization", &basic("m2m1", "m2msecret"))],
    );
    assert_eq!(r.status, 200, "{r:?}");
    let body = r.json();
    assert!(body.get("id_token").is_none() && body.get("refresh_token").is_none());
    let access = verify(base, body["access_token"].as_str().unwrap()).unwrap();
    assert_eq!(access["sub"], "m2m1");
    assert_eq!(access["client_id"], "m2m1");
    assert_eq!(
        access["scope"],
        "https://api.test/read https://api.test/write"
    );
    for absent in ["username", "cognito:groups", "origin_jti", "aud"] {
        assert!(access.get(absent).is_none(), "{absent}");
    }
    let r = post_form(
        &url,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "m2m1"),
            ("client_secret", "m2msecret"),
            ("scope", "https://api.test/write"),
        ],
        &[],
    );
    assert_eq!(
        claims_of(&r.json(), "access_token")["scope"],
        "https://api.test/write"
    );
    let r = post_form(
        &url,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "m2m1"),
            ("client_secret", "m2msecret"),
            ("scope", "openid"),
        ],
        &[],
    );
    assert_eq!(
        (r.status, r.json()),
        (400, json!({"error": "invalid_scope"}))
    );
}

#[test]
fn implicit_grant_returns_tokens_in_the_fragment() {
    let emu = start();
    let base = &emu.base_url;
    let callback = login(
        base,
        "public1",
        &[
            ("response_type", "token"),
            ("nonce", "nn"),
            ("code_challenge", ""),
            ("code_challenge_method", ""),
        ],
    );
    let (prefix, fragment) = callback.split_once('#').expect("a fragment");
    assert_eq!(prefix, CB);
    assert!(!prefix.contains('?'));
    let fragment = format!("#{fragment}");
    assert_eq!(param(&fragment, "token_type").as_deref(), Some("Bearer"));
    assert_eq!(param(&fragment, "expires_in").as_deref(), Some("3600"));
    assert_eq!(param(&fragment, "state").as_deref(), Some("st"));
    assert!(param(&fragment, "refresh_token").is_none());
    let id = verify(base, &param(&fragment, "id_token").unwrap()).unwrap();
    let access_token = param(&fragment, "access_token").unwrap();
    assert_eq!(id["nonce"], "nn");
    assert_eq!(id["at_hash"], at_hash(&access_token));
    assert!(
        id.get("origin_jti").is_none(),
        "no refresh token, no origin_jti"
    );
}

fn userinfo(base: &str, token: &str) -> Resp {
    get(
        &format!("{base}/oauth2/userInfo"),
        &[("Authorization", &format!("Bearer {token}"))],
    )
}

#[test]
fn userinfo_strings_scopes_and_read_permissions() {
    let emu = start();
    let base = &emu.base_url;
    let all = tokens(base, "public1", None, &[("scope", "openid")]);
    let r = userinfo(base, all["access_token"].as_str().unwrap());
    assert_eq!(r.status, 200);
    let body = r.json();
    let sub = claims_of(&all, "id_token")["sub"].clone();
    assert_eq!(body["sub"], sub);
    assert_eq!(body["username"], "jdoe");
    assert_eq!(body["email_verified"], "true", "string booleans");
    assert_eq!(body["phone_number_verified"], "false");
    assert_eq!(body["custom:tenant"], "42");
    assert_eq!(body["name"], "Jane Doe");

    let email = tokens(base, "public1", None, &[("scope", "openid email")]);
    let body = userinfo(base, email["access_token"].as_str().unwrap()).json();
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, vec!["email", "email_verified", "sub", "username"]);

    let limited = tokens(base, "norevoke", None, &[("scope", "openid profile")]);
    let body = userinfo(base, limited["access_token"].as_str().unwrap()).json();
    assert!(body.get("name").is_none(), "ReadAttributes excludes name");
    assert!(body.get("custom:tenant").is_none());

    let post_form_r = post(
        &format!("{base}/oauth2/userInfo"),
        "application/x-www-form-urlencoded",
        "",
        &[(
            "Authorization",
            &format!("Bearer {}", all["access_token"].as_str().unwrap()),
        )],
    );
    assert_eq!(post_form_r.status, 200, "POST is accepted too");
}

#[test]
fn userinfo_errors() {
    let emu = start();
    let base = &emu.base_url;
    let missing = get(&format!("{base}/oauth2/userInfo"), &[]);
    assert_eq!(missing.status, 400);
    assert!(missing
        .header("www-authenticate")
        .unwrap()
        .contains("invalid_request"));
    let garbage = userinfo(base, "abc.def.ghi");
    assert_eq!(garbage.status, 401);
    assert!(garbage
        .header("www-authenticate")
        .unwrap()
        .starts_with("error=\"invalid_token\""));
    assert_eq!(garbage.json()["error"], "invalid_token");

    let no_openid = tokens(base, "public1", None, &[("scope", "https://api.test/read")]);
    assert!(
        no_openid.get("id_token").is_none(),
        "no openid, no ID token"
    );
    assert_eq!(
        userinfo(base, no_openid["access_token"].as_str().unwrap()).status,
        401
    );

    let t = tokens(base, "public1", None, &[]);
    let access = t["access_token"].as_str().unwrap();
    assert_eq!(userinfo(base, access).status, 200);
    advance(base, 3601);
    assert_eq!(
        userinfo(base, access).status,
        401,
        "expired by the emulator clock"
    );
}

#[test]
fn revoke_cascades_by_origin_jti() {
    let emu = start();
    let base = &emu.base_url;
    let url = format!("{base}/oauth2/revoke");
    let first = tokens(base, "public1", None, &[]);
    let other = tokens(base, "public1", None, &[]);
    let rt = first["refresh_token"].as_str().unwrap();
    let refreshed = refresh(base, "public1", None, rt).json();
    let r = post_form(&url, &[("token", rt), ("client_id", "public1")], &[]);
    assert_eq!((r.status, r.body.as_str()), (200, ""));
    for access in [&first["access_token"], &refreshed["access_token"]] {
        let r = userinfo(base, access.as_str().unwrap());
        assert_eq!(r.status, 401);
        assert!(r
            .header("www-authenticate")
            .unwrap()
            .contains("invalid_token"));
    }
    assert_eq!(
        refresh(base, "public1", None, rt).json()["error"],
        "invalid_grant"
    );
    assert_eq!(
        userinfo(base, other["access_token"].as_str().unwrap()).status,
        200,
        "other sessions live"
    );
    // Local verification still accepts the revoked token
    // (docs/cognito.md#revocation-and-local-verification).
    assert!(verify(base, first["access_token"].as_str().unwrap()).is_ok());

    let again = post_form(&url, &[("token", rt), ("client_id", "public1")], &[]);
    assert_eq!(again.status, 200, "already revoked");
    assert_eq!(
        post_form(&url, &[("token", "unknown"), ("client_id", "public1")], &[]).status,
        200
    );
    let access = post_form(
        &url,
        &[
            ("token", other["access_token"].as_str().unwrap()),
            ("client_id", "public1"),
        ],
        &[],
    );
    assert_eq!(
        (access.status, access.json()),
        (400, json!({"error": "unsupported_token_type"}))
    );
    let missing = post_form(&url, &[("client_id", "public1")], &[]);
    assert_eq!(
        (missing.status, missing.json()),
        (400, json!({"error": "invalid_request"}))
    );
    let conf = tokens(base, "conf1", Some("s3cret"), &[]);
    let conf_rt = conf["refresh_token"].as_str().unwrap();
    let bad = post_form(
        &url,
        &[("token", conf_rt)],
        &[("Authorization", &basic("conf1", "wrong"))],
    );
    assert_eq!(
        (bad.status, bad.json()),
        (401, json!({"error": "invalid_client"}))
    );
    let good = post_form(
        &url,
        &[("token", conf_rt)],
        &[("Authorization", &basic("conf1", "s3cret"))],
    );
    assert_eq!(good.status, 200);
    let disabled = tokens(base, "norevoke", None, &[("scope", "openid")]);
    assert!(claims_of(&disabled, "access_token")
        .get("origin_jti")
        .is_none());
    let r = post_form(
        &url,
        &[
            ("token", disabled["refresh_token"].as_str().unwrap()),
            ("client_id", "norevoke"),
        ],
        &[],
    );
    assert_eq!(
        (r.status, r.json()),
        (400, json!({"error": "invalid_request"}))
    );
}

#[test]
fn logout_modes_clear_the_session() {
    let emu = start();
    let base = &emu.base_url;
    let body = json!({"authorize": authorize_query("public1", &[]), "username": "jdoe", "password": "Passw0rd!"});
    let r = post(
        &format!("{base}/_emulator/login"),
        "application/json",
        &body.to_string(),
        &[],
    );
    let cookie = r.json()["sessionCookie"]
        .as_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let sso = || {
        get(
            &format!(
                "{base}/oauth2/authorize?{}",
                authorize_query("public1", &[])
            ),
            &[("Cookie", &cookie)],
        )
    };
    assert!(sso().location().starts_with(CB));

    let bad = get(
        &format!("{base}/logout?client_id=public1&logout_uri=https%3A%2F%2Fapp.test%2Fnope"),
        &[("Cookie", &cookie)],
    );
    assert!(bad
        .location()
        .starts_with("/error?error=Required+String+parameter"));
    let missing = get(&format!("{base}/logout"), &[]);
    assert_eq!(
        missing.location(),
        "/error?error=Required+parameters+missing&client_id="
    );
    assert!(
        sso().location().starts_with(CB),
        "failed logouts keep the session"
    );

    let relogin = get(
        &format!("{base}/logout?client_id=public1&redirect_uri=https%3A%2F%2Fapp.test%2Fcb&response_type=code&state=s2"),
        &[("Cookie", &cookie)],
    );
    let location = relogin.location();
    assert!(location.starts_with("/login?"));
    assert_eq!(param(location, "state").as_deref(), Some("s2"));
    assert_eq!(
        param(location, "scope").as_deref(),
        Some("openid email phone profile aws.cognito.signin.user.admin https://api.test/read")
    );
    assert!(relogin.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert!(sso().location().starts_with("/login?"), "session gone");

    let ok = get(
        &format!("{base}/logout?client_id=public1&logout_uri=https%3A%2F%2Fapp.test%2Fbye&state=x"),
        &[],
    );
    assert_eq!(ok.location(), "https://app.test/bye");
    assert!(ok.header("set-cookie").unwrap().starts_with("cognito=;"));
    assert!(ok.header("access-control-allow-origin").is_none());
}

#[test]
fn strict_mode_hides_the_controls() {
    let emu = start_with(base_config(), true);
    let base = &emu.base_url;
    for path in ["/_emulator/clock", "/_emulator/requests", "/_emulator/keys"] {
        assert_eq!(get(&format!("{base}{path}"), &[]).status, 404, "{path}");
    }
    let body = json!({"authorize": authorize_query("public1", &[]), "username": "jdoe", "password": "Passw0rd!"});
    assert_eq!(
        post(
            &format!("{base}/_emulator/login"),
            "application/json",
            &body.to_string(),
            &[]
        )
        .status,
        404
    );
    assert_eq!(
        get(&format!("{base}/{POOL_ID}/.well-known/jwks.json"), &[]).status,
        200
    );
}

#[test]
fn key_rotation_keeps_or_drops_old_keys() {
    let emu = start();
    let base = &emu.base_url;
    let before = tokens(base, "public1", None, &[]);
    let rotate = |keep: bool| {
        let r = post(
            &format!("{base}/_emulator/keys/rotate"),
            "application/json",
            &json!({"keepOld": keep}).to_string(),
            &[],
        );
        assert_eq!(r.status, 200);
        r.json()
    };
    let kids = rotate(true);
    let after = tokens(base, "public1", None, &[]);
    assert_eq!(
        header(after["id_token"].as_str().unwrap())["kid"],
        kids["idTokenKid"]
    );
    assert_ne!(
        header(after["id_token"].as_str().unwrap())["kid"],
        header(before["id_token"].as_str().unwrap())["kid"]
    );
    assert_eq!(
        get(&format!("{base}/{POOL_ID}/.well-known/jwks.json"), &[]).json()["keys"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert!(verify(base, before["id_token"].as_str().unwrap()).is_ok());
    assert!(verify(base, after["access_token"].as_str().unwrap()).is_ok());
    rotate(false);
    assert_eq!(
        get(&format!("{base}/{POOL_ID}/.well-known/jwks.json"), &[]).json()["keys"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        verify(base, before["id_token"].as_str().unwrap()).unwrap_err(),
        "kid not in JWKS"
    );
    assert_eq!(
        userinfo(base, after["access_token"].as_str().unwrap()).status,
        401,
        "dropped key: not ours any more"
    );
    let bad = post(
        &format!("{base}/_emulator/keys/rotate"),
        "application/json",
        r#"{"use":"x"}"#,
        &[],
    );
    assert_eq!(bad.status, 400);
}

#[test]
fn request_log_counts_and_redacts() {
    let emu = start();
    let base = &emu.base_url;
    assert_eq!(
        get(&format!("{base}/_emulator/requests"), &[]).json()["count"],
        0
    );
    for _ in 0..3 {
        get(&format!("{base}/{POOL_ID}/.well-known/jwks.json"), &[]);
    }
    get(
        &format!("{base}/oauth2/authorize?client_id=public1&code=secret-code&token=t"),
        &[],
    );
    let jwks = get(
        &format!("{base}/_emulator/requests?path=/{POOL_ID}/.well-known/jwks.json"),
        &[],
    )
    .json();
    assert_eq!(jwks["count"], 3);
    let all = get(&format!("{base}/_emulator/requests"), &[]);
    assert!(!all.body.contains("secret-code"));
    let authorize = &all.json()["requests"][3];
    assert_eq!(authorize["method"], "GET");
    assert_eq!(
        authorize["query"],
        "client_id=public1&code=REDACTED&token=REDACTED"
    );
    let cleared = agent_delete(&format!("{base}/_emulator/requests"));
    assert_eq!(cleared, 204);
    assert_eq!(
        get(&format!("{base}/_emulator/requests"), &[]).json()["count"],
        0
    );
}

fn agent_delete(url: &str) -> u16 {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    agent.delete(url).call().unwrap().status().as_u16()
}

#[test]
fn seeded_users_and_clock_control() {
    let emu = start();
    let base = &emu.base_url;
    let seed = json!({"Username": "new.user", "Password": "pw2", "Groups": ["admins"],
        "UserAttributes": [{"Name": "email", "Value": "n@x"}]});
    let r = post(
        &format!("{base}/_emulator/users"),
        "application/json",
        &seed.to_string(),
        &[],
    );
    assert_eq!(r.status, 201);
    let sub = r.json()["sub"].as_str().unwrap().to_owned();
    let body = json!({"authorize": authorize_query("public1", &[]), "username": "new.user", "password": "pw2"});
    let r = post(
        &format!("{base}/_emulator/login"),
        "application/json",
        &body.to_string(),
        &[],
    );
    assert!(r.json()["callbackUrl"].as_str().unwrap().starts_with(CB));
    let bad = json!({"Username": "x", "Groups": ["nope"]});
    assert_eq!(
        post(
            &format!("{base}/_emulator/users"),
            "application/json",
            &bad.to_string(),
            &[]
        )
        .status,
        400
    );
    let wrong = json!({"authorize": authorize_query("public1", &[]), "username": "new.user", "password": "no"});
    let r = post(
        &format!("{base}/_emulator/login"),
        "application/json",
        &wrong.to_string(),
        &[],
    );
    assert_eq!(
        (r.status, r.json()["message"].clone()),
        (400, Value::from("Incorrect username or password."))
    );
    assert_eq!(sub.len(), 36);

    let before = get(&format!("{base}/_emulator/clock"), &[]).json()["now"]
        .as_i64()
        .unwrap();
    advance(base, 1000);
    let clock = get(&format!("{base}/_emulator/clock"), &[]).json();
    assert_eq!(clock["offsetSeconds"], 1000);
    assert!(clock["now"].as_i64().unwrap() >= before + 1000);
    let t = tokens(base, "public1", None, &[]);
    let iat = claims_of(&t, "access_token")["iat"].as_i64().unwrap();
    assert!(iat >= before + 1000, "tokens use the emulator clock");
}

#[test]
fn client_mistakes_never_produce_a_500() {
    let emu = start();
    let base = &emu.base_url;
    let gets = [
        "/oauth2/authorize",
        "/oauth2/authorize?client_id=%FF%FE",
        "/login",
        "/login?client_id=public1",
        "/logout?client_id=public1&logout_uri=",
        "/error",
        "/oauth2/userInfo",
        "/oauth2/idpresponse",
        "/oauth2/idpresponse?state=x&code=y",
        "/nope",
        "/_emulator/nope",
        "/",
    ];
    for path in gets {
        let r = get(
            &format!("{base}{path}"),
            &[("Authorization", "Bearer a b c")],
        );
        assert!(r.status < 500, "{path}: {}", r.status);
    }
    let posts = [
        "/oauth2/token",
        "/oauth2/revoke",
        "/login",
        "/",
        "/_emulator/login",
        "/_emulator/users",
        "/_emulator/clock",
    ];
    for path in posts {
        for (ct, body) in [
            ("application/x-www-form-urlencoded", "%%%=&&=="),
            ("application/json", "{not json"),
            ("text/plain", ""),
        ] {
            let r = post(
                &format!("{base}{path}"),
                ct,
                body,
                &[("Authorization", "Basic !!!")],
            );
            assert!(r.status < 500, "{path} {ct}: {}", r.status);
        }
    }
}

#[test]
fn unreadable_verified_attribute_fails_the_exchange() {
    let mut config = base_config();
    config["UserPoolClients"][4]["ReadAttributes"] = json!(["email"]);
    let emu = start_with(config, false);
    let base = &emu.base_url;
    let code = param(
        &login(base, "norevoke", &[("scope", "openid email")]),
        "code",
    )
    .unwrap();
    let r = exchange(base, "norevoke", &code, None);
    assert_eq!(
        (r.status, r.json()),
        (400, json!({"error": "invalid_grant"}))
    );
    let fine = tokens(base, "norevoke", None, &[("scope", "openid profile")]);
    assert!(fine["id_token"].is_string());
}

#[test]
fn no_domain_discovery_variant() {
    let mut config = base_config();
    config["Quirks"] = json!({"Discovery": "NoDomain"});
    let emu = start_with(config, false);
    let doc = get(
        &format!(
            "{}/{POOL_ID}/.well-known/openid-configuration",
            emu.base_url
        ),
        &[],
    )
    .json();
    assert_eq!(doc["authorization_endpoint"], format!("{ISSUER}/authorize"));
    assert_eq!(doc["userinfo_endpoint"], format!("{ISSUER}/userInfo"));
    assert_eq!(doc["end_session_endpoint"], format!("{ISSUER}/logout"));
    assert_eq!(
        doc["jwks_uri"],
        format!("{}/{POOL_ID}/.well-known/jwks.json", emu.base_url)
    );
}

#[test]
fn introspection_extension_sees_revocation() {
    let emu = start();
    let base = &emu.base_url;
    let url = format!("{base}/_emulator/introspect");
    let t = tokens(base, "public1", None, &[]);
    let access = t["access_token"].as_str().unwrap();
    let introspect =
        |token: &str| post_form(&url, &[("token", token), ("client_id", "public1")], &[]);
    let live = introspect(access).json();
    assert_eq!(live["active"], true);
    assert_eq!(live["username"], "jdoe");
    assert_eq!(live["token_type"], "Bearer");
    assert_eq!(live["scope"], decode(access)["scope"]);
    assert_eq!(
        introspect(t["id_token"].as_str().unwrap()).json(),
        json!({"active": false})
    );
    post_form(
        &format!("{base}/oauth2/revoke"),
        &[
            ("token", t["refresh_token"].as_str().unwrap()),
            ("client_id", "public1"),
        ],
        &[],
    );
    assert_eq!(introspect(access).json(), json!({"active": false}));
    let unauthenticated = post_form(&url, &[("token", access)], &[]);
    assert_eq!(unauthenticated.status, 401);
}

#[test]
fn escaped_slashes_quirk_keeps_tokens_valid() {
    let mut config = base_config();
    config["Quirks"] = json!({"EscapeSlashes": true});
    let emu = start_with(config, false);
    let t = tokens(&emu.base_url, "public1", None, &[]);
    let id_token = t["id_token"].as_str().unwrap();
    let payload = id_token.split('.').nth(1).unwrap();
    let raw = String::from_utf8(
        <base64ct::Base64UrlUnpadded as base64ct::Encoding>::decode_vec(payload).unwrap(),
    )
    .unwrap();
    assert!(
        raw.contains(r#""iss":"https:\/\/cognito-idp.us-east-1.amazonaws.com\/"#),
        "{raw}"
    );
    assert_eq!(verify(&emu.base_url, id_token).unwrap()["iss"], ISSUER);
}
