//! Typed claims and their checks (reference §9, §12.2, §12.3). No `serde_json::Value`: only the
//! claims we check are deserialized; everything else is skipped.
//!
//! Types follow aws-jwt-verify: `exp`/`nbf`/`iat` numbers, `iss`/`sub`/`scope`/`jti` strings, `aud`
//! a string or an array of strings; a wrong type is a parse error ([`ParseError::ClaimType`]).
//! `token_use`, `client_id` and `cognito:groups` are typed by the checks that read them, as in
//! aws-jwt-verify: a wrong type fails that check ([`ClaimError::TokenUse`],
//! [`ClaimError::ClientId`], [`ClaimError::Group`]), after the signature, and is ignored when no
//! check reads the claim. A present `exp`/`nbf`/`iat` must be a number
//! (`null` is refused), and a Cognito ID token's `aud` must be one string when the client is
//! checked.

use crate::protocol::codec::json::{parse_error, JsonError, Reader, Res};
use crate::protocol::error::{Asserted, ClaimError, ParseError, Part};

/// The claims we check. Unknown claims are validated as JSON and skipped.
#[derive(Debug, Default)]
pub struct Claims {
    pub iss: Option<String>,
    pub exp: Option<f64>,
    pub nbf: Option<f64>,
    pub iat: Option<f64>,
    pub aud: Option<Vec<String>>,
    pub scope: Option<String>,
    pub token_use: Option<String>,
    pub client_id: Option<String>,
    /// Whether `aud` was an array (a Cognito ID token's is a string).
    pub aud_is_array: bool,
    /// `cognito:groups`.
    pub groups: Groups,
}

/// `cognito:groups` as found: its type is checked only by a group check.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub enum Groups {
    #[default]
    Missing,
    /// The claim's JSON text (valid JSON, of any type).
    Text(String),
}

impl Groups {
    /// The groups: a string or an array of strings (`None` when absent or `null`); any other
    /// type is an error.
    pub fn read(&self) -> Result<Option<Vec<String>>, JsonError> {
        match self {
            Groups::Missing => Ok(None),
            Groups::Text(json) => Reader::document(json, Reader::opt_strings),
        }
    }
}

impl Claims {
    /// Parses a payload: a JSON object nested at most `max_depth` deep, without duplicate
    /// member names, whose checked claims have the right types.
    pub fn parse(payload_json: &str, max_depth: usize) -> Result<Claims, ParseError> {
        let mut c = Claims::default();
        Reader::top_object(payload_json, max_depth, |r, key| {
            // byte patterns: a length test then inline comparisons, no string comparison call for
            // the many members of a large payload that are none of ours
            match key.as_bytes() {
                b"iss" => c.iss = r.opt_str()?,
                // present means a number (`null` too is refused, as aws-jwt-verify does)
                b"exp" => c.exp = Some(r.num()?),
                b"nbf" => c.nbf = Some(r.num()?),
                b"iat" => c.iat = Some(r.num()?),
                b"aud" => {
                    c.aud_is_array = r.peek() == Some(b'[');
                    c.aud = r.opt_strings()?;
                }
                b"scope" => c.scope = r.opt_str()?,
                // typed by their checks (aws-jwt-verify): any other type reads as absent, so
                // the check refuses it with its own error, after the signature
                b"token_use" => c.token_use = str_or_absent(r)?,
                b"client_id" => c.client_id = str_or_absent(r)?,
                // typed only when a group check reads it (aws-jwt-verify): checked, kept as text
                b"cognito:groups" => {
                    c.groups = Groups::Text(r.raw()?.to_owned());
                }
                // type-checked only
                b"sub" | b"jti" => {
                    if !r.null()? {
                        r.str()?;
                    }
                }
                _ => r.skip()?,
            }
            Ok(())
        })
        .map_err(parse_error(Part::Payload, max_depth))?;
        Ok(c)
    }
}

/// A string claim, or `None` for any other (valid) value.
fn str_or_absent(r: &mut Reader<'_>) -> Res<Option<String>> {
    match r.peek() {
        Some(b'"') => r.str().map(|s| Some(s.into_owned())),
        _ => r.skip().map(|()| None),
    }
}

/// An any-of or all-of requirement on a set of strings (`scope`, `groups`).
///
/// Option forms: `"a"` or `["a","b"]` (any of, aws-jwt-verify semantics), `{"anyOf":[...]}`,
/// `{"allOf":[...]}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    AnyOf(Vec<String>),
    AllOf(Vec<String>),
}

