//! The user-pool JSON API subset: `POST /` with `X-Amz-Target:
//! AWSCognitoIdentityProviderService.*` (docs/cognito.md#api-issued-tokens,
//! #introspection-and-revocation).

use base64ct::{Base64, Encoding};
use hmac::{Hmac, Mac};
use pretoken::TriggerSource;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::config::{AppClient, JsonObject, PreventUserExistenceErrors};
use crate::http::{secret_eq, Request, Response};
use crate::mint::{validate_access_token, AccessTokenError, Minted};
use crate::state::{Ctx, RefreshGrant};
use crate::token::{self, MintFor};

/// The only scope of API-issued access tokens.
pub const ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";

/// A Cognito API error: `{"__type": …, "message": …}`, HTTP 400.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub kind: &'static str,
    pub message: String,
}

fn err<T>(kind: &'static str, message: impl Into<String>) -> Result<T, ApiError> {
    Err(ApiError {
        kind,
        message: message.into(),
    })
}

/// `POST /` dispatch.
pub fn handle_api(ctx: &Ctx, request: &Request) -> Response {
    let (status, body, kind) = match dispatch(ctx, request) {
        Ok(body) => (200, body, None),
        Err(e) => (
            400,
            json!({"__type": e.kind, "message": e.message}),
            Some(e.kind),
        ),
    };
    let response = Response::new(status)
        .with_header("Content-Type", "application/x-amz-json-1.1")
        .with_body(body.to_string())
        .with_header("x-amzn-RequestId", &crate::http::uuid_v4())
        .with_header(
            "Access-Control-Expose-Headers",
            "x-amzn-RequestId, x-amzn-ErrorType",
        )
        .with_cors();
    match kind {
        Some(kind) => response.with_header("x-amzn-ErrorType", kind),
        None => response,
    }
}

fn dispatch(ctx: &Ctx, request: &Request) -> Result<Value, ApiError> {
    let target = request.header("x-amz-target").unwrap_or("");
    let Some(operation) = target.strip_prefix("AWSCognitoIdentityProviderService.") else {
        return err(
            "UnknownOperationException",
            format!("Unknown operation {target:?}"),
        );
    };
    if !request
        .media_type()
        .starts_with("application/x-amz-json-1.")
    {
        return err(
            "SerializationException",
            "Content-Type must be application/x-amz-json-1.1",
        );
    }
    let body: JsonObject = match serde_json::from_slice(&request.body) {
        Ok(Value::Object(map)) => map,
        _ => {
            return err(
                "SerializationException",
                "the request body is not a JSON object",
            )
        }
    };
    match operation {
        "InitiateAuth" => initiate_auth(ctx, &body, false),
        "AdminInitiateAuth" => initiate_auth(ctx, &body, true),
        "RespondToAuthChallenge" => respond_to_auth_challenge(ctx, &body),
        "GetUser" => get_user(ctx, &body),
        "RevokeToken" => revoke_token(ctx, &body),
        "GlobalSignOut" => global_sign_out(ctx, &body),
        "GetTokensFromRefreshToken" => get_tokens_from_refresh_token(ctx, &body),
        "UpdateUserAttributes" => update_user_attributes(ctx, &body),
        _ => err(
            "UnknownOperationException",
            format!("Unknown operation {operation}"),
        ),
    }
}

fn string<'a>(body: &'a JsonObject, name: &str) -> Result<&'a str, ApiError> {
    match body.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        _ => err(
            "InvalidParameterException",
            format!("1 validation error detected: Value at '{name}' failed to satisfy constraint: Member must not be null"),
        ),
    }
}

/// `SECRET_HASH` = base64(HMAC-SHA256(secret, username ‖ client_id)).
pub fn secret_hash(secret: &str, username: &str, client_id: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    Base64::encode_string(&mac.finalize().into_bytes())
}

