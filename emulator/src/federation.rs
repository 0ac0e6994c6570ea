//! Federation with external OpenID Connect identity providers
//! (docs/cognito.md#federation-endpoints, #federation-with-oidc-providers).
//!
//! The emulator plays Cognito's part as an intermediate relying party:
//!
//! 1. `/oauth2/authorize?identity_provider=X` (or `idp_identifier=…`): the app's validated request
//!    is kept under a fresh `state` + `nonce`, and the browser goes to [`authorize_url`].
//! 2. `/oauth2/idpresponse?code=…&state=…`: [`sign_in`] exchanges the code with
//!    `client_secret_post`, validates the IdP ID token against the IdP's JWKS (kid, iss, aud, exp,
//!    nonce; RS256) and reads userInfo (`attributes_request_method` GET or POST). The merged claims,
//!    plus the IdP's raw `id_token` and `access_token`, then go through `AttributeMapping`
//!    ([`crate::user::plan_federated_user`]).
//!
//! Every IdP fault becomes a [`FederationError`] whose `Display` is the `error_description` sent to
//! the app (docs/cognito.md#federation-errors); nothing here panics on IdP input, and no token or
//! secret is ever part of an error. Deviation from Cognito: the IdP may be plain `http://` (meant
//! for loopback test IdPs such as `tests/idp/server.mjs`), on any port.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64ct::{Base64UrlUnpadded, Encoding};
use jwt_compact::{alg::Rsa, AlgorithmExt, UntrustedToken};
use rsa::{BigUint, RsaPublicKey};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use crate::authorize::{complete_sign_in, error_page_redirect, error_redirect, AuthorizeRequest};
use crate::config::{IdentityProvider, JsonObject, ProviderDetails};
use crate::http::{append_query, random_token, Request, Response};
use crate::state::Ctx;

/// How long the emulator waits for any single IdP call.
const IDP_TIMEOUT: Duration = Duration::from_secs(10);

/// Clock skew tolerated on the IdP ID token's `exp`.
const LEEWAY_SECONDS: i64 = 60;

/// The IdP endpoints the flow needs, from discovery or from explicit `ProviderDetails`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OidcEndpoints {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    #[serde(default)]
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: String,
}

/// A federation failure on the IdP leg. `Display` is the `error_description` delivered to the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FederationError {
    /// No usable discovery document at `oidc_issuer`.
    Discovery { provider: String },
    /// The token endpoint did not answer in time.
    TokenTimeout,
    /// The token endpoint could not be reached.
    TokenConnection,
    /// The token endpoint answered with an error status.
    TokenStatus { provider: String, status: u16 },
    /// The token response was not JSON with an `id_token` and an `access_token`.
    BadTokenResponse,
    /// The JWKS could not be fetched or parsed.
    Jwks,
    /// The IdP ID token failed validation.
    InvalidIdToken(&'static str),
    /// The userInfo endpoint failed or contradicted the ID token.
    UserInfo {
        provider: String,
        status: Option<u16>,
    },
    /// The IdP redirected back with `error=…`.
    Idp { provider: String, error: String },
}

impl fmt::Display for FederationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Discovery { provider } => {
                write!(
                    f,
                    "{provider} Error - unable to read the discovery document"
                )
            }
            Self::TokenTimeout => f.write_str("Timeout occurred in calling IdP token endpoint"),
            Self::TokenConnection => f.write_str("Connection reset"),
            Self::TokenStatus { provider, status } => {
                write!(f, "{provider} Error - {status} error getting token")
            }
            Self::BadTokenResponse => f.write_str("Bad token response"),
            Self::Jwks => f.write_str("Timeout in calling jwks uri"),
            Self::InvalidIdToken(reason) => write!(f, "Invalid identity token: {reason}"),
            Self::UserInfo {
                provider,
                status: Some(status),
            } => write!(f, "{provider} Error - {status} error getting user info"),
            Self::UserInfo {
                provider,
                status: None,
            } => write!(f, "{provider} Error - error getting user info"),
            Self::Idp { provider, error } => write!(f, "{provider} Error - {error}"),
        }
    }
}

