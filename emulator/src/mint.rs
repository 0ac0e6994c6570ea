//! Token minting (docs/cognito.md#tokens, #token-minting): base claims per grant, the pre-token
//! trigger, signing.

use std::collections::HashMap;

use pretoken::{GroupOverride, Response, Token, TriggerSource, Version};
use serde_json::{json, Value};

use crate::config::{AppClient, JsonObject};
use crate::http::uuid_v4;
use crate::keys::{at_hash, KeyUse};
use crate::state::Ctx;
use crate::trigger::{self, EventInput, TriggerError};
use crate::user::{token_claim, visible_attributes, User};

pub struct MintRequest<'a> {
    pub client: &'a AppClient,
    /// `None` for client_credentials.
    pub user: Option<&'a User>,
    pub scopes: Vec<String>,
    /// Issue an ID token (OAuth: `openid` granted; API: always).
    pub id_token: bool,
    /// API-issued: every readable attribute, no scope filter.
    pub api: bool,
    pub nonce: Option<&'a str>,
    pub auth_time: i64,
    pub origin_jti: Option<&'a str>,
    pub trigger_source: TriggerSource,
    pub with_at_hash: bool,
    pub resource: Option<&'a str>,
    pub client_metadata: Option<&'a HashMap<String, String>>,
}

#[derive(Debug, Clone)]
pub struct Minted {
    pub id_token: Option<String>,
    pub access_token: String,
    pub expires_in: i64,
}

fn user_groups(ctx: &Ctx, user: &User) -> GroupOverride {
    let configured: Vec<_> = user
        .groups
        .iter()
        .filter_map(|name| ctx.config.group(name))
        .collect();
    let roles = configured
        .iter()
        .filter_map(|g| g.role_arn.clone())
        .collect();
    let preferred_role = configured
        .iter()
        .filter(|g| g.role_arn.is_some())
        .min_by_key(|g| g.precedence.unwrap_or(u32::MAX))
        .and_then(|g| g.role_arn.clone());
    GroupOverride {
        groups_to_override: user.groups.clone(),
        iam_roles_to_override: roles,
        preferred_role,
    }
}

fn set_groups(claims: &mut JsonObject, groups: &GroupOverride, with_roles: bool) {
    for key in ["cognito:groups", "cognito:roles", "cognito:preferred_role"] {
        claims.remove(key);
    }
    if !groups.groups_to_override.is_empty() {
        claims.insert("cognito:groups".into(), json!(groups.groups_to_override));
    }
    if with_roles {
        if !groups.iam_roles_to_override.is_empty() {
            claims.insert("cognito:roles".into(), json!(groups.iam_roles_to_override));
        }
        if let Some(role) = &groups.preferred_role {
            claims.insert("cognito:preferred_role".into(), json!(role));
        }
    }
}

/// Runs the pool's trigger if it applies to this token generation.
fn run_trigger(
    ctx: &Ctx,
    req: &MintRequest<'_>,
    groups: &GroupOverride,
) -> Result<Option<(Version, Response)>, TriggerError> {
    let Some(config) = &ctx.config.user_pool.pre_token_generation_config else {
        return Ok(None);
    };
    let version = config.lambda_version;
    if req.user.is_none() && version < Version::V3 {
        return Ok(None);
    }
    let event = trigger::build_event(&EventInput {
        version,
        trigger_source: req.trigger_source,
        region: ctx.config.region(),
        user_pool_id: ctx.pool_id(),
        client_id: &req.client.client_id,
        user_name: req.user.map(|u| u.username.as_str()),
        user_attributes: req.user.map(User::event_attributes).unwrap_or_default(),
        groups: &groups.groups_to_override,
        roles: &groups.iam_roles_to_override,
        preferred_role: groups.preferred_role.as_deref(),
        scopes: &req.scopes,
        client_metadata: req.client_metadata,
    });
    Ok(Some((version, trigger::run(config, &event)?)))
}