fn check_secret_hash(
    client: &AppClient,
    params: &JsonObject,
    usernames: &[&str],
) -> Result<(), ApiError> {
    let Some(secret) = &client.client_secret else {
        return Ok(());
    };
    let id = &client.client_id;
    let Some(given) = params.get("SECRET_HASH").and_then(Value::as_str) else {
        return err(
            "NotAuthorizedException",
            format!("Client {id} is configured for secret but secret was not received"),
        );
    };
    if usernames
        .iter()
        .any(|u| secret_eq(&secret_hash(secret, u, id), given))
    {
        Ok(())
    } else {
        err(
            "NotAuthorizedException",
            format!("Unable to verify secret hash for client {id}"),
        )
    }
}

fn initiate_auth(ctx: &Ctx, body: &JsonObject, admin: bool) -> Result<Value, ApiError> {
    if admin && string(body, "UserPoolId")? != ctx.pool_id() {
        return err("ResourceNotFoundException", "User pool does not exist.");
    }
    let client = app_client(ctx, body)?;
    let flow = string(body, "AuthFlow")?;
    let empty = JsonObject::new();
    let params = body
        .get("AuthParameters")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let param = |name: &str| params.get(name).and_then(Value::as_str).unwrap_or("");
    if flow == "USER_SRP_AUTH" && !admin {
        require_flow(client, "ALLOW_USER_SRP_AUTH", flow)?;
        return start_srp(ctx, client, params);
    }
    let (password_flow, allow) = match flow {
        "USER_PASSWORD_AUTH" if !admin => (true, "ALLOW_USER_PASSWORD_AUTH"),
        "ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH" if admin => {
            (true, "ALLOW_ADMIN_USER_PASSWORD_AUTH")
        }
        "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => (false, "ALLOW_REFRESH_TOKEN_AUTH"),
        _ => {
            return err(
                "InvalidParameterException",
                format!("{flow} is not a supported AuthFlow"),
            )
        }
    };
    require_flow(client, allow, flow)?;
    if password_flow {
        let username = param("USERNAME");
        check_secret_hash(client, params, &[username])?;
        if client.prevent_user_existence_errors == PreventUserExistenceErrors::Legacy
            && ctx.find_user(username).is_none()
        {
            return err("UserNotFoundException", "User does not exist.");
        }
        let user = crate::authorize::authenticate(ctx, username, param("PASSWORD"))
            .or_else(|message| err("NotAuthorizedException", message))?;
        return signed_in(ctx, client, &user);
    }
    let refresh = refresh_tokens(ctx, client, param("REFRESH_TOKEN"), |user| {
        check_secret_hash(client, params, &[&user.username, user.sub()])
    })?;
    Ok(result(&refresh.minted, None))
}

/// `InvalidParameterException` unless `client` allows the explicit auth flow `allow` (`flow`: the
/// operation's name for it).
fn require_flow(client: &AppClient, allow: &str, flow: &str) -> Result<(), ApiError> {
    match client.allows_explicit_flow(allow) {
        true => Ok(()),
        false => err(
            "InvalidParameterException",
            format!("{flow} flow not enabled for this client"),
        ),
    }
}

/// Tokens (with a refresh token) for a user who just proved their password.
fn signed_in(ctx: &Ctx, client: &AppClient, user: &crate::user::User) -> Result<Value, ApiError> {
    let origin_jti = client.enable_token_revocation.then(crate::http::uuid_v4);
    let scopes = vec![ADMIN_SCOPE.to_owned()];
    let auth_time = ctx.now();
    let minted = mint(
        ctx,
        client,
        user,
        &scopes,
        auth_time,
        origin_jti.as_deref(),
        TriggerSource::Authentication,
    )?;
    let refresh = token::issue_refresh_token(
        ctx,
        RefreshGrant {
            client_id: client.client_id.clone(),
            username: user.username.clone(),
            scopes,
            auth_time,
            origin_jti,
            expires_at: auth_time + client.refresh_token_seconds(),
            revoked: false,
            valid_until: None,
            api: true,
        },
    );
    Ok(result(&minted, Some(&refresh)))
}

