//! `/oauth2/authorize`, `/login`, `/logout` and `/error` (docs/cognito.md#authorize-endpoint,
//! #login-page, #logout-endpoint), plus the functions the federation module finishes its sign-ins
//! with.

use pretoken::TriggerSource;

use crate::config::{AppClient, DisallowedScope, OAuthFlow};
use crate::http::{
    append_query, encode_pairs, html_escape, random_token, Params, Request, Response,
};
use crate::mint::{self, MintRequest};
use crate::state::{CodeGrant, Ctx, Session, SESSION_COOKIE, SESSION_TTL};
use crate::user::User;

/// The parameters `/oauth2/authorize` and `/login` accept (and carry between each other).
pub const AUTHORIZE_PARAMS: [&str; 16] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "login_hint",
    "prompt",
    "resource",
    "lang",
    "identity_provider",
    "idp_identifier",
    "max_age",
    "acr_values",
];

/// A validated authorize request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorizeRequest {
    pub client_id: String,
    pub redirect_uri: String,
    /// `code` or `token`.
    pub response_type: String,
    /// The granted scopes (validated, `openid`-dependent ones dropped without `openid`).
    pub scopes: Vec<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    /// S256 challenge.
    pub code_challenge: Option<String>,
    pub login_hint: Option<String>,
    pub prompt: Option<String>,
    pub resource: Option<String>,
    /// Seconds: an older session does not count for silent sign-in.
    pub max_age: Option<i64>,
    pub identity_provider: Option<String>,
    pub idp_identifier: Option<String>,
    /// The original parameters, to carry to `/login`.
    pub params: Params,
}

impl AuthorizeRequest {
    pub fn implicit(&self) -> bool {
        self.response_type == "token"
    }
}

/// Why an authorize request is refused: an error page (untrusted redirect) or an error redirect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    Page {
        error: String,
        client_id: String,
    },
    Redirect {
        redirect_uri: String,
        error: String,
        description: Option<String>,
        state: Option<String>,
    },
}

impl Rejection {
    pub fn into_response(self) -> Response {
        match self {
            Rejection::Page { error, client_id } => error_page_redirect(&error, &client_id),
            Rejection::Redirect {
                redirect_uri,
                error,
                description,
                state,
            } => {
                // Observed order: error_description, state, error.
                let mut pairs = Vec::new();
                if let Some(d) = &description {
                    pairs.push(("error_description", d.as_str()));
                }
                if let Some(s) = &state {
                    pairs.push(("state", s.as_str()));
                }
                pairs.push(("error", error.as_str()));
                Response::redirect(&append_query(&redirect_uri, pairs))
            }
        }
    }
}

/// `302 /error?error=…&client_id=…` (docs/cognito.md#authorize-errors step 1).
pub fn error_page_redirect(error: &str, client_id: &str) -> Response {
    Response::redirect(&format!(
        "/error?{}",
        encode_pairs([("error", error), ("client_id", client_id)])
    ))
}

/// The error redirect to the app for a validated request (e.g. `login_required`, or a federation
/// failure: `error=invalid_request&error_description=…`, docs/cognito.md#federation-errors).
pub fn error_redirect(req: &AuthorizeRequest, error: &str, description: Option<&str>) -> Response {
    Rejection::Redirect {
        redirect_uri: req.redirect_uri.clone(),
        error: error.to_owned(),
        description: description.map(str::to_owned),
        state: req.state.clone(),
    }
    .into_response()
}

