//! `RawAuth`: the sign-in core (PKCE code flow against the hosted UI) for the JS `CognitoAuth`
//! wrapper (`js/auth.js`), which owns storage, locks, fetch and navigation. Randomness comes from
//! getrandom here; every decision is in `crate::protocol`.
//!
//! ```text
//! class RawAuth {
//!   static create(options: {domain, clientId, redirectUri, logoutUri?, scopes?}): RawAuth
//!   signIn(params?: {identityProvider?, idpIdentifier?, lang?, loginHint?, prompt?}): {url, transaction}
//!   callback(url: string, transaction: string): string          // the code-exchange form body
//!   refreshBody(refreshToken: string): string
//!   revokeBody(refreshToken: string): string
//!   endpoint(path: string): string
//!   logoutUrl(): string
//!   static session(status, body, previous?: string, now): string // session JSON (merged)
//!   static checkIdToken(idToken, accessToken, transaction?: string): void
//!   static refreshDue(session: string, now, marginSeconds): boolean
//!   static userInfo(status, body): {[name]: boolean}             // *_verified strings
//!   static idpTokens(idToken, now): {idToken?, accessToken?}
//!   static idpProvider(verifiable, iss?, identities, names, issuers): index | reason
//!   static networkError(): Error                                 // ERR_AUTH_NETWORK
//!   static isCallback(url): boolean
//!   static stripCallback(url): string
//! }
//! function requireScopes(scope: string | undefined, required: string[]): void
//! function isApiIssued(scope: string): boolean
//! ```

use super::error::{invalid_options, set, to_js};
use super::json_string;
use crate::protocol::error::{AuthError, Error, SignatureError};
use crate::protocol::signin::authorize::{self, AuthConfig, SignInParams, Transaction};
use crate::protocol::signin::idp_tokens::{self, IdpToken};
use crate::protocol::signin::pkce::{random_value, RANDOM_BYTES};
use crate::protocol::signin::session::{self, Session};
use crate::protocol::signin::{token, userinfo};
use js_sys::{Object, JSON};
use wasm_bindgen::prelude::*;

/// A core error as a coded JS error; OAuth errors also carry `oauthError` and
/// `errorDescription` (the server's words, never a token).
fn err(e: Error) -> JsValue {
    let js = to_js(&e, None);
    let (error, description) = match &e {
        Error::Auth(AuthError::OAuth { error, description }) => (error.as_str(), description),
        Error::Auth(AuthError::InvalidGrant { description }) => ("invalid_grant", description),
        _ => return js,
    };
    set(&js, "oauthError", &JsValue::from_str(error));
    set(&js, "errorDescription", &description.as_deref().into());
    js
}

fn json_text(value: &JsValue, what: &str) -> Result<String, JsValue> {
    if value.is_undefined() {
        return Ok("{}".to_owned());
    }
    json_string(value).ok_or_else(|| to_js(&invalid_options(what), None))
}

fn random() -> Result<String, JsValue> {
    let mut bytes = [0u8; RANDOM_BYTES];
    getrandom::fill(&mut bytes).map_err(|_| err(SignatureError::Crypto.into()))?;
    Ok(random_value(&bytes))
}

fn parse_json(text: &str) -> JsValue {
    JSON::parse(text).unwrap_or_default()
}

fn idp_token(t: IdpToken, now: f64) -> JsValue {
    let obj = Object::new();
    set(&obj, "token", &JsValue::from_str(&t.token));
    set(&obj, "truncated", &JsValue::from_bool(t.truncated));
    if let Some(expired) = t.expired(now) {
        set(&obj, "expired", &JsValue::from_bool(expired));
    }
    if let Some(exp) = t.expires_at {
        set(&obj, "expiresAt", &JsValue::from_f64(exp));
    }
    if let Some((header, payload)) = t.jwt {
        set(&obj, "header", &parse_json(&header));
        set(&obj, "payload", &parse_json(&payload));
    }
    obj.into()
}

/// The sign-in core for one app client.
#[wasm_bindgen]
pub struct RawAuth {
    cfg: AuthConfig,
}

#[wasm_bindgen]
impl RawAuth {
    pub fn create(options: JsValue) -> Result<RawAuth, JsValue> {
        let json = json_text(&options, "auth options must be an object")?;
        AuthConfig::parse(&json)
            .map(|cfg| RawAuth { cfg })
            .map_err(err)
    }

    /// A fresh transaction (state, nonce, PKCE verifier: 256 random bits each) and its
    /// authorize URL.
    #[wasm_bindgen(js_name = signIn)]
    pub fn sign_in(&self, params: JsValue) -> Result<Object, JsValue> {
        let json = json_text(&params, "sign-in options must be an object")?;
        let params = SignInParams::parse(&json).map_err(err)?;
        let tx = Transaction {
            state: random()?,
            nonce: random()?,
            verifier: random()?,
        };
        let url = self.cfg.authorize_url(&params, &tx).map_err(err)?;
        let out = Object::new();
        set(&out, "url", &JsValue::from_str(&url));
        set(&out, "transaction", &JsValue::from_str(&tx.encode()));
        Ok(out)
    }

    /// Checks the callback against the transaction; returns the code-exchange form body.
    pub fn callback(&self, url: &str, transaction: &str) -> Result<String, JsValue> {
        let tx = Transaction::decode(transaction).map_err(err)?;
        let code = authorize::parse_callback(url, &tx).map_err(err)?;
        Ok(token::code_body(&self.cfg, &code, &tx))
    }

