//! The pre-token-generation trigger (reference §10): the event sent to the handler and the
//! overrides read from its response, for event versions 1, 2 and 3.

use std::time::Duration;

use serde_json::{json, Value};

use crate::config::{JsonObject, LambdaVersion, PreTokenGenerationConfig};

/// The trigger failed: the sign-in fails with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggerError(pub String);

/// Claims to add and suppress in one token.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TokenOverrides {
    pub add: JsonObject,
    pub suppress: Vec<String>,
}

/// `groupOverrideDetails`: replaces groups (both tokens) and roles (ID token).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupOverride {
    pub groups: Vec<String>,
    pub roles: Vec<String>,
    pub preferred_role: Option<String>,
}

/// Everything a trigger response asks for, normalised across versions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    pub id: TokenOverrides,
    /// Ignored unless the event version is 2 or 3.
    pub access: TokenOverrides,
    pub scopes_to_add: Vec<String>,
    pub scopes_to_suppress: Vec<String>,
    /// `None`: the key was omitted, groups stay as they are.
    pub groups: Option<GroupOverride>,
}

/// What the event describes.
pub struct EventInput<'a> {
    pub version: LambdaVersion,
    pub trigger_source: &'a str,
    pub region: &'a str,
    pub user_pool_id: &'a str,
    pub client_id: &'a str,
    /// `None` for client_credentials.
    pub user_name: Option<&'a str>,
    pub user_attributes: JsonObject,
    pub groups: &'a [String],
    pub roles: &'a [String],
    pub preferred_role: Option<&'a str>,
    pub scopes: &'a [String],
    pub client_metadata: Option<&'a JsonObject>,
}

/// The event JSON (reference §10.3).
pub fn build_event(input: &EventInput<'_>) -> Value {
    let mut request = json!({
        "userAttributes": input.user_attributes,
        "groupConfiguration": {
            "groupsToOverride": input.groups,
            "iamRolesToOverride": input.roles,
            "preferredRole": input.preferred_role,
        },
    });
    if input.version > LambdaVersion::V1 {
        request["scopes"] = json!(input.scopes);
    }
    if let Some(metadata) = input.client_metadata {
        request["clientMetadata"] = Value::Object(metadata.clone());
    }
    let response = if input.version == LambdaVersion::V1 {
        json!({ "claimsOverrideDetails": null })
    } else {
        json!({ "claimsAndScopeOverrideDetails": null })
    };
    json!({
        "version": input.version.event_version(),
        "triggerSource": input.trigger_source,
        "region": input.region,
        "userPoolId": input.user_pool_id,
        "userName": input.user_name,
        "callerContext": {
            "awsSdkVersion": "aws-sdk-unknown-unknown",
            "clientId": input.client_id,
        },
        "request": request,
        "response": response,
    })
}

/// Runs the configured handler on `event`; returns its `response` object.
pub fn invoke(config: &PreTokenGenerationConfig, event: &Value) -> Result<Value, TriggerError> {
    if let Some(response) = &config.response {
        return Ok(response.clone());
    }
    let url = config
        .hook_url
        .as_deref()
        .ok_or_else(|| TriggerError("no handler configured".into()))?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(5)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut answer = agent
        .post(url)
        .header("Content-Type", "application/json")
        .send(event.to_string())
        .map_err(|e| TriggerError(format!("hook call failed: {e}")))?;
    if answer.status() != 200 {
        return Err(TriggerError(format!(
            "hook answered HTTP {}",
            answer.status()
        )));
    }
    let text = answer
        .body_mut()
        .read_to_string()
        .map_err(|e| TriggerError(format!("hook response unreadable: {e}")))?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| TriggerError(format!("hook response is not JSON: {e}")))?;
    // Lambda-like: the whole event comes back with `response` filled in; a bare response works too.
    Ok(match value {
        Value::Object(mut map) if map.contains_key("response") => {
            map.remove("response").unwrap_or(Value::Null)
        }
        other => other,
    })
}

/// Reads a handler's `response` object (reference §10.4).
pub fn parse_response(version: LambdaVersion, response: &Value) -> Result<Overrides, TriggerError> {
    let Value::Object(response) = response else {
        return if response.is_null() {
            Ok(Overrides::default())
        } else {
            Err(TriggerError("response is not an object".into()))
        };
    };
    if version == LambdaVersion::V1 {
        let Some(details) = non_null(response.get("claimsOverrideDetails")) else {
            return Ok(Overrides::default());
        };
        let details = object(details, "claimsOverrideDetails")?;
        let id = token_overrides(details)?;
        if let Some((name, _)) = id.add.iter().find(|(_, v)| !v.is_string()) {
            return Err(TriggerError(format!(
                "V1 claim {name} must be a string (complex values need V2_0)"
            )));
        }
        return Ok(Overrides {
            id,
            groups: group_override(details)?,
            ..Overrides::default()
        });
    }
    let Some(details) = non_null(response.get("claimsAndScopeOverrideDetails")) else {
        return Ok(Overrides::default());
    };
    let details = object(details, "claimsAndScopeOverrideDetails")?;
    let id = match non_null(details.get("idTokenGeneration")) {
        Some(v) => token_overrides(object(v, "idTokenGeneration")?)?,
        None => TokenOverrides::default(),
    };
    let (access, scopes_to_add, scopes_to_suppress) =
        match non_null(details.get("accessTokenGeneration")) {
            Some(v) => {
                let access = object(v, "accessTokenGeneration")?;
                (
                    token_overrides(access)?,
                    strings(access.get("scopesToAdd"), "scopesToAdd")?,
                    strings(access.get("scopesToSuppress"), "scopesToSuppress")?,
                )
            }
            None => Default::default(),
        };
    Ok(Overrides {
        id,
        access,
        scopes_to_add,
        scopes_to_suppress,
        groups: group_override(details)?,
    })
}

