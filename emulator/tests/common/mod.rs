//! Shared helpers for the HTTP integration tests: an emulator per test (shared keys), a plain HTTP
//! client that never follows redirects, and token verification against the served JWKS.
#![allow(dead_code)] // Each test binary uses a different subset.

// The library's native runner: the core beside the jwt-compact oracle.
#[path = "../../../tests/native/mod.rs"]
mod native;

use std::sync::OnceLock;

use base64ct::{Base64UrlUnpadded, Encoding};
use cognito_emulator::config::Config;
use cognito_emulator::keys::{generate_pair, KeySet, SigningKey};
use cognito_emulator::{Emulator, Options};
use jwt_compact::alg::{Rsa, RsaPublicKey};
use jwt_compact::{AlgorithmExt, UntrustedToken};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const POOL_ID: &str = "us-east-1_TestPool1";
pub const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1";
pub const CB: &str = "https://app.test/cb";
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// The test pool: see the client and user comments inline.
pub fn base_config() -> Value {
    json!({
        "UserPool": {
            "UserPoolId": POOL_ID,
            "Schema": [{"Name": "tenant", "Mutable": true}],
            "Groups": [{"GroupName": "admins", "Precedence": 1, "RoleArn": "arn:aws:iam::1:role/admins"}],
            "ResourceServers": [{"Identifier": "https://api.test",
                "Scopes": [{"ScopeName": "read"}, {"ScopeName": "write"}]}]
        },
        "UserPoolClients": [
            // Public SPA client: code + implicit, no rotation.
            {"ClientId": "public1", "AllowedOAuthFlows": ["code", "implicit"],
             "AllowedOAuthScopes": ["openid", "email", "phone", "profile",
                "aws.cognito.signin.user.admin", "https://api.test/read"],
             "CallbackURLs": [CB], "LogoutURLs": ["https://app.test/bye"]},
            // Confidential client with rotation and a 10 s grace.
            {"ClientId": "conf1", "ClientSecret": "s3cret", "AllowedOAuthFlows": ["code"],
             "AllowedOAuthScopes": ["openid", "email", "https://api.test/read"],
             "CallbackURLs": [CB],
             "RefreshTokenRotation": {"Feature": "ENABLED", "RetryGracePeriodSeconds": 10}},
            // Rotation without grace.
            {"ClientId": "conf0", "ClientSecret": "s3cret0", "AllowedOAuthFlows": ["code"],
             "AllowedOAuthScopes": ["openid"], "CallbackURLs": [CB],
             "RefreshTokenRotation": {"Feature": "ENABLED", "RetryGracePeriodSeconds": 0}},
            // Machine-to-machine.
            {"ClientId": "m2m1", "ClientSecret": "m2msecret",
             "AllowedOAuthFlows": ["client_credentials"],
             "AllowedOAuthScopes": ["https://api.test/read", "https://api.test/write"]},
            // Revocation disabled, reads only email.
            {"ClientId": "norevoke", "AllowedOAuthFlows": ["code"], "EnableTokenRevocation": false,
             "AllowedOAuthScopes": ["openid", "email", "profile"], "CallbackURLs": [CB],
             "ReadAttributes": ["email", "email_verified"]}
        ],
        "Users": [
            {"Username": "jdoe", "Password": "Passw0rd!", "Groups": ["admins"],
             "UserAttributes": [
                {"Name": "email", "Value": "jdoe@example.com"},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "phone_number", "Value": "+15550100"},
                {"Name": "phone_number_verified", "Value": "false"},
                {"Name": "name", "Value": "Jane Doe"},
                {"Name": "custom:tenant", "Value": "42"}]},
            {"Username": "disabled", "Password": "pw", "Enabled": false}
        ]
    })
}

fn keys() -> KeySet {
    static KEYS: OnceLock<(SigningKey, SigningKey)> = OnceLock::new();
    let (id, access) = KEYS.get_or_init(generate_pair).clone();
    KeySet::new(id, access)
}

pub fn start_with(config: Value, strict: bool) -> Emulator {
    let config = Config::from_json(&config.to_string()).expect("valid test config");
    Emulator::start_with(
        config,
        Options {
            port: 0,
            strict,
            keys: Some(keys()),
            ..Options::default()
        },
    )
    .expect("emulator starts")
}

