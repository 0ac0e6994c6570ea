//! Federation with external OpenID Connect identity providers (reference §8, §11).
//!
//! The emulator plays Cognito's part as an intermediate relying party:
//!
//! 1. `/oauth2/authorize?identity_provider=X` (or `idp_identifier=…`): [`Federation::begin`] keeps
//!    the app's (already validated) request under a fresh `state` + `nonce` and returns the IdP's
//!    authorize URL.
//! 2. `/oauth2/idpresponse?code=…&state=…`: [`Federation::complete`] exchanges the code with
//!    `client_secret_post`, validates the IdP ID token against the IdP's JWKS (kid, iss, aud, exp,
//!    nonce; RS256), reads userInfo (`attributes_request_method` GET or POST) and applies the
//!    `AttributeMapping`, including the IdP's raw `id_token` / `access_token`.
//!
//! Every IdP fault becomes a [`FederationError`] whose `Display` is the `error_description` sent to
//! the app (reference §8.3); nothing here panics on IdP input. Deviation from Cognito: the IdP may be
//! plain `http://` (meant for loopback test IdPs such as `tests/idp/server.mjs`).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use base64ct::{Base64UrlUnpadded, Encoding};
use jwt_compact::{alg::Rsa, AlgorithmExt, Claims, UntrustedToken};
use rand::RngCore;
use rsa::{BigUint, RsaPublicKey};
use serde::Deserialize;
use serde_json::{Map, Value};

/// Cognito's limit on the length of any attribute value.
pub const MAX_ATTRIBUTE_LENGTH: usize = 2048;

/// How long a federation round trip may take (reference §9.8).
pub const ROUND_TRIP_SECONDS: u64 = 300;

/// How long the emulator waits for any single IdP call.
const IDP_TIMEOUT: Duration = Duration::from_secs(10);

/// Clock skew tolerated on the IdP ID token's `exp`.
const LEEWAY_SECONDS: i64 = 60;

/// `ProviderDetails` of an OIDC identity provider (reference §11.2), in Cognito's key names.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProviderDetails {
    pub client_id: String,
    #[serde(default)]
    pub client_secret: String,
    #[serde(default = "default_scopes")]
    pub authorize_scopes: String,
    #[serde(default)]
    pub attributes_request_method: RequestMethod,
    #[serde(default)]
    pub oidc_issuer: Option<String>,
    #[serde(default)]
    pub authorize_url: Option<String>,
    #[serde(default)]
    pub token_url: Option<String>,
    #[serde(default)]
    pub attributes_url: Option<String>,
    #[serde(default)]
    pub jwks_uri: Option<String>,
}

fn default_scopes() -> String {
    "openid".to_owned()
}

/// How the IdP's userInfo endpoint is called.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RequestMethod {
    #[default]
    Get,
    Post,
}

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

/// A federation failure. `Display` is the exact `error_description` delivered to the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FederationError {
    /// No discovery document (or no explicit endpoints) for the provider.
    Discovery { provider: String },
    /// The token endpoint did not answer in time.
    TokenTimeout,
    /// The token endpoint could not be reached.
    TokenConnection,
    /// The token endpoint answered with an error status.
    TokenStatus { provider: String, status: u16 },
    /// The token response was not JSON with an `id_token` and `access_token`.
    BadTokenResponse,
    /// The JWKS could not be fetched or parsed.
    Jwks,
    /// The IdP ID token failed validation.
    InvalidIdToken(&'static str),
    /// The userInfo endpoint failed.
    UserInfo {
        provider: String,
        status: Option<u16>,
    },
    /// A mapped value is longer than an attribute may be.
    AttributeTooLong { max: usize },
    /// The IdP redirected back with `error=…`.
    Idp { provider: String, error: String },
}

impl fmt::Display for FederationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Discovery { provider } => write!(
                f,
                "{provider} Error - unable to read the IdP discovery document"
            ),
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
            } => {
                write!(f, "{provider} Error - {status} error getting user info")
            }
            Self::UserInfo {
                provider,
                status: None,
            } => write!(f, "{provider} Error - error getting user info"),
            Self::AttributeTooLong { max } => write!(
                f,
                "String attributes cannot have a length of more than {max}"
            ),
            Self::Idp { provider, error } => write!(f, "{provider} Error - {error}"),
        }
    }
}

impl std::error::Error for FederationError {}

/// The IdP's token response (only what Cognito uses).
#[derive(Clone, Deserialize)]
pub struct IdpTokens {
    pub id_token: String,
    pub access_token: String,
}

impl fmt::Debug for IdpTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdpTokens([redacted])")
    }
}

/// A signed-in external identity: the merged ID token + userInfo claims and the raw IdP tokens.
#[derive(Debug, Clone)]
pub struct ExternalIdentity {
    pub claims: Map<String, Value>,
    pub tokens: IdpTokens,
}

