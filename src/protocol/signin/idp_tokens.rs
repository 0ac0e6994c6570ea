//! The upstream IdP's tokens that Cognito copies into `custom:id_token` / `custom:access_token`
//! through attribute mapping (reference §11.5, §11.6): decoded when they are JWTs, flagged
//! `truncated` when Cognito's 2,048-character attribute limit cut them (or they do not parse).

use super::token::{exp_of, payload_json};
use crate::protocol::codec::json::{document_error, read_fields, Field};
use crate::protocol::error::{AuthError, Error, Part};
use crate::protocol::redact::redacted_debug;
use crate::protocol::verify::jwt::UntrustedJwt;
use crate::protocol::verify::limits::Limits;

/// Cognito's limit on an attribute value; a value this long was probably cut.
pub const ATTRIBUTE_LIMIT: usize = 2048;

/// One IdP token as read from the Cognito ID token (its `Debug` prints no token text).
#[derive(Clone, PartialEq)]
pub struct IdpToken {
    pub token: String,
    /// At the 2,048-character limit (even when it still decodes: the cut may fall on a segment
    /// boundary), or JWT-shaped but not decodable.
    pub truncated: bool,
    /// Decoded header and payload JSON when the token is a JWT.
    pub jwt: Option<(String, String)>,
    /// `exp` of a decoded JWT.
    pub expires_at: Option<f64>,
}

impl IdpToken {
    fn read(token: String) -> IdpToken {
        let decoded = UntrustedJwt::decode(&token, &Limits::default()).ok();
        let jwt_shaped = token.starts_with("eyJ") || token.matches('.').count() == 2;
        let truncated = token.len() >= ATTRIBUTE_LIMIT || (decoded.is_none() && jwt_shaped);
        let jwt = decoded.map(|d| (d.header_json, d.payload_json));
        let expires_at = jwt.as_ref().and_then(|(_, payload)| exp_of(payload));
        IdpToken {
            token,
            truncated,
            jwt,
            expires_at,
        }
    }

    /// True when the token is a decoded JWT past its `exp` at `now`.
    pub fn expired(&self, now: f64) -> Option<bool> {
        self.expires_at.map(|exp| exp <= now)
    }
}

redacted_debug!(IdpToken { token, jwt; truncated, expires_at });

/// Why `idpTokens({ verify })` left the IdP ID token unverified: a stable string in its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unverified {
    /// Cut at the attribute limit, or not a JWT.
    NotVerifiable,
    /// The Cognito ID token names no IdP in `identities` (not a federated user).
    NotFederated,
    /// None of the IdPs in `identities` is in the app's `providers`.
    ProviderNotConfigured,
    /// The token's `iss` is not the issuer configured for its IdP (a forged or misrouted token).
    IssuerNotConfigured,
}

impl Unverified {
    pub fn reason(self) -> &'static str {
        match self {
            Unverified::NotVerifiable => "not-verifiable",
            Unverified::NotFederated => "not-federated",
            Unverified::ProviderNotConfigured => "provider-not-configured",
            Unverified::IssuerNotConfigured => "issuer-not-configured",
        }
    }
}

/// The configured provider an IdP ID token is verified against: among the IdPs the (verified)
/// Cognito ID token's `identities` names, the one whose configured issuer is the token's `iss`.
/// `configured` is the app's `(provider name, issuer)` list; the token's `iss` only selects among
/// those issuers, it never names one (so no URL the token chose is ever fetched).
pub fn trusted_provider(
    verifiable: bool,
    token_iss: Option<&str>,
    identities: &[String],
    configured: &[(String, String)],
) -> Result<usize, Unverified> {
    if !verifiable {
        return Err(Unverified::NotVerifiable);
    }
    if identities.is_empty() {
        return Err(Unverified::NotFederated);
    }
    let mut candidates = configured
        .iter()
        .enumerate()
        .filter(|(_, (name, _))| identities.contains(name))
        .peekable();
    if candidates.peek().is_none() {
        return Err(Unverified::ProviderNotConfigured);
    }
    candidates
        .find(|(_, (_, issuer))| Some(issuer.as_str()) == token_iss)
        .map(|(i, _)| i)
        .ok_or(Unverified::IssuerNotConfigured)
}

