//! The JSON API subset and the pre-token-generation trigger (V1/V2/V3, declarative and HTTP hook)
//! over real HTTP.

mod common;

use std::sync::{Arc, Mutex};

use cognito_emulator::api::secret_hash;
use common::*;
use serde_json::{json, Value};

fn password_auth(base: &str, client: &str, extra: Value) -> Resp {
    let mut params = json!({"USERNAME": "jdoe", "PASSWORD": "Passw0rd!"});
    for (k, v) in extra.as_object().unwrap() {
        params[k] = v.clone();
    }
    api(
        base,
        "InitiateAuth",
        &json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client, "AuthParameters": params}),
    )
}

fn api_error(r: &Resp) -> (u16, String, String) {
    let body = r.json();
    (
        r.status,
        body["__type"].as_str().unwrap_or("").to_owned(),
        body["message"].as_str().unwrap_or("").to_owned(),
    )
}

#[test]
fn initiate_auth_issues_admin_scope_tokens_without_scope_filtering() {
    let emu = start();
    let base = &emu.base_url;
    let r = password_auth(base, "public1", json!({}));
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.header("content-type"), Some("application/x-amz-json-1.1"));
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(r.header("x-amzn-requestid").map(str::len), Some(36));
    let preflight = options(&format!("{base}/"));
    assert_eq!(preflight.status, 204);
    assert!(preflight
        .header("access-control-allow-headers")
        .unwrap()
        .contains("amz-sdk-invocation-id"));
    let result = &r.json()["AuthenticationResult"];
    assert_eq!(result["TokenType"], "Bearer");
    assert_eq!(result["ExpiresIn"], 3600);
    let access = verify(base, result["AccessToken"].as_str().unwrap()).unwrap();
    let id = verify(base, result["IdToken"].as_str().unwrap()).unwrap();
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin");
    assert_eq!(access["token_use"], "access");
    assert_eq!(
        id["phone_number"], "+15550100",
        "API ID tokens carry every readable attribute"
    );
    assert_eq!(id["phone_number_verified"], false);
    assert_eq!(id["custom:tenant"], "42");
    assert!(id.get("at_hash").is_none());
    assert!(id.get("nonce").is_none());
    assert_eq!(id["origin_jti"], access["origin_jti"]);
    let refresh_token = result["RefreshToken"].as_str().unwrap();

    // userInfo rejects API tokens (no openid); GetUser accepts them.
    let info = get(
        &format!("{base}/oauth2/userInfo"),
        &[(
            "Authorization",
            &format!("Bearer {}", result["AccessToken"].as_str().unwrap()),
        )],
    );
    assert_eq!(info.status, 401);
    let user = api(
        base,
        "GetUser",
        &json!({"AccessToken": result["AccessToken"]}),
    )
    .json();
    assert_eq!(user["Username"], "jdoe");
    let attributes = user["UserAttributes"].as_array().unwrap();
    assert!(attributes.contains(&json!({"Name": "email_verified", "Value": "true"})));
    assert!(attributes.contains(&json!({"Name": "sub", "Value": id["sub"]})));

    // REFRESH_TOKEN_AUTH: new tokens, no new refresh token; the token endpoint accepts it too.
    let refreshed = api(
        base,
        "InitiateAuth",
        &json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": "public1",
            "AuthParameters": {"REFRESH_TOKEN": refresh_token}}),
    );
    assert_eq!(refreshed.status, 200, "{refreshed:?}");
    let refreshed = &refreshed.json()["AuthenticationResult"];
    assert!(refreshed.get("RefreshToken").is_none());
    assert_eq!(
        claims_of(refreshed, "AccessToken")["scope"],
        "aws.cognito.signin.user.admin"
    );
    let via_oauth = post_form(
        &format!("{base}/oauth2/token"),
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "public1"),
            ("refresh_token", refresh_token),
        ],
        &[],
    );
    assert_eq!(via_oauth.status, 200);
    assert_eq!(
        claims_of(&via_oauth.json(), "access_token")["scope"],
        "aws.cognito.signin.user.admin"
    );
}

