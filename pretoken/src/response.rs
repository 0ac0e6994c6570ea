//! The trigger's `response` (docs/cognito.md#trigger-response), its builder, and how Cognito
//! applies it.
//!
//! Ours, not `aws_lambda_events`': there, a default response serialises `groupOverrideDetails`
//! as an empty object (which Cognito reads as "remove every group"), omitted and `null` groups
//! cannot be told apart, a response without `claimsToSuppress` does not parse, and the V1 type
//! cannot hold the non-string value Cognito rejects. One type serves every version, so a
//! response in the other version's shape, or with a misspelt field, is still readable and
//! [`validate`](crate::validate) can name it.

use aws_lambda_events::event::cognito::GroupConfiguration;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::event::{nullish, Version};
use crate::rules::{add_is_ignored, is_protected};
use crate::Token;

/// A response field that Cognito reads differently when absent and when `null`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Field<T> {
    #[default]
    Absent,
    Null,
    Set(T),
}

impl<T> Field<T> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Field::Absent)
    }

    /// The value, when set.
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Field::Set(value) => Some(value),
            _ => None,
        }
    }
}

impl<T: Serialize> Serialize for Field<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_set().serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Field<T>, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.map_or(Field::Null, Field::Set))
    }
}

/// Claims to add, override and suppress in one token.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenGeneration {
    #[serde(
        default,
        deserialize_with = "nullish",
        skip_serializing_if = "Map::is_empty"
    )]
    pub claims_to_add_or_override: Map<String, Value>,
    #[serde(
        default,
        deserialize_with = "nullish",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub claims_to_suppress: Vec<String>,
    /// Fields Cognito does not read here.
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

/// `accessTokenGeneration` (V2/V3): claims and scopes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessTokenGeneration {
    #[serde(
        default,
        deserialize_with = "nullish",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub scopes_to_add: Vec<String>,
    #[serde(
        default,
        deserialize_with = "nullish",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub scopes_to_suppress: Vec<String>,
    #[serde(flatten)]
    pub claims: TokenGeneration,
}

/// `groupOverrideDetails`: replaces `cognito:groups` (both tokens) and the roles (ID token).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupOverride {
    #[serde(default, deserialize_with = "nullish")]
    pub groups_to_override: Vec<String>,
    #[serde(default, deserialize_with = "nullish")]
    pub iam_roles_to_override: Vec<String>,
    #[serde(default)]
    pub preferred_role: Option<String>,
}

impl From<&GroupConfiguration> for GroupOverride {
    /// The event's groups unchanged (copy them to keep the groups while changing other fields).
    fn from(groups: &GroupConfiguration) -> GroupOverride {
        GroupOverride {
            groups_to_override: groups.groups_to_override.clone(),
            iam_roles_to_override: groups.iam_roles_to_override.clone(),
            preferred_role: groups.preferred_role.clone(),
        }
    }
}

/// `claimsOverrideDetails` (V1).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimsOverrideDetails {
    /// Absent: groups unchanged; `null`: removed.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub group_override_details: Field<GroupOverride>,
    #[serde(flatten)]
    pub id: TokenGeneration,
}

/// `claimsAndScopeOverrideDetails` (V2/V3).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimsAndScopeOverrideDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token_generation: Option<TokenGeneration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token_generation: Option<AccessTokenGeneration>,
    /// Absent: groups unchanged; `null`: removed.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub group_override_details: Field<GroupOverride>,
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

/// The event's `response`, for every version.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    /// The V1 shape.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub claims_override_details: Field<ClaimsOverrideDetails>,
    /// The V2/V3 shape.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub claims_and_scope_override_details: Field<ClaimsAndScopeOverrideDetails>,
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

/// What a response changes for a pool on one version: the parts Cognito reads.
pub(crate) struct Parts<'a> {
    pub id: Option<&'a TokenGeneration>,
    pub access: Option<&'a AccessTokenGeneration>,
    pub groups: &'a Field<GroupOverride>,
}