impl Match {
    /// True when `have` satisfies the requirement.
    pub fn accepts<'a>(&self, have: impl Iterator<Item = &'a str> + Clone) -> bool {
        match self {
            Match::AnyOf(want) => have.clone().any(|h| want.iter().any(|w| w == h)),
            Match::AllOf(want) => want.iter().all(|w| have.clone().any(|h| h == w)),
        }
    }

    /// The required values.
    pub fn values(&self) -> &[String] {
        match self {
            Match::AnyOf(v) | Match::AllOf(v) => v,
        }
    }
}

impl Match {
    /// Reads the option forms above; an empty list is refused.
    pub(crate) fn read(r: &mut Reader<'_>) -> Res<Match> {
        let m = if r.peek() == Some(b'{') {
            let mut form = None;
            r.object(|r, key| {
                let values = r.strings()?;
                form = match (&*key, form.is_some()) {
                    ("anyOf", false) => Some(Match::AnyOf(values)),
                    ("allOf", false) => Some(Match::AllOf(values)),
                    _ => return Err(JsonError::Type),
                };
                Ok(())
            })?;
            form.ok_or(JsonError::Type)?
        } else {
            Match::AnyOf(r.strings()?)
        };
        if m.values().is_empty() {
            return Err(JsonError::Type);
        }
        Ok(m)
    }
}

/// Which Cognito token kinds are accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    Id,
    Access,
}

impl TokenUse {
    /// Reads `"id"` or `"access"`.
    pub(crate) fn read(r: &mut Reader<'_>) -> Res<TokenUse> {
        match &*r.str()? {
            "id" => Ok(TokenUse::Id),
            "access" => Ok(TokenUse::Access),
            _ => Err(JsonError::Type),
        }
    }

    fn name(self) -> &'static str {
        match self {
            TokenUse::Id => "id",
            TokenUse::Access => "access",
        }
    }
}

/// The checks for one verification, resolved from create-time options and verify-time
/// overrides. Cognito-only fields are `None` for generic issuers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rules<'a> {
    /// Accepted `iss` values (exact).
    pub issuers: &'a [String],
    /// Accepted `aud` values (generic verifier); `None` = not checked.
    pub audience: Option<&'a [String]>,
    pub scope: Option<&'a Match>,
    pub grace_seconds: f64,
    pub clock_skew_seconds: f64,
    /// `Some` for Cognito issuers.
    pub cognito: Option<CognitoRules<'a>>,
}

/// Cognito's extra checks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CognitoRules<'a> {
    /// `None` accepts `id` and `access` (the claim must still be one of them).
    pub token_use: Option<TokenUse>,
    /// `None` skips the client check.
    pub client_ids: Option<&'a [String]>,
    pub groups: Option<&'a Match>,
}

fn list(v: &[String]) -> Vec<String> {
    v.to_vec()
}

fn asserted(v: Option<&[String]>) -> Asserted {
    v.map_or(Asserted::Missing, |v| Asserted::List(v.to_vec()))
}

impl Rules<'_> {
    /// Whether `c` passes every claim check at `now`, with no error to report: for choosing a
    /// path before the signature is checked (the hot path) and for property tests. A claim error
    /// is reported only through [`super::verifier::VerifiedJwt::check_claims`].
    pub fn admits(&self, c: &Claims, now: f64) -> bool {
        self.validate(c, now).is_ok()
    }

    /// Runs every claim check at time `now` (seconds since the epoch).
    pub(crate) fn validate(&self, c: &Claims, now: f64) -> Result<(), ClaimError> {
        let exp = c.exp.ok_or(ClaimError::MissingExp)?;
        if exp + self.grace_seconds <= now {
            return Err(ClaimError::Expired {
                expected: now,
                actual: exp,
            });
        }
        if let Some(nbf) = c.nbf.filter(|nbf| nbf - self.grace_seconds > now) {
            return Err(ClaimError::NotBefore {
                expected: now,
                actual: nbf,
            });
        }
        if let Some(iat) = c.iat.filter(|iat| iat - self.clock_skew_seconds > now) {
            return Err(ClaimError::IatInFuture {
                expected: now,
                actual: iat,
            });
        }
        if !c.iss.as_ref().is_some_and(|i| self.issuers.contains(i)) {
            return Err(ClaimError::Issuer {
                expected: list(self.issuers),
                actual: c.iss.clone(),
            });
        }
        let aud = c.aud.as_deref();
        if let Some(want) = self.audience {
            if !aud.is_some_and(|a| a.iter().any(|x| want.contains(x))) {
                return Err(ClaimError::Audience {
                    expected: list(want),
                    actual: asserted(aud),
                });
            }
        }
        if let Some(want) = self.scope {
            let have = c.scope.as_deref().unwrap_or("");
            if !want.accepts(have.split(' ').filter(|s| !s.is_empty())) {
                return Err(ClaimError::Scope {
                    expected: list(want.values()),
                    actual: c.scope.clone().map_or(Asserted::Missing, Asserted::Str),
                });
            }
        }
        match &self.cognito {
            Some(cognito) => cognito.validate(c, aud),
            None => Ok(()),
        }
    }
}