pub fn start() -> Emulator {
    start_with(base_config(), false)
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn location(&self) -> &str {
        assert_eq!(self.status, 302, "expected a redirect: {self:?}");
        self.header("location").expect("Location header")
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .max_redirects(0)
        .max_redirects_will_error(false)
        .http_status_as_error(false)
        .build()
        .into()
}

fn finish(url: &str, result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Resp {
    let response = finish_raw(result);
    for token in served_tokens(&response) {
        judge(url, &token);
    }
    response
}

fn finish_raw(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Resp {
    let mut response = result.expect("HTTP exchange");
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().unwrap_or_default();
    Resp {
        status,
        headers,
        body,
    }
}

/// The JWTs a response serves: a token response's, `AuthenticationResult`'s, and those of a
/// redirect's query or fragment (the implicit flow).
fn served_tokens(response: &Resp) -> Vec<String> {
    const FIELDS: [&str; 4] = ["id_token", "access_token", "IdToken", "AccessToken"];
    let mut found = Vec::new();
    if let Ok(body) = serde_json::from_str::<Value>(&response.body) {
        for doc in [&body, &body["AuthenticationResult"]] {
            found.extend(
                FIELDS
                    .iter()
                    .filter_map(|f| doc[f].as_str().map(str::to_owned)),
            );
        }
    }
    if let Some(location) = response.header("location") {
        found.extend(FIELDS.iter().filter_map(|f| param(location, f)));
    }
    found
}

/// Every token the emulator serves in these tests is verified by the library's core and by
/// jwt-compact against the pool's JWKS (`tests/native/`): both must find its signature good and
/// decode the same claims. The core's claim rules are not asked for (token_use and client_id are
/// not configured; the emulator's clock may have moved).
fn judge(url: &str, token: &str) {
    let origin = url.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
    let iss = decode(token)["iss"].as_str().expect("an iss").to_owned();
    let pool = iss.rsplit('/').next().unwrap();
    let jwks = finish_raw(
        agent()
            .get(format!("{origin}/{pool}/.well-known/jwks.json"))
            .call(),
    );
    assert_eq!(jwks.status, 200, "{jwks:?}");
    let verifier = native::verifier(&json!({
        "verifier": {"userPoolId": pool, "tokenUse": null, "clientId": null}
    }));
    let result = native::verify_fresh(&verifier, jwks.body.as_bytes(), token);
    if let Err(e) = &result {
        assert!(
            matches!(e, native::Error::Claim(_)),
            "the core refuses a served token: {e}"
        );
    }
    let jwks: Value = serde_json::from_str(&jwks.body).unwrap();
    let theirs = native::compare("served token", token, &result, &jwks).expect("a verdict");
    assert!(
        theirs.signature && theirs.claims.is_some(),
        "jwt-compact: {theirs:?}"
    );
    println!(
        "jwt-compact oracle: a served token, {} verdicts",
        native::oracle::checked()
    );
}

pub fn get(url: &str, headers: &[(&str, &str)]) -> Resp {
    let mut request = agent().get(url);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    finish(url, request.call())
}

pub fn options(url: &str) -> Resp {
    finish(
        url,
        agent()
            .options(url)
            .header("Origin", "https://app.test")
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization,content-type,x-amz-target,amz-sdk-invocation-id",
            )
            .call(),
    )
}

pub fn post(url: &str, content_type: &str, body: &str, headers: &[(&str, &str)]) -> Resp {
    let mut request = agent().post(url).header("Content-Type", content_type);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    finish(url, request.send(body))
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

pub fn post_form(url: &str, pairs: &[(&str, &str)], headers: &[(&str, &str)]) -> Resp {
    post(
        url,
        "application/x-www-form-urlencoded",
        &form(pairs),
        headers,
    )
}

/// `Authorization: Basic base64(id:secret)`.
pub fn basic(id: &str, secret: &str) -> String {
    format!(
        "Basic {}",
        base64ct::Base64::encode_string(format!("{id}:{secret}").as_bytes())
    )
}

/// One query parameter of a URL (query or fragment).
pub fn param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once(['?', '#']).map_or("", |(_, q)| q);
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// An authorize URL for `client_id` with PKCE and `state=st`.
pub fn authorize_query(client_id: &str, extra: &[(&str, &str)]) -> String {
    let mut pairs = vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", CB),
        ("state", "st"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    for (k, v) in extra {
        pairs.retain(|(key, _)| key != k);
        pairs.push((k, v));
    }
    form(&pairs)
}

/// A browserless sign-in through `/_emulator/login`; returns the callback URL.
pub fn login(base: &str, client_id: &str, extra: &[(&str, &str)]) -> String {
    let body = json!({
        "authorize": format!("/oauth2/authorize?{}", authorize_query(client_id, extra)),
        "username": "jdoe",
        "password": "Passw0rd!",
    });
    let response = post(
        &format!("{base}/_emulator/login"),
        "application/json",
        &body.to_string(),
        &[],
    );
    assert_eq!(response.status, 200, "{response:?}");
    response.json()["callbackUrl"].as_str().unwrap().to_owned()
}

/// Exchanges a code (PKCE verifier [`VERIFIER`], redirect [`CB`]) at the token endpoint.
pub fn exchange(base: &str, client_id: &str, code: &str, secret: Option<&str>) -> Resp {
    let mut pairs = vec![
        ("grant_type", "authorization_code"),
        ("client_id", client_id),
        ("code", code),
        ("redirect_uri", CB),
        ("code_verifier", VERIFIER),
    ];
    if let Some(secret) = secret {
        pairs.push(("client_secret", secret));
    }
    post_form(&format!("{base}/oauth2/token"), &pairs, &[])
}

/// Signs in and exchanges the code: the token response.
pub fn tokens(base: &str, client_id: &str, secret: Option<&str>, extra: &[(&str, &str)]) -> Value {
    let callback = login(base, client_id, extra);
    let code = param(&callback, "code").expect("a code");
    let response = exchange(base, client_id, &code, secret);
    assert_eq!(response.status, 200, "{response:?}");
    response.json()
}

pub fn decode(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&Base64UrlUnpadded::decode_vec(payload).unwrap()).unwrap()
}

/// The payload of the JWT in `response[field]` (e.g. `"access_token"` of a token response).
pub fn claims_of(response: &Value, field: &str) -> Value {
    decode(response[field].as_str().expect("a token field"))
}

pub fn header(token: &str) -> Value {
    let header = token.split('.').next().expect("a JWT");
    serde_json::from_slice(&Base64UrlUnpadded::decode_vec(header).unwrap()).unwrap()
}

/// Verifies `token`'s RS256 signature against the served JWKS (with jwt-compact, independently of
/// the emulator's signing code); returns the claims.
pub fn verify(base: &str, token: &str) -> Result<Value, String> {
    let jwks = get(&format!("{base}/{POOL_ID}/.well-known/jwks.json"), &[]).json();
    let kid = header(token)["kid"].as_str().ok_or("no kid")?.to_owned();
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid)
        .ok_or("kid not in JWKS")?;
    let n = Base64UrlUnpadded::decode_vec(jwk["n"].as_str().unwrap()).unwrap();
    let e = Base64UrlUnpadded::decode_vec(jwk["e"].as_str().unwrap()).unwrap();
    let key = RsaPublicKey::new(
        rsa::BigUint::from_bytes_be(&n),
        rsa::BigUint::from_bytes_be(&e),
    )
    .map_err(|e| e.to_string())?;
    let untrusted = UntrustedToken::new(token).map_err(|e| e.to_string())?;
    let verified = Rsa::rs256()
        .validator::<Value>(&key)
        .validate(&untrusted)
        .map_err(|e| e.to_string())?;
    Ok(verified.claims().custom.clone())
}

pub fn at_hash(access_token: &str) -> String {
    Base64UrlUnpadded::encode_string(&Sha256::digest(access_token.as_bytes())[..16])
}

/// A POST to the JSON API.
pub fn api(base: &str, operation: &str, body: &Value) -> Resp {
    post(
        &format!("{base}/"),
        "application/x-amz-json-1.1",
        &body.to_string(),
        &[(
            "X-Amz-Target",
            &format!("AWSCognitoIdentityProviderService.{operation}"),
        )],
    )
}

/// Moves the emulator clock.
pub fn advance(base: &str, seconds: i64) {
    let r = post(
        &format!("{base}/_emulator/clock"),
        "application/json",
        &json!({"advanceSeconds": seconds}).to_string(),
        &[],
    );
    assert_eq!(r.status, 200, "{r:?}");
}