impl std::error::Error for FederationError {}

/// The IdP's token response (only what Cognito uses).
#[derive(Deserialize)]
struct IdpTokens {
    id_token: String,
    access_token: String,
}

/// Optional pass-through parameters of the app's authorize request
/// (docs/cognito.md#federated-sign-in-flow step 2).
#[derive(Debug, Clone, Copy, Default)]
pub struct Passthrough<'a> {
    pub login_hint: Option<&'a str>,
    pub prompt: Option<&'a str>,
}

/// `/oauth2/authorize` for an external IdP: keeps the validated app request under a fresh `state`
/// and `nonce`, then sends the browser to the IdP. An unusable IdP is an error redirect to the app.
pub fn start(ctx: &Ctx, idp: &IdentityProvider, req: &AuthorizeRequest) -> Response {
    let nonce = random_token(32);
    let state = ctx.store_pending(req.clone(), &idp.provider_name, &nonce);
    let passthrough = Passthrough {
        login_hint: req.login_hint.as_deref(),
        prompt: req.prompt.as_deref(),
    };
    match authorize_url(idp, &idpresponse_uri(ctx), &state, &nonce, passthrough) {
        Ok(url) => Response::redirect(&url),
        Err(error) => {
            ctx.take_pending(&state);
            error_redirect(req, "invalid_request", Some(&error.to_string()))
        }
    }
}

/// `GET /oauth2/idpresponse`: the IdP's answer. An unknown, reused or expired `state` goes to the
/// `/error` page (there is no trustworthy app to redirect to); every later failure is an error
/// redirect to the app (docs/cognito.md#federation-errors); success creates or updates the
/// federated user and completes the sign-in with a Cognito code (or tokens).
pub fn handle_idpresponse(ctx: &Ctx, request: &Request) -> Response {
    let pending = request
        .query
        .get("state")
        .and_then(|state| ctx.take_pending(state));
    let Some(pending) = pending else {
        return invalid_state_page();
    };
    let Some(idp) = ctx.config.identity_provider(&pending.provider_name) else {
        return invalid_state_page();
    };
    let mut req = pending.request;
    let fail = |req: &AuthorizeRequest, error: &dyn fmt::Display| {
        error_redirect(req, "invalid_request", Some(&error.to_string()))
    };
    let code = match (request.query.get("error"), request.query.get("code")) {
        (None, Some(code)) => code,
        (error, _) => {
            let error = FederationError::Idp {
                provider: idp.provider_name.clone(),
                error: error.unwrap_or("no authorization code").to_owned(),
            };
            return fail(&req, &error);
        }
    };
    // The IdP's clock is the real one: `/_emulator/clock` shifts do not apply to its tokens.
    let claims = match sign_in(
        idp,
        &idpresponse_uri(ctx),
        code,
        &pending.nonce,
        system_now(),
    ) {
        Ok(claims) => claims,
        Err(error) => return fail(&req, &error),
    };
    let username = match ctx.upsert_federated_user(idp, &claims) {
        Ok(username) => username,
        Err(error) => return fail(&req, &error.0),
    };
    // Without an app nonce, the ID token carries Cognito's own (docs/cognito.md#id-token-claims).
    req.nonce.get_or_insert(pending.nonce);
    complete_sign_in(ctx, &req, &username)
}

/// The `/error` page (docs/cognito.md#federation-errors observed "Invalid state"): no trustworthy
/// app to go back to.
fn invalid_state_page() -> Response {
    error_page_redirect("Invalid state", "")
}

/// The system clock, epoch seconds.
fn system_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        })
}

/// The emulator's `/oauth2/idpresponse`, the redirect URI registered at every IdP.
fn idpresponse_uri(ctx: &Ctx) -> String {
    format!("{}/oauth2/idpresponse", ctx.base_url)
}

