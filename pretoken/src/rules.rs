//! Cognito's rules for a trigger response (docs/cognito.md#trigger-response), each broken rule a
//! [`Violation`] saying what Cognito does about it.

use std::fmt;

use serde_json::{Map, Value};

use crate::event::{Event, TriggerSource, Version};
use crate::response::{Response, TokenGeneration};
use crate::Token;

const PROTECTED_ID: &[&str] = &[
    "acr",
    "amr",
    "aud",
    "at_hash",
    "auth_time",
    "azp",
    "cognito:username",
    "exp",
    "iat",
    "identities",
    "iss",
    "jti",
    "nbf",
    "nonce",
    "origin_jti",
    "sub",
    "token_use",
];
const PROTECTED_ACCESS_EXTRA: &[&str] = &[
    "client_id",
    "scope",
    "username",
    "version",
    "event_id",
    "device_key",
];
/// ID-token claims a trigger may only set to a simple (non-array, non-object) value.
pub const SIMPLE_ID_CLAIMS: &[&str] = &[
    "email_verified",
    "phone_number_verified",
    "updated_at",
    "address",
];
/// The largest response (serialised JSON) checked here: AWS Lambda's quota for a synchronous
/// invocation's response payload, 6 MB. Cognito documents no lower limit for this trigger.
pub const MAX_RESPONSE_BYTES: usize = 6 * 1024 * 1024;

/// True when Cognito never lets a trigger add, override or suppress `claim` in `token`.
pub fn is_protected(token: Token, claim: &str) -> bool {
    PROTECTED_ID.contains(&claim)
        || (token == Token::Access && PROTECTED_ACCESS_EXTRA.contains(&claim))
}

fn is_complex(value: &Value) -> bool {
    value.is_array() || value.is_object()
}

/// True when Cognito skips this addition (the token keeps its own value, if any).
pub(crate) fn add_is_ignored(token: Token, claim: &str, value: &Value) -> bool {
    is_protected(token, claim)
        || (token == Token::Id && is_complex(value) && SIMPLE_ID_CLAIMS.contains(&claim))
}

/// A V2/V3 claim value: a string, number or boolean, an array of those, or a JSON object.
fn is_supported_value(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Array(items) => items.iter().all(|v| !v.is_null() && !is_complex(v)),
        _ => true,
    }
}

/// What Cognito does with a response that breaks a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The offending part is ignored; the tokens are issued without it.
    Ignored,
    /// The sign-in fails (`UserLambdaValidationException` from the API).
    SignInFails,
}

/// A rule a response breaks. The variant names are stable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// The event has no known `version`, so no rule can be checked.
    UnknownEventVersion { version: Option<String> },
    /// `claimsOverrideDetails` sent to a V2/V3 pool, which reads only
    /// `claimsAndScopeOverrideDetails`.
    V1ResponseToV2Pool { pool: Version },
    /// `claimsAndScopeOverrideDetails` sent to a V1 pool, which reads only
    /// `claimsOverrideDetails`.
    V2ResponseToV1Pool,
    /// An access-token or scope field in a V1 response: V1 changes only the ID token.
    NotInV1 { field: String },
    /// `scopesToAdd`/`scopesToSuppress` outside `accessTokenGeneration`.
    ScopesNotOnAccessToken { field: String },
    /// `idTokenGeneration` or `groupOverrideDetails` for `client_credentials` (V3): there is no
    /// user, so no ID token and no groups.
    NotForClientCredentials { field: String },
    /// A field Cognito does not read (often a misspelling), at this path.
    UnknownField { path: String },
    /// A protected claim in `claimsToAddOrOverride` or `claimsToSuppress`.
    ProtectedClaim { token: Token, claim: String },
    /// A claim both added and suppressed: suppression wins, the addition does nothing.
    AddedAndSuppressed { token: Token, claim: String },
    /// A scope both added and suppressed: suppression wins.
    ScopeAddedAndSuppressed { scope: String },
    /// A complex value for an ID-token claim that must stay simple.
    ComplexValueNotAllowed { claim: String },
    /// A V1 claim value that is not a string.
    NonStringValueInV1 { claim: String },
    /// A V2/V3 value that is `null`, or an array holding `null`, arrays or objects.
    UnsupportedValue { token: Token, claim: String },
    /// The response is larger than [`MAX_RESPONSE_BYTES`].
    ResponseTooLarge { bytes: usize },
}

impl Violation {
    /// What Cognito does about it.
    pub fn outcome(&self) -> Outcome {
        match self {
            Violation::UnknownEventVersion { .. }
            | Violation::NonStringValueInV1 { .. }
            | Violation::UnsupportedValue { .. }
            | Violation::ResponseTooLarge { .. } => Outcome::SignInFails,
            _ => Outcome::Ignored,
        }
    }
}