/// Builds, customises and signs the tokens of one grant.
pub fn mint(ctx: &Ctx, req: &MintRequest<'_>) -> Result<Minted, TriggerError> {
    let now = ctx.now();
    let issuer = ctx.config.issuer();
    let client_id = &req.client.client_id;
    let event_id = uuid_v4();
    let mut groups = req
        .user
        .map(|user| user_groups(ctx, user))
        .unwrap_or_default();
    let mut scopes = req.scopes.clone();
    let trigger = run_trigger(ctx, req, &groups)?;
    if let Some((version, response)) = &trigger {
        if let Some(replaced) = response.group_override(*version) {
            groups = replaced;
        }
        response.apply_scopes(*version, &mut scopes);
    }

    let expires_in = req.client.access_token_seconds();
    let mut access = JsonObject::new();
    let sub = req.user.map_or(client_id.as_str(), User::sub);
    access.insert("sub".into(), json!(sub));
    access.insert("iss".into(), json!(issuer));
    access.insert("version".into(), json!(2));
    access.insert("client_id".into(), json!(client_id));
    if let Some(origin) = req.origin_jti {
        access.insert("origin_jti".into(), json!(origin));
    }
    if req.user.is_some() {
        access.insert("event_id".into(), json!(event_id));
        set_groups(&mut access, &groups, false);
    }
    access.insert("token_use".into(), json!("access"));
    access.insert("scope".into(), json!(scopes.join(" ")));
    access.insert("auth_time".into(), json!(req.auth_time));
    access.insert("exp".into(), json!(now + expires_in));
    access.insert("iat".into(), json!(now));
    access.insert("jti".into(), json!(uuid_v4()));
    if let Some(user) = req.user {
        access.insert("username".into(), json!(user.username));
    }
    if let Some(resource) = req.resource {
        access.insert("aud".into(), json!(resource));
    }
    if let Some((version, response)) = &trigger {
        response.apply_claims(*version, Token::Access, &mut access);
    }
    let keys = ctx.keys();
    let escape = ctx.config.quirks.escape_slashes;
    let access_token = keys.sign(KeyUse::Access, &access, escape);

    let id_token = match (req.user, req.id_token) {
        (Some(user), true) => {
            let mut id = JsonObject::new();
            if req.with_at_hash {
                id.insert("at_hash".into(), json!(at_hash(&access_token)));
            }
            id.insert("sub".into(), json!(user.sub()));
            set_groups(&mut id, &groups, true);
            id.insert("iss".into(), json!(issuer));
            id.insert("cognito:username".into(), json!(user.username));
            if let Some(nonce) = req.nonce {
                id.insert("nonce".into(), json!(nonce));
            }
            if let Some(origin) = req.origin_jti {
                id.insert("origin_jti".into(), json!(origin));
            }
            id.insert("aud".into(), json!(client_id));
            id.insert("event_id".into(), json!(event_id));
            id.insert("token_use".into(), json!("id"));
            id.insert("auth_time".into(), json!(req.auth_time));
            id.insert("exp".into(), json!(now + req.client.id_token_seconds()));
            id.insert("iat".into(), json!(now));
            id.insert("jti".into(), json!(uuid_v4()));
            let scope_filter = (!req.api).then_some(req.scopes.as_slice());
            for (name, value) in visible_attributes(user, scope_filter, |a| req.client.can_read(a))
            {
                id.insert(name.clone(), token_claim(name, value));
            }
            if let Some((version, response)) = &trigger {
                response.apply_claims(*version, Token::Id, &mut id);
            }
            Some(keys.sign(KeyUse::Id, &id, escape))
        }
        _ => None,
    };
    Ok(Minted {
        id_token,
        access_token,
        expires_in,
    })
}

/// The claims of a valid access token issued by this pool, or why it is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessTokenError {
    /// Not ours, malformed, or not an access token.
    Invalid,
    Expired,
    /// Revoked, signed out, or the user is gone or disabled.
    Revoked,
}