#[test]
fn initiate_auth_errors_and_secret_hash() {
    let emu = start();
    let base = &emu.base_url;
    let wrong = password_auth(base, "public1", json!({"PASSWORD": "nope"}));
    assert_eq!(
        api_error(&wrong),
        (
            400,
            "NotAuthorizedException".into(),
            "Incorrect username or password.".into()
        )
    );
    assert_eq!(
        wrong.header("x-amzn-errortype"),
        Some("NotAuthorizedException")
    );
    let unknown_user = password_auth(base, "public1", json!({"USERNAME": "ghost"}));
    assert_eq!(
        api_error(&unknown_user).2,
        "Incorrect username or password."
    );
    let disabled = password_auth(
        base,
        "public1",
        json!({"USERNAME": "disabled", "PASSWORD": "pw"}),
    );
    assert_eq!(api_error(&disabled).2, "User is disabled.");
    let no_client = password_auth(base, "ghost", json!({}));
    assert_eq!(api_error(&no_client).1, "ResourceNotFoundException");
    let no_hash = password_auth(base, "conf1", json!({}));
    assert_eq!(
        api_error(&no_hash),
        (
            400,
            "NotAuthorizedException".into(),
            "Client conf1 is configured for secret but secret was not received".into()
        )
    );
    let bad_hash = password_auth(base, "conf1", json!({"SECRET_HASH": "AAAA"}));
    assert_eq!(
        api_error(&bad_hash).2,
        "Unable to verify secret hash for client conf1"
    );
    let good = password_auth(
        base,
        "conf1",
        json!({"SECRET_HASH": secret_hash("s3cret", "jdoe", "conf1")}),
    );
    assert_eq!(good.status, 200, "{good:?}");

    let admin = |pool: &str, flow: &str| {
        api(
            base,
            "AdminInitiateAuth",
            &json!({"UserPoolId": pool, "ClientId": "public1", "AuthFlow": flow,
                "AuthParameters": {"USERNAME": "jdoe", "PASSWORD": "Passw0rd!"}}),
        )
    };
    assert_eq!(admin(POOL_ID, "ADMIN_USER_PASSWORD_AUTH").status, 200);
    assert_eq!(
        api_error(&admin("us-east-1_Other", "ADMIN_USER_PASSWORD_AUTH")).1,
        "ResourceNotFoundException"
    );
    assert_eq!(
        api_error(&admin(POOL_ID, "USER_SRP_AUTH")).1,
        "InvalidParameterException"
    );

    let unknown = api(base, "DeleteUserPool", &json!({}));
    assert_eq!(api_error(&unknown).1, "UnknownOperationException");
    let garbage = post(
        &format!("{base}/"),
        "application/x-amz-json-1.1",
        "{oops",
        &[(
            "X-Amz-Target",
            "AWSCognitoIdentityProviderService.InitiateAuth",
        )],
    );
    assert_eq!(api_error(&garbage).1, "SerializationException");
    let missing = api(base, "InitiateAuth", &json!({"ClientId": "public1"}));
    assert_eq!(api_error(&missing).1, "InvalidParameterException");
}