fn token_name(token: Token) -> &'static str {
    match token {
        Token::Id => "ID token",
        Token::Access => "access token",
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::UnknownEventVersion { version } => {
                write!(f, "event version {version:?} is not 1, 2 or 3")
            }
            Violation::V1ResponseToV2Pool { pool } => write!(
                f,
                "claimsOverrideDetails is the V1 response; a {} pool ignores it (use claimsAndScopeOverrideDetails)",
                pool.event_version()
            ),
            Violation::V2ResponseToV1Pool => f.write_str(
                "claimsAndScopeOverrideDetails needs a V2_0/V3_0 pool; a V1 pool ignores it (use claimsOverrideDetails)",
            ),
            Violation::NotInV1 { field } => write!(
                f,
                "{field}: V1 changes only the ID token, Cognito ignores it (configure V2_0)"
            ),
            Violation::ScopesNotOnAccessToken { field } => write!(
                f,
                "{field}: scopes belong in accessTokenGeneration, Cognito ignores them here"
            ),
            Violation::NotForClientCredentials { field } => write!(
                f,
                "{field}: client_credentials issues no ID token and has no groups, Cognito ignores it"
            ),
            Violation::UnknownField { path } => {
                write!(f, "{path}: Cognito does not read this field")
            }
            Violation::ProtectedClaim { token, claim } => write!(
                f,
                "{claim} is protected in the {}: Cognito ignores the change",
                token_name(*token)
            ),
            Violation::AddedAndSuppressed { token, claim } => write!(
                f,
                "{claim} is added and suppressed in the {}: suppression wins, it is removed",
                token_name(*token)
            ),
            Violation::ScopeAddedAndSuppressed { scope } => write!(
                f,
                "scope {scope} is added and suppressed: suppression wins, it is removed"
            ),
            Violation::ComplexValueNotAllowed { claim } => write!(
                f,
                "{claim} takes only a simple value in the ID token: Cognito ignores the change"
            ),
            Violation::NonStringValueInV1 { claim } => write!(
                f,
                "{claim}: V1 claim values must be strings (complex values need V2_0): the sign-in fails"
            ),
            Violation::UnsupportedValue { token, claim } => write!(
                f,
                "{claim} in the {}: a value must be a string, number, boolean, an array of those, or an object: the sign-in fails",
                token_name(*token)
            ),
            Violation::ResponseTooLarge { bytes } => write!(
                f,
                "the response is {bytes} bytes, over {MAX_RESPONSE_BYTES}: the sign-in fails"
            ),
        }
    }
}

impl std::error::Error for Violation {}

fn unknown_fields(path: &str, unknown: &Map<String, Value>, out: &mut Vec<Violation>) {
    for field in unknown.keys() {
        let field = format!("{path}.{field}");
        out.push(Violation::UnknownField { path: field });
    }
}

fn check_claims(
    version: Version,
    token: Token,
    generation: &TokenGeneration,
    out: &mut Vec<Violation>,
) {
    for (claim, value) in &generation.claims_to_add_or_override {
        let name = || claim.clone();
        if is_protected(token, claim) {
            out.push(Violation::ProtectedClaim {
                token,
                claim: name(),
            });
        } else if generation.claims_to_suppress.contains(claim) {
            out.push(Violation::AddedAndSuppressed {
                token,
                claim: name(),
            });
        }
        if version == Version::V1 && !value.is_string() {
            out.push(Violation::NonStringValueInV1 { claim: name() });
        } else if !is_supported_value(value) {
            out.push(Violation::UnsupportedValue {
                token,
                claim: name(),
            });
        } else if !is_protected(token, claim) && add_is_ignored(token, claim, value) {
            out.push(Violation::ComplexValueNotAllowed { claim: name() });
        }
    }
    for claim in &generation.claims_to_suppress {
        if is_protected(token, claim) {
            out.push(Violation::ProtectedClaim {
                token,
                claim: claim.clone(),
            });
        }
    }
}

const SCOPE_FIELDS: [&str; 2] = ["scopesToAdd", "scopesToSuppress"];

