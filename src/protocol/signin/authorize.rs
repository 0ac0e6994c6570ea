//! The hosted-UI URLs of a public SPA client and its callback: configuration, the
//! `/oauth2/authorize` URL (docs/cognito.md#authorize-parameters), callback parsing
//! (docs/cognito.md#authorize-success, #authorize-errors) and the Cognito `/logout` URL
//! (docs/cognito.md#logout-endpoint). Randomness comes in as [`Transaction`] values made by the
//! binding.

use super::pkce::s256_challenge;
use crate::protocol::codec::constant_time_eq;
use crate::protocol::codec::form::{form_decode, percent_encode_into};
use crate::protocol::codec::json::{read_object, JsonError};
use crate::protocol::error::{AuthError, Error, OptionsError};
use crate::protocol::redact::redacted_debug;

/// What `CognitoAuth.create` passes to the core.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuthConfig {
    /// Hosted UI base URL (`https://` added when no scheme is given; no trailing slash).
    pub domain: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub logout_uri: Option<String>,
    /// Requested scopes; default `["openid"]`; empty: no `scope` parameter (every scope the
    /// client allows).
    pub scopes: Option<Vec<String>>,
}

/// Optional `/oauth2/authorize` parameters; each is sent only when given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SignInParams {
    pub identity_provider: Option<String>,
    pub idp_identifier: Option<String>,
    pub lang: Option<String>,
    pub login_hint: Option<String>,
    pub prompt: Option<String>,
}

/// The secrets of one pending sign-in, kept by the tab between the redirect and the callback.
#[derive(Clone, PartialEq)]
pub struct Transaction {
    pub state: String,
    pub nonce: String,
    pub verifier: String,
}
redacted_debug!(Transaction { verifier; state, nonce });

fn invalid(detail: &str) -> Error {
    OptionsError::Invalid {
        detail: detail.to_owned(),
    }
    .into()
}

impl AuthConfig {
    /// Parses and normalises the configuration JSON.
    pub fn parse(json: &str) -> Result<AuthConfig, Error> {
        let mut cfg = AuthConfig::default();
        read_object(json, |r, key| {
            match key {
                "domain" => cfg.domain = r.str()?.into_owned(),
                "clientId" => cfg.client_id = r.str()?.into_owned(),
                "redirectUri" => cfg.redirect_uri = r.str()?.into_owned(),
                "logoutUri" => cfg.logout_uri = r.opt_str()?,
                "scopes" => cfg.scopes = r.opt_strings()?,
                _ => return Err(JsonError::Type),
            }
            Ok(())
        })
        .map_err(|_| {
            invalid(
                "auth options need domain, clientId, redirectUri (strings) and optional logoutUri, scopes",
            )
        })?;
        if cfg.domain.is_empty() || cfg.client_id.is_empty() || cfg.redirect_uri.is_empty() {
            return Err(invalid(
                "domain, clientId and redirectUri must not be empty",
            ));
        }
        // bytes, not str searching and slicing: their searcher and slice-error formatting would be
        // in the wasm for this alone
        if !cfg.domain.as_bytes().windows(3).any(|w| w == b"://") {
            cfg.domain = ["https://", &cfg.domain].concat();
        }
        let bare = cfg.domain.len() - cfg.domain.bytes().rev().take_while(|&b| b == b'/').count();
        cfg.domain.truncate(bare);
        Ok(cfg)
    }

    /// `{domain}{path}`, e.g. `endpoint("/oauth2/token")`.
    pub fn endpoint(&self, path: &str) -> String {
        let mut url = self.domain.clone();
        url.push_str(path);
        url
    }