/// Validates an access token the way Cognito's own endpoints do (signature, issuer, expiry,
/// revocation by `origin_jti`, global sign-out, user state).
pub fn validate_access_token(
    ctx: &Ctx,
    token: &str,
) -> Result<(JsonObject, Option<User>), AccessTokenError> {
    let claims = ctx
        .keys()
        .verify(KeyUse::Access, token)
        .ok_or(AccessTokenError::Invalid)?;
    let claim = |name: &str| claims.get(name).cloned().unwrap_or(Value::Null);
    if claim("token_use") != "access" || claim("iss") != ctx.config.issuer().as_str() {
        return Err(AccessTokenError::Invalid);
    }
    let exp = claim("exp").as_i64().ok_or(AccessTokenError::Invalid)?;
    if exp <= ctx.now() {
        return Err(AccessTokenError::Expired);
    }
    if let Some(origin) = claim("origin_jti").as_str() {
        if ctx.is_revoked(origin) {
            return Err(AccessTokenError::Revoked);
        }
    }
    let Some(username) = claim("username").as_str().map(str::to_owned) else {
        return Ok((claims, None));
    };
    let user = ctx.find_user(&username).ok_or(AccessTokenError::Revoked)?;
    let iat = claim("iat").as_i64().unwrap_or(0);
    if !user.enabled || user.signed_out_at.is_some_and(|t| iat < t) {
        return Err(AccessTokenError::Revoked);
    }
    Ok((claims, Some(user)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::tests::test_ctx;

    /// Decodes a token's payload without checking anything.
    fn decode_payload(token: &str) -> Option<JsonObject> {
        use base64ct::{Base64UrlUnpadded, Encoding};
        let payload = token.split('.').nth(1)?;
        serde_json::from_slice(&Base64UrlUnpadded::decode_vec(payload).ok()?).ok()
    }

    const CONFIG: &str = r#"{"UserPool":{"UserPoolId":"us-east-1_Pool1",
        "Schema":[{"Name":"tenant"}],
        "Groups":[{"GroupName":"admins","Precedence":2,"RoleArn":"arn:r2"},
                  {"GroupName":"ops","Precedence":1,"RoleArn":"arn:r1"}]},
        "UserPoolClients":[{"ClientId":"c1","AllowedOAuthFlows":["code"],
            "AllowedOAuthScopes":["openid","email","profile"],"CallbackURLs":["https://a/cb"]}],
        "Users":[{"Username":"jdoe","Password":"pw","Groups":["admins","ops"],
            "UserAttributes":[{"Name":"email","Value":"j@x"},{"Name":"email_verified","Value":"true"},
            {"Name":"custom:tenant","Value":"42"},{"Name":"name","Value":"J"}]}]}"#;

    fn request<'a>(ctx: &'a Ctx, user: &'a User, scopes: &[&str]) -> MintRequest<'a> {
        MintRequest {
            client: ctx.config.client("c1").unwrap(),
            user: Some(user),
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            id_token: true,
            api: false,
            nonce: Some("n1"),
            auth_time: 1000,
            origin_jti: Some("o1"),
            trigger_source: TriggerSource::HostedAuth,
            with_at_hash: true,
            resource: None,
            client_metadata: None,
        }
    }

    #[test]
    fn claim_sets_and_types() {
        let ctx = test_ctx(CONFIG);
        let user = ctx.find_user("jdoe").unwrap();
        let minted = mint(&ctx, &request(&ctx, &user, &["openid", "email"])).unwrap();
        let access = decode_payload(&minted.access_token).unwrap();
        let id = decode_payload(minted.id_token.as_ref().unwrap()).unwrap();
        assert!(access.get("aud").is_none());
        assert_eq!(access["client_id"], "c1");
        assert_eq!(access["scope"], "openid email");
        assert_eq!(access["version"], 2);
        assert_eq!(access["username"], "jdoe");
        assert_eq!(access["cognito:groups"], json!(["admins", "ops"]));
        assert_eq!(id["aud"], "c1");
        assert_eq!(id["email_verified"], true);
        assert_eq!(id["nonce"], "n1");
        assert_eq!(id["origin_jti"], "o1");
        assert_eq!(id["cognito:preferred_role"], "arn:r1");
        assert_eq!(id["cognito:roles"], json!(["arn:r2", "arn:r1"]));
        assert_eq!(id["at_hash"], at_hash(&minted.access_token));
        assert!(id.get("name").is_none(), "profile not granted");
        assert!(id.get("custom:tenant").is_none(), "profile not granted");
        assert_eq!(minted.expires_in, 3600);
        assert_eq!(
            access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(),
            3600
        );
        assert!(validate_access_token(&ctx, &minted.access_token).is_ok());
        ctx.revoke_origin("o1");
        assert_eq!(
            validate_access_token(&ctx, &minted.access_token).unwrap_err(),
            AccessTokenError::Revoked
        );
    }
}