fn is_pkce_value(s: &str) -> bool {
    (43..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// Validates authorize parameters in the order of docs/cognito.md#authorize-errors.
pub fn validate(ctx: &Ctx, params: &Params) -> Result<AuthorizeRequest, Rejection> {
    let client_id = params.get("client_id").unwrap_or("").to_owned();
    let Some(client) = ctx.config.client(&client_id) else {
        return Err(Rejection::Page {
            error: ctx.config.quirks.unknown_client_error.clone(),
            client_id,
        });
    };
    let redirect_uri = params.get("redirect_uri").unwrap_or("");
    if !client.callback_urls.iter().any(|u| u == redirect_uri) {
        return Err(Rejection::Page {
            error: "redirect_mismatch".into(),
            client_id,
        });
    }
    let state = params.get("state").map(str::to_owned);
    let reject = |error: &str, description: Option<&str>| Rejection::Redirect {
        redirect_uri: redirect_uri.to_owned(),
        error: error.to_owned(),
        description: description.map(str::to_owned),
        state: state.clone(),
    };
    let response_type = params.get("response_type").unwrap_or("");
    let flow = match response_type {
        "" => return Err(reject("invalid_request", None)),
        "code" => OAuthFlow::Code,
        "token" => OAuthFlow::Implicit,
        _ => return Err(reject("unsupported_response_type", None)),
    };
    if !client.allows_flow(flow) {
        return Err(reject("unauthorized_client", None));
    }
    let challenge = params.get("code_challenge");
    match (params.get("code_challenge_method"), challenge) {
        (None, None) => {}
        (Some("S256"), Some(c)) if is_pkce_value(c) => {}
        _ => return Err(reject("invalid_request", None)),
    }
    if let Some(prompt) = params.get("prompt") {
        let known = ["none", "login", "select_account", "consent"];
        if !prompt.split(' ').all(|p| known.contains(&p)) {
            return Err(reject("invalid_request", None));
        }
    }
    let max_age = match params.get("max_age").map(str::parse::<i64>) {
        None => None,
        Some(Ok(seconds)) if seconds >= 0 => Some(seconds),
        Some(_) => return Err(reject("invalid_request", None)),
    };
    let scopes = resolve_scopes(ctx, client, params.get("scope"))
        .map_err(|(error, description)| reject(error, description))?;
    let owned = |name: &str| params.get(name).map(str::to_owned);
    Ok(AuthorizeRequest {
        client_id,
        redirect_uri: redirect_uri.to_owned(),
        response_type: response_type.to_owned(),
        scopes,
        state: state.clone(),
        nonce: owned("nonce"),
        code_challenge: challenge.map(str::to_owned),
        login_hint: owned("login_hint"),
        prompt: owned("prompt").map(|p| p.to_ascii_lowercase()),
        resource: owned("resource"),
        max_age,
        identity_provider: owned("identity_provider"),
        idp_identifier: owned("idp_identifier"),
        params: Params(
            params
                .0
                .iter()
                .filter(|(k, _)| AUTHORIZE_PARAMS.contains(&k.as_str()))
                .cloned()
                .collect(),
        ),
    })
}

type ScopeError = (&'static str, Option<&'static str>);

/// docs/cognito.md#scopes / #token-minting step 1.
fn resolve_scopes(
    ctx: &Ctx,
    client: &AppClient,
    requested: Option<&str>,
) -> Result<Vec<String>, ScopeError> {
    let allowed = &client.allowed_oauth_scopes;
    let mut scopes: Vec<String> = match requested {
        None => allowed.clone(),
        Some(text) => {
            let mut granted = Vec::new();
            for scope in text.split(' ').filter(|s| !s.is_empty()) {
                if allowed.iter().any(|a| a == scope) {
                    if !granted.iter().any(|g| g == scope) {
                        granted.push(scope.to_owned());
                    }
                } else {
                    match ctx.config.quirks.disallowed_scope {
                        DisallowedScope::Ignore => {}
                        DisallowedScope::InvalidScope => return Err(("invalid_scope", None)),
                        DisallowedScope::InvalidRequest => {
                            return Err(("invalid_request", Some("invalid_scope")))
                        }
                    }
                }
            }
            granted
        }
    };
    if !scopes.iter().any(|s| s == "openid") {
        scopes.retain(|s| !matches!(s.as_str(), "email" | "phone" | "profile"));
    }
    if scopes.is_empty() {
        return Err(match ctx.config.quirks.disallowed_scope {
            DisallowedScope::InvalidRequest => ("invalid_request", Some("invalid_scope")),
            _ => ("invalid_scope", None),
        });
    }
    Ok(scopes)
}

/// The live hosted-UI session of this browser, if any.
pub fn current_session(ctx: &Ctx, request: &Request) -> Option<Session> {
    let id = request.cookie(SESSION_COOKIE)?;
    let session = ctx.store().sessions.get(&id).cloned()?;
    let user = ctx.find_user(&session.username)?;
    (session.expires_at > ctx.now() && user.enabled).then_some(session)
}

fn session_cookie(id: &str, max_age: i64) -> String {
    format!("{SESSION_COOKIE}={id}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax")
}

/// Issues the code (or implicit tokens) and redirects to the app.
fn finish(ctx: &Ctx, req: &AuthorizeRequest, username: &str, auth_time: i64) -> Response {
    let Some(user) = ctx.find_user(username) else {
        return error_redirect(req, "server_error", None);
    };
    if !req.implicit() {
        let code = crate::http::uuid_v4();
        let grant = CodeGrant {
            request: req.clone(),
            username: user.username.clone(),
            auth_time,
            issued_at: ctx.now(),
            used: false,
        };
        ctx.store().codes.insert(code.clone(), grant);
        let mut pairs = vec![("code", code.as_str())];
        if let Some(state) = &req.state {
            pairs.push(("state", state.as_str()));
        }
        return Response::redirect(&append_query(&req.redirect_uri, pairs));
    }
    implicit_redirect(ctx, req, &user, auth_time)
}

fn implicit_redirect(ctx: &Ctx, req: &AuthorizeRequest, user: &User, auth_time: i64) -> Response {
    let Some(client) = ctx.config.client(&req.client_id) else {
        return error_redirect(req, "server_error", None);
    };
    let minted = mint::mint(
        ctx,
        &MintRequest {
            client,
            user: Some(user),
            scopes: req.scopes.clone(),
            id_token: req.scopes.iter().any(|s| s == "openid"),
            api: false,
            nonce: req.nonce.as_deref(),
            auth_time,
            origin_jti: None,
            trigger_source: TriggerSource::HostedAuth,
            with_at_hash: true,
            resource: req.resource.as_deref(),
            client_metadata: None,
        },
    );
    let minted = match minted {
        Ok(m) => m,
        Err(e) => {
            return error_redirect(req, &ctx.config.quirks.trigger_failure_error, Some(&e.0));
        }
    };
    let expires_in = minted.expires_in.to_string();
    let mut pairs = vec![("access_token", minted.access_token.as_str())];
    if let Some(id) = &minted.id_token {
        pairs.push(("id_token", id.as_str()));
    }
    pairs.push(("token_type", "Bearer"));
    pairs.push(("expires_in", &expires_in));
    if let Some(state) = &req.state {
        pairs.push(("state", state.as_str()));
    }
    Response::redirect(&format!("{}#{}", req.redirect_uri, encode_pairs(pairs)))
}

/// Completes a fresh sign-in of `username` (local or federated): starts a 1-hour session (cookie)
/// and redirects to the app with a code, or with tokens for `response_type=token`.
pub fn complete_sign_in(ctx: &Ctx, req: &AuthorizeRequest, username: &str) -> Response {
    let now = ctx.now();
    let session_id = random_token(32);
    let username = ctx
        .find_user(username)
        .map_or_else(|| username.to_owned(), |u| u.username);
    ctx.store().sessions.insert(
        session_id.clone(),
        Session {
            username: username.clone(),
            auth_time: now,
            expires_at: now + SESSION_TTL,
        },
    );
    finish(ctx, req, &username, now)
        .with_header("Set-Cookie", &session_cookie(&session_id, SESSION_TTL))
}

/// Checks a local user's password; the error is Cognito's message.
pub fn authenticate(ctx: &Ctx, username: &str, password: &str) -> Result<User, &'static str> {
    let user = ctx
        .find_user(username)
        .filter(|u| {
            u.password
                .as_deref()
                .is_some_and(|p| crate::http::secret_eq(p, password))
        })
        .ok_or("Incorrect username or password.")?;
    if !user.enabled {
        return Err("User is disabled.");
    }
    Ok(user)
}

/// `GET /oauth2/authorize`.
pub fn handle_authorize(ctx: &Ctx, request: &Request) -> Response {
    let req = match validate(ctx, &request.query) {
        Ok(req) => req,
        Err(rejection) => return rejection.into_response(),
    };
    let client = ctx.config.client(&req.client_id);
    let supports = |name: &str| {
        client.is_some_and(|c| c.supported_identity_providers.iter().any(|p| p == name))
    };
    let idp = match (&req.identity_provider, &req.idp_identifier) {
        (Some(name), _) if name == "COGNITO" => None,
        (Some(name), _) => match ctx.config.identity_provider(name) {
            Some(idp) if supports(name) => Some(idp),
            _ => return error_redirect(&req, "invalid_request", Some("Invalid identity provider")),
        },
        (None, Some(identifier)) => match ctx.config.identity_provider_by_identifier(identifier) {
            Some(idp) if supports(&idp.provider_name) => Some(idp),
            _ => return error_redirect(&req, "invalid_request", Some("Invalid identity provider")),
        },
        (None, None) => None,
    };
    if let Some(idp) = idp {
        return crate::server::federation_start(ctx, idp, &req);
    }
    let now = ctx.now();
    let session = current_session(ctx, request)
        .filter(|s| req.max_age.is_none_or(|max| now - s.auth_time <= max));
    match (req.prompt.as_deref(), session) {
        (Some("login"), _) => {}
        (_, Some(session)) => return finish(ctx, &req, &session.username, session.auth_time),
        (Some("none"), None) => return error_redirect(&req, "login_required", None),
        _ => {}
    }
    let login_params: Vec<(&str, &str)> = req
        .params
        .0
        .iter()
        .filter(|(k, _)| k != "prompt")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    Response::redirect(&format!("/login?{}", encode_pairs(login_params)))
}

const XSRF_COOKIE: &str = "XSRF-TOKEN";

fn login_page(ctx: &Ctx, req: &AuthorizeRequest, csrf: &str, error: Option<&str>) -> Response {
    let mut hidden = String::new();
    for (name, value) in &req.params.0 {
        hidden.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
            html_escape(name),
            html_escape(value)
        ));
    }
    let mut idps = String::new();
    if let Some(client) = ctx.config.client(&req.client_id) {
        for provider in client
            .supported_identity_providers
            .iter()
            .filter(|p| *p != "COGNITO")
        {
            let mut params: Vec<(&str, &str)> = req
                .params
                .0
                .iter()
                .filter(|(k, _)| k != "identity_provider" && k != "idp_identifier")
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            params.push(("identity_provider", provider));
            idps.push_str(&format!(
                "<p><a class=\"idp\" href=\"/oauth2/authorize?{}\">Sign in with {}</a></p>\n",
                html_escape(&encode_pairs(params)),
                html_escape(provider)
            ));
        }
    }
    let error = error.map_or(String::new(), |e| {
        format!(
            "<p id=\"loginErrorMessage\" class=\"error\">{}</p>\n",
            html_escape(e)
        )
    });
    let body = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Signin</title></head><body>\n\