#[test]
fn global_sign_out_and_revoke_token() {
    let emu = start();
    let base = &emu.base_url;
    let tokens = |r: Resp| r.json()["AuthenticationResult"].clone();
    let first = tokens(password_auth(base, "public1", json!({})));
    let oauth = common::tokens(base, "public1", None, &[]);
    let out = api(
        base,
        "GlobalSignOut",
        &json!({"AccessToken": first["AccessToken"]}),
    );
    assert_eq!((out.status, out.json()), (200, json!({})));
    let after = api(
        base,
        "GetUser",
        &json!({"AccessToken": first["AccessToken"]}),
    );
    assert_eq!(
        api_error(&after),
        (
            400,
            "NotAuthorizedException".into(),
            "Access Token has been revoked".into()
        )
    );
    let info = get(
        &format!("{base}/oauth2/userInfo"),
        &[(
            "Authorization",
            &format!("Bearer {}", oauth["access_token"].as_str().unwrap()),
        )],
    );
    assert_eq!(info.status, 401, "global sign-out kills OAuth sessions too");
    let refresh = api(
        base,
        "InitiateAuth",
        &json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": "public1",
            "AuthParameters": {"REFRESH_TOKEN": first["RefreshToken"]}}),
    );
    assert_eq!(api_error(&refresh).2, "Refresh Token has been revoked");

    advance(base, 2);
    let second = tokens(password_auth(base, "public1", json!({})));
    assert_eq!(
        api(
            base,
            "GetUser",
            &json!({"AccessToken": second["AccessToken"]})
        )
        .status,
        200
    );
    let revoked = api(
        base,
        "RevokeToken",
        &json!({"Token": second["RefreshToken"], "ClientId": "public1"}),
    );
    assert_eq!((revoked.status, revoked.json()), (200, json!({})));
    assert_eq!(
        api_error(&api(
            base,
            "GetUser",
            &json!({"AccessToken": second["AccessToken"]})
        ))
        .2,
        "Access Token has been revoked"
    );
    let wrong_type = api(
        base,
        "RevokeToken",
        &json!({"Token": second["AccessToken"], "ClientId": "public1"}),
    );
    assert_eq!(api_error(&wrong_type).1, "UnsupportedTokenTypeException");
    let no_scope = common::tokens(base, "public1", None, &[("scope", "openid")]);
    let r = api(
        base,
        "GetUser",
        &json!({"AccessToken": no_scope["access_token"]}),
    );
    assert_eq!(
        api_error(&r).2,
        "Access Token does not have required scopes"
    );
    let r = api(base, "GetUser", &json!({"AccessToken": "x.y.z"}));
    assert_eq!(api_error(&r).2, "Invalid Access Token");
}

fn with_trigger(version: &str, handler: Value) -> Value {
    let mut config = base_config();
    let mut trigger = json!({"LambdaVersion": version});
    for (k, v) in handler.as_object().unwrap() {
        trigger[k] = v.clone();
    }
    config["UserPool"]["PreTokenGenerationConfig"] = trigger;
    config
}

fn userinfo_body(base: &str, token: &Value) -> Value {
    get(
        &format!("{base}/oauth2/userInfo"),
        &[(
            "Authorization",
            &format!("Bearer {}", token.as_str().unwrap()),
        )],
    )
    .json()
}

#[test]
fn v1_trigger_changes_only_the_id_token() {
    let response = json!({"claimsOverrideDetails": {
        "claimsToAddOrOverride": {"tier": "gold", "sub": "hijack", "email": "x@y"},
        "claimsToSuppress": ["email", "name"],
        "groupOverrideDetails": {"groupsToOverride": ["vip"], "iamRolesToOverride": ["arn:r"], "preferredRole": "arn:r"}
    }});
    let emu = start_with(with_trigger("V1_0", json!({"Response": response})), false);
    let base = &emu.base_url;
    let t = tokens(base, "public1", None, &[("scope", "openid email profile")]);
    let id = verify(base, t["id_token"].as_str().unwrap()).unwrap();
    let access = verify(base, t["access_token"].as_str().unwrap()).unwrap();
    assert_eq!(id["tier"], "gold");
    assert_ne!(id["sub"], "hijack", "protected claim");
    assert!(id.get("email").is_none(), "suppression wins over addition");
    assert!(id.get("name").is_none());
    assert_eq!(id["cognito:groups"], json!(["vip"]));
    assert_eq!(id["cognito:roles"], json!(["arn:r"]));
    assert_eq!(id["cognito:preferred_role"], "arn:r");
    assert_eq!(
        access["cognito:groups"],
        json!(["vip"]),
        "group override hits both tokens"
    );
    assert!(
        access.get("tier").is_none(),
        "V1 leaves the access token alone"
    );
    let info = userinfo_body(base, &t["access_token"]);
    assert!(
        info.get("tier").is_none(),
        "userInfo never shows trigger output"
    );
    assert_eq!(info["email"], "jdoe@example.com");
}

