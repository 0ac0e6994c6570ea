//! `/oauth2/token` and `/oauth2/revoke` as a public client: form bodies (reference §4.1, §6),
//! token and error responses (§4.3, §4.4), and the ID-token checks the verifier does not make
//! (`nonce`, `at_hash`; §0.2 step 4).

use super::authorize::{form, AuthConfig, Transaction};
use super::pkce::sha256;
use crate::protocol::codec::json::{document_error, read_fields, Field};
use crate::protocol::codec::{b64, constant_time_eq};
use crate::protocol::error::{AuthError, Error, Part};
use crate::protocol::redact::redacted_debug;
use crate::protocol::verify::jwt::UntrustedJwt;
use crate::protocol::verify::limits::Limits;

/// `grant_type=authorization_code` with the PKCE verifier of `tx`.
pub fn code_body(cfg: &AuthConfig, code: &str, tx: &Transaction) -> String {
    form(&[
        ("grant_type", "authorization_code"),
        ("client_id", &cfg.client_id),
        ("code", code),
        ("redirect_uri", &cfg.redirect_uri),
        ("code_verifier", &tx.verifier),
    ])
}

/// `grant_type=refresh_token`.
pub fn refresh_body(cfg: &AuthConfig, refresh_token: &str) -> String {
    form(&[
        ("grant_type", "refresh_token"),
        ("client_id", &cfg.client_id),
        ("refresh_token", refresh_token),
    ])
}

/// `/oauth2/revoke`: the refresh token only.
pub fn revoke_body(cfg: &AuthConfig, refresh_token: &str) -> String {
    form(&[("token", refresh_token), ("client_id", &cfg.client_id)])
}

/// The tokens of a successful token response.
#[derive(Clone, PartialEq)]
pub struct TokenSet {
    pub id_token: Option<String>,
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_in: f64,
}
redacted_debug!(TokenSet { id_token, access_token, refresh_token; expires_in });

const fn invalid(what: &'static str) -> AuthError {
    AuthError::InvalidResponse { what }
}

/// The error of a non-2xx answer: `{"error": …}` becomes a typed OAuth error (`invalid_grant`
/// its own), anything else an invalid response. The status is not trusted (400 vs 401).
pub fn error_response(body: &str) -> Error {
    let (mut error, mut description) = (None, None);
    let read = read_fields(
        body,
        &mut [
            ("error", Field::Str(&mut error)),
            ("error_description", Field::Str(&mut description)),
        ],
    );
    match (read, error) {
        (Ok(()), Some(e)) if e == "invalid_grant" => AuthError::InvalidGrant { description },
        (Ok(()), Some(error)) => AuthError::OAuth { error, description },
        _ => invalid("error response"),
    }
    .into()
}

/// Parses the token endpoint's answer.
pub fn parse_token_response(status: u16, body: &str) -> Result<TokenSet, Error> {
    if !(200..300).contains(&status) {
        return Err(error_response(body));
    }
    let (mut id_token, mut access_token, mut refresh_token) = (None, None, None);
    let (mut expires_in, mut token_type) = (None, None);
    read_fields(
        body,
        &mut [
            ("id_token", Field::Str(&mut id_token)),
            ("access_token", Field::Str(&mut access_token)),
            ("refresh_token", Field::Str(&mut refresh_token)),
            ("expires_in", Field::Num(&mut expires_in)),
            ("token_type", Field::Str(&mut token_type)),
        ],
    )
    .map_err(|_| invalid("token response"))?;
    let bearer = token_type
        .as_deref()
        .is_none_or(|t| t.eq_ignore_ascii_case("bearer"));
    match (access_token, expires_in) {
        (Some(access_token), Some(expires_in)) if bearer && expires_in > 0.0 => Ok(TokenSet {
            id_token,
            access_token,
            refresh_token,
            expires_in,
        }),
        _ => Err(invalid("token response").into()),
    }
}

/// The decoded payload JSON of a token (its signature is the verifier's business).
pub(crate) fn payload_json(token: &str) -> Result<String, Error> {
    Ok(UntrustedJwt::decode(token, &Limits::default())?.payload_json)
}

/// The numeric `exp` of a payload JSON, if it has a readable one.
pub(crate) fn exp_of(payload_json: &str) -> Option<f64> {
    let mut exp = None;
    read_fields(payload_json, &mut [("exp", Field::Num(&mut exp))]).ok()?;
    exp
}

