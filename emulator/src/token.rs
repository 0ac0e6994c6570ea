//! `POST /oauth2/token` (docs/cognito.md#token-endpoint) and `POST /oauth2/revoke`
//! (docs/cognito.md#revoke-endpoint).

use std::collections::HashMap;

use base64ct::{Base64UrlUnpadded, Encoding};
use pretoken::TriggerSource;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::config::{AppClient, DisallowedScope, OAuthFlow};
use crate::http::{random_token, secret_eq, Params, Request, Response};
use crate::mint::{self, MintRequest, Minted};
use crate::state::{Ctx, RefreshGrant, CODE_TTL};
use crate::user::User;

/// A token-endpoint error: `{"error": code}` with a status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenError {
    pub code: &'static str,
    pub description: String,
    pub status: u16,
}

fn error(code: &'static str, description: impl Into<String>) -> TokenError {
    TokenError {
        code,
        description: description.into(),
        status: 400,
    }
}

impl TokenError {
    fn into_response(self, with_description: bool) -> Response {
        let mut body = json!({ "error": self.code });
        if with_description {
            body["error_description"] = json!(self.description);
        }
        Response::json(self.status, &body).with_cors().no_store()
    }
}

/// An opaque refresh token shaped like Cognito's JWE (five base64url parts), so clients that
/// wrongly decode it as a JWT fail here as they would in production.
pub fn new_refresh_token() -> String {
    let header =
        Base64UrlUnpadded::encode_string(br#"{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}"#);
    format!(
        "{header}.{}.{}.{}.{}",
        random_token(256),
        random_token(12),
        random_token(96),
        random_token(16)
    )
}

/// Authenticates the calling client: Basic, body secret, or public (client_id only).
pub fn authenticate_client<'a>(
    ctx: &'a Ctx,
    request: &Request,
    form: &Params,
) -> Result<&'a AppClient, TokenError> {
    let invalid = |why: &str| TokenError {
        code: "invalid_client",
        description: why.to_owned(),
        status: ctx.config.quirks.token_invalid_client_status,
    };
    let (client_id, secret) = match request.basic_credentials() {
        Some(Ok((id, secret))) => {
            if form.get("client_id").is_some_and(|body_id| body_id != id) {
                return Err(invalid("client_id does not match the Basic credentials"));
            }
            (id, Some(secret))
        }
        Some(Err(())) => return Err(invalid("malformed Basic credentials")),
        None => match form.get("client_id") {
            Some(id) => (id.to_owned(), form.get("client_secret").map(str::to_owned)),
            None => return Err(invalid("no client authentication")),
        },
    };
    let client = ctx
        .config
        .client(&client_id)
        .ok_or_else(|| invalid("unknown client"))?;
    if let Some(expected) = &client.client_secret {
        match secret {
            Some(given) if secret_eq(expected, &given) => {}
            _ => return Err(invalid("missing or wrong client secret")),
        }
    }
    Ok(client)
}

fn token_response(minted: &Minted, refresh_token: Option<&str>) -> Response {
    let mut body = json!({
        "access_token": minted.access_token,
        "expires_in": minted.expires_in,
        "token_type": "Bearer",
    });
    if let Some(id) = &minted.id_token {
        body["id_token"] = json!(id);
    }
    if let Some(refresh) = refresh_token {
        body["refresh_token"] = json!(refresh);
    }
    Response::json(200, &body).with_cors().no_store()
}

/// Stores a new refresh token for a session; returns it.
pub fn issue_refresh_token(ctx: &Ctx, grant: RefreshGrant) -> String {
    let token = new_refresh_token();
    ctx.store().refresh_tokens.insert(token.clone(), grant);
    token
}

/// `POST /oauth2/token`.
pub fn handle_token(ctx: &Ctx, request: &Request) -> Response {
    let descriptions = ctx.config.quirks.token_error_descriptions;
    match token_grant(ctx, request) {
        Ok(response) => response,
        Err(e) => e.into_response(descriptions),
    }
}