    /// The `/oauth2/authorize` URL for `tx`, with only the optional parameters given.
    pub fn authorize_url(&self, params: &SignInParams, tx: &Transaction) -> Result<String, Error> {
        if params.identity_provider.is_some() && params.idp_identifier.is_some() {
            return Err(invalid(
                "identityProvider and idpIdentifier are exclusive: give one of them",
            ));
        }
        if let Some(p) = &params.prompt {
            if !["none", "login", "select_account", "consent"].contains(&p.as_str()) {
                return Err(invalid(
                    "prompt must be none, login, select_account or consent",
                ));
            }
        }
        let mut url = self.endpoint("/oauth2/authorize?response_type=code");
        push(&mut url, "client_id", &self.client_id);
        push(&mut url, "redirect_uri", &self.redirect_uri);
        let scope = match &self.scopes {
            None => "openid".to_owned(),
            Some(list) => list.join(" "),
        };
        if !scope.is_empty() {
            push(&mut url, "scope", &scope);
        }
        push(&mut url, "state", &tx.state);
        push(&mut url, "nonce", &tx.nonce);
        push(&mut url, "code_challenge", &s256_challenge(&tx.verifier));
        push(&mut url, "code_challenge_method", "S256");
        let optional = [
            ("identity_provider", &params.identity_provider),
            ("idp_identifier", &params.idp_identifier),
            ("lang", &params.lang),
            ("login_hint", &params.login_hint),
            ("prompt", &params.prompt),
        ];
        for (key, value) in optional {
            if let Some(v) = value {
                push(&mut url, key, v);
            }
        }
        Ok(url)
    }

    /// Cognito's `/logout?client_id=…&logout_uri=…` (not OIDC RP-initiated logout).
    pub fn logout_url(&self) -> Result<String, Error> {
        let uri = self
            .logout_uri
            .as_deref()
            .ok_or_else(|| invalid("logoutUri is required to sign out through /logout"))?;
        let mut url = self.endpoint("/logout?");
        push_pair(&mut url, "client_id", &self.client_id);
        push(&mut url, "logout_uri", uri);
        Ok(url)
    }
}

impl SignInParams {
    /// Parses the sign-in options JSON (`{}` when none).
    pub fn parse(json: &str) -> Result<SignInParams, Error> {
        let mut p = SignInParams::default();
        read_object(json, |r, key| {
            let field = match key {
                "identityProvider" => &mut p.identity_provider,
                "idpIdentifier" => &mut p.idp_identifier,
                "lang" => &mut p.lang,
                "loginHint" => &mut p.login_hint,
                "prompt" => &mut p.prompt,
                _ => return Err(JsonError::Type),
            };
            *field = r.opt_str()?;
            Ok(())
        })
        .map_err(|_| {
            invalid("sign-in options: identityProvider, idpIdentifier, lang, loginHint, prompt (strings)")
        })?;
        Ok(p)
    }
}

impl Transaction {
    /// `state.nonce.verifier` (all base64url, so `.` cannot occur inside).
    pub fn encode(&self) -> String {
        [self.state.as_str(), &self.nonce, &self.verifier].join(".")
    }

    /// The inverse of [`Transaction::encode`].
    pub fn decode(text: &str) -> Result<Transaction, Error> {
        let mut parts = text.split('.');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(s), Some(n), Some(v), None) if !s.is_empty() && !v.is_empty() => {
                Ok(Transaction {
                    state: s.to_owned(),
                    nonce: n.to_owned(),
                    verifier: v.to_owned(),
                })
            }
            _ => Err(AuthError::NoTransaction.into()),
        }
    }
}

/// Appends `&key=value` (value percent-encoded).
fn push(url: &mut String, key: &str, value: &str) {
    url.push('&');
    push_pair(url, key, value);
}

fn push_pair(url: &mut String, key: &str, value: &str) {
    url.push_str(key);
    url.push('=');
    percent_encode_into(url, value);
}

/// A form body from `(key, value)` pairs.
pub fn form(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_pair(&mut out, k, v);
    }
    out
}

/// The query and fragment of `url` (either may be empty).
fn query_and_fragment(url: &str) -> (&str, &str) {
    let (head, fragment) = url.split_once('#').unwrap_or((url, ""));
    (head.split_once('?').map_or("", |(_, q)| q), fragment)
}