impl Response {
    /// The response of a blank event: its version's key, `null`.
    pub fn blank(version: Version) -> Response {
        if version == Version::V1 {
            Response {
                claims_override_details: Field::Null,
                ..Response::default()
            }
        } else {
            Response {
                claims_and_scope_override_details: Field::Null,
                ..Response::default()
            }
        }
    }

    pub(crate) fn parts(&self, version: Version) -> Parts<'_> {
        if version == Version::V1 {
            let details = self.claims_override_details.as_set();
            Parts {
                id: details.map(|d| &d.id),
                access: None,
                groups: details.map_or(&Field::Absent, |d| &d.group_override_details),
            }
        } else {
            let details = self.claims_and_scope_override_details.as_set();
            Parts {
                id: details.and_then(|d| d.id_token_generation.as_ref()),
                access: details.and_then(|d| d.access_token_generation.as_ref()),
                groups: details.map_or(&Field::Absent, |d| &d.group_override_details),
            }
        }
    }

    /// Applies the response to one token's claims as Cognito does for a pool on `version`:
    /// what Cognito ignores ([`validate`](crate::validate) names it) is skipped, and suppression
    /// wins over addition. Check [`validate`](crate::validate) first: a response with a violation
    /// that fails the sign-in must not be applied at all.
    pub fn apply_claims(&self, version: Version, token: Token, claims: &mut Map<String, Value>) {
        let parts = self.parts(version);
        let generation = match token {
            Token::Id => parts.id,
            Token::Access => parts.access.map(|a| &a.claims),
        };
        let Some(generation) = generation else {
            return;
        };
        for (name, value) in &generation.claims_to_add_or_override {
            if !add_is_ignored(token, name, value) {
                claims.insert(name.clone(), value.clone());
            }
        }
        for name in &generation.claims_to_suppress {
            if !is_protected(token, name) {
                claims.remove(name);
            }
        }
    }

    /// Applies `scopesToAdd` then `scopesToSuppress` (suppression wins) to the access token's
    /// scopes. Only V2/V3 responses change scopes.
    pub fn apply_scopes(&self, version: Version, scopes: &mut Vec<String>) {
        let Some(access) = self.parts(version).access else {
            return;
        };
        for scope in &access.scopes_to_add {
            if !scopes.contains(scope) {
                scopes.push(scope.clone());
            }
        }
        scopes.retain(|s| !access.scopes_to_suppress.contains(s));
    }

    /// The groups the tokens carry instead of the user's: `None` leaves them unchanged, an
    /// empty override (or `null`) removes them.
    pub fn group_override(&self, version: Version) -> Option<GroupOverride> {
        match self.parts(version).groups {
            Field::Absent => None,
            Field::Null => Some(GroupOverride::default()),
            Field::Set(groups) => Some(groups.clone()),
        }
    }
}

/// Builds a response: claims for either token, scopes (the access token only), groups.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResponseBuilder {
    id: TokenGeneration,
    access: AccessTokenGeneration,
    groups: Field<GroupOverride>,
}

impl ResponseBuilder {
    pub fn new() -> ResponseBuilder {
        ResponseBuilder::default()
    }

    fn generation(&mut self, token: Token) -> &mut TokenGeneration {
        match token {
            Token::Id => &mut self.id,
            Token::Access => &mut self.access.claims,
        }
    }

    /// Adds `name`, or overrides its value, in `token`.
    pub fn add_claim(
        mut self,
        token: Token,
        name: impl Into<String>,
        value: impl Into<Value>,
    ) -> Self {
        self.generation(token)
            .claims_to_add_or_override
            .insert(name.into(), value.into());
        self
    }

    /// Removes `name` from `token` (this wins over an addition).
    pub fn suppress_claim(mut self, token: Token, name: impl Into<String>) -> Self {
        self.generation(token).claims_to_suppress.push(name.into());
        self
    }

