//! `/oauth2/userInfo` (docs/cognito.md#userinfo-endpoint) and the issuer's `.well-known` documents
//! (docs/cognito.md#discovery-document, docs/cognito.md#jwks-document).

use serde_json::{json, Value};

use crate::config::DiscoveryVariant;
use crate::http::{Request, Response};
use crate::mint::validate_access_token;
use crate::state::Ctx;
use crate::user::visible_attributes;

fn cors(ctx: &Ctx, response: Response) -> Response {
    if ctx.config.quirks.cors_everywhere {
        response.with_cors()
    } else {
        response
    }
}

fn unauthorized(ctx: &Ctx) -> Response {
    let description =
        "Access token is expired, disabled, or deleted, or the user has globally signed out.";
    cors(
        ctx,
        Response::json(
            401,
            &json!({"error": "invalid_token", "error_description": description}),
        )
        .with_header(
            "WWW-Authenticate",
            &format!("error=\"invalid_token\", error_description=\"{description}\""),
        ),
    )
}

/// `GET|POST /oauth2/userInfo`.
pub fn handle_userinfo(ctx: &Ctx, request: &Request) -> Response {
    let Some(token) = request.bearer_token() else {
        let description = "Bad OAuth2 request at UserInfo Endpoint";
        return cors(
            ctx,
            Response::json(
                400,
                &json!({"error": "invalid_request", "error_description": description}),
            )
            .with_header(
                "WWW-Authenticate",
                &format!("error=\"invalid_request\", error_description=\"{description}\""),
            ),
        );
    };
    let Ok((claims, Some(user))) = validate_access_token(ctx, token) else {
        return unauthorized(ctx);
    };
    let scopes: Vec<String> = claims
        .get("scope")
        .and_then(Value::as_str)
        .unwrap_or("")
        .split(' ')
        .map(str::to_owned)
        .collect();
    if ctx.config.quirks.user_info_requires_openid && !scopes.iter().any(|s| s == "openid") {
        return unauthorized(ctx);
    }
    let client = claims
        .get("client_id")
        .and_then(Value::as_str)
        .and_then(|id| ctx.config.client(id));
    let mut body = serde_json::Map::new();
    body.insert("sub".into(), json!(user.sub()));
    for (name, value) in visible_attributes(&user, Some(&scopes), |a| {
        client.is_some_and(|c| c.can_read(a))
    }) {
        // Stored strings: booleans stay "true"/"false", identities stays a JSON string.
        body.insert(name.clone(), json!(value));
    }
    body.insert("username".into(), json!(user.username));
    cors(ctx, Response::json(200, &Value::Object(body)).no_store())
}

/// `GET /{poolId}/.well-known/jwks.json`.
pub fn handle_jwks(ctx: &Ctx) -> Response {
    let jwks = ctx.keys().jwks();
    cors(ctx, Response::json(200, &jwks))
}

/// `GET /{poolId}/.well-known/openid-configuration`: the real issuer string, every endpoint on the
/// emulator's base URL.
pub fn handle_discovery(ctx: &Ctx) -> Response {
    let base = &ctx.base_url;
    let issuer = ctx.config.issuer();
    let variant = ctx.config.quirks.discovery;
    let endpoint = |path: &str| match variant {
        DiscoveryVariant::NoDomain => format!(
            "{issuer}/{}",
            path.trim_start_matches("/oauth2/").trim_start_matches('/')
        ),
        _ => format!("{base}{path}"),
    };
    let mut doc = json!({
        "authorization_endpoint": endpoint("/oauth2/authorize"),
        "id_token_signing_alg_values_supported": ["RS256"],
        "issuer": issuer,
        "jwks_uri": format!("{base}/{}/.well-known/jwks.json", ctx.pool_id()),
        "response_types_supported": ["code", "token"],
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "subject_types_supported": ["public"],
        "token_endpoint": endpoint("/oauth2/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "userinfo_endpoint": endpoint("/oauth2/userInfo"),
    });
    if variant != DiscoveryVariant::Legacy {
        doc["end_session_endpoint"] = json!(endpoint("/logout"));
        doc["revocation_endpoint"] = json!(endpoint("/oauth2/revoke"));
    }
    cors(ctx, Response::json(200, &doc))
}

/// `POST /_emulator/introspect`: RFC 7662 over Cognito access tokens
/// (docs/cognito.md#introspection-response-mapping). The caller authenticates like at the token
/// endpoint; anything but a live access token of this pool is `{"active": false}`.
pub fn handle_introspect(ctx: &Ctx, request: &Request) -> Response {
    let form = request.form();
    if crate::token::authenticate_client(ctx, request, &form).is_err() {
        return Response::json(401, &json!({"error": "invalid_client"}));
    }
    let Some(Ok((claims, _))) = form.get("token").map(|t| validate_access_token(ctx, t)) else {
        return Response::json(200, &json!({"active": false})).no_store();
    };
    let mut body = json!({"active": true, "token_type": "Bearer"});
    for name in [
        "scope",
        "client_id",
        "username",
        "exp",
        "iat",
        "sub",
        "aud",
        "iss",
        "jti",
        "token_use",
        "auth_time",
        "origin_jti",
        "cognito:groups",
        "event_id",
        "version",
    ] {
        if let Some(value) = claims.get(name) {
            body[name] = value.clone();
        }
    }
    Response::json(200, &body).no_store()
}