#[test]
fn v2_trigger_customises_access_tokens_and_scopes_even_for_the_api() {
    let response = json!({"claimsAndScopeOverrideDetails": {
        "idTokenGeneration": {"claimsToAddOrOverride": {"tags": {"team": ["a", "b"]}, "email_verified": [1]},
                              "claimsToSuppress": ["custom:tenant"]},
        "accessTokenGeneration": {"claimsToAddOrOverride": {"tenant": "42", "client_id": "evil"},
                                  "claimsToSuppress": ["cognito:groups"],
                                  "scopesToAdd": ["https://api.test/write", "email"],
                                  "scopesToSuppress": ["email"]}
    }});
    let emu = start_with(with_trigger("V2_0", json!({"Response": response})), false);
    let base = &emu.base_url;
    let t = tokens(base, "public1", None, &[("scope", "openid email")]);
    let id = verify(base, t["id_token"].as_str().unwrap()).unwrap();
    let access = verify(base, t["access_token"].as_str().unwrap()).unwrap();
    assert_eq!(
        id["tags"],
        json!({"team": ["a", "b"]}),
        "complex values in V2"
    );
    assert_eq!(
        id["email_verified"], true,
        "no complex value on email_verified"
    );
    assert!(id.get("custom:tenant").is_none());
    assert_eq!(access["tenant"], "42");
    assert_eq!(access["client_id"], "public1", "protected in access tokens");
    assert!(access.get("cognito:groups").is_none());
    assert_eq!(access["scope"], "openid https://api.test/write");
    let info = userinfo_body(base, &t["access_token"]);
    assert_eq!(
        info["email"], "jdoe@example.com",
        "scopes in the token changed, userInfo reads the store"
    );

    // The seeds' InitiateAuth question: a V2 trigger is the only way to custom scopes via the API.
    let r = password_auth(base, "public1", json!({}));
    let access = claims_of(&r.json()["AuthenticationResult"], "AccessToken");
    assert_eq!(
        access["scope"],
        "aws.cognito.signin.user.admin https://api.test/write"
    );

    // V2 does not run for client_credentials.
    let m2m = post_form(
        &format!("{base}/oauth2/token"),
        &[("grant_type", "client_credentials")],
        &[("Authorization", &basic("m2m1", "m2msecret"))],
    );
    assert!(claims_of(&m2m.json(), "access_token")
        .get("tenant")
        .is_none());
}

#[test]
fn v3_trigger_runs_for_client_credentials() {
    let response = json!({"claimsAndScopeOverrideDetails": {
        "accessTokenGeneration": {"claimsToAddOrOverride": {"machine": true}, "scopesToSuppress": ["https://api.test/write"]}
    }});
    let emu = start_with(with_trigger("V3_0", json!({"Response": response})), false);
    let m2m = post_form(
        &format!("{}/oauth2/token", emu.base_url),
        &[("grant_type", "client_credentials")],
        &[("Authorization", &basic("m2m1", "m2msecret"))],
    );
    let access = claims_of(&m2m.json(), "access_token");
    assert_eq!(access["machine"], true);
    assert_eq!(access["scope"], "https://api.test/read");
}

#[test]
fn v1_trigger_rejects_complex_values() {
    let response = json!({"claimsOverrideDetails": {"claimsToAddOrOverride": {"n": 1}}});
    let emu = start_with(with_trigger("V1_0", json!({"Response": response})), false);
    let base = &emu.base_url;
    let callback = login(base, "public1", &[]);
    let code = param(&callback, "code").unwrap();
    let r = exchange(base, "public1", &code, None);
    assert_eq!(
        (r.status, r.json()),
        (400, json!({"error": "invalid_request"}))
    );
    let api_r = password_auth(base, "public1", json!({}));
    assert_eq!(api_error(&api_r).1, "UserLambdaValidationException");
}