impl CognitoRules<'_> {
    fn validate(&self, c: &Claims, aud: Option<&[String]>) -> Result<(), ClaimError> {
        if let Some(want) = self.groups {
            let refused = |actual| ClaimError::Group {
                expected: list(want.values()),
                actual,
            };
            let groups = c.groups.read().map_err(|_| refused(Asserted::Missing))?;
            let groups = groups.as_deref();
            if !want.accepts(groups.unwrap_or(&[]).iter().map(String::as_str)) {
                return Err(refused(asserted(groups)));
            }
        }
        let allowed: &[TokenUse] = match &self.token_use {
            Some(t) => std::slice::from_ref(t),
            None => &[TokenUse::Id, TokenUse::Access],
        };
        let used = allowed
            .iter()
            .find(|t| c.token_use.as_deref() == Some(t.name()))
            .ok_or_else(|| ClaimError::TokenUse {
                expected: allowed.iter().map(|t| t.name().to_owned()).collect(),
                actual: c.token_use.clone(),
            })?;
        if let Some(want) = self.client_ids {
            let (ok, actual) = match used {
                // an ID token's `aud` is one string (aws-jwt-verify refuses an array)
                TokenUse::Id => (
                    !c.aud_is_array && aud.is_some_and(|a| a.iter().any(|x| want.contains(x))),
                    aud.map(|a| a.join(" ")),
                ),
                TokenUse::Access => (
                    c.client_id.as_ref().is_some_and(|x| want.contains(x)),
                    c.client_id.clone(),
                ),
            };
            if !ok {
                return Err(ClaimError::ClientId {
                    expected: list(want),
                    actual,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISS: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc";

    fn parse(json: &str) -> Result<Claims, ParseError> {
        Claims::parse(json, 32)
    }

    fn claims(json: &str) -> Claims {
        parse(json).unwrap()
    }

    #[test]
    fn depth_is_bounded_on_the_way_down() {
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(parse(&deep).unwrap_err(), ParseError::TooDeep { max: 32 });
        assert!(Claims::parse(r#"{"a":{"b":[1]}}"#, 3).is_ok());
        assert_eq!(
            Claims::parse(r#"{"a":{"b":[1]}}"#, 2).unwrap_err(),
            ParseError::TooDeep { max: 2 }
        );
        // brackets inside strings do not count
        assert!(Claims::parse(r#"{"a":"[[[[{{{{\"]]"}"#, 1).is_ok());
    }

    #[test]
    fn duplicate_member_names_are_refused_even_when_escaped() {
        let dup = Err(ParseError::DuplicateKey {
            part: Part::Payload,
        });
        assert_eq!(parse(r#"{"exp":1,"exp":2}"#).map(drop), dup);
        assert_eq!(parse(r#"{"iss":"a","\u0069ss":"b"}"#).map(drop), dup);
        assert_eq!(parse(r#"{"x":1,"y":2,"x":3}"#).map(drop), dup);
        assert!(parse(r#"{"a":{"x":1},"b":{"x":1}}"#).is_ok());
        assert!(parse(r#"{"a":["a","a"]}"#).is_ok());
    }

    fn rules<'a>(issuers: &'a [String], cognito: Option<CognitoRules<'a>>) -> Rules<'a> {
        Rules {
            issuers,
            audience: None,
            scope: None,
            grace_seconds: 0.0,
            clock_skew_seconds: 30.0,
            cognito,
        }
    }

    fn access(extra: &str) -> Claims {
        claims(&format!(
            r#"{{"iss":"{ISS}","exp":100,"iat":50,"token_use":"access","client_id":"c1","scope":"openid read"{extra}}}"#
        ))
    }

    #[test]
    fn type_checks_follow_aws_jwt_verify() {
        for bad in [
            r#"{"exp":"1"}"#,
            r#"{"iss":1}"#,
            r#"{"aud":[1]}"#,
            r#"{"sub":{}}"#,
            r#"{"scope":["a"]}"#,
            r#"{"jti":5}"#,
        ] {
            assert_eq!(
                parse(bad).unwrap_err(),
                ParseError::ClaimType {
                    part: Part::Payload
                },
                "{bad}"
            );
        }
        let json = Err(ParseError::Json {
            part: Part::Payload,
        });
        assert_eq!(parse("{\"exp\":1").map(drop), json);
        // the top level must be an object
        for bad in ["[1]", "  ", "\"a\"", r#"{"a":"unterminated}"#] {
            assert_eq!(parse(bad).map(drop), json, "{bad}");
        }
        let c = claims(r#"{"aud":"a","cognito:groups":["g1","g2"],"exp":1.5,"other":{"x":[1]}}"#);
        assert_eq!(c.aud, Some(vec!["a".to_owned()]));
        assert_eq!(c.exp, Some(1.5));
        // Cognito escapes slashes
        assert_eq!(
            claims(r#"{"iss":"https:\/\/x"}"#).iss.as_deref(),
            Some("https://x")
        );
    }

    #[test]
    fn time_checks() {
        let iss = [ISS.to_owned()];
        let r = rules(&iss, None);
        let c = access("");
        assert_eq!(r.validate(&c, 99.0), Ok(()));
        assert_eq!(
            r.validate(&c, 100.0),
            Err(ClaimError::Expired {
                expected: 100.0,
                actual: 100.0
            })
        );
        let graced = Rules {
            grace_seconds: 5.0,
            ..r
        };
        assert_eq!(graced.validate(&c, 104.0), Ok(()));
        assert_eq!(
            r.validate(&claims(&format!(r#"{{"iss":"{ISS}"}}"#)), 0.0),
            Err(ClaimError::MissingExp)
        );
        let nbf = access(r#","nbf":60"#);
        assert_eq!(
            r.validate(&nbf, 59.0),
            Err(ClaimError::NotBefore {
                expected: 59.0,
                actual: 60.0
            })
        );
        assert_eq!(r.validate(&nbf, 60.0), Ok(()));
        // iat 50 is 30 s ahead of 20: allowed; 31 s is not
        assert_eq!(r.validate(&c, 20.0), Ok(()));
        assert_eq!(
            r.validate(&c, 19.0),
            Err(ClaimError::IatInFuture {
                expected: 19.0,
                actual: 50.0
            })
        );
    }

    #[test]
    fn issuer_audience_and_scope() {
        let iss = [ISS.to_owned()];
        let other = ["https://other".to_owned()];
        let c = access(r#","aud":["x","y"]"#);
        assert_eq!(
            rules(&other, None).validate(&c, 60.0),
            Err(ClaimError::Issuer {
                expected: vec!["https://other".into()],
                actual: Some(ISS.into())
            })
        );
        let aud = ["y".to_owned()];
        let r = Rules {
            audience: Some(&aud),
            ..rules(&iss, None)
        };
        assert_eq!(r.validate(&c, 60.0), Ok(()));
        let aud = ["z".to_owned()];
        let r = Rules {
            audience: Some(&aud),
            ..rules(&iss, None)
        };
        assert!(matches!(
            r.validate(&c, 60.0),
            Err(ClaimError::Audience { .. })
        ));
        let any = Match::AnyOf(vec!["write".into(), "read".into()]);
        let all = Match::AllOf(vec!["openid".into(), "write".into()]);
        let r = Rules {
            scope: Some(&any),
            ..rules(&iss, None)
        };
        assert_eq!(r.validate(&c, 60.0), Ok(()));
        let r = Rules {
            scope: Some(&all),
            ..rules(&iss, None)
        };
        assert_eq!(
            r.validate(&c, 60.0),
            Err(ClaimError::Scope {
                expected: vec!["openid".into(), "write".into()],
                actual: Asserted::Str("openid read".into())
            })
        );
    }

    #[test]
    fn cognito_token_use_client_and_groups() {
        let iss = [ISS.to_owned()];
        let clients = ["c1".to_owned()];
        let either = CognitoRules {
            token_use: None,
            client_ids: Some(&clients),
            groups: None,
        };
        assert_eq!(
            rules(&iss, Some(either)).validate(&access(""), 60.0),
            Ok(())
        );
        // id token: client checked against aud, not client_id
        let id = claims(&format!(
            r#"{{"iss":"{ISS}","exp":100,"token_use":"id","aud":"c1","client_id":"zz"}}"#
        ));
        assert_eq!(rules(&iss, Some(either)).validate(&id, 60.0), Ok(()));
        let c2 = claims(&format!(
            r#"{{"iss":"{ISS}","exp":100,"token_use":"access","client_id":"c2"}}"#
        ));
        assert_eq!(
            rules(&iss, Some(either)).validate(&c2, 60.0),
            Err(ClaimError::ClientId {
                expected: vec!["c1".into()],
                actual: Some("c2".into())
            })
        );
        let only_id = CognitoRules {
            token_use: Some(TokenUse::Id),
            ..either
        };
        assert_eq!(
            rules(&iss, Some(only_id)).validate(&access(""), 60.0),
            Err(ClaimError::TokenUse {
                expected: vec!["id".into()],
                actual: Some("access".into())
            })
        );
        let odd = claims(&format!(
            r#"{{"iss":"{ISS}","exp":100,"token_use":"refresh"}}"#
        ));
        assert!(matches!(
            rules(&iss, Some(either)).validate(&odd, 60.0),
            Err(ClaimError::TokenUse { .. })
        ));
        let admins = Match::AnyOf(vec!["admins".into()]);
        let grouped = CognitoRules {
            groups: Some(&admins),
            ..either
        };
        assert_eq!(
            rules(&iss, Some(grouped)).validate(&access(""), 60.0),
            Err(ClaimError::Group {
                expected: vec!["admins".into()],
                actual: Asserted::Missing
            })
        );
        let member = access(r#","cognito:groups":["users","admins"]"#);
        assert_eq!(rules(&iss, Some(grouped)).validate(&member, 60.0), Ok(()));
    }

    #[test]
    fn present_time_claims_must_be_numbers() {
        for bad in [r#"{"iat":null}"#, r#"{"nbf":null}"#, r#"{"exp":null}"#] {
            assert_eq!(
                parse(bad).unwrap_err(),
                ParseError::ClaimType {
                    part: Part::Payload
                },
                "{bad}"
            );
        }
        let c = claims(r#"{"iat":1,"nbf":2,"exp":3}"#);
        assert_eq!((c.iat, c.nbf, c.exp), (Some(1.0), Some(2.0), Some(3.0)));
    }

    #[test]
    fn an_id_token_aud_must_be_a_string() {
        let iss = [ISS.to_owned()];
        let clients = ["c1".to_owned()];
        let check = CognitoRules {
            token_use: None,
            client_ids: Some(&clients),
            groups: None,
        };
        let id = |aud: &str| {
            claims(&format!(
                r#"{{"iss":"{ISS}","exp":100,"token_use":"id","aud":{aud}}}"#
            ))
        };
        assert_eq!(
            rules(&iss, Some(check)).validate(&id(r#""c1""#), 60.0),
            Ok(())
        );
        assert_eq!(
            rules(&iss, Some(check)).validate(&id(r#"["c1"]"#), 60.0),
            Err(ClaimError::ClientId {
                expected: vec!["c1".into()],
                actual: Some("c1".into())
            })
        );
        // an access token's aud (and a generic verifier's) may still be an array
        let aud = ["c1".to_owned()];
        let generic = Rules {
            audience: Some(&aud),
            ..rules(&iss, None)
        };
        assert_eq!(generic.validate(&id(r#"["x","c1"]"#), 60.0), Ok(()));
    }

    #[test]
    fn groups_are_typed_only_when_checked() {
        let iss = [ISS.to_owned()];
        let plain = CognitoRules {
            token_use: None,
            client_ids: None,
            groups: None,
        };
        let admins = Match::AnyOf(vec!["admins".into()]);
        let grouped = CognitoRules {
            groups: Some(&admins),
            ..plain
        };
        for odd in ["5", "{}", "[1]", r#"["admins",{}]"#, "true"] {
            let c = access(&format!(r#","cognito:groups":{odd}"#));
            assert_eq!(rules(&iss, Some(plain)).validate(&c, 60.0), Ok(()), "{odd}");
            assert_eq!(
                rules(&iss, Some(grouped)).validate(&c, 60.0),
                Err(ClaimError::Group {
                    expected: vec!["admins".into()],
                    actual: Asserted::Missing
                }),
                "{odd}"
            );
        }
        // still valid JSON, and read as before when it is a string or strings
        assert!(parse(r#"{"cognito:groups":[1,]}"#).is_err());
        let c = access(r#","cognito:groups":"admins""#);
        assert_eq!(rules(&iss, Some(grouped)).validate(&c, 60.0), Ok(()));
        let c = access(r#","cognito:groups":null"#);
        assert!(rules(&iss, Some(grouped)).validate(&c, 60.0).is_err());
    }

    #[test]
    fn token_use_and_client_id_of_another_type_fail_their_own_checks() {
        let iss = [ISS.to_owned()];
        let clients = ["c1".to_owned()];
        let plain = CognitoRules {
            token_use: None,
            client_ids: None,
            groups: None,
        };
        let with_client = CognitoRules {
            client_ids: Some(&clients),
            ..plain
        };
        for odd in ["5", "{}", r#"["access"]"#, "true", "null"] {
            let c = claims(&format!(
                r#"{{"iss":"{ISS}","exp":100,"token_use":{odd},"client_id":"c1"}}"#
            ));
            assert_eq!(
                rules(&iss, Some(plain)).validate(&c, 60.0),
                Err(ClaimError::TokenUse {
                    expected: vec!["id".into(), "access".into()],
                    actual: None
                }),
                "{odd}"
            );
            let c = claims(&format!(
                r#"{{"iss":"{ISS}","exp":100,"token_use":"access","client_id":{odd}}}"#
            ));
            assert_eq!(rules(&iss, Some(plain)).validate(&c, 60.0), Ok(()), "{odd}");
            assert_eq!(
                rules(&iss, Some(with_client)).validate(&c, 60.0),
                Err(ClaimError::ClientId {
                    expected: vec!["c1".into()],
                    actual: None
                }),
                "{odd}"
            );
        }
        // still valid JSON
        assert!(parse(r#"{"token_use":[1,]}"#).is_err());
    }

    #[test]
    fn a_custom_claim_nested_100_deep_passes_the_default_depth() {
        use crate::protocol::verify::limits::DEFAULT_MAX_JSON_DEPTH;
        let nested = |n: usize| format!("{{\"x\":{}{}}}", "[".repeat(n), "]".repeat(n));
        assert!(Claims::parse(&nested(100), DEFAULT_MAX_JSON_DEPTH).is_ok());
        assert_eq!(
            Claims::parse(&nested(200), DEFAULT_MAX_JSON_DEPTH).unwrap_err(),
            ParseError::TooDeep { max: 128 }
        );
    }

    #[test]
    fn junk_claims_cost_no_conversion() {
        let junk = format!(
            r#"{{"exp":1e308,"x":[{}0],"y":{{"a":1.5e300,"b":[0.1e-320]}}}}"#,
            "1e308,9.999e307,".repeat(500)
        );
        let (c, n) = crate::protocol::codec::json::tests::conversions(|| parse(&junk));
        // only `exp`, which a check reads, is converted
        assert_eq!((c.unwrap().exp, n), (Some(1e308), 1));
    }

    #[test]
    fn match_option_forms() {
        let read = |s: &str| Reader::document(s, Match::read);
        assert_eq!(read(r#""a""#), Ok(Match::AnyOf(vec!["a".into()])));
        assert_eq!(
            read(r#"["a","b"]"#),
            Ok(Match::AnyOf(vec!["a".into(), "b".into()]))
        );
        assert_eq!(
            read(r#"{"allOf":["a","b"]}"#),
            Ok(Match::AllOf(vec!["a".into(), "b".into()]))
        );
        assert_eq!(read(r#"{"anyOf":"a"}"#), Ok(Match::AnyOf(vec!["a".into()])));
        for bad in [
            "[]",
            r#"{"oneOf":["a"]}"#,
            r#"{"anyOf":["a"],"allOf":["b"]}"#,
            "{}",
            "5",
        ] {
            assert_eq!(read(bad), Err(JsonError::Type), "{bad}");
        }
    }
}
