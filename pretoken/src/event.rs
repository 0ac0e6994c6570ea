//! The trigger event (docs/cognito.md#trigger-event). The header and the request's group
//! configuration are `aws_lambda_events`' own types; the rest is ours because the crate's pre-token
//! types stop short: they split the request by version with `scopes` required (so one type cannot
//! read V1 and V2 events), have no V3 event, and their trigger source has no `ClientCredentials`.

use std::collections::HashMap;

use aws_lambda_events::event::cognito::{CognitoEventUserPoolsHeader, GroupConfiguration};
use serde::{Deserialize, Deserializer, Serialize};

use crate::response::Response;

/// The trigger event version a user pool is configured with (`LambdaVersion`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Version {
    /// ID token only, string values only.
    #[default]
    #[serde(rename = "V1_0")]
    V1,
    /// Also the access token and its scopes, complex values; user sign-ins only.
    #[serde(rename = "V2_0")]
    V2,
    /// V2, plus machine-to-machine (`client_credentials`) access tokens.
    #[serde(rename = "V3_0")]
    V3,
}

impl Version {
    /// The event's `version` field.
    pub fn event_version(self) -> &'static str {
        match self {
            Version::V1 => "1",
            Version::V2 => "2",
            Version::V3 => "3",
        }
    }

    /// Reads an event's `version` field.
    pub fn from_event_version(version: &str) -> Option<Version> {
        [Version::V1, Version::V2, Version::V3]
            .into_iter()
            .find(|v| v.event_version() == version)
    }
}

/// `triggerSource` (docs/cognito.md#trigger-sources).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TriggerSource {
    #[serde(rename = "TokenGeneration_HostedAuth")]
    HostedAuth,
    #[default]
    #[serde(rename = "TokenGeneration_Authentication")]
    Authentication,
    #[serde(rename = "TokenGeneration_NewPasswordChallenge")]
    NewPasswordChallenge,
    #[serde(rename = "TokenGeneration_AuthenticateDevice")]
    AuthenticateDevice,
    #[serde(rename = "TokenGeneration_RefreshTokens")]
    RefreshTokens,
    /// V3 only: a machine-to-machine token, no user.
    #[serde(rename = "TokenGeneration_ClientCredentials")]
    ClientCredentials,
}

/// The event's `request`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    /// Every value is a string (`"true"`, `"42"`).
    #[serde(default, deserialize_with = "nullish")]
    pub user_attributes: HashMap<String, String>,
    #[serde(default, deserialize_with = "nullish")]
    pub group_configuration: GroupConfiguration,
    /// V2/V3 only: the scopes the access token will carry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_metadata: Option<HashMap<String, String>>,
}

/// A pre-token-generation event, of any version; the trigger returns it with `response` set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Event {
    #[serde(flatten)]
    pub header: CognitoEventUserPoolsHeader<TriggerSource>,
    pub request: Request,
    #[serde(default)]
    pub response: Response,
}

impl Event {
    /// A blank event as Cognito sends it: `response` holds its version's key, `null`.
    pub fn new(version: Version, trigger_source: TriggerSource) -> Event {
        let mut event = Event::default();
        event.header.version = Some(version.event_version().to_owned());
        event.header.trigger_source = Some(trigger_source);
        event.response = Response::blank(version);
        event
    }

    /// The event version, `None` when the `version` field is missing or unknown.
    pub fn version(&self) -> Option<Version> {
        self.header
            .version
            .as_deref()
            .and_then(Version::from_event_version)
    }
}

/// `null` reads as the empty value.
pub(crate) fn nullish<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_every_version_and_writes_the_blank_response() {
        let v1 = json!({"version": "1", "triggerSource": "TokenGeneration_HostedAuth",
            "region": "us-east-1", "userPoolId": "us-east-1_A", "userName": "jdoe",
            "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "c"},
            "request": {"userAttributes": {"email_verified": "true"},
                "groupConfiguration": {"groupsToOverride": ["g"], "iamRolesToOverride": [], "preferredRole": null}},
            "response": {"claimsOverrideDetails": null}});
        let event: Event = serde_json::from_value(v1.clone()).unwrap();
        assert_eq!(event.version(), Some(Version::V1));
        assert_eq!(event.header.trigger_source, Some(TriggerSource::HostedAuth));
        assert_eq!(event.request.group_configuration.groups_to_override, ["g"]);
        assert_eq!(event.request.scopes, None);
        assert_eq!(event.response, Response::blank(Version::V1));
        assert_eq!(serde_json::to_value(&event).unwrap(), v1);

        let v3 = json!({"version": "3", "triggerSource": "TokenGeneration_ClientCredentials",
            "userName": null, "callerContext": {"clientId": "m2m"},
            "request": {"userAttributes": null, "scopes": ["api/read"], "clientMetadata": {"k": "v"}},
            "response": {"claimsAndScopeOverrideDetails": null}});
        let event: Event = serde_json::from_value(v3).unwrap();
        assert_eq!(event.version(), Some(Version::V3));
        assert_eq!(
            event.header.trigger_source,
            Some(TriggerSource::ClientCredentials)
        );
        assert_eq!(
            event.request.scopes.as_deref(),
            Some(&["api/read".to_owned()][..])
        );
        assert_eq!(event.request.client_metadata.unwrap()["k"], "v");
        let blank =
            serde_json::to_value(Event::new(Version::V2, TriggerSource::RefreshTokens)).unwrap();
        assert_eq!(blank["version"], "2");
        assert_eq!(blank["triggerSource"], "TokenGeneration_RefreshTokens");
        assert_eq!(
            blank["response"],
            json!({"claimsAndScopeOverrideDetails": null})
        );
    }

    #[test]
    fn versions_by_config_name_and_event_field() {
        assert_eq!(
            serde_json::from_value::<Version>(json!("V3_0")).unwrap(),
            Version::V3
        );
        assert_eq!(Version::from_event_version("2"), Some(Version::V2));
        assert_eq!(Version::from_event_version("2.0"), None);
    }
}