#[test]
fn wrong_version_shape_is_ignored_and_unsupported_values_fail_with_the_violation() {
    // A V1 response to a V2 pool changes nothing (pretoken: V1ResponseToV2Pool, ignored).
    let v1_shape = json!({"claimsOverrideDetails": {"claimsToAddOrOverride": {"tier": "gold"}}});
    let emu = start_with(with_trigger("V2_0", json!({"Response": v1_shape})), false);
    let r = password_auth(&emu.base_url, "public1", json!({}));
    assert_eq!(r.status, 200, "{r:?}");
    let id = claims_of(&r.json()["AuthenticationResult"], "IdToken");
    assert!(id.get("tier").is_none(), "{id:?}");
    assert_eq!(id["cognito:username"], "jdoe");

    // A null claim value fails the sign-in (pretoken: UnsupportedValue), naming the claim.
    let null_value = json!({"claimsAndScopeOverrideDetails": {
        "accessTokenGeneration": {"claimsToAddOrOverride": {"tenant": null}}}});
    let emu = start_with(with_trigger("V3_0", json!({"Response": null_value})), false);
    let (status, kind, message) = api_error(&password_auth(&emu.base_url, "public1", json!({})));
    assert_eq!(
        (status, kind.as_str()),
        (400, "UserLambdaValidationException")
    );
    assert_eq!(
        message,
        "PreTokenGeneration failed with error tenant in the access token: a value must be a \
         string, number, boolean, an array of those, or an object: the sign-in fails."
    );
}

/// A loopback "Lambda": records events, answers with `respond(event)` (or HTTP 500 when None).
struct Hook {
    url: String,
    events: Arc<Mutex<Vec<Value>>>,
    server: Arc<tiny_http::Server>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Hook {
    fn start(respond: fn(Value) -> Option<Value>) -> Hook {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let events = Arc::new(Mutex::new(Vec::new()));
        let (s, e) = (server.clone(), events.clone());
        let thread = std::thread::spawn(move || {
            while let Ok(mut request) = s.recv() {
                let mut body = String::new();
                request.as_reader().read_to_string(&mut body).unwrap();
                let event: Value = serde_json::from_str(&body).unwrap();
                e.lock().unwrap().push(event.clone());
                let response = match respond(event) {
                    Some(answer) => tiny_http::Response::from_string(answer.to_string()),
                    None => tiny_http::Response::from_string("boom").with_status_code(500),
                };
                let _ = request.respond(response);
            }
        });
        Hook {
            url: format!("http://127.0.0.1:{port}/hook"),
            events,
            server,
            thread: Some(thread),
        }
    }

    fn events(&self) -> Vec<Value> {
        self.events.lock().unwrap().clone()
    }
}

impl Drop for Hook {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[test]
fn http_hook_receives_the_event_and_answers_lambda_style() {
    let hook = Hook::start(|mut event| {
        let source = event["triggerSource"].as_str().unwrap().to_owned();
        event["response"] = json!({"claimsAndScopeOverrideDetails": {
            "idTokenGeneration": {"claimsToAddOrOverride": {"source": source}},
            "accessTokenGeneration": {"scopesToAdd": ["https://api.test/write"]},
            "groupOverrideDetails": event["request"]["groupConfiguration"].clone()
        }});
        Some(event)
    });
    let emu = start_with(with_trigger("V2_0", json!({"HookUrl": hook.url})), false);
    let base = &emu.base_url;
    let t = tokens(base, "public1", None, &[("scope", "openid email")]);
    let id = claims_of(&t, "id_token");
    assert_eq!(id["source"], "TokenGeneration_HostedAuth");
    assert_eq!(
        id["cognito:groups"],
        json!(["admins"]),
        "copied groupConfiguration keeps groups"
    );
    assert_eq!(
        claims_of(&t, "access_token")["scope"],
        "openid email https://api.test/write"
    );
    let event = hook.events()[0].clone();
    assert_eq!(event["version"], "2");
    assert_eq!(event["userPoolId"], POOL_ID);
    assert_eq!(event["region"], "us-east-1");
    assert_eq!(event["userName"], "jdoe");
    assert_eq!(event["callerContext"]["clientId"], "public1");
    assert_eq!(event["request"]["scopes"], json!(["openid", "email"]));
    assert_eq!(event["request"]["userAttributes"]["email_verified"], "true");
    assert_eq!(
        event["request"]["userAttributes"]["cognito:user_status"],
        "CONFIRMED"
    );
    assert_eq!(
        event["request"]["groupConfiguration"]["groupsToOverride"],
        json!(["admins"])
    );
    assert_eq!(
        event["response"],
        json!({"claimsAndScopeOverrideDetails": null})
    );

    let r = post_form(
        &format!("{base}/oauth2/token"),
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "public1"),
            ("refresh_token", t["refresh_token"].as_str().unwrap()),
        ],
        &[],
    );
    assert_eq!(
        claims_of(&r.json(), "id_token")["source"],
        "TokenGeneration_RefreshTokens"
    );
    let r = password_auth(base, "public1", json!({}));
    assert_eq!(
        claims_of(&r.json()["AuthenticationResult"], "IdToken")["source"],
        "TokenGeneration_Authentication"
    );
    assert_eq!(hook.events().len(), 3);
}

