//! RFC 6750 bearer tokens at a resource server: reading `Authorization: Bearer`, the access
//! checks of `requireAuth` (token use, scope, groups) and the `WWW-Authenticate` challenge.
//!
//! Nothing here ever copies the token into a header or description.

use crate::protocol::verify::claims::Match;

/// Why a request gets no access; each maps to the status and challenge of RFC 6750 §3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denial {
    /// No `Authorization: Bearer` credentials (§3.1: 401, challenge without an error code).
    NoToken,
    /// Bearer credentials that are not a well-formed `b64token` (400 `invalid_request`).
    InvalidRequest,
    /// The token did not verify, or is not of the required use (401 `invalid_token`).
    InvalidToken { description: &'static str },
    /// The token lacks a required scope or group (403 `insufficient_scope`); `scope` lists the
    /// scopes the request needs, if any.
    InsufficientScope {
        description: &'static str,
        scope: Vec<String>,
    },
}

impl Denial {
    /// `invalid_token` for a token the verifier refused with the error `code` (only "expired" is
    /// told apart; nothing from the token is echoed).
    pub fn invalid_token(code: Option<&str>) -> Denial {
        Denial::InvalidToken {
            description: match code {
                Some("ERR_JWT_EXPIRED") => "the token expired",
                _ => "the token is invalid",
            },
        }
    }

    /// The JSON error body (`{"error","error_description"}`), empty when no credentials were sent.
    pub fn body(&self) -> String {
        match (self.error(), self.description()) {
            (Some(error), Some(description)) => {
                format!(r#"{{"error":"{error}","error_description":"{description}"}}"#)
            }
            _ => String::new(),
        }
    }

    /// The HTTP status of the error response.
    pub fn status(&self) -> u16 {
        match self {
            Denial::NoToken | Denial::InvalidToken { .. } => 401,
            Denial::InvalidRequest => 400,
            Denial::InsufficientScope { .. } => 403,
        }
    }

    /// The RFC 6750 `error` code, absent when no credentials were sent.
    pub fn error(&self) -> Option<&'static str> {
        match self {
            Denial::NoToken => None,
            Denial::InvalidRequest => Some("invalid_request"),
            Denial::InvalidToken { .. } => Some("invalid_token"),
            Denial::InsufficientScope { .. } => Some("insufficient_scope"),
        }
    }

    /// A fixed, human-readable `error_description` (never token text).
    pub fn description(&self) -> Option<&'static str> {
        match self {
            Denial::NoToken => None,
            Denial::InvalidRequest => Some("the Authorization header is not a valid bearer token"),
            Denial::InvalidToken { description } => Some(description),
            Denial::InsufficientScope { description, .. } => Some(description),
        }
    }

    /// The `WWW-Authenticate` header value: `Bearer realm="…"[, error="…",
    /// error_description="…"][, scope="…"]`. Characters RFC 6750 §3 does not allow in these
    /// quoted strings are dropped.
    pub fn www_authenticate(&self, realm: &str) -> String {
        let mut out = String::from("Bearer");
        let mut param = |name: &str, value: &str| {
            out.push_str(if out.len() == 6 { " " } else { ", " });
            out.push_str(name);
            out.push_str("=\"");
            out.extend(value.chars().filter(|c| quotable(*c)));
            out.push('"');
        };
        param("realm", realm);
        if let Some(error) = self.error() {
            param("error", error);
        }
        if let Some(description) = self.description() {
            param("error_description", description);
        }
        if let Denial::InsufficientScope { scope, .. } = self {
            if !scope.is_empty() {
                let tokens: Vec<String> = scope
                    .iter()
                    .map(|s| s.chars().filter(|c| scope_char(*c)).collect())
                    .filter(|s: &String| !s.is_empty())
                    .collect();
                param("scope", &tokens.join(" "));
            }
        }
        out
    }
}

/// `%x20-21 / %x23-5B / %x5D-7E`: printable ASCII without `"` and `\` (RFC 6750 §3).
fn quotable(c: char) -> bool {
    matches!(c, ' '..='~') && c != '"' && c != '\\'
}

/// A `scope-token` character: [`quotable`] without the space (RFC 6749 §3.3).
fn scope_char(c: char) -> bool {
    c != ' ' && quotable(c)
}

/// A `b64token` (RFC 6750 §2.1): `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
fn is_b64token(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b))
}

/// The token of an `Authorization` header value (RFC 6750 §2.1). The scheme is matched without
/// regard to case (RFC 7235 §2.1); one or more spaces separate it from the token. `None` or another
/// scheme is [`Denial::NoToken`]; a `Bearer` scheme with a malformed token is
/// [`Denial::InvalidRequest`].
pub fn parse_authorization(header: Option<&str>) -> Result<&str, Denial> {
    let header = header.ok_or(Denial::NoToken)?;
    let (scheme, rest) = header.split_once(' ').unwrap_or((header, ""));
    if !scheme.eq_ignore_ascii_case("Bearer") {
        return Err(Denial::NoToken);
    }
    let token = rest.trim_start_matches(' ');
    if is_b64token(token) {
        Ok(token)
    } else {
        Err(Denial::InvalidRequest)
    }
}

/// What a route requires of a verified token (the options of `requireAuth`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// `"id"` or `"access"`: the token's `token_use` must be this.
    pub token_use: Option<String>,
    /// Scopes (`scope` claim, space-separated).
    pub scope: Option<Match>,
    /// `cognito:groups`.
    pub groups: Option<Match>,
}