/// How long a `PASSWORD_VERIFIER` challenge waits for its answer.
const SRP_CHALLENGE_SECONDS: i64 = 300;

/// The pool name of SRP: the user pool ID after `{region}_`.
fn srp_pool_name(ctx: &Ctx) -> &str {
    let id = ctx.pool_id();
    id.split_once('_').map_or(id, |(_, name)| name)
}

/// `USER_SRP_AUTH`: answers the `PASSWORD_VERIFIER` challenge (`SALT`, `SRP_B`, `SECRET_BLOCK`).
/// With `PreventUserExistenceErrors` ENABLED an unknown user gets a challenge too, which no
/// password can answer, so the answer fails like a wrong password.
fn start_srp(ctx: &Ctx, client: &AppClient, params: &JsonObject) -> Result<Value, ApiError> {
    let username = string(params, "USERNAME")?;
    let srp_a = string(params, "SRP_A")?;
    check_secret_hash(client, params, &[username])?;
    let user = ctx.find_user(username);
    if user.is_none() && client.prevent_user_existence_errors == PreventUserExistenceErrors::Legacy
    {
        return err("UserNotFoundException", "User does not exist.");
    }
    let (user_id, password) = match &user {
        Some(u) => (
            u.username.clone(),
            u.password.clone().unwrap_or_else(crate::http::uuid_v4),
        ),
        None => (username.to_owned(), crate::http::uuid_v4()),
    };
    let Some(started) = crate::srp::start(
        srp_pool_name(ctx),
        &user_id,
        &password,
        srp_a,
        &client.client_id,
        ctx.now() + SRP_CHALLENGE_SECONDS,
    ) else {
        return err("InvalidParameterException", "SRP_A is not a valid value.");
    };
    let now = ctx.now();
    let mut store = ctx.store();
    // unanswered challenges expire: drop them, so they cannot pile up
    store.srp_challenges.retain(|_, c| c.expires_at > now);
    store
        .srp_challenges
        .insert(started.secret_block.clone(), started.challenge);
    Ok(json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeParameters": {
            "SALT": started.salt_hex,
            "SECRET_BLOCK": started.secret_block,
            "SRP_B": started.srp_b_hex,
            "USERNAME": user_id,
            "USER_ID_FOR_SRP": user_id,
        },
    }))
}