/// Checks the ID token's `nonce` (when `tx` is given: the code exchange, not a refresh) and its
/// `at_hash` = base64url(left half of SHA-256(access token)) when present.
pub fn check_id_token(
    id_token: &str,
    access_token: &str,
    tx: Option<&Transaction>,
) -> Result<(), Error> {
    let json = payload_json(id_token)?;
    let (mut nonce, mut at_hash) = (None, None);
    read_fields(
        &json,
        &mut [
            ("nonce", Field::Str(&mut nonce)),
            ("at_hash", Field::Str(&mut at_hash)),
        ],
    )
    .map_err(document_error(Part::Payload))?;
    if let Some(tx) = tx {
        if !nonce
            .as_deref()
            .is_some_and(|n| constant_time_eq(n, &tx.nonce))
        {
            return Err(AuthError::NonceMismatch.into());
        }
    }
    if let Some(at_hash) = at_hash {
        let half = &sha256(access_token.as_bytes())[..16];
        if b64::decode(at_hash.as_bytes()).as_deref() != Some(half) {
            return Err(AuthError::AtHashMismatch.into());
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An unsigned JWT with `payload` (the checks here never look at signatures).
    pub(crate) fn jwt(payload: &str) -> String {
        let enc = |s: &str| b64::encode(s.as_bytes());
        [
            enc(r#"{"alg":"RS256","kid":"k"}"#),
            enc(payload),
            enc("sig"),
        ]
        .join(".")
    }

    fn cfg() -> AuthConfig {
        AuthConfig::parse(r#"{"domain":"d","clientId":"c1","redirectUri":"https://a/cb"}"#).unwrap()
    }

    fn tx() -> Transaction {
        Transaction::decode("st.no.ver~1").unwrap()
    }

    #[test]
    fn bodies() {
        assert_eq!(
            code_body(&cfg(), "co de", &tx()),
            "grant_type=authorization_code&client_id=c1&code=co%20de\
             &redirect_uri=https%3A%2F%2Fa%2Fcb&code_verifier=ver~1"
        );
        assert_eq!(
            refresh_body(&cfg(), "r/t"),
            "grant_type=refresh_token&client_id=c1&refresh_token=r%2Ft"
        );
        assert_eq!(revoke_body(&cfg(), "rt"), "token=rt&client_id=c1");
    }

    #[test]
    fn token_response_success() {
        let t = parse_token_response(
            200,
            r#"{"id_token":"i","access_token":"a","refresh_token":"r","expires_in":3600,"token_type":"Bearer"}"#,
        )
        .unwrap();
        assert_eq!(t.id_token.as_deref(), Some("i"));
        assert_eq!(t.access_token, "a");
        assert_eq!(t.refresh_token.as_deref(), Some("r"));
        assert_eq!(t.expires_in, 3600.0);
        let refreshed = parse_token_response(
            200,
            r#"{"access_token":"a","expires_in":300,"token_type":"bearer"}"#,
        )
        .unwrap();
        assert_eq!(refreshed.refresh_token, None);
        assert_eq!(refreshed.id_token, None);
    }

    #[test]
    fn token_response_malformed() {
        for body in [
            "",
            "<html>",
            r#"{"expires_in":3600}"#,
            r#"{"access_token":"a"}"#,
            r#"{"access_token":"a","expires_in":3600,"token_type":"mac"}"#,
            r#"{"access_token":1,"expires_in":3600}"#,
        ] {
            let e = parse_token_response(200, body).unwrap_err();
            assert_eq!(e.code(), "ERR_AUTH_INVALID_RESPONSE", "{body}");
            assert!(!e.to_string().contains("access"), "{e}");
        }
    }

    #[test]
    fn token_errors() {
        let e = parse_token_response(400, r#"{"error":"invalid_grant"}"#).unwrap_err();
        assert_eq!(e.code(), "ERR_AUTH_INVALID_GRANT");
        let e = parse_token_response(401, r#"{"error":"invalid_client","error_description":"x"}"#)
            .unwrap_err();
        assert_eq!(
            e,
            Error::Auth(AuthError::OAuth {
                error: "invalid_client".into(),
                description: Some("x".into())
            })
        );
        assert_eq!(e.code(), "ERR_AUTH_OAUTH_ERROR");
        let e = parse_token_response(503, "<html>busy</html>").unwrap_err();
        assert_eq!(e.code(), "ERR_AUTH_INVALID_RESPONSE");
    }

    fn at_hash(access: &str) -> String {
        b64::encode(&sha256(access.as_bytes())[..16])
    }

    #[test]
    fn id_token_nonce_and_at_hash() {
        let good = jwt(&format!(
            r#"{{"nonce":"no","at_hash":"{}"}}"#,
            at_hash("acc")
        ));
        check_id_token(&good, "acc", Some(&tx())).unwrap();
        assert_eq!(
            check_id_token(&good, "other", Some(&tx()))
                .unwrap_err()
                .code(),
            "ERR_AUTH_AT_HASH_MISMATCH"
        );
        let other_nonce = jwt(r#"{"nonce":"nx"}"#);
        assert_eq!(
            check_id_token(&other_nonce, "acc", Some(&tx()))
                .unwrap_err()
                .code(),
            "ERR_AUTH_NONCE_MISMATCH"
        );
        assert_eq!(
            check_id_token(&jwt("{}"), "acc", Some(&tx()))
                .unwrap_err()
                .code(),
            "ERR_AUTH_NONCE_MISMATCH"
        );
        // A refresh: no nonce to compare, at_hash still checked when present.
        check_id_token(&other_nonce, "acc", None).unwrap();
        let bad_hash = jwt(r#"{"at_hash":"!!"}"#);
        assert_eq!(
            check_id_token(&bad_hash, "acc", None).unwrap_err().code(),
            "ERR_AUTH_AT_HASH_MISMATCH"
        );
        assert_eq!(
            check_id_token("x.y", "acc", None).unwrap_err().code(),
            "ERR_JWT_MALFORMED"
        );
    }

    #[test]
    fn at_hash_matches_a_known_cognito_style_value() {
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223...; left half, base64url.
        assert_eq!(at_hash("abc"), "ungWv48Bz-pBQUDeXa4iIw");
    }
}