<h1>Sign in with your username and password</h1>\n{error}\
<form method=\"post\" action=\"/login\" name=\"cognitoSignInForm\">\n\
<input type=\"hidden\" name=\"_csrf\" value=\"{csrf}\">\n{hidden}\
<label for=\"signInFormUsername\">Username</label>\n\
<input id=\"signInFormUsername\" name=\"username\" type=\"text\" autocomplete=\"username\" value=\"{hint}\">\n\
<label for=\"signInFormPassword\">Password</label>\n\
<input id=\"signInFormPassword\" name=\"password\" type=\"password\" autocomplete=\"current-password\">\n\
<button type=\"submit\" name=\"signInSubmitButton\">Sign in</button>\n</form>\n{idps}</body></html>\n",
        csrf = html_escape(csrf),
        hint = html_escape(req.login_hint.as_deref().unwrap_or("")),
    );
    Response::html(200, body)
        .with_header(
            "Set-Cookie",
            &format!("{XSRF_COOKIE}={csrf}; Path=/; HttpOnly; SameSite=Lax"),
        )
        .no_store()
}

/// `GET /login` renders the form; `POST /login` signs in.
pub fn handle_login(ctx: &Ctx, request: &Request) -> Response {
    let posted = request.method == "POST";
    let params = if posted {
        request.form()
    } else {
        request.query.clone()
    };
    let req = match validate(ctx, &params) {
        Ok(req) => req,
        Err(rejection) => return rejection.into_response(),
    };
    if !posted {
        return login_page(ctx, &req, &random_token(24), None);
    }
    let csrf_ok = match (request.cookie(XSRF_COOKIE), params.get("_csrf")) {
        (Some(cookie), Some(field)) => crate::http::secret_eq(&cookie, field),
        _ => false,
    };
    if !csrf_ok {
        return login_page(
            ctx,
            &req,
            &random_token(24),
            Some("Your session has expired. Please try again."),
        );
    }
    let username = params.get("username").unwrap_or("");
    let password = params.get("password").unwrap_or("");
    match authenticate(ctx, username, password) {
        Ok(user) => complete_sign_in(ctx, &req, &user.username),
        Err(message) => login_page(ctx, &req, &random_token(24), Some(message)),
    }
}