/// `RespondToAuthChallenge` with `PASSWORD_VERIFIER`: checks the SRP claim signature over the
/// `SECRET_BLOCK` and `TIMESTAMP`, then signs in. A challenge answers once.
fn respond_to_auth_challenge(ctx: &Ctx, body: &JsonObject) -> Result<Value, ApiError> {
    let client = app_client(ctx, body)?;
    let name = string(body, "ChallengeName")?;
    if name != "PASSWORD_VERIFIER" {
        return err(
            "InvalidParameterException",
            format!("{name} is not a supported challenge"),
        );
    }
    let empty = JsonObject::new();
    let responses = body
        .get("ChallengeResponses")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let block = string(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?;
    let signature = string(responses, "PASSWORD_CLAIM_SIGNATURE")?;
    let timestamp = string(responses, "TIMESTAMP")?;
    let username = string(responses, "USERNAME")?;
    if !crate::srp::is_timestamp(timestamp) {
        return err(
            "InvalidParameterException",
            format!("TIMESTAMP {timestamp:?} is not in the format \"EEE MMM d HH:mm:ss UTC yyyy\""),
        );
    }
    let challenge = ctx.store().srp_challenges.remove(block);
    let incorrect = || err("NotAuthorizedException", "Incorrect username or password.");
    let Some(challenge) = challenge.filter(|c| c.client_id == client.client_id) else {
        return incorrect();
    };
    check_secret_hash(client, responses, &[username])?;
    if challenge.expires_at <= ctx.now()
        || ctx.user_key(username) != ctx.user_key(&challenge.user_id)
        || !crate::srp::verify(&challenge, srp_pool_name(ctx), block, timestamp, signature)
    {
        return incorrect();
    }
    let Some(user) = ctx.find_user(&challenge.user_id) else {
        return incorrect();
    };
    // only once the password is proved, as the password flow does
    if !user.enabled {
        return err("NotAuthorizedException", "User is disabled.");
    }
    signed_in(ctx, client, &user)
}

struct Refreshed {
    minted: Minted,
    grant: RefreshGrant,
}

/// New ID and access tokens for a live refresh token of `client`; `check_secret` sees the user.
fn refresh_tokens(
    ctx: &Ctx,
    client: &AppClient,
    refresh_token: &str,
    check_secret: impl FnOnce(&crate::user::User) -> Result<(), ApiError>,
) -> Result<Refreshed, ApiError> {
    let grant = token::live_refresh_grant(ctx, client, refresh_token)
        .or_else(|message| err("NotAuthorizedException", message))?;
    let user = ctx
        .find_user(&grant.username)
        .filter(|u| u.enabled)
        .ok_or_else(|| ApiError {
            kind: "NotAuthorizedException",
            message: "User does not exist.".into(),
        })?;
    check_secret(&user)?;
    let minted = mint(
        ctx,
        client,
        &user,
        &grant.scopes,
        grant.auth_time,
        grant.origin_jti.as_deref(),
        TriggerSource::RefreshTokens,
    )?;
    Ok(Refreshed { minted, grant })
}

/// `GetTokensFromRefreshToken`: the refresh operation that also rotates refresh tokens (a new
/// `RefreshToken` in the result only when the client has rotation enabled). A confidential client
/// sends `ClientSecret` itself, not a `SECRET_HASH`.
fn get_tokens_from_refresh_token(ctx: &Ctx, body: &JsonObject) -> Result<Value, ApiError> {
    let refresh_token = string(body, "RefreshToken")?;
    let client = client_with_secret(ctx, body)?;
    require_flow(client, "ALLOW_REFRESH_TOKEN_AUTH", "REFRESH_TOKEN_AUTH")?;
    let refreshed = refresh_tokens(ctx, client, refresh_token, |_| Ok(()))?;
    let rotated = token::rotate(ctx, client, refresh_token, &refreshed.grant);
    let mut out = result(&refreshed.minted, rotated.as_deref());
    if let Some(map) = out.as_object_mut() {
        map.remove("ChallengeParameters");
    }
    Ok(out)
}

fn mint(
    ctx: &Ctx,
    client: &AppClient,
    user: &crate::user::User,
    scopes: &[String],
    auth_time: i64,
    origin_jti: Option<&str>,
    source: TriggerSource,
) -> Result<Minted, ApiError> {
    token::mint_for_user(
        ctx,
        client,
        user,
        MintFor {
            scopes,
            nonce: None,
            auth_time,
            origin_jti,
            source,
            resource: None,
            api: true,
        },
    )
    .map_err(|e| ApiError {
        kind: "UserLambdaValidationException",
        message: format!("PreTokenGeneration failed with error {}.", e.description),
    })
}

fn result(minted: &Minted, refresh_token: Option<&str>) -> Value {
    let mut auth = json!({
        "AccessToken": minted.access_token,
        "ExpiresIn": minted.expires_in,
        "IdToken": minted.id_token,
        "TokenType": "Bearer",
    });
    if let Some(refresh) = refresh_token {
        auth["RefreshToken"] = json!(refresh);
    }
    json!({ "AuthenticationResult": auth, "ChallengeParameters": {} })
}

/// Validates an access token for a self-service call (needs `aws.cognito.signin.user.admin`).
fn user_from_access_token(ctx: &Ctx, body: &JsonObject) -> Result<crate::user::User, ApiError> {
    access_token_user(ctx, body).map(|(_, user)| user)
}

/// [`user_from_access_token`], with the token's claims.
fn access_token_user(
    ctx: &Ctx,
    body: &JsonObject,
) -> Result<(JsonObject, crate::user::User), ApiError> {
    let token = string(body, "AccessToken")?;
    let (claims, user) = validate_access_token(ctx, token).or_else(|e| {
        err(
            "NotAuthorizedException",
            match e {
                AccessTokenError::Invalid => "Invalid Access Token",
                AccessTokenError::Expired => "Access Token has expired",
                AccessTokenError::Revoked => "Access Token has been revoked",
            },
        )
    })?;
    let scopes = claims.get("scope").and_then(Value::as_str).unwrap_or("");
    if !scopes.split(' ').any(|s| s == ADMIN_SCOPE) {
        return err(
            "NotAuthorizedException",
            "Access Token does not have required scopes",
        );
    }
    let user = user.ok_or_else(|| ApiError {
        kind: "NotAuthorizedException",
        message: "Invalid Access Token".into(),
    })?;
    Ok((claims, user))
}

fn get_user(ctx: &Ctx, body: &JsonObject) -> Result<Value, ApiError> {
    let user = user_from_access_token(ctx, body)?;
    let attributes: Vec<Value> = user
        .attributes
        .iter()
        .map(|(name, value)| json!({"Name": name, "Value": value}))
        .collect();
    Ok(json!({ "Username": user.username, "UserAttributes": attributes }))
}

/// Standard attributes a user may write (`sub` and `identities` are the pool's).
const STANDARD_WRITABLE: [&str; 4] = [
    "email",
    "email_verified",
    "phone_number",
    "phone_number_verified",
];

/// `UpdateUserAttributes`: the user (by access token) rewrites its own attributes. Every name is
/// checked first, so a bad one changes nothing. A new `email` / `phone_number` is unverified until
/// confirmed; the result lists where the code "went" (the emulator sends nothing).
fn update_user_attributes(ctx: &Ctx, body: &JsonObject) -> Result<Value, ApiError> {
    let (claims, user) = access_token_user(ctx, body)?;
    let client = claims
        .get("client_id")
        .and_then(Value::as_str)
        .and_then(|id| ctx.config.client(id));
    let invalid = |name: &str, why: &str| {
        err::<()>(
            "InvalidParameterException",
            format!("Invalid user attributes: {name}: {why}"),
        )
    };
    let mut updates = Vec::new();
    for attribute in body
        .get("UserAttributes")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
    {
        let name = attribute.get("Name").and_then(Value::as_str).unwrap_or("");
        let value = attribute.get("Value").and_then(Value::as_str).unwrap_or("");
        let custom = ctx.config.custom_attribute(name);
        if name == "sub" || name == "identities" || custom.is_some_and(|a| !a.mutable) {
            invalid(
                name,
                "Attribute cannot be updated. (changing an immutable attribute)",
            )?;
        }
        let known = custom.is_some()
            || STANDARD_WRITABLE.contains(&name)
            || crate::user::PROFILE.contains(&name);
        if !known {
            invalid(name, "Attribute does not exist in the schema.")?;
        }
        if !ctx.config.attribute_fits(name, value) {
            return err("InvalidParameterException", crate::user::ATTRIBUTE_TOO_LONG);
        }
        if client.is_some_and(|c| {
            !c.write_attributes.is_empty() && !c.write_attributes.iter().any(|a| a == name)
        }) {
            return err(
                "NotAuthorizedException",
                "A client attempted to write unauthorized attribute",
            );
        }
        updates.push((name.to_owned(), value.to_owned()));
    }
    let mut deliveries = Vec::new();
    let mut store = ctx.store();
    let Some(stored) = store.users.get_mut(&ctx.user_key(&user.username)) else {
        return err("UserNotFoundException", "User does not exist.");
    };
    for (name, value) in updates {
        let changed = stored.attributes.get(&name) != Some(&value);
        let medium = match name.as_str() {
            "email" => Some("EMAIL"),
            "phone_number" => Some("SMS"),
            _ => None,
        };
        if let (Some(medium), true) = (medium, changed) {
            stored
                .attributes
                .insert(format!("{name}_verified"), "false".into());
            deliveries.push(json!({
                "AttributeName": name,
                "DeliveryMedium": medium,
                "Destination": mask(&value),
            }));
        }
        stored.attributes.insert(name, value);
    }
    // Nothing to verify: an empty result, as moto gives it (tests/interop/moto.test.mjs).
    if deliveries.is_empty() {
        return Ok(json!({}));
    }
    Ok(json!({ "CodeDeliveryDetailsList": deliveries }))
}

/// `j***@e***` style masking of a delivery destination, as Cognito shows it.
fn mask(value: &str) -> String {
    let first: String = value.chars().take(1).collect();
    match value.split_once('@') {
        Some((_, domain)) => format!("{first}***@{}***", domain.chars().next().unwrap_or('*')),
        None => {
            let last: Vec<char> = value.chars().rev().take(4).collect();
            format!("+*******{}", last.iter().rev().collect::<String>())
        }
    }
}

fn global_sign_out(ctx: &Ctx, body: &JsonObject) -> Result<Value, ApiError> {
    let user = user_from_access_token(ctx, body)?;
    let now = ctx.now();
    let origins: Vec<String> = ctx
        .store()
        .refresh_tokens
        .values()
        .filter(|g| g.username == user.username)
        .filter_map(|g| g.origin_jti.clone())
        .collect();
    for origin in origins {
        ctx.revoke_origin(&origin);
    }
    let mut store = ctx.store();
    for grant in store
        .refresh_tokens
        .values_mut()
        .filter(|g| g.username == user.username)
    {
        grant.revoked = true;
    }
    if let Some(stored) = store.users.get_mut(&ctx.user_key(&user.username)) {
        stored.signed_out_at = Some(now);
    }
    Ok(json!({}))
}

/// The app client of `ClientId`.
fn app_client<'a>(ctx: &'a Ctx, body: &JsonObject) -> Result<&'a AppClient, ApiError> {
    let client_id = string(body, "ClientId")?;
    ctx.config.client(client_id).ok_or_else(|| ApiError {
        kind: "ResourceNotFoundException",
        message: format!("User pool client {client_id} does not exist."),
    })
}