/// An HTTP client for IdP calls: bounded in time, no redirects, error statuses as responses.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(IDP_TIMEOUT))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

/// The IdP authorize URL for a new federated sign-in
/// (docs/cognito.md#federated-sign-in-flow step 2), carrying the emulator's own `state` and `nonce`.
pub fn authorize_url(
    idp: &IdentityProvider,
    idpresponse_uri: &str,
    state: &str,
    nonce: &str,
    passthrough: Passthrough<'_>,
) -> Result<String, FederationError> {
    let endpoints = endpoints(&agent(), idp)?;
    Ok(build_authorize_url(
        &endpoints,
        &idp.provider_details,
        idpresponse_uri,
        state,
        nonce,
        passthrough,
    ))
}

/// Finishes the IdP leg (code exchange, ID token validation against `nonce`, userInfo) and returns
/// the merged ID token + userInfo claims, with the raw IdP tokens under `id_token` and
/// `access_token` for `AttributeMapping`.
pub fn sign_in(
    idp: &IdentityProvider,
    idpresponse_uri: &str,
    code: &str,
    nonce: &str,
    now: i64,
) -> Result<JsonObject, FederationError> {
    let agent = agent();
    let provider = idp.provider_name.as_str();
    let details = &idp.provider_details;
    let endpoints = endpoints(&agent, idp)?;
    let tokens = exchange_code(&agent, provider, &endpoints, details, code, idpresponse_uri)?;
    let jwks: Jwks = get_json(&agent, &endpoints.jwks_uri).ok_or(FederationError::Jwks)?;
    let expected = IdTokenExpectations {
        issuer: &endpoints.issuer,
        client_id: &details.client_id,
        nonce,
        now,
    };
    let mut claims = validate_id_token(&tokens.id_token, &jwks, &expected)?;
    if let Some(url) = &endpoints.userinfo_endpoint {
        let post = details
            .attributes_request_method
            .eq_ignore_ascii_case("POST");
        let info = userinfo(&agent, provider, url, post, &tokens.access_token)?;
        // userInfo must describe the ID token's subject (OIDC Core §5.3.2).
        if info
            .get("sub")
            .is_some_and(|sub| Some(sub) != claims.get("sub"))
        {
            return Err(FederationError::UserInfo {
                provider: provider.to_owned(),
                status: None,
            });
        }
        claims.extend(info);
    }
    claims.insert("id_token".into(), Value::String(tokens.id_token));
    claims.insert("access_token".into(), Value::String(tokens.access_token));
    Ok(claims)
}

/// The provider's endpoints: explicit `ProviderDetails` URLs when all are given, else discovery at
/// `oidc_issuer` (with `attributes_url`, when given, overriding userInfo).
fn endpoints(
    agent: &ureq::Agent,
    idp: &IdentityProvider,
) -> Result<OidcEndpoints, FederationError> {
    let details = &idp.provider_details;
    if let (Some(authorization), Some(token), Some(jwks)) = (
        &details.authorize_url,
        &details.token_url,
        &details.jwks_uri,
    ) {
        return Ok(OidcEndpoints {
            issuer: details.oidc_issuer.clone().unwrap_or_default(),
            authorization_endpoint: authorization.clone(),
            token_endpoint: token.clone(),
            userinfo_endpoint: details.attributes_url.clone(),
            jwks_uri: jwks.clone(),
        });
    }
    let discovery_error = || FederationError::Discovery {
        provider: idp.provider_name.clone(),
    };
    let issuer = details.oidc_issuer.as_deref().ok_or_else(discovery_error)?;
    let url = format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    );
    let mut endpoints: OidcEndpoints = get_json(agent, &url).ok_or_else(discovery_error)?;
    if details.attributes_url.is_some() {
        endpoints
            .userinfo_endpoint
            .clone_from(&details.attributes_url);
    }
    Ok(endpoints)
}

