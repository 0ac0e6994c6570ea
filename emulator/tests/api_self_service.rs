//! The JSON API operations the real clients of `tests/interop/` need beyond sign-in:
//! `GetTokensFromRefreshToken`, `UpdateUserAttributes`, `PreventUserExistenceErrors`, and the
//! `USER_SRP_AUTH` / `RespondToAuthChallenge` (the client's side from `cognito_emulator::srp::client`;
//! Amplify's `signIn` is the independent check in `tests/interop/`).

mod common;

use cognito_emulator::api::secret_hash;
use cognito_emulator::srp::client;
use common::*;
use serde_json::{json, Value};

fn error_of(r: &Resp) -> (u16, String) {
    (
        r.status,
        r.json()["__type"].as_str().unwrap_or("").to_owned(),
    )
}

fn sign_in(base: &str, client: &str, extra: Value) -> Value {
    let mut params = json!({"USERNAME": "jdoe", "PASSWORD": "Passw0rd!"});
    for (k, v) in extra.as_object().unwrap() {
        params[k] = v.clone();
    }
    let r = api(
        base,
        "InitiateAuth",
        &json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client, "AuthParameters": params}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["AuthenticationResult"].clone()
}

#[test]
fn get_tokens_from_refresh_token_rotates_for_rotation_clients_and_needs_the_secret() {
    let emu = start();
    let base = &emu.base_url;
    let public = sign_in(base, "public1", json!({}));
    let out = api(
        base,
        "GetTokensFromRefreshToken",
        &json!({"ClientId": "public1", "RefreshToken": public["RefreshToken"]}),
    );
    assert_eq!(out.status, 200);
    let result = &out.json()["AuthenticationResult"];
    assert!(result["AccessToken"].is_string() && result["IdToken"].is_string());
    assert!(result.get("RefreshToken").is_none(), "no rotation");
    assert!(out.json().get("ChallengeParameters").is_none());

    let hash = secret_hash("s3cret", "jdoe", "conf1");
    let conf = sign_in(base, "conf1", json!({"SECRET_HASH": hash}));
    let request = |secret: &str, token: &Value| {
        api(
            base,
            "GetTokensFromRefreshToken",
            &json!({"ClientId": "conf1", "ClientSecret": secret, "RefreshToken": token}),
        )
    };
    assert_eq!(
        error_of(&request("wrong", &conf["RefreshToken"])),
        (400, "NotAuthorizedException".into())
    );
    let rotated = request("s3cret", &conf["RefreshToken"]);
    let new_token = rotated.json()["AuthenticationResult"]["RefreshToken"].clone();
    assert!(new_token.is_string() && new_token != conf["RefreshToken"]);
    assert_eq!(request("s3cret", &new_token).status, 200);
}