fn token_grant(ctx: &Ctx, request: &Request) -> Result<Response, TokenError> {
    if !request.is_form() {
        return Err(error(
            "invalid_request",
            "Content-Type must be application/x-www-form-urlencoded",
        ));
    }
    let form = request.form();
    if let Some(name) = form.duplicated() {
        return Err(error(
            "invalid_request",
            format!("duplicated parameter {name}"),
        ));
    }
    let grant_type = form
        .get("grant_type")
        .ok_or_else(|| error("invalid_request", "grant_type is missing"))?;
    let flow = match grant_type {
        "authorization_code" => Some(OAuthFlow::Code),
        "client_credentials" => Some(OAuthFlow::ClientCredentials),
        "refresh_token" => None,
        _ => return Err(error("unsupported_grant_type", "unknown grant_type")),
    };
    let client = authenticate_client(ctx, request, &form)?;
    if let Some(flow) = flow {
        if !client.allows_flow(flow) {
            return Err(error(
                "unauthorized_client",
                "grant not allowed for this client",
            ));
        }
    }
    match grant_type {
        "authorization_code" => authorization_code(ctx, client, &form),
        "client_credentials" => client_credentials(ctx, client, &form),
        _ => refresh(ctx, client, &form),
    }
}

fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let computed = Base64UrlUnpadded::encode_string(&Sha256::digest(verifier.as_bytes()));
    secret_eq(&computed, challenge)
}

fn authorization_code(
    ctx: &Ctx,
    client: &AppClient,
    form: &Params,
) -> Result<Response, TokenError> {
    let code = form
        .get("code")
        .ok_or_else(|| error("invalid_request", "code is missing"))?;
    let redirect_uri = form
        .get("redirect_uri")
        .ok_or_else(|| error("invalid_request", "redirect_uri is missing"))?;
    let grant = {
        let mut store = ctx.store();
        let grant = store
            .codes
            .get_mut(code)
            .ok_or_else(|| error("invalid_grant", "unknown code"))?;
        if grant.used {
            return Err(error("invalid_grant", "code already used"));
        }
        // A code dies at its first redemption attempt, successful or not.
        grant.used = true;
        grant.clone()
    };
    if ctx.now() - grant.issued_at > CODE_TTL {
        return Err(error("invalid_grant", "code expired"));
    }
    if grant.request.client_id != client.client_id {
        return Err(error("invalid_grant", "code was issued to another client"));
    }
    if grant.request.redirect_uri != redirect_uri {
        return Err(error("invalid_grant", "redirect_uri does not match"));
    }
    if let Some(challenge) = &grant.request.code_challenge {
        let verifier = form
            .get("code_verifier")
            .ok_or_else(|| error("invalid_grant", "code_verifier is missing"))?;
        if !pkce_matches(verifier, challenge) {
            return Err(error("invalid_grant", "code_verifier does not match"));
        }
    }
    if let Some(attribute) = unreadable_verified_attribute(client, &grant.request.scopes) {
        return Err(error(
            "invalid_grant",
            format!("the client cannot read {attribute}"),
        ));
    }
    let user = ctx
        .find_user(&grant.username)
        .filter(|u| u.enabled)
        .ok_or_else(|| error("invalid_grant", "user no longer exists"))?;
    let origin_jti = client.enable_token_revocation.then(crate::http::uuid_v4);
    let minted = mint_for_user(
        ctx,
        client,
        &user,
        MintFor {
            scopes: &grant.request.scopes,
            nonce: grant.request.nonce.as_deref(),
            auth_time: grant.auth_time,
            origin_jti: origin_jti.as_deref(),
            source: TriggerSource::HostedAuth,
            resource: grant.request.resource.as_deref(),
            api: false,
        },
    )?;
    let refresh = issue_refresh_token(
        ctx,
        RefreshGrant {
            client_id: client.client_id.clone(),
            username: user.username.clone(),
            scopes: grant.request.scopes.clone(),
            auth_time: grant.auth_time,
            origin_jti,
            expires_at: ctx.now() + client.refresh_token_seconds(),
            revoked: false,
            valid_until: None,
            api: false,
        },
    );
    Ok(token_response(&minted, Some(&refresh)))
}

/// docs/cognito.md#grants: a granted `email` (`phone`) scope whose client can read `email`
/// (`phone_number`) but not its `*_verified` companion makes the exchange fail.
fn unreadable_verified_attribute(client: &AppClient, scopes: &[String]) -> Option<&'static str> {
    [
        ("email", "email", "email_verified"),
        ("phone", "phone_number", "phone_number_verified"),
    ]
    .into_iter()
    .find(|(scope, attribute, verified)| {
        scopes.iter().any(|s| s == scope)
            && client.can_read(attribute)
            && !client.can_read(verified)
    })
    .map(|(_, _, verified)| verified)
}