/// A sign-in waiting for the IdP to come back.
#[derive(Debug)]
pub struct Pending<R> {
    pub provider: String,
    pub nonce: String,
    pub request: R,
    expires_at: u64,
}

/// Outbound HTTP to IdPs plus the pending round trips, keyed by the state sent to the IdP.
/// `R` is the app's validated authorize request, handed back untouched on completion.
pub struct Federation<R> {
    agent: ureq::Agent,
    pending: Mutex<HashMap<String, Pending<R>>>,
}

impl<R> fmt::Debug for Federation<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Federation").finish_non_exhaustive()
    }
}

impl<R> Default for Federation<R> {
    fn default() -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(IDP_TIMEOUT))
            .http_status_as_error(false)
            .max_redirects(0)
            .build();
        Self {
            agent: config.into(),
            pending: Mutex::new(HashMap::new()),
        }
    }
}

/// A random URL-safe token (state, nonce).
fn random_token() -> String {
    let mut bytes = [0_u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    Base64UrlUnpadded::encode_string(&bytes)
}

/// Optional pass-through parameters of the app's authorize request (reference §11.3 step 2).
#[derive(Debug, Clone, Copy, Default)]
pub struct Passthrough<'a> {
    pub login_hint: Option<&'a str>,
    pub prompt: Option<&'a str>,
}

impl<R> Federation<R> {
    /// Resolves the provider's endpoints: explicit `ProviderDetails` URLs win, else discovery at
    /// `oidc_issuer`.
    pub fn endpoints(
        &self,
        provider: &str,
        details: &ProviderDetails,
    ) -> Result<OidcEndpoints, FederationError> {
        let discovery_error = || FederationError::Discovery {
            provider: provider.to_owned(),
        };
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
        let issuer = details.oidc_issuer.as_deref().ok_or_else(discovery_error)?;
        let url = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let (status, body) = self.get(&url, None).map_err(|_| discovery_error())?;
        if status != 200 {
            return Err(discovery_error());
        }
        let mut endpoints: OidcEndpoints =
            serde_json::from_str(&body).map_err(|_| discovery_error())?;
        if let Some(attributes) = &details.attributes_url {
            endpoints.userinfo_endpoint = Some(attributes.clone());
        }
        Ok(endpoints)
    }

    /// Starts a federated sign-in: remembers `request` and returns the IdP authorize URL.
    #[allow(clippy::too_many_arguments)]
    pub fn begin(
        &self,
        provider: &str,
        details: &ProviderDetails,
        idpresponse_uri: &str,
        passthrough: Passthrough<'_>,
        request: R,
        now: u64,
    ) -> Result<String, FederationError> {
        let endpoints = self.endpoints(provider, details)?;
        let state = random_token();
        let nonce = random_token();
        let url = build_authorize_url(
            &endpoints,
            details,
            idpresponse_uri,
            &state,
            &nonce,
            passthrough,
        );
        let mut pending = self
            .pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        pending.retain(|_, entry| entry.expires_at > now);
        pending.insert(
            state,
            Pending {
                provider: provider.to_owned(),
                nonce,
                request,
                expires_at: now + ROUND_TRIP_SECONDS,
            },
        );
        Ok(url)
    }

    /// Takes the pending sign-in for `state` (single use). `None` for unknown or expired states.
    pub fn take(&self, state: &str, now: u64) -> Option<Pending<R>> {
        let mut pending = self
            .pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        pending.remove(state).filter(|entry| entry.expires_at > now)
    }