#[test]
fn failing_http_hook_fails_the_sign_in() {
    let hook = Hook::start(|_| None);
    let emu = start_with(with_trigger("V1_0", json!({"HookUrl": hook.url})), false);
    let base = &emu.base_url;
    let implicit = login(
        base,
        "public1",
        &[
            ("response_type", "token"),
            ("code_challenge", ""),
            ("code_challenge_method", ""),
        ],
    );
    assert!(implicit.starts_with(&format!("{CB}?")), "{implicit}");
    assert_eq!(
        param(&implicit, "error").as_deref(),
        Some("invalid_request")
    );
    assert_eq!(param(&implicit, "state").as_deref(), Some("st"));
    let api_r = password_auth(base, "public1", json!({}));
    let (status, kind, message) = api_error(&api_r);
    assert_eq!(
        (status, kind.as_str()),
        (400, "UserLambdaValidationException")
    );
    assert!(
        message.starts_with("PreTokenGeneration failed with error"),
        "{message}"
    );
    assert_eq!(hook.events().len(), 2);
    assert_eq!(hook.events()[0]["version"], "1");
    assert!(hook.events()[0]["request"].get("scopes").is_none());
}

#[test]
fn v3_hook_sees_client_credentials_and_client_metadata() {
    let hook = Hook::start(|mut event| {
        let metadata = event["request"]["clientMetadata"].clone();
        event["response"] = json!({"claimsAndScopeOverrideDetails": {
            "accessTokenGeneration": {"claimsToAddOrOverride": {"meta": metadata}}
        }});
        Some(event)
    });
    let emu = start_with(with_trigger("V3_0", json!({"HookUrl": hook.url})), false);
    let r = post_form(
        &format!("{}/oauth2/token", emu.base_url),
        &[
            ("grant_type", "client_credentials"),
            ("aws_client_metadata", r#"{"tenant":"t1"}"#),
        ],
        &[("Authorization", &basic("m2m1", "m2msecret"))],
    );
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(
        claims_of(&r.json(), "access_token")["meta"],
        json!({"tenant": "t1"})
    );
    let event = hook.events()[0].clone();
    assert_eq!(event["version"], "3");
    assert_eq!(event["triggerSource"], "TokenGeneration_ClientCredentials");
    assert_eq!(event["userName"], Value::Null);
    assert_eq!(event["callerContext"]["clientId"], "m2m1");
    let bad = post_form(
        &format!("{}/oauth2/token", emu.base_url),
        &[
            ("grant_type", "client_credentials"),
            ("aws_client_metadata", "[1]"),
        ],
        &[("Authorization", &basic("m2m1", "m2msecret"))],
    );
    assert_eq!(bad.json()["error"], "invalid_request");
}
