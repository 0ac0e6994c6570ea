//! The stored session: built from a token response, merged on refresh (rotation-aware), and the
//! refresh decision; plus the helpers for access tokens issued by the user-pool API.

use super::token::{exp_of, payload_json, TokenSet};
use crate::protocol::codec::json::{read_fields, Field, ObjectWriter};
use crate::protocol::error::{Asserted, AuthError, ClaimError, Error};
use crate::protocol::redact::redacted_debug;

/// What the JS side stores (as JSON: `idToken`, `accessToken`, `refreshToken`, `expiresAt`).
/// `expires_at` is epoch seconds.
#[derive(Clone, PartialEq)]
pub struct Session {
    pub id_token: Option<String>,
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_at: f64,
}
redacted_debug!(Session { id_token, access_token, refresh_token; expires_at });

/// True when a session expiring at `expires_at` should be refreshed at `now`: expired, or expiring
/// within `margin` seconds; an expiry that is not a finite number is due.
pub fn refresh_due_at(expires_at: f64, now: f64, margin: f64) -> bool {
    !expires_at.is_finite() || expires_at - margin <= now
}

impl Session {
    /// Parses a stored session; anything unreadable counts as no session.
    pub fn parse(json: &str) -> Option<Session> {
        let (mut id_token, mut access_token, mut refresh_token, mut expires_at) =
            (None, None, None, None);
        read_fields(
            json,
            &mut [
                ("idToken", Field::Str(&mut id_token)),
                ("accessToken", Field::Str(&mut access_token)),
                ("refreshToken", Field::Str(&mut refresh_token)),
                ("expiresAt", Field::Num(&mut expires_at)),
            ],
        )
        .ok()?;
        Some(Session {
            id_token,
            access_token: access_token?,
            refresh_token,
            expires_at: expires_at?,
        })
    }

    /// The session after `tokens` arrived at `now`, keeping the previous refresh token (and ID
    /// token) unless new ones were returned: Cognito returns a refresh token on refresh only
    /// with rotation enabled (docs/cognito.md#refresh-grant-and-rotation). It expires with the
    /// access token (`expires_in`), or with the ID token when that one's `exp` comes first (their
    /// validities are separate client settings).
    pub fn merge(previous: Option<Session>, tokens: TokenSet, now: f64) -> Session {
        let (old_id, old_refresh) =
            previous.map_or((None, None), |p| (p.id_token, p.refresh_token));
        let id_token = tokens.id_token.or(old_id);
        let id_exp = id_token
            .as_deref()
            .and_then(|t| payload_json(t).ok())
            .and_then(|p| exp_of(&p));
        let access_exp = now + tokens.expires_in;
        Session {
            id_token,
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token.or(old_refresh),
            expires_at: id_exp.map_or(access_exp, |exp| exp.min(access_exp)),
        }
    }

    /// True when the session should be refreshed: expired, or expiring within `margin` seconds.
    pub fn refresh_due(&self, now: f64, margin: f64) -> bool {
        refresh_due_at(self.expires_at, now, margin)
    }

    /// JSON for storage.
    pub fn to_json(&self) -> String {
        let mut out = ObjectWriter::default();
        let fields = [
            ("idToken", self.id_token.as_deref()),
            ("accessToken", Some(&self.access_token)),
            ("refreshToken", self.refresh_token.as_deref()),
        ];
        for (name, value) in fields {
            if let Some(v) = value {
                out.str(name, v);
            }
        }
        // Whole seconds: integer formatting (no float formatting code in the wasm).
        out.raw("expiresAt", &(self.expires_at.floor() as i64).to_string());
        out.finish()
    }
}

/// The only scope of an access token from InitiateAuth / AdminInitiateAuth
/// (docs/cognito.md#api-issued-tokens).
pub const API_SCOPE: &str = "aws.cognito.signin.user.admin";

/// True for an access token issued by the user-pool API rather than the OAuth endpoints: its
/// `scope` has `aws.cognito.signin.user.admin` and no `openid`. The API issues exactly that one
/// scope (docs/cognito.md#api-issued-tokens), but a V2/V3 pre-token-generation trigger may add
/// custom scopes to it; a hosted-UI sign-in that grants `aws.cognito.signin.user.admin` always
/// carries `openid` too.
pub fn is_api_issued(scope: &str) -> bool {
    let has = |name: &str| scope.split(' ').any(|s| s == name);
    has(API_SCOPE) && !has("openid")
}