/// `POST /_emulator/login`: signs in without a browser; answers `{"callbackUrl": …}`.
pub fn login_without_browser(
    ctx: &Ctx,
    authorize: &str,
    username: &str,
    password: &str,
) -> Response {
    let query = authorize.split_once('?').map_or(authorize, |(_, q)| q);
    let json_error = |status: u16, error: &str, message: &str| {
        Response::json(
            status,
            &serde_json::json!({"error": error, "message": message}),
        )
    };
    let req = match validate(ctx, &Params::parse(query)) {
        Ok(req) => req,
        Err(rejection @ Rejection::Redirect { .. }) => {
            let response = rejection.into_response();
            let location = response.header("Location").unwrap_or("").to_owned();
            return Response::json(200, &serde_json::json!({ "callbackUrl": location }));
        }
        Err(Rejection::Page { error, .. }) => return json_error(400, &error, "error page"),
    };
    match authenticate(ctx, username, password) {
        Ok(user) => {
            let response = complete_sign_in(ctx, &req, &user.username);
            let location = response.header("Location").unwrap_or("").to_owned();
            let cookie = response.header("Set-Cookie").unwrap_or("").to_owned();
            Response::json(
                200,
                &serde_json::json!({ "callbackUrl": location, "sessionCookie": cookie }),
            )
        }
        Err(message) => json_error(400, "NotAuthorizedException", message),
    }
}