/// The callback parameters the core reads.
const CALLBACK_KEYS: [&str; 5] = ["code", "state", "error", "error_description", "error_uri"];

/// Callback parameters, from the query and then the fragment
/// (docs/cognito.md#the-spa-flow-in-brief: look in both).
#[derive(Default)]
struct Callback {
    values: [Option<String>; 5],
}

impl Callback {
    fn parse(url: &str) -> Result<Callback, Error> {
        let bad = || {
            Error::from(AuthError::InvalidResponse {
                what: "callback url",
            })
        };
        let (query, fragment) = query_and_fragment(url);
        let mut cb = Callback::default();
        for pair in query.split('&').chain(fragment.split('&')) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            if let Some(i) = CALLBACK_KEYS.iter().position(|key| *key == k) {
                if cb.values[i].is_some() {
                    return Err(bad());
                }
                cb.values[i] = Some(form_decode(v).ok_or_else(bad)?);
            }
        }
        Ok(cb)
    }

    fn get(&self, key: &str) -> Option<&str> {
        let i = CALLBACK_KEYS.iter().position(|k| *k == key)?;
        self.values[i].as_deref()
    }
}

/// True when `url` carries a callback (`code` or `error`) in its query or fragment.
pub fn is_callback(url: &str) -> bool {
    Callback::parse(url).is_ok_and(|cb| cb.get("code").is_some() || cb.get("error").is_some())
}

/// Checks a callback URL against the pending `tx` and returns the authorization code. The state
/// is checked first, as oauth4webapi does: any callback, `error=` ones included, whose `state` is
/// missing or not the transaction's is [`AuthError::StateMismatch`] (anyone can send a browser to
/// the redirect URI). A matching `error=` callback becomes [`AuthError::OAuth`].
pub fn parse_callback(url: &str, tx: &Transaction) -> Result<String, Error> {
    let cb = Callback::parse(url)?;
    if !cb
        .get("state")
        .is_some_and(|s| constant_time_eq(s, &tx.state))
    {
        return Err(AuthError::StateMismatch.into());
    }
    if let Some(error) = cb.get("error") {
        return Err(AuthError::OAuth {
            error: error.to_owned(),
            description: cb.get("error_description").map(str::to_owned),
        }
        .into());
    }
    let code = cb
        .get("code")
        .filter(|c| !c.is_empty())
        .ok_or(AuthError::InvalidResponse {
            what: "callback url",
        })?;
    Ok(code.to_owned())
}