/// Every rule `response` breaks for the pool that sent `event`, in response order.
pub fn validate(event: &Event, response: &Response) -> Vec<Violation> {
    let Some(version) = event.version() else {
        return vec![Violation::UnknownEventVersion {
            version: event.header.version.clone(),
        }];
    };
    let mut out = Vec::new();
    let bytes = serde_json::to_vec(response).map_or(0, |b| b.len());
    if bytes > MAX_RESPONSE_BYTES {
        out.push(Violation::ResponseTooLarge { bytes });
    }
    unknown_fields("response", &response.unknown, &mut out);
    let v1 = response.claims_override_details.as_set();
    let v2 = response.claims_and_scope_override_details.as_set();
    if version == Version::V1 {
        if v2.is_some() {
            out.push(Violation::V2ResponseToV1Pool);
        }
        if let Some(details) = v1 {
            for field in details.id.unknown.keys() {
                let path = format!("claimsOverrideDetails.{field}");
                let v2_only = SCOPE_FIELDS.contains(&field.as_str())
                    || ["accessTokenGeneration", "idTokenGeneration"].contains(&field.as_str());
                out.push(if v2_only {
                    Violation::NotInV1 { field: path }
                } else {
                    Violation::UnknownField { path }
                });
            }
            check_claims(version, Token::Id, &details.id, &mut out);
        }
        return out;
    }
    if v1.is_some() {
        out.push(Violation::V1ResponseToV2Pool { pool: version });
    }
    let Some(details) = v2 else {
        return out;
    };
    unknown_fields("claimsAndScopeOverrideDetails", &details.unknown, &mut out);
    if event.header.trigger_source == Some(TriggerSource::ClientCredentials) {
        let user_only = [
            (
                "idTokenGeneration",
                details
                    .id_token_generation
                    .as_ref()
                    .is_some_and(|id| *id != TokenGeneration::default()),
            ),
            (
                "groupOverrideDetails",
                !details.group_override_details.is_absent(),
            ),
        ];
        for (field, _) in user_only.iter().filter(|(_, present)| *present) {
            out.push(Violation::NotForClientCredentials {
                field: format!("claimsAndScopeOverrideDetails.{field}"),
            });
        }
    }
    if let Some(id) = &details.id_token_generation {
        for field in id.unknown.keys() {
            let path = format!("claimsAndScopeOverrideDetails.idTokenGeneration.{field}");
            out.push(if SCOPE_FIELDS.contains(&field.as_str()) {
                Violation::ScopesNotOnAccessToken { field: path }
            } else {
                Violation::UnknownField { path }
            });
        }
        check_claims(version, Token::Id, id, &mut out);
    }
    if let Some(access) = &details.access_token_generation {
        unknown_fields(
            "claimsAndScopeOverrideDetails.accessTokenGeneration",
            &access.claims.unknown,
            &mut out,
        );
        check_claims(version, Token::Access, &access.claims, &mut out);
        for scope in &access.scopes_to_add {
            if access.scopes_to_suppress.contains(scope) {
                out.push(Violation::ScopeAddedAndSuppressed {
                    scope: scope.clone(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(version: Version) -> Event {
        Event::new(version, TriggerSource::HostedAuth)
    }

    fn check(version: Version, response: Value) -> Vec<Violation> {
        validate(&event(version), &serde_json::from_value(response).unwrap())
    }

    fn v2(id: Value, access: Value) -> Value {
        json!({"claimsAndScopeOverrideDetails": {"idTokenGeneration": id, "accessTokenGeneration": access}})
    }

    fn v1(details: Value) -> Value {
        json!({ "claimsOverrideDetails": details })
    }

    /// Each rule: a response that keeps it (no violation) and one that breaks it (exactly these).
    struct Case {
        version: Version,
        pass: Value,
        fail: Value,
        expect: Vec<Violation>,
        outcome: Outcome,
    }

    fn run(case: Case) {
        assert_eq!(
            check(case.version, case.pass.clone()),
            vec![],
            "{}",
            case.pass
        );
        let got = check(case.version, case.fail.clone());
        assert_eq!(got, case.expect, "{}", case.fail);
        assert!(got.iter().all(|v| v.outcome() == case.outcome), "{got:?}");
    }

    fn id_claims(claims: Value) -> Value {
        v2(json!({ "claimsToAddOrOverride": claims }), json!({}))
    }

    fn access_claims(claims: Value) -> Value {
        v2(json!({}), json!({ "claimsToAddOrOverride": claims }))
    }

    #[test]
    fn protected_claims_are_ignored() {
        run(Case {
            version: Version::V2,
            // client_id is protected only in the access token
            pass: v2(
                json!({"claimsToAddOrOverride": {"tenant": "t1", "client_id": "x"}}),
                json!({"claimsToSuppress": ["email"]}),
            ),
            fail: v2(
                json!({"claimsToSuppress": ["sub"]}),
                json!({"claimsToAddOrOverride": {"client_id": "x", "event_id": "e"}}),
            ),
            expect: vec![
                Violation::ProtectedClaim {
                    token: Token::Id,
                    claim: "sub".into(),
                },
                Violation::ProtectedClaim {
                    token: Token::Access,
                    claim: "client_id".into(),
                },
                Violation::ProtectedClaim {
                    token: Token::Access,
                    claim: "event_id".into(),
                },
            ],
            outcome: Outcome::Ignored,
        });
        for claim in [
            "iss",
            "sub",
            "aud",
            "token_use",
            "exp",
            "iat",
            "auth_time",
            "jti",
            "origin_jti",
            "cognito:username",
        ] {
            assert!(is_protected(Token::Id, claim), "{claim}");
            assert!(is_protected(Token::Access, claim), "{claim}");
        }
        for claim in ["client_id", "event_id", "scope", "username", "version"] {
            assert!(!is_protected(Token::Id, claim), "{claim}");
            assert!(is_protected(Token::Access, claim), "{claim}");
        }
    }

    #[test]
    fn v1_values_are_strings() {
        run(Case {
            version: Version::V1,
            pass: v1(json!({"claimsToAddOrOverride": {"tier": "gold"}})),
            fail: v1(json!({"claimsToAddOrOverride": {"tier": ["gold"], "n": 1}})),
            expect: vec![
                Violation::NonStringValueInV1 { claim: "n".into() },
                Violation::NonStringValueInV1 {
                    claim: "tier".into(),
                },
            ],
            outcome: Outcome::SignInFails,
        });
    }

    #[test]
    fn v2_values_are_simple_arrays_of_simple_or_objects() {
        run(Case {
            version: Version::V3,
            pass: access_claims(
                json!({"s": "x", "n": 1, "b": true, "mixed": ["a", 1, false],
                "map": {"deep": [{"any": null}]}}),
            ),
            fail: access_claims(json!({"nothing": null, "nested": [["a"]], "objects": [{"a": 1}]})),
            expect: ["nested", "nothing", "objects"]
                .map(|claim| Violation::UnsupportedValue {
                    token: Token::Access,
                    claim: claim.into(),
                })
                .to_vec(),
            outcome: Outcome::SignInFails,
        });
    }

    #[test]
    fn simple_id_claims_take_no_complex_value() {
        run(Case {
            version: Version::V2,
            pass: v2(
                json!({"claimsToAddOrOverride": {"email_verified": false}}),
                json!({"claimsToAddOrOverride": {"address": {"x": 1}}}),
            ),
            fail: id_claims(json!({"address": {"x": 1}, "updated_at": [1]})),
            expect: vec![
                Violation::ComplexValueNotAllowed {
                    claim: "address".into(),
                },
                Violation::ComplexValueNotAllowed {
                    claim: "updated_at".into(),
                },
            ],
            outcome: Outcome::Ignored,
        });
    }

    #[test]
    fn scopes_only_on_the_access_token() {
        run(Case {
            version: Version::V2,
            pass: v2(
                json!({}),
                json!({"scopesToAdd": ["api/read"], "scopesToSuppress": ["email"]}),
            ),
            fail: v2(json!({"scopesToAdd": ["api/read"]}), json!({})),
            expect: vec![Violation::ScopesNotOnAccessToken {
                field: "claimsAndScopeOverrideDetails.idTokenGeneration.scopesToAdd".into(),
            }],
            outcome: Outcome::Ignored,
        });
    }

    #[test]
    fn client_credentials_has_no_id_token_or_groups() {
        let m2m = Event::new(Version::V3, TriggerSource::ClientCredentials);
        let check_m2m =
            |response: Value| validate(&m2m, &serde_json::from_value(response).unwrap());
        assert_eq!(check_m2m(access_claims(json!({"machine": true}))), vec![]);
        let got = check_m2m(json!({"claimsAndScopeOverrideDetails": {
            "idTokenGeneration": {"claimsToAddOrOverride": {"tenant": "t"}},
            "groupOverrideDetails": null}}));
        assert_eq!(
            got,
            ["idTokenGeneration", "groupOverrideDetails"]
                .map(|f| Violation::NotForClientCredentials {
                    field: format!("claimsAndScopeOverrideDetails.{f}")
                })
                .to_vec()
        );
        assert!(got.iter().all(|v| v.outcome() == Outcome::Ignored));
        // The same response for a user sign-in is fine.
        assert_eq!(
            check(Version::V3, id_claims(json!({"tenant": "t"}))),
            vec![]
        );
    }

    #[test]
    fn v1_changes_only_the_id_token() {
        run(Case {
            version: Version::V1,
            pass: v1(json!({"claimsToSuppress": ["email"], "groupOverrideDetails": null})),
            fail: v1(json!({"scopesToAdd": ["api/read"], "accessTokenGeneration": {}})),
            expect: vec![
                Violation::NotInV1 {
                    field: "claimsOverrideDetails.accessTokenGeneration".into(),
                },
                Violation::NotInV1 {
                    field: "claimsOverrideDetails.scopesToAdd".into(),
                },
            ],
            outcome: Outcome::Ignored,
        });
    }

    #[test]
    fn responses_in_the_other_versions_shape_are_ignored() {
        let v1_response = v1(json!({"claimsToAddOrOverride": {"tier": "gold"}}));
        let v2_response = id_claims(json!({"tier": "gold"}));
        run(Case {
            version: Version::V2,
            pass: v2_response.clone(),
            fail: v1_response.clone(),
            expect: vec![Violation::V1ResponseToV2Pool { pool: Version::V2 }],
            outcome: Outcome::Ignored,
        });
        run(Case {
            version: Version::V1,
            pass: v1_response,
            fail: v2_response,
            expect: vec![Violation::V2ResponseToV1Pool],
            outcome: Outcome::Ignored,
        });
        // The blank response of the other version (`null`) is not a mistake.
        assert_eq!(
            validate(&event(Version::V3), &Response::blank(Version::V1)),
            vec![]
        );
    }

    #[test]
    fn misspelt_fields_are_named() {
        run(Case {
            version: Version::V2,
            pass: access_claims(json!({"tenant": "t"})),
            fail: json!({"claimsAndScopeOverrideDetails": {
                "accessTokenGeneration": {"claimsToAdd": {"tenant": "t"}},
                "idTokenGenerations": {}}, "claimsOverride": {}}),
            expect: [
                "response.claimsOverride",
                "claimsAndScopeOverrideDetails.idTokenGenerations",
                "claimsAndScopeOverrideDetails.accessTokenGeneration.claimsToAdd",
            ]
            .map(|path| Violation::UnknownField { path: path.into() })
            .to_vec(),
            outcome: Outcome::Ignored,
        });
        assert_eq!(
            check(Version::V1, v1(json!({"claimsToSupress": ["email"]}))),
            vec![Violation::UnknownField {
                path: "claimsOverrideDetails.claimsToSupress".into()
            }]
        );
    }

    #[test]
    fn suppression_wins_over_addition() {
        run(Case {
            version: Version::V2,
            pass: v2(
                json!({"claimsToAddOrOverride": {"email": "e"}}),
                json!({"claimsToSuppress": ["email"], "scopesToAdd": ["a"], "scopesToSuppress": ["b"]}),
            ),
            fail: v2(
                json!({"claimsToAddOrOverride": {"email": "e"}, "claimsToSuppress": ["email"]}),
                json!({"scopesToAdd": ["a"], "scopesToSuppress": ["a"]}),
            ),
            expect: vec![
                Violation::AddedAndSuppressed {
                    token: Token::Id,
                    claim: "email".into(),
                },
                Violation::ScopeAddedAndSuppressed { scope: "a".into() },
            ],
            outcome: Outcome::Ignored,
        });
    }

    #[test]
    fn response_size_limit() {
        let under = "x".repeat(MAX_RESPONSE_BYTES - 200);
        let over = "x".repeat(MAX_RESPONSE_BYTES);
        let fail = access_claims(json!({ "blob": over }));
        let bytes = serde_json::to_vec(&fail).unwrap().len();
        run(Case {
            version: Version::V2,
            pass: access_claims(json!({ "blob": under })),
            fail,
            expect: vec![Violation::ResponseTooLarge { bytes }],
            outcome: Outcome::SignInFails,
        });
    }

    #[test]
    fn unknown_event_version() {
        let mut unknown = event(Version::V2);
        unknown.header.version = Some("9".into());
        let response = Response::default();
        assert_eq!(validate(&event(Version::V2), &response), vec![]);
        let got = validate(&unknown, &response);
        assert_eq!(
            got,
            vec![Violation::UnknownEventVersion {
                version: Some("9".into())
            }]
        );
        assert_eq!(got[0].outcome(), Outcome::SignInFails);
    }

    #[test]
    fn messages_say_what_cognito_does() {
        assert_eq!(
            Violation::ProtectedClaim {
                token: Token::Access,
                claim: "client_id".into()
            }
            .to_string(),
            "client_id is protected in the access token: Cognito ignores the change"
        );
        assert_eq!(
            Violation::V1ResponseToV2Pool { pool: Version::V2 }.to_string(),
            "claimsOverrideDetails is the V1 response; a 2 pool ignores it (use claimsAndScopeOverrideDetails)"
        );
    }
}