/// `GET /logout` (docs/cognito.md#logout-endpoint).
pub fn handle_logout(ctx: &Ctx, request: &Request) -> Response {
    let params = &request.query;
    let client_id = params.get("client_id").unwrap_or("");
    let Some(client) = ctx.config.client(client_id) else {
        return error_page_redirect("Required parameters missing", client_id);
    };
    let clear = |response: Response| {
        if let Some(id) = request.cookie(SESSION_COOKIE) {
            ctx.store().sessions.remove(&id);
        }
        response.with_header("Set-Cookie", &session_cookie("", 0))
    };
    if let Some(logout_uri) = params.get("logout_uri") {
        if client.logout_urls.iter().any(|u| u == logout_uri) {
            let state = params
                .get("state")
                .filter(|_| ctx.config.quirks.logout_appends_state);
            let target = append_query(logout_uri, state.map(|s| ("state", s)));
            return clear(Response::redirect(&target));
        }
    }
    let Some(redirect_uri) = params.get("redirect_uri") else {
        let error = if params.get("logout_uri").is_some() {
            "Required String parameter 'redirect_uri' is not present"
        } else {
            "Required parameters missing"
        };
        return error_page_redirect(error, client_id);
    };
    if !client.callback_urls.iter().any(|u| u == redirect_uri) {
        return error_page_redirect("redirect_mismatch", client_id);
    }
    let Some(response_type) = params.get("response_type") else {
        return error_page_redirect("Required parameters missing", client_id);
    };
    let all_scopes = client.allowed_oauth_scopes.join(" ");
    let scope = params.get("scope").unwrap_or(&all_scopes);
    let mut pairs = vec![
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
        ("response_type", response_type),
        ("scope", scope),
    ];
    if let Some(state) = params.get("state") {
        pairs.push(("state", state));
    }
    clear(Response::redirect(&format!(
        "/login?{}",
        encode_pairs(pairs)
    )))
}