/// Checks that `scope` (the space-separated claim) has every `required` scope. A miss on an
/// API-issued token is [`AuthError::ApiTokenScope`] (which explains where custom scopes come
/// from); otherwise the verifier's scope error.
pub fn require_scopes(scope: Option<&str>, required: &[String]) -> Result<(), Error> {
    let have = scope.unwrap_or("");
    let missing: Vec<String> = required
        .iter()
        .filter(|r| !have.split(' ').any(|s| s == r.as_str()))
        .cloned()
        .collect();
    if missing.is_empty() {
        Ok(())
    } else if is_api_issued(have) {
        Err(AuthError::ApiTokenScope { missing }.into())
    } else {
        Err(ClaimError::Scope {
            expected: required.to_vec(),
            actual: scope.map_or(Asserted::Missing, |s| Asserted::Str(s.to_owned())),
        }
        .into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_is_due_within_the_margin_and_for_an_unreadable_expiry() {
        assert!(!refresh_due_at(1000.0, 900.0, 60.0));
        assert!(refresh_due_at(1000.0, 940.0, 60.0));
        assert!(refresh_due_at(1000.0, 1001.0, 0.0));
        assert!(refresh_due_at(f64::NAN, 0.0, 0.0));
        assert!(refresh_due_at(f64::INFINITY, 0.0, 0.0));
    }

    fn tokens(id: Option<&str>, refresh: Option<&str>) -> TokenSet {
        TokenSet {
            id_token: id.map(Into::into),
            access_token: "a2".into(),
            refresh_token: refresh.map(Into::into),
            expires_in: 3600.0,
        }
    }

    fn first() -> Session {
        Session::merge(None, tokens(Some("i1"), Some("r1")), 1000.0)
    }

    #[test]
    fn merge_keeps_old_refresh_token_without_rotation() {
        let s = Session::merge(Some(first()), tokens(Some("i2"), None), 2000.0);
        assert_eq!(s.refresh_token.as_deref(), Some("r1"));
        assert_eq!(s.id_token.as_deref(), Some("i2"));
        assert_eq!(s.expires_at, 5600.0);
    }

    #[test]
    fn merge_takes_rotated_refresh_token() {
        let s = Session::merge(Some(first()), tokens(None, Some("r2")), 2000.0);
        assert_eq!(s.refresh_token.as_deref(), Some("r2"));
        assert_eq!(s.id_token.as_deref(), Some("i1"));
    }

    #[test]
    fn an_id_token_expiring_first_sets_the_expiry() {
        let id = crate::protocol::signin::token::tests::jwt(r#"{"exp":1300}"#);
        let s = Session::merge(None, tokens(Some(&id), None), 1000.0);
        assert_eq!(s.expires_at, 1300.0);
        let late = crate::protocol::signin::token::tests::jwt(r#"{"exp":9999}"#);
        let s = Session::merge(None, tokens(Some(&late), None), 1000.0);
        assert_eq!(s.expires_at, 4600.0);
    }

    #[test]
    fn refresh_due_with_margin() {
        let s = first(); // expires at 4600
        assert!(!s.refresh_due(4000.0, 60.0));
        assert!(s.refresh_due(4540.0, 60.0));
        assert!(s.refresh_due(4600.0, 0.0));
        assert!(!s.refresh_due(4599.0, 0.0));
    }

    #[test]
    fn session_json_round_trips_and_bad_json_is_none() {
        let s = first();
        assert_eq!(Session::parse(&s.to_json()), Some(s));
        let no_id = Session::merge(None, tokens(None, None), 0.0).to_json();
        assert_eq!(no_id, r#"{"accessToken":"a2","expiresAt":3600}"#);
        let odd = Session {
            id_token: None,
            access_token: "q\"b\\s\u{1}é".into(),
            refresh_token: Some("r".into()),
            expires_at: 1.5,
        };
        let odd_json = odd.to_json();
        assert_eq!(
            odd_json,
            r#"{"accessToken":"q\"b\\s\u0001é","refreshToken":"r","expiresAt":1}"#
        );
        assert_eq!(
            Session::parse(&odd_json),
            Some(Session {
                expires_at: 1.0,
                ..odd
            })
        );
        assert_eq!(Session::parse("{"), None);
        assert_eq!(Session::parse(r#"{"accessToken":1}"#), None);
    }

    #[test]
    fn api_issued_detection() {
        assert!(is_api_issued("aws.cognito.signin.user.admin"));
        // InitiateAuth token after a V2 trigger added a custom scope.
        assert!(is_api_issued(
            "aws.cognito.signin.user.admin https://api.example.com/write"
        ));
        assert!(!is_api_issued("openid aws.cognito.signin.user.admin"));
        assert!(!is_api_issued("aws.cognito.signin.user.admin openid email"));
        assert!(!is_api_issued("openid"));
        assert!(!is_api_issued("https://api.example.com/write"));
    }

    #[test]
    fn required_scopes() {
        let req = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        require_scopes(Some("openid https://api/read"), &req(&["https://api/read"])).unwrap();
        let api = require_scopes(Some(API_SCOPE), &req(&["https://api/read"])).unwrap_err();
        assert_eq!(api.code(), "ERR_AUTH_API_TOKEN_SCOPE");
        assert!(api.to_string().contains("https://api/read"));
        assert!(api.to_string().contains("v2 trigger"));
        let oauth = require_scopes(Some("openid"), &req(&["https://api/read"])).unwrap_err();
        assert_eq!(oauth.code(), "ERR_JWT_INVALID_SCOPE");
        assert_eq!(
            require_scopes(None, &req(&["x"])).unwrap_err().code(),
            "ERR_JWT_INVALID_SCOPE"
        );
    }
}