#[test]
fn update_user_attributes_checks_names_and_unverifies_a_new_email() {
    let emu = start();
    let base = &emu.base_url;
    let access = sign_in(base, "public1", json!({}))["AccessToken"].clone();
    let update = |attributes: Value| {
        api(
            base,
            "UpdateUserAttributes",
            &json!({"AccessToken": access, "UserAttributes": attributes}),
        )
    };
    let plain = update(
        json!([{"Name": "name", "Value": "J. Doe"}, {"Name": "custom:tenant", "Value": "7"}]),
    );
    assert_eq!((plain.status, plain.json()), (200, json!({})));
    let email = update(json!([{"Name": "email", "Value": "new@example.org"}]));
    assert_eq!(
        email.json()["CodeDeliveryDetailsList"],
        json!([{"AttributeName": "email", "DeliveryMedium": "EMAIL", "Destination": "n***@e***"}])
    );
    for bad in [
        json!([{"Name": "sub", "Value": "x"}]),
        json!([{"Name": "custom:nope", "Value": "x"}]),
        json!([{"Name": "nickname", "Value": "x".repeat(2049)}]),
    ] {
        assert_eq!(
            error_of(&update(bad)),
            (400, "InvalidParameterException".into())
        );
    }
    let user = api(base, "GetUser", &json!({"AccessToken": access})).json();
    let attribute = |name: &str| {
        user["UserAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["Name"] == name)
            .map(|a| a["Value"].clone())
    };
    assert_eq!(attribute("name"), Some(json!("J. Doe")));
    assert_eq!(attribute("custom:tenant"), Some(json!("7")));
    assert_eq!(attribute("email"), Some(json!("new@example.org")));
    assert_eq!(attribute("email_verified"), Some(json!("false")));
    assert_eq!(
        attribute("nickname"),
        None,
        "a rejected update changes nothing"
    );
}

#[test]
fn prevent_user_existence_errors_legacy_names_the_missing_user() {
    let mut config = base_config();
    config["UserPoolClients"][0]["PreventUserExistenceErrors"] = json!("LEGACY");
    let legacy = start_with(config, false);
    let enabled = start();
    for (emu, expected) in [
        (&legacy, "UserNotFoundException"),
        (&enabled, "NotAuthorizedException"),
    ] {
        for flow in [
            json!({"AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "ghost", "PASSWORD": "x"}}),
            json!({"AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": "ghost", "SRP_A": "ab"}}),
        ] {
            let mut body = flow;
            body["ClientId"] = json!("public1");
            let r = api(&emu.base_url, "InitiateAuth", &body);
            if expected == "NotAuthorizedException" && body["AuthFlow"] == "USER_SRP_AUTH" {
                // ENABLED: a challenge that no password answers, as for a real user.
                assert_eq!(r.json()["ChallengeName"], "PASSWORD_VERIFIER");
            } else {
                assert_eq!(error_of(&r), (400, expected.into()), "{body}");
            }
        }
    }
}

#[test]
fn srp_sign_in_answers_once_and_refuses_bad_answers() {
    let emu = start();
    let base = &emu.base_url;
    let small_a = [7u8; 128];
    let initiate = |srp_a: &str| {
        api(
            base,
            "InitiateAuth",
            &json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": "public1",
                "AuthParameters": {"USERNAME": "jdoe", "SRP_A": srp_a}}),
        )
    };
    assert_eq!(
        error_of(&initiate("0")),
        (400, "InvalidParameterException".into())
    );
    let challenge = initiate(&client::srp_a(&small_a)).json();
    let params = &challenge["ChallengeParameters"];
    assert_eq!(params["USER_ID_FOR_SRP"], "jdoe");
    let text = |name: &str| params[name].as_str().unwrap_or_default().to_owned();
    let timestamp = "Thu Dec 3 09:05:07 UTC 2026";
    let (salt_hex, srp_b_hex, secret_block) = (text("SALT"), text("SRP_B"), text("SECRET_BLOCK"));
    let sign = |password: &str| {
        let params = client::Params {
            salt_hex: &salt_hex,
            srp_b_hex: &srp_b_hex,
            secret_block: &secret_block,
        };
        client::signature("TestPool1", "jdoe", password, &params, &small_a, timestamp).unwrap()
    };
    let respond = |timestamp: &str, signature: &str| {
        api(
            base,
            "RespondToAuthChallenge",
            &json!({"ChallengeName": "PASSWORD_VERIFIER", "ClientId": "public1",
                "ChallengeResponses": {"USERNAME": "jdoe", "TIMESTAMP": timestamp,
                    "PASSWORD_CLAIM_SECRET_BLOCK": secret_block,
                    "PASSWORD_CLAIM_SIGNATURE": signature}}),
        )
    };
    assert_eq!(
        error_of(&respond("2026-12-03T09:05:07Z", &sign("Passw0rd!"))),
        (400, "InvalidParameterException".into())
    );
    let good = respond(timestamp, &sign("Passw0rd!"));
    assert_eq!(good.status, 200, "{}", good.body);
    assert!(good.json()["AuthenticationResult"]["AccessToken"].is_string());
    // A challenge answers once: the same correct answer again is refused.
    let replay = respond(timestamp, &sign("Passw0rd!"));
    assert_eq!(error_of(&replay), (400, "NotAuthorizedException".into()));
    assert_eq!(replay.json()["message"], "Incorrect username or password.");
}