/// The claims a [`Requirement`] looks at, read from a verified payload.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Grants<'a> {
    pub token_use: Option<&'a str>,
    /// The space-separated `scope` claim.
    pub scope: Option<&'a str>,
    pub groups: Vec<&'a str>,
}

impl Requirement {
    /// Checks a verified token's grants: a wrong token use is `invalid_token`, a missing scope or
    /// group `insufficient_scope`.
    pub fn check(&self, grants: &Grants<'_>) -> Result<(), Denial> {
        if let Some(want) = &self.token_use {
            if grants.token_use != Some(want.as_str()) {
                return Err(Denial::InvalidToken {
                    description: "the token is not of the required use",
                });
            }
        }
        if let Some(want) = &self.scope {
            let have = grants
                .scope
                .unwrap_or("")
                .split(' ')
                .filter(|s| !s.is_empty());
            if !want.accepts(have) {
                return Err(Denial::InsufficientScope {
                    description: "the token lacks a required scope",
                    scope: want.values().to_vec(),
                });
            }
        }
        if let Some(want) = &self.groups {
            if !want.accepts(grants.groups.iter().copied()) {
                return Err(Denial::InsufficientScope {
                    description: "the token lacks a required group",
                    scope: Vec::new(),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bearer_credentials() {
        assert_eq!(
            parse_authorization(Some("Bearer abc.DEF-_~+/==")),
            Ok("abc.DEF-_~+/==")
        );
        assert_eq!(parse_authorization(Some("bearer   a.b.c")), Ok("a.b.c"));
        assert_eq!(parse_authorization(Some("BEARER x")), Ok("x"));
        assert_eq!(parse_authorization(None), Err(Denial::NoToken));
        assert_eq!(
            parse_authorization(Some("Basic dXNlcjpwdw==")),
            Err(Denial::NoToken)
        );
        assert_eq!(parse_authorization(Some("Bearerx a")), Err(Denial::NoToken));
        for bad in [
            "Bearer",
            "Bearer ",
            "Bearer a b",
            "Bearer a\"b",
            "Bearer ==",
            "Bearer a=b",
        ] {
            assert_eq!(
                parse_authorization(Some(bad)),
                Err(Denial::InvalidRequest),
                "{bad}"
            );
        }
    }

    #[test]
    fn builds_rfc6750_challenges() {
        assert_eq!(
            Denial::NoToken.www_authenticate("api"),
            r#"Bearer realm="api""#
        );
        assert_eq!(Denial::NoToken.status(), 401);
        assert_eq!(
            Denial::InvalidRequest.www_authenticate("api"),
            r#"Bearer realm="api", error="invalid_request", error_description="the Authorization header is not a valid bearer token""#
        );
        assert_eq!(Denial::InvalidRequest.status(), 400);
        assert_eq!(Denial::NoToken.body(), "");
        assert_eq!(
            Denial::invalid_token(Some("ERR_JWT_EXPIRED")).body(),
            r#"{"error":"invalid_token","error_description":"the token expired"}"#
        );
        assert_eq!(
            Denial::invalid_token(Some("ERR_JWT_INVALID_SIGNATURE")),
            Denial::InvalidToken {
                description: "the token is invalid"
            }
        );
        assert_eq!(Denial::invalid_token(None).status(), 401);
        let expired = Denial::InvalidToken {
            description: "the token expired",
        };
        assert_eq!(
            expired.www_authenticate("a\"b\\c\u{e9}"),
            r#"Bearer realm="abc", error="invalid_token", error_description="the token expired""#
        );
        let scope = Denial::InsufficientScope {
            description: "the token lacks a required scope",
            scope: vec!["https://api.example.com/read".into(), "bad\"one".into()],
        };
        assert_eq!(scope.status(), 403);
        assert_eq!(
            scope.www_authenticate("api"),
            r#"Bearer realm="api", error="insufficient_scope", error_description="the token lacks a required scope", scope="https://api.example.com/read badone""#
        );
    }

    #[test]
    fn checks_use_scope_and_groups() {
        let grants = Grants {
            token_use: Some("access"),
            scope: Some("openid https://api.example.com/read"),
            groups: vec!["admins"],
        };
        let any = |v: &[&str]| Some(Match::AnyOf(v.iter().map(|s| s.to_string()).collect()));
        assert_eq!(Requirement::default().check(&grants), Ok(()));
        let ok = Requirement {
            token_use: Some("access".into()),
            scope: any(&["x", "https://api.example.com/read"]),
            groups: any(&["admins"]),
        };
        assert_eq!(ok.check(&grants), Ok(()));
        let id = Requirement {
            token_use: Some("id".into()),
            ..Requirement::default()
        };
        assert_eq!(
            id.check(&grants),
            Err(Denial::InvalidToken {
                description: "the token is not of the required use"
            })
        );
        let all = Requirement {
            scope: Some(Match::AllOf(vec!["openid".into(), "write".into()])),
            ..Requirement::default()
        };
        assert_eq!(
            all.check(&grants),
            Err(Denial::InsufficientScope {
                description: "the token lacks a required scope",
                scope: vec!["openid".into(), "write".into()]
            })
        );
        let readers = Requirement {
            groups: any(&["readers"]),
            ..Requirement::default()
        };
        let group = readers.check(&grants);
        assert_eq!(group.as_ref().map_err(Denial::status), Err(403));
        assert_eq!(readers.check(&Grants::default()), group);
    }
}