/// `GET /error`: the page Cognito shows when it cannot trust the redirect.
pub fn handle_error_page(request: &Request) -> Response {
    let error = request.query.get("error").unwrap_or("");
    Response::html(
        400,
        format!(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Error</title></head><body>\n\
<h1>An error was encountered with the requested page.</h1>\n<p id=\"errorMessage\">{}</p>\n</body></html>\n",
            html_escape(error)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::tests::test_ctx;

    const CONFIG: &str = r#"{"UserPool":{"UserPoolId":"us-east-1_Pool1"},
        "UserPoolClients":[{"ClientId":"c1","AllowedOAuthFlows":["code"],
            "AllowedOAuthScopes":["openid","email"],"CallbackURLs":["https://a/cb"]}],
        "Users":[{"Username":"jdoe","Password":"pw"}]}"#;

    fn check(ctx: &Ctx, query: &str) -> Result<AuthorizeRequest, Rejection> {
        validate(ctx, &Params::parse(query))
    }

    #[test]
    fn validation_order_and_shapes() {
        let ctx = test_ctx(CONFIG);
        assert!(
            matches!(check(&ctx, "client_id=zz"), Err(Rejection::Page { error, .. }) if error == "redirect_mismatch")
        );
        assert!(matches!(
            check(&ctx, "client_id=c1&redirect_uri=https://a/cb/"),
            Err(Rejection::Page { .. })
        ));
        let base = "client_id=c1&redirect_uri=https://a/cb&state=s1";
        let error_of = |q: &str| match check(&ctx, &format!("{base}&{q}")) {
            Err(Rejection::Redirect {
                error,
                description,
                state,
                ..
            }) => {
                assert_eq!(state.as_deref(), Some("s1"));
                (error, description)
            }
            other => panic!("{other:?}"),
        };
        assert_eq!(error_of("x=1").0, "invalid_request");
        assert_eq!(
            error_of("response_type=id_token").0,
            "unsupported_response_type"
        );
        assert_eq!(error_of("response_type=token").0, "unauthorized_client");
        assert_eq!(
            error_of("response_type=code&code_challenge_method=plain&code_challenge=x").0,
            "invalid_request"
        );
        assert_eq!(
            error_of("response_type=code&code_challenge=abc").0,
            "invalid_request"
        );
        assert_eq!(
            error_of("response_type=code&scope=openid+phone"),
            ("invalid_request".into(), Some("invalid_scope".into()))
        );
        let ok = check(&ctx, &format!("{base}&response_type=code&scope=email")).err();
        assert!(ok.is_some(), "email without openid leaves no scope");
        let ok = check(&ctx, &format!("{base}&response_type=code")).unwrap();
        assert_eq!(ok.scopes, vec!["openid", "email"]);
    }

    #[test]
    fn rejection_redirect_order() {
        let r = Rejection::Redirect {
            redirect_uri: "https://a/cb".into(),
            error: "invalid_request".into(),
            description: Some("invalid_scope".into()),
            state: Some("s".into()),
        }
        .into_response();
        assert_eq!(
            r.header("Location"),
            Some("https://a/cb?error_description=invalid_scope&state=s&error=invalid_request")
        );
    }

    #[test]
    fn complete_sign_in_issues_a_code_and_a_session() {
        let ctx = test_ctx(CONFIG);
        let req = check(
            &ctx,
            "client_id=c1&redirect_uri=https://a/cb&response_type=code&state=xyz",
        )
        .unwrap();
        let response = complete_sign_in(&ctx, &req, "jdoe");
        let location = response.header("Location").unwrap();
        assert!(location.starts_with("https://a/cb?code="));
        assert!(location.ends_with("&state=xyz"));
        assert!(response
            .header("Set-Cookie")
            .unwrap()
            .starts_with("cognito="));
        assert_eq!(ctx.store().codes.len(), 1);
        assert_eq!(ctx.store().sessions.len(), 1);
        let federation_error = error_redirect(&req, "invalid_request", Some("Bad token response"));
        assert_eq!(
            federation_error.header("Location"),
            Some(
                "https://a/cb?error_description=Bad+token+response&state=xyz&error=invalid_request"
            )
        );
    }

    #[test]
    fn authenticate_checks_password() {
        let ctx = test_ctx(CONFIG);
        assert!(authenticate(&ctx, "JDOE", "pw").is_ok());
        assert_eq!(
            authenticate(&ctx, "jdoe", "no").unwrap_err(),
            "Incorrect username or password."
        );
        assert!(authenticate(&ctx, "nobody", "pw").is_err());
    }
}