/// `url` without the callback parameters (for `history.replaceState`); other parameters and
/// their order are kept, and an emptied query or fragment is dropped.
pub fn strip_callback(url: &str) -> String {
    let keep = |part: &str| -> String {
        part.split('&')
            .filter(|p| {
                let k = p.split_once('=').map_or(*p, |(k, _)| k);
                !p.is_empty() && !CALLBACK_KEYS.contains(&k)
            })
            .collect::<Vec<_>>()
            .join("&")
    };
    let (head, fragment) = url.split_once('#').unwrap_or((url, ""));
    let (base, query) = head.split_once('?').unwrap_or((head, ""));
    let (query, fragment) = (keep(query), keep(fragment));
    let mut out = base.to_owned();
    for (sep, part) in [('?', query), ('#', fragment)] {
        if !part.is_empty() {
            out.push(sep);
            out.push_str(&part);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> AuthConfig {
        AuthConfig::parse(
            r#"{"domain":"auth.example.com/","clientId":"c1","redirectUri":"https://app.example/cb?x=1",
                "logoutUri":"https://app.example/","scopes":["openid","email","https://api.example.com/read"]}"#,
        )
        .unwrap()
    }

    fn tx() -> Transaction {
        Transaction {
            state: "st".into(),
            nonce: "no".into(),
            verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into(),
        }
    }

    #[test]
    fn config_normalises_domain_and_rejects_bad_input() {
        assert_eq!(cfg().domain, "https://auth.example.com");
        assert_eq!(
            cfg().endpoint("/oauth2/token"),
            "https://auth.example.com/oauth2/token"
        );
        let http = AuthConfig::parse(
            r#"{"domain":"http://127.0.0.1:9","clientId":"c","redirectUri":"r"}"#,
        );
        assert_eq!(http.unwrap().domain, "http://127.0.0.1:9");
        let slashes = AuthConfig::parse(
            r#"{"domain":"https://auth.example.com///","clientId":"c","redirectUri":"r"}"#,
        );
        assert_eq!(slashes.unwrap().domain, "https://auth.example.com");
        for bad in [
            "{}",
            r#"{"domain":"","clientId":"c","redirectUri":"r"}"#,
            r#"{"domain":"d","clientId":"c","redirectUri":"r","storage":"x"}"#,
            "[]",
        ] {
            assert_eq!(
                AuthConfig::parse(bad).unwrap_err().code(),
                "ERR_PARAM_INVALID_OPTIONS"
            );
        }
    }

    #[test]
    fn authorize_url_has_the_default_parameters_only() {
        let url = cfg()
            .authorize_url(&SignInParams::default(), &tx())
            .unwrap();
        assert_eq!(
            url,
            "https://auth.example.com/oauth2/authorize?response_type=code&client_id=c1\
             &redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1\
             &scope=openid%20email%20https%3A%2F%2Fapi.example.com%2Fread&state=st&nonce=no\
             &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
        );
        assert!(!url.contains(&tx().verifier));
    }

    #[test]
    fn authorize_url_optional_parameters() {
        let params = SignInParams::parse(
            r#"{"identityProvider":"Corp","lang":"pt-BR","loginHint":"a b@x","prompt":"login"}"#,
        )
        .unwrap();
        let url = cfg().authorize_url(&params, &tx()).unwrap();
        assert!(url.ends_with(
            "&code_challenge_method=S256&identity_provider=Corp&lang=pt-BR&login_hint=a%20b%40x&prompt=login"
        ));
        let alias = SignInParams::parse(r#"{"idpIdentifier":"corp.example.com"}"#).unwrap();
        let url = cfg().authorize_url(&alias, &tx()).unwrap();
        assert!(url.ends_with("&idp_identifier=corp.example.com"));
        assert!(!url.contains("identity_provider"));
        let both = SignInParams::parse(r#"{"identityProvider":"A","idpIdentifier":"b"}"#).unwrap();
        assert_eq!(
            cfg().authorize_url(&both, &tx()).unwrap_err().code(),
            "ERR_PARAM_INVALID_OPTIONS"
        );
        let prompt = SignInParams::parse(r#"{"prompt":"NONE!"}"#).unwrap();
        assert!(cfg().authorize_url(&prompt, &tx()).is_err());
        assert!(SignInParams::parse(r#"{"customState":"x"}"#).is_err());
    }

    #[test]
    fn empty_scope_list_omits_scope() {
        let mut c = cfg();
        c.scopes = Some(vec![]);
        assert!(!c
            .authorize_url(&SignInParams::default(), &tx())
            .unwrap()
            .contains("scope="));
        c.scopes = None;
        assert!(c
            .authorize_url(&SignInParams::default(), &tx())
            .unwrap()
            .contains("&scope=openid&"));
    }

    #[test]
    fn logout_url_is_cognito_form() {
        assert_eq!(
            cfg().logout_url().unwrap(),
            "https://auth.example.com/logout?client_id=c1&logout_uri=https%3A%2F%2Fapp.example%2F"
        );
        let mut c = cfg();
        c.logout_uri = None;
        assert_eq!(
            c.logout_url().unwrap_err().code(),
            "ERR_PARAM_INVALID_OPTIONS"
        );
    }

    #[test]
    fn transaction_round_trips() {
        assert_eq!(Transaction::decode(&tx().encode()).unwrap(), tx());
        for bad in ["", "a.b", "a.b.c.d", ".n.v"] {
            assert_eq!(
                Transaction::decode(bad).unwrap_err().code(),
                "ERR_AUTH_NO_TRANSACTION"
            );
        }
    }

    #[test]
    fn callback_in_query_or_fragment() {
        assert_eq!(
            parse_callback("https://app/cb?code=abc-1&state=st", &tx()).unwrap(),
            "abc-1"
        );
        assert_eq!(
            parse_callback("https://app/cb?state=st#code=c%2B+d", &tx()).unwrap(),
            "c+ d"
        );
        assert_eq!(
            parse_callback("https://app/cb?x=1&state=st&code=k#y", &tx()).unwrap(),
            "k"
        );
    }

    #[test]
    fn callback_state_checks() {
        let code = |url: &str| parse_callback(url, &tx()).unwrap_err().code();
        assert_eq!(
            code("https://app/cb?code=a&state=sx"),
            "ERR_AUTH_STATE_MISMATCH"
        );
        assert_eq!(
            code("https://app/cb?code=a&state=st2"),
            "ERR_AUTH_STATE_MISMATCH"
        );
        assert_eq!(code("https://app/cb?code=a"), "ERR_AUTH_STATE_MISMATCH");
        assert_eq!(code("https://app/cb?state=st"), "ERR_AUTH_INVALID_RESPONSE");
        assert_eq!(
            code("https://app/cb?code=&state=st"),
            "ERR_AUTH_INVALID_RESPONSE"
        );
        assert_eq!(
            code("https://app/cb?code=a&state=st&state=st"),
            "ERR_AUTH_INVALID_RESPONSE"
        );
        assert_eq!(
            code("https://app/cb?code=a&state=st#code=b"),
            "ERR_AUTH_INVALID_RESPONSE"
        );
        assert_eq!(
            code("https://app/cb?code=%zz&state=st"),
            "ERR_AUTH_INVALID_RESPONSE"
        );
    }

    #[test]
    fn callback_errors_carry_the_oauth_code() {
        for error in [
            "access_denied",
            "login_required",
            "invalid_request",
            "invalid_scope",
        ] {
            let url =
                format!("https://app/cb?error_description=invalid_scope&state=st&error={error}");
            match parse_callback(&url, &tx()).unwrap_err() {
                Error::Auth(AuthError::OAuth {
                    error: e,
                    description,
                }) => {
                    assert_eq!(e, error);
                    assert_eq!(description.as_deref(), Some("invalid_scope"));
                }
                other => panic!("{other:?}"),
            }
        }
        // An error without the transaction's state is anyone's: refused before it is read.
        for forged in [
            "https://app/cb?error=server_error",
            "https://app/cb?error=access_denied&state=x",
            "https://app/cb?error=access_denied&state=",
            "https://app/cb?error=access_denied&error_description=Sign+in+at+evil.example&state=st2",
        ] {
            let error = parse_callback(forged, &tx()).unwrap_err();
            assert_eq!(error.code(), "ERR_AUTH_STATE_MISMATCH", "{forged}");
            assert!(!error.to_string().contains("evil"), "{error}");
        }
    }

    #[test]
    fn is_callback_and_strip() {
        assert!(is_callback("https://app/cb?code=a&state=s"));
        assert!(is_callback("https://app/cb#error=x"));
        assert!(!is_callback("https://app/cb?x=1"));
        assert_eq!(
            strip_callback("https://app/cb?code=a&state=s"),
            "https://app/cb"
        );
        assert_eq!(
            strip_callback("https://app/cb?x=1&code=a&state=s&y=2#error=e&k"),
            "https://app/cb?x=1&y=2#k"
        );
        assert_eq!(strip_callback("https://app/"), "https://app/");
    }
}