fn non_null(value: Option<&Value>) -> Option<&Value> {
    value.filter(|v| !v.is_null())
}

fn object<'a>(value: &'a Value, name: &str) -> Result<&'a JsonObject, TriggerError> {
    value
        .as_object()
        .ok_or_else(|| TriggerError(format!("{name} is not an object")))
}

fn strings(value: Option<&Value>, name: &str) -> Result<Vec<String>, TriggerError> {
    match non_null(value) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| TriggerError(format!("{name} must hold strings")))
            })
            .collect(),
        Some(_) => Err(TriggerError(format!("{name} is not an array"))),
    }
}

fn token_overrides(details: &JsonObject) -> Result<TokenOverrides, TriggerError> {
    let add = match non_null(details.get("claimsToAddOrOverride")) {
        Some(v) => object(v, "claimsToAddOrOverride")?.clone(),
        None => JsonObject::new(),
    };
    Ok(TokenOverrides {
        add,
        suppress: strings(details.get("claimsToSuppress"), "claimsToSuppress")?,
    })
}

fn group_override(details: &JsonObject) -> Result<Option<GroupOverride>, TriggerError> {
    match details.get("groupOverrideDetails") {
        None => Ok(None),
        // Present but null: the groups are removed.
        Some(Value::Null) => Ok(Some(GroupOverride::default())),
        Some(v) => {
            let g = object(v, "groupOverrideDetails")?;
            Ok(Some(GroupOverride {
                groups: strings(g.get("groupsToOverride"), "groupsToOverride")?,
                roles: strings(g.get("iamRolesToOverride"), "iamRolesToOverride")?,
                preferred_role: non_null(g.get("preferredRole"))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_reads_claims_and_groups_and_rejects_complex_values() {
        let response = json!({"claimsOverrideDetails": {
            "claimsToAddOrOverride": {"tier": "gold"},
            "claimsToSuppress": ["email"],
            "groupOverrideDetails": {"groupsToOverride": ["a"], "iamRolesToOverride": [], "preferredRole": null}
        }});
        let o = parse_response(LambdaVersion::V1, &response).unwrap();
        assert_eq!(o.id.add["tier"], "gold");
        assert_eq!(o.id.suppress, vec!["email"]);
        assert_eq!(o.groups.unwrap().groups, vec!["a"]);
        let complex = json!({"claimsOverrideDetails": {"claimsToAddOrOverride": {"n": 1}}});
        assert!(parse_response(LambdaVersion::V1, &complex).is_err());
        assert_eq!(
            parse_response(LambdaVersion::V1, &json!({"claimsOverrideDetails": null})).unwrap(),
            Overrides::default()
        );
    }

    #[test]
    fn v2_reads_both_tokens_and_scopes() {
        let response = json!({"claimsAndScopeOverrideDetails": {
            "idTokenGeneration": {"claimsToAddOrOverride": {"obj": {"a": [1, "b"]}}},
            "accessTokenGeneration": {"claimsToAddOrOverride": {"tenant": "t"},
                "scopesToAdd": ["x/y"], "scopesToSuppress": ["email"]},
            "groupOverrideDetails": null
        }});
        let o = parse_response(LambdaVersion::V2, &response).unwrap();
        assert_eq!(o.id.add["obj"]["a"][0], 1);
        assert_eq!(o.access.add["tenant"], "t");
        assert_eq!(o.scopes_to_add, vec!["x/y"]);
        assert_eq!(o.scopes_to_suppress, vec!["email"]);
        assert_eq!(o.groups, Some(GroupOverride::default()));
        let bad = json!({"claimsAndScopeOverrideDetails": {"accessTokenGeneration": {"scopesToAdd": "x"}}});
        assert!(parse_response(LambdaVersion::V3, &bad).is_err());
    }

    #[test]
    fn event_shape_per_version() {
        let input = EventInput {
            version: LambdaVersion::V1,
            trigger_source: "TokenGeneration_HostedAuth",
            region: "us-east-1",
            user_pool_id: "us-east-1_A",
            client_id: "c",
            user_name: Some("jdoe"),
            user_attributes: JsonObject::new(),
            groups: &["g".to_owned()],
            roles: &[],
            preferred_role: None,
            scopes: &["openid".to_owned()],
            client_metadata: None,
        };
        let v1 = build_event(&input);
        assert_eq!(v1["version"], "1");
        assert!(v1["request"].get("scopes").is_none());
        assert_eq!(
            v1["request"]["groupConfiguration"]["groupsToOverride"][0],
            "g"
        );
        assert!(v1["response"].get("claimsOverrideDetails").is_some());
        let v2 = build_event(&EventInput {
            version: LambdaVersion::V2,
            ..input
        });
        assert_eq!(v2["version"], "2");
        assert_eq!(v2["request"]["scopes"][0], "openid");
        assert!(v2["response"]
            .get("claimsAndScopeOverrideDetails")
            .is_some());
    }

    #[test]
    fn declarative_invoke_returns_the_configured_response() {
        let config = PreTokenGenerationConfig {
            lambda_version: LambdaVersion::V2,
            hook_url: None,
            response: Some(json!({"x": 1})),
        };
        assert_eq!(invoke(&config, &json!({})).unwrap(), json!({"x": 1}));
    }
}