/// Reads both attributes from a (verified) Cognito ID token. Neither present is
/// [`AuthError::IdpTokensMissing`], whose message names the set-up they need.
pub fn read(cognito_id_token: &str) -> Result<(Option<IdpToken>, Option<IdpToken>), Error> {
    let json = payload_json(cognito_id_token)?;
    let (mut id, mut access) = (None, None);
    read_fields(
        &json,
        &mut [
            ("custom:id_token", Field::Str(&mut id)),
            ("custom:access_token", Field::Str(&mut access)),
        ],
    )
    .map_err(document_error(Part::Payload))?;
    if id.is_none() && access.is_none() {
        return Err(AuthError::IdpTokensMissing.into());
    }
    Ok((id.map(IdpToken::read), access.map(IdpToken::read)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::signin::token::tests::jwt;

    fn cognito(claims: &str) -> String {
        jwt(claims)
    }

    #[test]
    fn decodes_jwts_and_keeps_opaque_tokens() {
        let idp_id = jwt(r#"{"iss":"http://idp","sub":"alice","exp":100}"#);
        let t = cognito(&format!(
            r#"{{"custom:id_token":"{idp_id}","custom:access_token":"opaque-token"}}"#
        ));
        let (id, access) = read(&t).unwrap();
        let id = id.unwrap();
        assert!(!id.truncated);
        assert_eq!(
            id.jwt.as_ref().unwrap().1,
            r#"{"iss":"http://idp","sub":"alice","exp":100}"#
        );
        assert_eq!(id.expires_at, Some(100.0));
        assert_eq!(id.expired(99.0), Some(false));
        assert_eq!(id.expired(100.0), Some(true));
        let access = access.unwrap();
        assert_eq!(access.token, "opaque-token");
        assert!(!access.truncated);
        assert_eq!(access.jwt, None);
        assert_eq!(access.expired(1.0), None);
    }

    #[test]
    fn decodes_idp_tokens_whose_claims_our_verifier_would_refuse() {
        // an IdP may type its claims differently (aws-jwt-verify's types are for verifying)
        let payload = r#"{"iss":"http://idp","aud":5,"iat":"yesterday","exp":100}"#;
        let t = cognito(&format!(r#"{{"custom:id_token":"{}"}}"#, jwt(payload)));
        let id = read(&t).unwrap().0.unwrap();
        assert!(!id.truncated);
        assert_eq!(id.jwt.as_ref().unwrap().1, payload);
        assert_eq!(id.expires_at, Some(100.0));
        // still refused: a payload that is not one JSON object with unique member names
        let dup = cognito(&format!(
            r#"{{"custom:id_token":"{}"}}"#,
            jwt(r#"{"exp":1,"exp":2}"#)
        ));
        assert!(read(&dup).unwrap().0.unwrap().truncated);
    }

    #[test]
    fn flags_truncated_tokens() {
        let idp_id = jwt(&format!(r#"{{"pad":"{}"}}"#, "x".repeat(3000)));
        let cut = &idp_id[..ATTRIBUTE_LIMIT];
        let t = cognito(&format!(r#"{{"custom:id_token":"{cut}"}}"#));
        let (id, access) = read(&t).unwrap();
        let id = id.unwrap();
        assert!(id.truncated);
        assert_eq!(id.jwt, None);
        assert_eq!(access, None);
        let broken = cognito(r#"{"custom:access_token":"eyJhbGciOi.broken"}"#);
        assert!(read(&broken).unwrap().1.unwrap().truncated);
    }

    #[test]
    fn only_a_configured_issuer_of_the_users_idp_is_trusted() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let configured = vec![
            ("Corp".to_string(), "https://corp.example".to_string()),
            ("Other".to_string(), "https://other.example".to_string()),
        ];
        let corp = names(&["Corp"]);
        let pick =
            |verifiable, iss, ids: &[String]| trusted_provider(verifiable, iss, ids, &configured);
        assert_eq!(pick(true, Some("https://corp.example"), &corp), Ok(0));
        // a forged token naming the attacker's issuer, or another configured IdP's issuer
        for iss in [
            Some("https://evil.example"),
            Some("https://other.example"),
            None,
        ] {
            assert_eq!(pick(true, iss, &corp), Err(Unverified::IssuerNotConfigured));
        }
        assert_eq!(
            pick(true, Some("https://corp.example"), &names(&["Unknown"])),
            Err(Unverified::ProviderNotConfigured)
        );
        assert_eq!(
            pick(true, Some("https://corp.example"), &[]),
            Err(Unverified::NotFederated)
        );
        assert_eq!(
            pick(false, Some("https://corp.example"), &corp),
            Err(Unverified::NotVerifiable)
        );
        // a user linked to two IdPs: the token's issuer selects among their configured issuers
        let both = names(&["Corp", "Other"]);
        assert_eq!(pick(true, Some("https://other.example"), &both), Ok(1));
        assert_eq!(
            Unverified::IssuerNotConfigured.reason(),
            "issuer-not-configured"
        );
    }

    #[test]
    fn missing_attributes_name_the_set_up() {
        let e = read(&cognito(r#"{"sub":"s"}"#)).unwrap_err();
        assert_eq!(e.code(), "ERR_AUTH_IDP_TOKENS_MISSING");
        assert!(e.to_string().contains("attribute mapping"));
    }
}