    /// Finishes the IdP leg: code exchange, ID token validation, userInfo.
    pub fn complete(
        &self,
        pending: &Pending<R>,
        details: &ProviderDetails,
        idpresponse_uri: &str,
        code: &str,
        now: u64,
    ) -> Result<ExternalIdentity, FederationError> {
        let provider = pending.provider.as_str();
        let endpoints = self.endpoints(provider, details)?;
        let tokens = self.exchange_code(provider, &endpoints, details, code, idpresponse_uri)?;
        let (_, jwks) = self
            .get(&endpoints.jwks_uri, None)
            .map_err(|_| FederationError::Jwks)?;
        let jwks: Jwks = serde_json::from_str(&jwks).map_err(|_| FederationError::Jwks)?;
        let expected = IdTokenExpectations {
            issuer: &endpoints.issuer,
            client_id: &details.client_id,
            nonce: &pending.nonce,
            now,
        };
        let mut claims = validate_id_token(&tokens.id_token, &jwks, &expected)?;
        if let Some(userinfo) = &endpoints.userinfo_endpoint {
            let info = self.userinfo(
                provider,
                userinfo,
                details.attributes_request_method,
                &tokens.access_token,
            )?;
            // userInfo may not contradict the ID token's subject (OIDC Core §5.3.2).
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
        Ok(ExternalIdentity { claims, tokens })
    }

    fn exchange_code(
        &self,
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
            ("client_secret", details.client_secret.as_str()),
        ];
        let mut response = self
            .agent
            .post(&endpoints.token_endpoint)
            .send_form(form)
            .map_err(|error| match error {
                ureq::Error::Timeout(_) => FederationError::TokenTimeout,
                _ => FederationError::TokenConnection,
            })?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(FederationError::TokenStatus {
                provider: provider.to_owned(),
                status,
            });
        }
        let body = response
            .body_mut()
            .read_to_string()
            .map_err(|_| FederationError::BadTokenResponse)?;
        serde_json::from_str(&body).map_err(|_| FederationError::BadTokenResponse)
    }

    fn userinfo(
        &self,
        provider: &str,
        url: &str,
        method: RequestMethod,
        access_token: &str,
    ) -> Result<Map<String, Value>, FederationError> {
        let failed = |status| FederationError::UserInfo {
            provider: provider.to_owned(),
            status,
        };
        let bearer = format!("Bearer {access_token}");
        let (status, body) = match method {
            RequestMethod::Get => self.get(url, Some(&bearer)),
            RequestMethod::Post => read(
                self.agent
                    .post(url)
                    .header("Authorization", &bearer)
                    .send_empty(),
            ),
        }
        .map_err(|_| failed(None))?;
        if status != 200 {
            return Err(failed(Some(status)));
        }
        serde_json::from_str(&body).map_err(|_| failed(Some(status)))
    }

    fn get(&self, url: &str, authorization: Option<&str>) -> Result<(u16, String), ureq::Error> {
        let request = self.agent.get(url);
        let request = match authorization {
            Some(value) => request.header("Authorization", value),
            None => request,
        };
        read(request.call())
    }
}

fn read(
    response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<(u16, String), ureq::Error> {
    let mut response = response?;
    let status = response.status().as_u16();
    Ok((status, response.body_mut().read_to_string()?))
}

/// The IdP authorize URL (reference §11.3 step 2).
pub fn build_authorize_url(
    endpoints: &OidcEndpoints,
    details: &ProviderDetails,
    idpresponse_uri: &str,
    state: &str,
    nonce: &str,
    passthrough: Passthrough<'_>,
) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("response_type", "code")
        .append_pair("client_id", &details.client_id)
        .append_pair("redirect_uri", idpresponse_uri)
        .append_pair("scope", &details.authorize_scopes)
        .append_pair("state", state)
        .append_pair("nonce", nonce);
    if let Some(hint) = passthrough.login_hint {
        query.append_pair("login_hint", hint);
    }
    if let Some(prompt) = passthrough.prompt.filter(|prompt| *prompt != "none") {
        query.append_pair("prompt", prompt);
    }
    let separator = if endpoints.authorization_endpoint.contains('?') {
        '&'
    } else {
        '?'
    };
    format!(
        "{}{separator}{}",
        endpoints.authorization_endpoint,
        query.finish()
    )
}

/// A JSON Web Key Set, RSA keys only (others are ignored).
#[derive(Debug, Clone, Deserialize)]
pub struct Jwks {
    pub keys: Vec<Value>,
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
            Base64UrlUnpadded::decode_vec(text)
                .ok()
                .map(|bytes| BigUint::from_bytes_be(&bytes))
        };
        RsaPublicKey::new(number("n")?, number("e")?).ok()
    }
}

/// What the IdP ID token must match.
#[derive(Debug, Clone, Copy)]
pub struct IdTokenExpectations<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub nonce: &'a str,
    /// Current time, epoch seconds.
    pub now: u64,
}

/// Validates the IdP ID token (RS256 only: the signature by `kid`, then `iss`, `aud`, `exp` and
/// `nonce`) and returns its claims.
pub fn validate_id_token(
    id_token: &str,
    jwks: &Jwks,
    expected: &IdTokenExpectations<'_>,
) -> Result<Map<String, Value>, FederationError> {
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
        .validator::<Map<String, Value>>(&key)
        .validate(&token)
        .map_err(|_| InvalidIdToken("bad signature"))?;
    let claims: &Claims<Map<String, Value>> = verified.claims();
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
    let now = i64::try_from(expected.now).unwrap_or(i64::MAX);
    match claims.expiration {
        Some(exp) if exp.timestamp() + LEEWAY_SECONDS > now => {}
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

/// Renders one IdP claim as an attribute string: strings as they are, other scalars as JSON text,
/// multi-valued claims URL-form-encoded and comma-joined (reference §11.5).
fn claim_to_string(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(claim_to_string)
                .map(|item| form_urlencoded::byte_serialize(item.as_bytes()).collect::<String>())
                .collect::<Vec<_>>()
                .join(","),
        ),
        other => Some(other.to_string()),
    }
}