    #[wasm_bindgen(js_name = refreshBody)]
    pub fn refresh_body(&self, refresh_token: &str) -> String {
        token::refresh_body(&self.cfg, refresh_token)
    }

    #[wasm_bindgen(js_name = revokeBody)]
    pub fn revoke_body(&self, refresh_token: &str) -> String {
        token::revoke_body(&self.cfg, refresh_token)
    }

    pub fn endpoint(&self, path: &str) -> String {
        self.cfg.endpoint(path)
    }

    #[wasm_bindgen(js_name = logoutUrl)]
    pub fn logout_url(&self) -> Result<String, JsValue> {
        self.cfg.logout_url().map_err(err)
    }

    /// The session JSON after a token response (`previous`: the stored session, for a refresh).
    pub fn session(
        status: u16,
        body: &str,
        previous: Option<String>,
        now: f64,
    ) -> Result<String, JsValue> {
        let tokens = token::parse_token_response(status, body).map_err(err)?;
        let previous = previous.as_deref().and_then(Session::parse);
        Ok(Session::merge(previous, tokens, now).to_json())
    }

    /// `nonce` (with the transaction: after the code exchange) and `at_hash` checks.
    #[wasm_bindgen(js_name = checkIdToken)]
    pub fn check_id_token(
        id_token: &str,
        access_token: &str,
        transaction: Option<String>,
    ) -> Result<(), JsValue> {
        let tx = transaction
            .as_deref()
            .map(Transaction::decode)
            .transpose()
            .map_err(err)?;
        token::check_id_token(id_token, access_token, tx.as_ref()).map_err(err)
    }

    /// True when the stored session must be refreshed (an unreadable one too).
    #[wasm_bindgen(js_name = refreshDue)]
    pub fn refresh_due(session: &str, now: f64, margin_seconds: f64) -> bool {
        Session::parse(session).is_none_or(|s| s.refresh_due(now, margin_seconds))
    }

    /// [`RawAuth::refresh_due`] of a session already parsed, by its `expiresAt` (anything but a
    /// number is due): the tokens need not cross into wasm for the decision.
    #[wasm_bindgen(js_name = refreshDueAt)]
    pub fn refresh_due_at(expires_at: JsValue, now: f64, margin_seconds: f64) -> bool {
        let at = expires_at.as_f64().unwrap_or(f64::NAN);
        session::refresh_due_at(at, now, margin_seconds)
    }

    /// `{name: boolean}` for the `*_verified` strings of a userInfo answer (or the typed
    /// error of a non-2xx answer).
    #[wasm_bindgen(js_name = userInfo)]
    pub fn user_info(status: u16, body: &str) -> Result<Object, JsValue> {
        if !(200..300).contains(&status) {
            return Err(err(token::error_response(body)));
        }
        let out = Object::new();
        for (name, value) in userinfo::verified_booleans(body).map_err(err)? {
            set(&out, &name, &JsValue::from_bool(value));
        }
        Ok(out)
    }

    /// The IdP tokens in the (verified) Cognito ID token.
    #[wasm_bindgen(js_name = idpTokens)]
    pub fn idp_tokens(id_token: &str, now: f64) -> Result<Object, JsValue> {
        let (id, access) = idp_tokens::read(id_token).map_err(err)?;
        let out = Object::new();
        if let Some(t) = id {
            set(&out, "idToken", &idp_token(t, now));
        }
        if let Some(t) = access {
            set(&out, "accessToken", &idp_token(t, now));
        }
        Ok(out)
    }

    /// Which configured provider (index into `names` / `issuers`) the IdP ID token may be
    /// verified against, or the reason it stays unverified (a string).
    #[wasm_bindgen(js_name = idpProvider)]
    pub fn idp_provider(
        verifiable: bool,
        iss: Option<String>,
        identities: Vec<String>,
        names: Vec<String>,
        issuers: Vec<String>,
    ) -> JsValue {
        let configured: Vec<(String, String)> = names.into_iter().zip(issuers).collect();
        match idp_tokens::trusted_provider(verifiable, iss.as_deref(), &identities, &configured) {
            Ok(i) => JsValue::from_f64(i as f64),
            Err(reason) => JsValue::from_str(reason.reason()),
        }
    }

    /// The coded error for an endpoint that could not be reached (the JS side's fetch threw).
    #[wasm_bindgen(js_name = networkError)]
    pub fn network_error() -> JsValue {
        err(AuthError::Network.into())
    }

    /// The `Authorization` header of a confidential client's token requests
    /// (`client_secret_basic`: both parts form-encoded inside the base64).
    #[wasm_bindgen(js_name = basicAuthorization)]
    pub fn basic_authorization(client_id: &str, client_secret: &str) -> String {
        crate::protocol::codec::basic::authorization(client_id, client_secret)
    }

    #[wasm_bindgen(js_name = isCallback)]
    pub fn is_callback(url: &str) -> bool {
        authorize::is_callback(url)
    }

    #[wasm_bindgen(js_name = stripCallback)]
    pub fn strip_callback(url: &str) -> String {
        authorize::strip_callback(url)
    }
}

/// Throws unless `scope` has every `required` scope (a named error for API-issued tokens).
#[wasm_bindgen(js_name = requireScopes)]
pub fn require_scopes(scope: Option<String>, required: Vec<String>) -> Result<(), JsValue> {
    session::require_scopes(scope.as_deref(), &required).map_err(err)
}

/// True for an access token scope of exactly `aws.cognito.signin.user.admin` (InitiateAuth).
#[wasm_bindgen(js_name = isApiIssued)]
pub fn is_api_issued(scope: &str) -> bool {
    session::is_api_issued(scope)
}