/// The app client of `ClientId`, authenticated by `ClientSecret` when it has a secret.
fn client_with_secret<'a>(ctx: &'a Ctx, body: &JsonObject) -> Result<&'a AppClient, ApiError> {
    let client = app_client(ctx, body)?;
    if let Some(secret) = &client.client_secret {
        let given = body
            .get("ClientSecret")
            .and_then(Value::as_str)
            .unwrap_or("");
        if !secret_eq(secret, given) {
            return err("NotAuthorizedException", "Client authentication failed.");
        }
    }
    Ok(client)
}

fn revoke_token(ctx: &Ctx, body: &JsonObject) -> Result<Value, ApiError> {
    let token = string(body, "Token")?;
    let client = client_with_secret(ctx, body)?;
    match token::revoke(ctx, client, token) {
        Ok(()) => Ok(json!({})),
        Err("unsupported_token_type") => {
            err("UnsupportedTokenTypeException", "Unsupported token type.")
        }
        Err("invalid_request") => err(
            "UnsupportedOperationException",
            "Token revocation is not enabled for this client.",
        ),
        Err(_) => err(
            "NotAuthorizedException",
            "The token was not issued to this client.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_hash_is_hmac_sha256_base64() {
        // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog") is a well-known vector.
        assert_eq!(
            secret_hash("key", "The quick brown fox jumps over the ", "lazy dog"),
            "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg="
        );
    }
}