/// Applies `AttributeMapping` (pool attribute → IdP claim). The IdP claims `id_token` and
/// `access_token` name the IdP's raw tokens. Claims the IdP did not send are skipped (the old
/// value stays). Any value longer than [`MAX_ATTRIBUTE_LENGTH`] fails the sign-in.
pub fn map_attributes(
    mapping: &BTreeMap<String, String>,
    identity: &ExternalIdentity,
) -> Result<BTreeMap<String, String>, FederationError> {
    let mut attributes = BTreeMap::new();
    for (attribute, claim) in mapping {
        let value = match claim.as_str() {
            "id_token" => Some(identity.tokens.id_token.clone()),
            "access_token" => Some(identity.tokens.access_token.clone()),
            _ => identity.claims.get(claim).and_then(claim_to_string),
        };
        if let Some(value) = value {
            if value.chars().count() > MAX_ATTRIBUTE_LENGTH {
                return Err(FederationError::AttributeTooLong {
                    max: MAX_ATTRIBUTE_LENGTH,
                });
            }
            attributes.insert(attribute.clone(), value);
        }
    }
    Ok(attributes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jwt_compact::Header;
    use rsa::{traits::PublicKeyParts, RsaPrivateKey};

    const ISSUER: &str = "http://127.0.0.1:9/idp";
    const NOW: u64 = 1_800_000_000;

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
                serde_json::json!({"kty": "RSA", "kid": kid, "n": b64(public.n()), "e": b64(public.e())}),
            ],
        }
    }

    fn sign(key: &RsaPrivateKey, kid: &str, claims: Value, exp: u64) -> String {
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
        serde_json::json!({"iss": ISSUER, "aud": "cog", "nonce": "n-1", "sub": "alice", "email": "a@x"})
    }

    #[test]
    fn accepts_a_valid_id_token_and_returns_its_claims() {
        let key = &keys()[0];
        let token = sign(key, "k1", good_claims(), NOW + 60);
        let claims = validate_id_token(&token, &jwks(key, "k1"), &expectations()).expect("valid");
        assert_eq!(claims["sub"], "alice");
        assert_eq!(claims["email"], "a@x");
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
        let audiences = with("aud", serde_json::json!(["x", "cog"]));
        assert!(
            validate_id_token(&sign(key, "k1", audiences, NOW + 60), &set, &expectations()).is_ok()
        );
    }

    fn identity(claims: Value, id_token: &str) -> ExternalIdentity {
        let Value::Object(claims) = claims else {
            panic!("object")
        };
        ExternalIdentity {
            claims,
            tokens: IdpTokens {
                id_token: id_token.to_owned(),
                access_token: "at-1".to_owned(),
            },
        }
    }

    fn mapping(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(a, c)| ((*a).to_owned(), (*c).to_owned()))
            .collect()
    }

    #[test]
    fn maps_claims_and_raw_tokens_into_attributes() {
        let identity = identity(
            serde_json::json!({"sub": "alice", "email_verified": true, "groups": ["a b", "c.d"], "age": 42}),
            "the.id.token",
        );
        let map = mapping(&[
            ("email_verified", "email_verified"),
            ("custom:groups", "groups"),
            ("custom:age", "age"),
            ("custom:id_token", "id_token"),
            ("custom:access_token", "access_token"),
            ("name", "name"),
        ]);
        let attributes = map_attributes(&map, &identity).expect("mapped");
        assert_eq!(
            attributes,
            mapping(&[
                ("email_verified", "true"),
                ("custom:groups", "a+b,c.d"),
                ("custom:age", "42"),
                ("custom:id_token", "the.id.token"),
                ("custom:access_token", "at-1"),
            ])
        );
    }

    #[test]
    fn a_value_over_2048_characters_fails_with_cognitos_text() {
        let map = mapping(&[("custom:id_token", "id_token")]);
        assert!(map_attributes(&map, &identity(serde_json::json!({}), &"x".repeat(2048))).is_ok());
        let error = map_attributes(&map, &identity(serde_json::json!({}), &"x".repeat(2049)))
            .expect_err("too long");
        assert_eq!(
            error.to_string(),
            "String attributes cannot have a length of more than 2048"
        );
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
        let details = ProviderDetails {
            client_id: "cog".to_owned(),
            authorize_scopes: "openid email".to_owned(),
            ..ProviderDetails::default()
        };
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
            "http://127.0.0.1:9/idp/auth?response_type=code&client_id=cog&redirect_uri=http%3A%2F%2Fe%2Foauth2%2Fidpresponse&scope=openid+email&state=s&nonce=n&login_hint=a%40x"
        );
    }
}