/// The per-grant inputs of a user token generation.
pub struct MintFor<'a> {
    pub scopes: &'a [String],
    pub nonce: Option<&'a str>,
    pub auth_time: i64,
    pub origin_jti: Option<&'a str>,
    pub source: TriggerSource,
    pub resource: Option<&'a str>,
    pub api: bool,
}

/// Mints a user's tokens; a trigger failure becomes the configured token error.
pub fn mint_for_user(
    ctx: &Ctx,
    client: &AppClient,
    user: &User,
    m: MintFor<'_>,
) -> Result<Minted, TokenError> {
    mint::mint(
        ctx,
        &MintRequest {
            client,
            user: Some(user),
            scopes: m.scopes.to_vec(),
            id_token: m.api || m.scopes.iter().any(|s| s == "openid"),
            api: m.api,
            nonce: m.nonce,
            auth_time: m.auth_time,
            origin_jti: m.origin_jti,
            trigger_source: m.source,
            with_at_hash: !m.api || ctx.config.quirks.api_id_token_at_hash,
            resource: m.resource,
            client_metadata: None,
        },
    )
    .map_err(|e| TokenError {
        code: trigger_error_code(ctx),
        description: e.0,
        status: 400,
    })
}

fn trigger_error_code(ctx: &Ctx) -> &'static str {
    match ctx.config.quirks.trigger_failure_error.as_str() {
        "server_error" => "server_error",
        _ => "invalid_request",
    }
}

/// Looks up a refresh token for `client`: it must be live (not revoked, expired, or past its
/// rotation grace). Shared by the token endpoint and the JSON API.
pub fn live_refresh_grant(
    ctx: &Ctx,
    client: &AppClient,
    token: &str,
) -> Result<RefreshGrant, &'static str> {
    let grant = ctx
        .store()
        .refresh_tokens
        .get(token)
        .cloned()
        .ok_or("Invalid Refresh Token")?;
    let now = ctx.now();
    if grant.client_id != client.client_id {
        return Err("Invalid Refresh Token");
    }
    if grant.revoked || grant.valid_until.is_some_and(|t| now >= t) {
        return Err("Refresh Token has been revoked");
    }
    if grant.expires_at <= now {
        return Err("Refresh Token has expired");
    }
    Ok(grant)
}

/// Rotates a refresh token when the client asks for it: the old one lives on for the grace period.
pub fn rotate(ctx: &Ctx, client: &AppClient, old: &str, grant: &RefreshGrant) -> Option<String> {
    if !client.rotation_enabled() {
        return None;
    }
    let grace = i64::from(client.refresh_token_rotation.retry_grace_period_seconds);
    let now = ctx.now();
    if let Some(old_grant) = ctx.store().refresh_tokens.get_mut(old) {
        let until = now + grace;
        old_grant.valid_until = Some(old_grant.valid_until.map_or(until, |t| t.min(until)));
    }
    Some(issue_refresh_token(
        ctx,
        RefreshGrant {
            expires_at: now + client.refresh_token_seconds(),
            valid_until: None,
            ..grant.clone()
        },
    ))
}

fn refresh(ctx: &Ctx, client: &AppClient, form: &Params) -> Result<Response, TokenError> {
    let token = form
        .get("refresh_token")
        .ok_or_else(|| error("invalid_request", "refresh_token is missing"))?;
    let grant =
        live_refresh_grant(ctx, client, token).map_err(|why| error("invalid_grant", why))?;
    let user = ctx
        .find_user(&grant.username)
        .filter(|u| u.enabled)
        .ok_or_else(|| error("invalid_grant", "user no longer exists"))?;
    let minted = mint_for_user(
        ctx,
        client,
        &user,
        MintFor {
            scopes: &grant.scopes,
            nonce: None,
            auth_time: grant.auth_time,
            origin_jti: grant.origin_jti.as_deref(),
            source: TriggerSource::RefreshTokens,
            resource: None,
            api: grant.api,
        },
    )?;
    let new_refresh = rotate(ctx, client, token, &grant);
    Ok(token_response(&minted, new_refresh.as_deref()))
}