fn exchange_code(
    agent: &ureq::Agent,
    provider: &str,
    endpoints: &OidcEndpoints,
    details: &ProviderDetails,
    code: &str,
    redirect_uri: &str,
) -> Result<IdpTokens, FederationError> {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("client_id", details.client_id.as_str()),
        (
            "client_secret",
            details.client_secret.as_deref().unwrap_or(""),
        ),
    ];
    let response = agent.post(&endpoints.token_endpoint).send_form(form);
    let (status, body) = read(response).map_err(|error| match error {
        ureq::Error::Timeout(_) => FederationError::TokenTimeout,
        _ => FederationError::TokenConnection,
    })?;
    if status != 200 {
        return Err(FederationError::TokenStatus {
            provider: provider.to_owned(),
            status,
        });
    }
    serde_json::from_str(&body).map_err(|_| FederationError::BadTokenResponse)
}

fn userinfo(
    agent: &ureq::Agent,
    provider: &str,
    url: &str,
    post: bool,
    access_token: &str,
) -> Result<JsonObject, FederationError> {
    let failed = |status| FederationError::UserInfo {
        provider: provider.to_owned(),
        status,
    };
    let bearer = format!("Bearer {access_token}");
    let response = if post {
        read(
            agent
                .post(url)
                .header("Authorization", &bearer)
                .send_empty(),
        )
    } else {
        get(agent, url, Some(&bearer))
    };
    let (status, body) = response.map_err(|_| failed(None))?;
    if status != 200 {
        return Err(failed(Some(status)));
    }
    serde_json::from_str(&body).map_err(|_| failed(Some(status)))
}

fn get(
    agent: &ureq::Agent,
    url: &str,
    authorization: Option<&str>,
) -> Result<(u16, String), ureq::Error> {
    let request = agent.get(url);
    let request = match authorization {
        Some(value) => request.header("Authorization", value),
        None => request,
    };
    read(request.call())
}

/// A `200` JSON document, or `None` on any failure.
fn get_json<T: DeserializeOwned>(agent: &ureq::Agent, url: &str) -> Option<T> {
    match get(agent, url, None) {
        Ok((200, body)) => serde_json::from_str(&body).ok(),
        _ => None,
    }
}

/// Status and body text of a response.
fn read(
    response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<(u16, String), ureq::Error> {
    let mut response = response?;
    let status = response.status().as_u16();
    Ok((status, response.body_mut().read_to_string()?))
}

/// The IdP authorize URL (docs/cognito.md#federated-sign-in-flow step 2).
fn build_authorize_url(
    endpoints: &OidcEndpoints,
    details: &ProviderDetails,
    idpresponse_uri: &str,
    state: &str,
    nonce: &str,
    passthrough: Passthrough<'_>,
) -> String {
    let mut pairs = vec![
        ("response_type", "code"),
        ("client_id", details.client_id.as_str()),
        ("redirect_uri", idpresponse_uri),
        ("scope", details.authorize_scopes.as_str()),
        ("state", state),
        ("nonce", nonce),
    ];
    if let Some(hint) = passthrough.login_hint {
        pairs.push(("login_hint", hint));
    }
    if let Some(prompt) = passthrough.prompt.filter(|prompt| *prompt != "none") {
        pairs.push(("prompt", prompt));
    }
    append_query(&endpoints.authorization_endpoint, pairs)
}

/// A JSON Web Key Set; only RSA keys can match.
#[derive(Debug, Clone, Deserialize)]
struct Jwks {
    keys: Vec<Value>,
}

impl Jwks {
    /// The RSA public key with this `kid`.
    fn rsa_key(&self, kid: &str) -> Option<RsaPublicKey> {
        let key = self
            .keys
            .iter()
            .find(|key| key.get("kid").and_then(Value::as_str) == Some(kid))?;
        if key.get("kty").and_then(Value::as_str) != Some("RSA") {
            return None;
        }
        let number = |name: &str| {
            let text = key.get(name)?.as_str()?;
            let bytes = Base64UrlUnpadded::decode_vec(text).ok()?;
            Some(BigUint::from_bytes_be(&bytes))
        };
        RsaPublicKey::new(number("n")?, number("e")?).ok()
    }
}

/// What the IdP ID token must match.
#[derive(Debug, Clone, Copy)]
struct IdTokenExpectations<'a> {
    issuer: &'a str,
    client_id: &'a str,
    nonce: &'a str,
    /// Current emulator time, epoch seconds.
    now: i64,
}