    /// Adds a scope to the access token.
    pub fn add_scope(mut self, scope: impl Into<String>) -> Self {
        self.access.scopes_to_add.push(scope.into());
        self
    }

    /// Removes a scope from the access token (this wins over an addition).
    pub fn suppress_scope(mut self, scope: impl Into<String>) -> Self {
        self.access.scopes_to_suppress.push(scope.into());
        self
    }

    /// Replaces the groups (both tokens) and roles (ID token); an empty override removes them.
    pub fn override_groups(mut self, groups: GroupOverride) -> Self {
        self.groups = Field::Set(groups);
        self
    }

    /// The response in `version`'s shape. A V1 response cannot touch the access token: what the
    /// builder holds for it stays in the response as the field a V1 pool ignores, where
    /// [`validate`](crate::validate) reports it.
    pub fn build(self, version: Version) -> Response {
        if version == Version::V1 {
            let mut id = self.id;
            if self.access != AccessTokenGeneration::default() {
                let access = serde_json::to_value(&self.access).unwrap_or_default();
                id.unknown.insert("accessTokenGeneration".into(), access);
            }
            return Response {
                claims_override_details: Field::Set(ClaimsOverrideDetails {
                    group_override_details: self.groups,
                    id,
                }),
                ..Response::default()
            };
        }
        let id_token_generation = (self.id != TokenGeneration::default()).then_some(self.id);
        let access_token_generation =
            (self.access != AccessTokenGeneration::default()).then_some(self.access);
        Response {
            claims_and_scope_override_details: Field::Set(ClaimsAndScopeOverrideDetails {
                id_token_generation,
                access_token_generation,
                group_override_details: self.groups,
                unknown: Map::new(),
            }),
            ..Response::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(value: Value) -> Response {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn v1_applies_to_the_id_token_only() {
        let response = parse(json!({"claimsOverrideDetails": {
            "claimsToAddOrOverride": {"tier": "gold", "sub": "x", "email": "e2"},
            "claimsToSuppress": ["email", "iss"],
            "groupOverrideDetails": {"groupsToOverride": ["a"], "iamRolesToOverride": [], "preferredRole": null}
        }}));
        let mut id = Map::new();
        id.insert("sub".into(), json!("s"));
        id.insert("iss".into(), json!("i"));
        id.insert("email".into(), json!("e"));
        response.apply_claims(Version::V1, Token::Id, &mut id);
        assert_eq!(
            Value::Object(id),
            json!({"sub": "s", "iss": "i", "tier": "gold"})
        );
        let mut access = Map::new();
        response.apply_claims(Version::V1, Token::Access, &mut access);
        assert!(access.is_empty());
        assert_eq!(
            response
                .group_override(Version::V1)
                .unwrap()
                .groups_to_override,
            ["a"]
        );
        // The same response read by a V2 pool changes nothing.
        let mut id = Map::new();
        response.apply_claims(Version::V2, Token::Id, &mut id);
        assert!(id.is_empty());
        assert_eq!(response.group_override(Version::V2), None);
    }

    #[test]
    fn v2_applies_claims_scopes_and_groups() {
        let response = parse(json!({"claimsAndScopeOverrideDetails": {
            "idTokenGeneration": {"claimsToAddOrOverride": {"tags": {"a": [1]}, "email_verified": [true]}},
            "accessTokenGeneration": {"claimsToAddOrOverride": {"tenant": "t", "client_id": "x", "scope": "all"},
                "scopesToAdd": ["api/read", "email"], "scopesToSuppress": ["email"]},
            "groupOverrideDetails": null
        }}));
        let mut id = Map::new();
        id.insert("email_verified".into(), json!(true));
        response.apply_claims(Version::V2, Token::Id, &mut id);
        assert_eq!(
            Value::Object(id),
            json!({"tags": {"a": [1]}, "email_verified": true})
        );
        let mut access = Map::new();
        access.insert("client_id".into(), json!("c"));
        response.apply_claims(Version::V3, Token::Access, &mut access);
        assert_eq!(
            Value::Object(access),
            json!({"client_id": "c", "tenant": "t"})
        );
        let mut scopes = vec!["openid".to_owned(), "email".to_owned()];
        response.apply_scopes(Version::V2, &mut scopes);
        assert_eq!(scopes, ["openid", "api/read"]);
        let mut v1_scopes = vec!["openid".to_owned()];
        response.apply_scopes(Version::V1, &mut v1_scopes);
        assert_eq!(v1_scopes, ["openid"]);
        assert_eq!(
            response.group_override(Version::V2),
            Some(GroupOverride::default()),
            "null removes the groups"
        );
    }

    #[test]
    fn tolerates_nulls_and_keeps_unknown_fields() {
        let response = parse(json!({"claimsAndScopeOverrideDetails": {
            "idTokenGeneration": {"claimsToAddOrOverride": null, "claimsToSuppress": null, "claimsToAdd": {"x": 1}},
            "accessTokenGeneration": null
        }}));
        let details = response.claims_and_scope_override_details.as_set().unwrap();
        let id = details.id_token_generation.as_ref().unwrap();
        assert!(id.claims_to_add_or_override.is_empty());
        assert_eq!(id.unknown["claimsToAdd"], json!({"x": 1}));
        assert_eq!(details.access_token_generation, None);
        assert_eq!(details.group_override_details, Field::Absent);
        assert!(
            serde_json::from_value::<Response>(json!({"claimsAndScopeOverrideDetails": {
            "accessTokenGeneration": {"scopesToAdd": "x"}}}))
            .is_err()
        );
    }

    #[test]
    fn builder_writes_each_version_shape() {
        let builder = ResponseBuilder::new()
            .add_claim(Token::Id, "tenant", "acme")
            .suppress_claim(Token::Id, "email")
            .add_claim(Token::Access, "entitlements", json!({"reports": ["read"]}))
            .suppress_claim(Token::Access, "cognito:groups")
            .add_scope("api/read")
            .suppress_scope("email")
            .override_groups(GroupOverride {
                groups_to_override: vec!["vip".into()],
                ..GroupOverride::default()
            });
        assert_eq!(
            serde_json::to_value(builder.clone().build(Version::V2)).unwrap(),
            json!({"claimsAndScopeOverrideDetails": {
                "idTokenGeneration": {"claimsToAddOrOverride": {"tenant": "acme"}, "claimsToSuppress": ["email"]},
                "accessTokenGeneration": {"claimsToAddOrOverride": {"entitlements": {"reports": ["read"]}},
                    "claimsToSuppress": ["cognito:groups"], "scopesToAdd": ["api/read"], "scopesToSuppress": ["email"]},
                "groupOverrideDetails": {"groupsToOverride": ["vip"], "iamRolesToOverride": [], "preferredRole": null}
            }})
        );
        let v1 = serde_json::to_value(builder.build(Version::V1)).unwrap();
        assert_eq!(
            v1["claimsOverrideDetails"]["claimsToAddOrOverride"],
            json!({"tenant": "acme"})
        );
        assert_eq!(
            v1["claimsOverrideDetails"]["accessTokenGeneration"]["scopesToAdd"],
            json!(["api/read"])
        );
        assert_eq!(
            serde_json::to_value(ResponseBuilder::new().add_scope("s").build(Version::V3)).unwrap(),
            json!({"claimsAndScopeOverrideDetails": {"accessTokenGeneration": {"scopesToAdd": ["s"]}}})
        );
    }

    #[test]
    fn copied_group_configuration_keeps_the_groups() {
        let mut groups = GroupConfiguration::default();
        groups.groups_to_override = vec!["admins".into()];
        groups.preferred_role = Some("arn:r".into());
        let copied = GroupOverride::from(&groups);
        assert_eq!(copied.groups_to_override, ["admins"]);
        assert_eq!(copied.preferred_role.as_deref(), Some("arn:r"));
    }
}
