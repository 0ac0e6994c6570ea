//! Checks a pre-token-generation trigger response against the rules Cognito documents
//! (`/work/shared/docs/cognito-reference.md` §10).

use serde_json::Value;

/// The trigger event version a user pool is configured with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V1,
    V2,
    V3,
}

/// Which token a part of the response applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Id,
    Access,
}

/// A rule the response breaks, and what Cognito does about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// A protected claim in `claimsToAddOrOverride` or `claimsToSuppress`: Cognito ignores it.
    ProtectedClaim { token: Token, claim: String },
    /// A V1 claim value that is not a string: Cognito fails the sign-in.
    NonStringValueInV1 { claim: String },
    /// A complex value for an ID-token claim that must stay simple: Cognito fails the sign-in.
    ComplexValueNotAllowed { claim: String },
    /// Scopes outside V2/V3 `accessTokenGeneration`: Cognito ignores them.
    ScopesNotOnAccessToken { field: String },
}

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

/// True when Cognito never lets a trigger add, override or suppress `claim` in `token`.
pub fn is_protected(token: Token, claim: &str) -> bool {
    PROTECTED_ID.contains(&claim)
        || (token == Token::Access && PROTECTED_ACCESS_EXTRA.contains(&claim))
}

fn check_claims(version: Version, token: Token, details: &Value, out: &mut Vec<Violation>) {
    if let Some(add) = details
        .get("claimsToAddOrOverride")
        .and_then(Value::as_object)
    {
        for (claim, value) in add {
            if is_protected(token, claim) {
                out.push(Violation::ProtectedClaim {
                    token,
                    claim: claim.clone(),
                });
            }
            let complex = value.is_array() || value.is_object();
            if version == Version::V1 && !value.is_string() {
                out.push(Violation::NonStringValueInV1 {
                    claim: claim.clone(),
                });
            } else if token == Token::Id && complex && SIMPLE_ID_CLAIMS.contains(&claim.as_str()) {
                out.push(Violation::ComplexValueNotAllowed {
                    claim: claim.clone(),
                });
            }
        }
    }
    for claim in details
        .get("claimsToSuppress")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(claim) = claim.as_str().filter(|c| is_protected(token, c)) {
            out.push(Violation::ProtectedClaim {
                token,
                claim: claim.to_owned(),
            });
        }
    }
}

/// Every rule `response` (the trigger's `response` object) breaks for a pool on `version`.
pub fn validate(version: Version, response: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    let scope_fields = ["scopesToAdd", "scopesToSuppress"];
    if version == Version::V1 {
        if let Some(details) = response.get("claimsOverrideDetails") {
            check_claims(version, Token::Id, details, &mut out);
            for field in scope_fields.iter().filter(|f| details.get(**f).is_some()) {
                out.push(Violation::ScopesNotOnAccessToken {
                    field: (*field).to_owned(),
                });
            }
        }
        return out;
    }
    let Some(details) = response.get("claimsAndScopeOverrideDetails") else {
        return out;
    };
    if let Some(id) = details.get("idTokenGeneration") {
        check_claims(version, Token::Id, id, &mut out);
        for field in scope_fields.iter().filter(|f| id.get(**f).is_some()) {
            out.push(Violation::ScopesNotOnAccessToken {
                field: format!("idTokenGeneration.{field}"),
            });
        }
    }
    if let Some(access) = details.get("accessTokenGeneration") {
        check_claims(version, Token::Access, access, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn v2(id: Value, access: Value) -> Value {
        json!({"claimsAndScopeOverrideDetails": {"idTokenGeneration": id, "accessTokenGeneration": access}})
    }

    #[test]
    fn protected_claims() {
        let ok = v2(
            json!({"claimsToAddOrOverride": {"tenant": "t1"}}),
            json!({}),
        );
        assert_eq!(validate(Version::V2, &ok), vec![]);
        let bad = v2(
            json!({"claimsToSuppress": ["sub"]}),
            json!({"claimsToAddOrOverride": {"client_id": "x"}}),
        );
        assert_eq!(
            validate(Version::V2, &bad),
            vec![
                Violation::ProtectedClaim {
                    token: Token::Id,
                    claim: "sub".into()
                },
                Violation::ProtectedClaim {
                    token: Token::Access,
                    claim: "client_id".into()
                },
            ]
        );
        // client_id is protected only in the access token
        let id_ok = v2(
            json!({"claimsToAddOrOverride": {"client_id": "x"}}),
            json!({}),
        );
        assert_eq!(validate(Version::V2, &id_ok), vec![]);
    }

    #[test]
    fn v1_values_are_strings() {
        let ok = json!({"claimsOverrideDetails": {"claimsToAddOrOverride": {"tier": "gold"}}});
        assert_eq!(validate(Version::V1, &ok), vec![]);
        let bad = json!({"claimsOverrideDetails": {"claimsToAddOrOverride": {"tier": ["gold"]}}});
        assert_eq!(
            validate(Version::V1, &bad),
            vec![Violation::NonStringValueInV1 {
                claim: "tier".into()
            }]
        );
        assert_eq!(
            validate(
                Version::V2,
                &v2(
                    json!({"claimsToAddOrOverride": {"tier": ["gold"]}}),
                    json!({})
                )
            ),
            vec![]
        );
    }

    #[test]
    fn simple_id_claims() {
        let ok = v2(
            json!({}),
            json!({"claimsToAddOrOverride": {"address": {"x": 1}}}),
        );
        assert_eq!(validate(Version::V3, &ok), vec![]);
        let bad = v2(
            json!({"claimsToAddOrOverride": {"address": {"x": 1}}}),
            json!({}),
        );
        assert_eq!(
            validate(Version::V3, &bad),
            vec![Violation::ComplexValueNotAllowed {
                claim: "address".into()
            }]
        );
    }

    #[test]
    fn scopes_only_on_access_token() {
        let ok = v2(json!({}), json!({"scopesToAdd": ["api/read"]}));
        assert_eq!(validate(Version::V2, &ok), vec![]);
        let bad = v2(json!({"scopesToAdd": ["api/read"]}), json!({}));
        assert_eq!(
            validate(Version::V2, &bad),
            vec![Violation::ScopesNotOnAccessToken {
                field: "idTokenGeneration.scopesToAdd".into()
            }]
        );
        let v1 = json!({"claimsOverrideDetails": {"scopesToAdd": ["api/read"]}});
        assert_eq!(
            validate(Version::V1, &v1),
            vec![Violation::ScopesNotOnAccessToken {
                field: "scopesToAdd".into()
            }]
        );
    }
}