/// Validates the IdP ID token (RS256 only: the signature by `kid`, then `iss`, `aud`, `exp`,
/// `nonce` and a non-empty `sub`) and returns its claims.
fn validate_id_token(
    id_token: &str,
    jwks: &Jwks,
    expected: &IdTokenExpectations<'_>,
) -> Result<JsonObject, FederationError> {
    use FederationError::InvalidIdToken;
    let token = UntrustedToken::new(id_token).map_err(|_| InvalidIdToken("malformed token"))?;
    if token.algorithm() != "RS256" {
        return Err(InvalidIdToken("unsupported algorithm"));
    }
    let kid = token
        .header()
        .key_id
        .as_deref()
        .ok_or(InvalidIdToken("no kid"))?;
    let key = jwks.rsa_key(kid).ok_or(InvalidIdToken("unknown kid"))?;
    let verified = Rsa::rs256()
        .validator::<JsonObject>(&key)
        .validate(&token)
        .map_err(|_| InvalidIdToken("bad signature"))?;
    let claims = verified.claims();
    let custom = &claims.custom;
    let text = |name: &str| custom.get(name).and_then(Value::as_str);
    if text("iss") != Some(expected.issuer) {
        return Err(InvalidIdToken("issuer mismatch"));
    }
    let audience_ok = match custom.get("aud") {
        Some(Value::String(aud)) => aud == expected.client_id,
        Some(Value::Array(auds)) => auds
            .iter()
            .any(|aud| aud.as_str() == Some(expected.client_id)),
        _ => false,
    };
    if !audience_ok {
        return Err(InvalidIdToken("audience mismatch"));
    }
    match claims.expiration {
        Some(exp) if exp.timestamp() + LEEWAY_SECONDS > expected.now => {}
        _ => return Err(InvalidIdToken("expired")),
    }
    if text("nonce") != Some(expected.nonce) {
        return Err(InvalidIdToken("nonce mismatch"));
    }
    if text("sub").is_none_or(str::is_empty) {
        return Err(InvalidIdToken("no subject"));
    }
    Ok(custom.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jwt_compact::{Claims, Header};
    use rsa::{traits::PublicKeyParts, RsaPrivateKey};
    use serde_json::json;

    const ISSUER: &str = "http://127.0.0.1:9/idp";
    const NOW: i64 = 1_800_000_000;

    /// Two RSA keys, generated once (key generation is slow in debug builds).
    fn keys() -> &'static [RsaPrivateKey; 2] {
        static KEYS: std::sync::OnceLock<[RsaPrivateKey; 2]> = std::sync::OnceLock::new();
        KEYS.get_or_init(|| {
            [0, 1].map(|_| RsaPrivateKey::new(&mut rand::thread_rng(), 2048).expect("key"))
        })
    }

    fn jwks(key: &RsaPrivateKey, kid: &str) -> Jwks {
        let public = key.to_public_key();
        let b64 = |n: &BigUint| Base64UrlUnpadded::encode_string(&n.to_bytes_be());
        Jwks {
            keys: vec![
                json!({"kty": "RSA", "kid": kid, "n": b64(public.n()), "e": b64(public.e())}),
            ],
        }
    }

    fn sign(key: &RsaPrivateKey, kid: &str, claims: Value, exp: i64) -> String {
        let header = Header::empty().with_key_id(kid);
        let Value::Object(mut custom) = claims else {
            panic!("claims must be an object")
        };
        custom.insert("exp".to_owned(), exp.into());
        Rsa::rs256()
            .token(&header, &Claims::new(custom), key)
            .expect("sign")
    }

    fn expectations() -> IdTokenExpectations<'static> {
        IdTokenExpectations {
            issuer: ISSUER,
            client_id: "cog",
            nonce: "n-1",
            now: NOW,
        }
    }

    fn good_claims() -> Value {
        json!({"iss": ISSUER, "aud": "cog", "nonce": "n-1", "sub": "alice", "email": "a@x"})
    }

    #[test]
    fn accepts_a_valid_id_token_and_returns_its_claims() {
        let key = &keys()[0];
        let token = sign(key, "k1", good_claims(), NOW + 60);
        let claims = validate_id_token(&token, &jwks(key, "k1"), &expectations()).expect("valid");
        assert_eq!(claims["sub"], "alice");
        assert_eq!(claims["email"], "a@x");
        let audiences = json!({"iss": ISSUER, "aud": ["x", "cog"], "nonce": "n-1", "sub": "a"});
        let token = sign(key, "k1", audiences, NOW + 60);
        assert!(validate_id_token(&token, &jwks(key, "k1"), &expectations()).is_ok());
    }

    #[test]
    fn rejects_each_broken_id_token_with_its_reason() {
        let [key, other_key] = keys();
        let set = jwks(key, "k1");
        let with = |field: &str, value: Value| {
            let mut claims = good_claims();
            claims[field] = value;
            claims
        };
        let cases = [
            (sign(key, "k2", good_claims(), NOW + 60), "unknown kid"),
            (sign(key, "k1", good_claims(), NOW - 120), "expired"),
            (
                sign(key, "k1", with("iss", "http://evil".into()), NOW + 60),
                "issuer mismatch",
            ),
            (
                sign(key, "k1", with("aud", "other".into()), NOW + 60),
                "audience mismatch",
            ),
            (
                sign(key, "k1", with("nonce", "n-2".into()), NOW + 60),
                "nonce mismatch",
            ),
            (
                sign(key, "k1", with("sub", "".into()), NOW + 60),
                "no subject",
            ),
            (
                sign(other_key, "k1", good_claims(), NOW + 60),
                "bad signature",
            ),
            ("not-a-jwt".to_owned(), "malformed token"),
        ];
        for (token, reason) in cases {
            let error = validate_id_token(&token, &set, &expectations()).expect_err(reason);
            assert_eq!(error, FederationError::InvalidIdToken(reason));
            assert_eq!(
                error.to_string(),
                format!("Invalid identity token: {reason}")
            );
        }
    }

    #[test]
    fn authorize_url_carries_cognitos_parameters() {
        let endpoints = OidcEndpoints {
            issuer: ISSUER.to_owned(),
            authorization_endpoint: format!("{ISSUER}/auth"),
            token_endpoint: String::new(),
            userinfo_endpoint: None,
            jwks_uri: String::new(),
        };
        let details: ProviderDetails =
            serde_json::from_value(json!({"client_id": "cog", "authorize_scopes": "openid email"}))
                .expect("details");
        let passthrough = Passthrough {
            login_hint: Some("a@x"),
            prompt: Some("none"),
        };
        let url = build_authorize_url(
            &endpoints,
            &details,
            "http://e/oauth2/idpresponse",
            "s",
            "n",
            passthrough,
        );
        assert_eq!(
            url,
            "http://127.0.0.1:9/idp/auth?response_type=code&client_id=cog\
             &redirect_uri=http%3A%2F%2Fe%2Foauth2%2Fidpresponse&scope=openid+email&state=s&nonce=n\
             &login_hint=a%40x"
        );
    }
}