fn client_credentials(
    ctx: &Ctx,
    client: &AppClient,
    form: &Params,
) -> Result<Response, TokenError> {
    let custom = ctx.config.custom_scopes();
    let allowed: Vec<&String> = client
        .allowed_oauth_scopes
        .iter()
        .filter(|s| custom.contains(s))
        .collect();
    let scopes: Vec<String> = match form.get("scope") {
        None => allowed.iter().map(|s| (*s).clone()).collect(),
        Some(text) => {
            let mut granted = Vec::new();
            for scope in text.split(' ').filter(|s| !s.is_empty()) {
                if allowed.iter().any(|a| *a == scope) {
                    granted.push(scope.to_owned());
                } else if ctx.config.quirks.client_credentials_disallowed_scope
                    != DisallowedScope::Ignore
                {
                    return Err(error(
                        "invalid_scope",
                        format!("scope {scope} is not allowed"),
                    ));
                }
            }
            granted
        }
    };
    if scopes.is_empty() {
        return Err(error("invalid_scope", "no custom scope granted"));
    }
    let metadata = match form.get("aws_client_metadata") {
        None => None,
        // ClientMetadata is a map of strings (docs/cognito.md#trigger-event).
        Some(text) => match serde_json::from_str::<HashMap<String, String>>(text) {
            Ok(map) => Some(map),
            Err(_) => {
                return Err(error(
                    "invalid_request",
                    "aws_client_metadata is not a JSON object of strings",
                ))
            }
        },
    };
    let now = ctx.now();
    let minted = mint::mint(
        ctx,
        &MintRequest {
            client,
            user: None,
            scopes,
            id_token: false,
            api: false,
            nonce: None,
            auth_time: now,
            origin_jti: None,
            trigger_source: TriggerSource::ClientCredentials,
            with_at_hash: false,
            resource: form.get("resource"),
            client_metadata: metadata.as_ref(),
        },
    )
    .map_err(|e| TokenError {
        code: trigger_error_code(ctx),
        description: e.0,
        status: 400,
    })?;
    Ok(token_response(&minted, None))
}

/// `POST /oauth2/revoke` (docs/cognito.md#revoke-endpoint).
pub fn handle_revoke(ctx: &Ctx, request: &Request) -> Response {
    let respond = |status: u16, code: Option<&str>| {
        let response = match code {
            Some(code) => Response::json(status, &json!({ "error": code })),
            None => Response::new(status),
        };
        if ctx.config.quirks.cors_everywhere {
            response.with_cors()
        } else {
            response
        }
    };
    if !request.is_form() {
        return respond(400, Some("invalid_request"));
    }
    let form = request.form();
    let Some(token) = form.get("token") else {
        return respond(400, Some("invalid_request"));
    };
    let client = match authenticate_client(ctx, request, &form) {
        Ok(client) => client,
        Err(_) => return respond(401, Some("invalid_client")),
    };
    match revoke(ctx, client, token) {
        Ok(()) => respond(200, None),
        Err(code) => respond(400, Some(code)),
    }
}

/// Revokes a refresh token and its family (cascade by `origin_jti`). Unknown tokens succeed.
pub fn revoke(ctx: &Ctx, client: &AppClient, token: &str) -> Result<(), &'static str> {
    if !client.enable_token_revocation {
        return Err("invalid_request");
    }
    let grant = ctx.store().refresh_tokens.get(token).cloned();
    let Some(grant) = grant else {
        // A JWT (ID or access token) is the wrong kind of token; anything else is just unknown.
        return if token.split('.').count() == 3 {
            Err("unsupported_token_type")
        } else {
            Ok(())
        };
    };
    if grant.client_id != client.client_id {
        return Err("unauthorized_client");
    }
    match &grant.origin_jti {
        Some(origin) => ctx.revoke_origin(origin),
        None => {
            if let Some(g) = ctx.store().refresh_tokens.get_mut(token) {
                g.revoked = true;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_tokens_look_like_jwe() {
        let token = new_refresh_token();
        assert_eq!(token.split('.').count(), 5);
        assert!(
            token.starts_with("eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.")
        );
        assert_ne!(token, new_refresh_token());
    }

    #[test]
    fn pkce_s256_vector() {
        // RFC 7636 Appendix B.
        assert!(pkce_matches(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
        assert!(!pkce_matches(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXX",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
    }
}
