//! The pre-token-generation trigger (docs/cognito.md#pre-token-generation-trigger): the event sent
//! to the handler and its response, for event versions 1, 2 and 3, through the trigger kit's own
//! types (`pretoken`), so the emulator and a trigger checked with the kit cannot disagree.

use std::collections::HashMap;
use std::time::Duration;

use pretoken::{Event, Outcome, Response, TriggerSource, Version};
use serde_json::Value;

use crate::config::PreTokenGenerationConfig;

/// The trigger failed: the sign-in fails with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggerError(pub String);

/// What the event describes.
pub struct EventInput<'a> {
    pub version: Version,
    pub trigger_source: TriggerSource,
    pub region: &'a str,
    pub user_pool_id: &'a str,
    pub client_id: &'a str,
    /// `None` for client_credentials.
    pub user_name: Option<&'a str>,
    pub user_attributes: HashMap<String, String>,
    pub groups: &'a [String],
    pub roles: &'a [String],
    pub preferred_role: Option<&'a str>,
    pub scopes: &'a [String],
    pub client_metadata: Option<&'a HashMap<String, String>>,
}

/// The event (docs/cognito.md#trigger-event).
pub fn build_event(input: &EventInput<'_>) -> Event {
    let mut event = Event::new(input.version, input.trigger_source);
    let header = &mut event.header;
    header.region = Some(input.region.to_owned());
    header.user_pool_id = Some(input.user_pool_id.to_owned());
    header.user_name = input.user_name.map(str::to_owned);
    header.caller_context.awssdk_version = Some("aws-sdk-unknown-unknown".into());
    header.caller_context.client_id = Some(input.client_id.to_owned());
    let request = &mut event.request;
    request.user_attributes = input.user_attributes.clone();
    let groups = &mut request.group_configuration;
    groups.groups_to_override = input.groups.to_vec();
    groups.iam_roles_to_override = input.roles.to_vec();
    groups.preferred_role = input.preferred_role.map(str::to_owned);
    if input.version > Version::V1 {
        request.scopes = Some(input.scopes.to_vec());
    }
    request.client_metadata = input.client_metadata.cloned();
    event
}

/// Runs the configured handler on `event` and checks its response against Cognito's rules
/// (`pretoken::validate`): a violation that fails the sign-in at Cognito fails it here; what
/// Cognito ignores, applying the response ignores too.
pub fn run(config: &PreTokenGenerationConfig, event: &Event) -> Result<Response, TriggerError> {
    let response = invoke(config, event)?;
    let failures: Vec<String> = pretoken::validate(event, &response)
        .iter()
        .filter(|v| v.outcome() == Outcome::SignInFails)
        .map(ToString::to_string)
        .collect();
    if failures.is_empty() {
        Ok(response)
    } else {
        Err(TriggerError(failures.join("; ")))
    }
}

fn invoke(config: &PreTokenGenerationConfig, event: &Event) -> Result<Response, TriggerError> {
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
    let body =
        serde_json::to_string(event).map_err(|e| TriggerError(format!("event not JSON: {e}")))?;
    let mut answer = agent
        .post(url)
        .header("Content-Type", "application/json")
        .send(body)
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
    parse_answer(&text)
}

/// The hook's answer: Lambda-like, the whole event with `response` filled in; a bare response
/// works too.
fn parse_answer(text: &str) -> Result<Response, TriggerError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| TriggerError(format!("hook response is not JSON: {e}")))?;
    let response = match value {
        Value::Object(mut map) if map.contains_key("response") => {
            map.remove("response").unwrap_or(Value::Null)
        }
        other => other,
    };
    serde_json::from_value::<Option<Response>>(response)
        .map(Option::unwrap_or_default)
        .map_err(|e| TriggerError(format!("response does not parse: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_lambda_style_or_bare() {
        let response = json!({"claimsAndScopeOverrideDetails": {
            "accessTokenGeneration": {"scopesToAdd": ["x/y"]}}});
        let whole = json!({"version": "2", "response": response}).to_string();
        let from_event = parse_answer(&whole).unwrap();
        assert_eq!(serde_json::to_value(&from_event).unwrap(), response);
        assert_eq!(parse_answer(&response.to_string()).unwrap(), from_event);
        assert_eq!(
            parse_answer(r#"{"response": null}"#).unwrap(),
            Response::default()
        );
        assert!(parse_answer("[1]").is_err());
        assert!(parse_answer(
            r#"{"claimsAndScopeOverrideDetails": {"accessTokenGeneration": {"scopesToAdd": "x"}}}"#
        )
        .is_err());
    }

    #[test]
    fn event_shape_per_version() {
        let input = EventInput {
            version: Version::V1,
            trigger_source: TriggerSource::HostedAuth,
            region: "us-east-1",
            user_pool_id: "us-east-1_A",
            client_id: "c",
            user_name: Some("jdoe"),
            user_attributes: HashMap::new(),
            groups: &["g".to_owned()],
            roles: &[],
            preferred_role: None,
            scopes: &["openid".to_owned()],
            client_metadata: None,
        };
        let v1 = serde_json::to_value(build_event(&input)).unwrap();
        assert_eq!(v1["version"], "1");
        assert_eq!(v1["triggerSource"], "TokenGeneration_HostedAuth");
        assert!(v1["request"].get("scopes").is_none());
        assert_eq!(
            v1["request"]["groupConfiguration"],
            json!({"groupsToOverride": ["g"], "iamRolesToOverride": [], "preferredRole": null})
        );
        assert_eq!(v1["response"], json!({"claimsOverrideDetails": null}));
        let v2 = serde_json::to_value(build_event(&EventInput {
            version: Version::V2,
            ..input
        }))
        .unwrap();
        assert_eq!(v2["version"], "2");
        assert_eq!(v2["request"]["scopes"], json!(["openid"]));
        assert_eq!(v2["callerContext"]["clientId"], "c");
        assert_eq!(
            v2["response"],
            json!({"claimsAndScopeOverrideDetails": null})
        );
    }

    #[test]
    fn declarative_response_is_validated() {
        let config = |response: Value| PreTokenGenerationConfig {
            lambda_version: Version::V1,
            hook_url: None,
            response: Some(serde_json::from_value(response).unwrap()),
        };
        let event = Event::new(Version::V1, TriggerSource::Authentication);
        let ok = json!({"claimsOverrideDetails": {"claimsToAddOrOverride": {"sub": "ignored"}}});
        assert_eq!(
            serde_json::to_value(run(&config(ok.clone()), &event).unwrap()).unwrap(),
            ok
        );
        let complex = json!({"claimsOverrideDetails": {"claimsToAddOrOverride": {"n": 1}}});
        assert_eq!(
            run(&config(complex), &event).unwrap_err(),
            TriggerError(
                "n: V1 claim values must be strings (complex values need V2_0): the sign-in fails"
                    .into()
            )
        );
    }
}
