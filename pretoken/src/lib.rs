//! Write and check Amazon Cognito pre-token-generation triggers
//! (docs/cognito.md#pre-token-generation-trigger): the event and response types for V1_0, V2_0 and
//! V3_0 ([`Event`], [`Response`]), a [`ResponseBuilder`], and [`validate`], Cognito's documented
//! rules, each broken rule a [`Violation`] saying what Cognito does about it. The emulator applies
//! responses through the same types ([`Response::apply_claims`]), so it and a trigger checked here
//! cannot disagree.

mod event;
mod response;
mod rules;

pub use aws_lambda_events::event::cognito::{
    CognitoEventUserPoolsCallerContext as CallerContext, CognitoEventUserPoolsHeader as Header,
    GroupConfiguration,
};
pub use event::{Event, Request, TriggerSource, Version};
pub use response::{
    AccessTokenGeneration, ClaimsAndScopeOverrideDetails, ClaimsOverrideDetails, Field,
    GroupOverride, Response, ResponseBuilder, TokenGeneration,
};
pub use rules::{is_protected, validate, Outcome, Violation, MAX_RESPONSE_BYTES, SIMPLE_ID_CLAIMS};

/// Which token a part of the response applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Id,
    Access,
}

/// The response broke rules: every violation, in response order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected(pub Vec<Violation>);

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let messages: Vec<String> = self.0.iter().map(Violation::to_string).collect();
        f.write_str(&messages.join("; "))
    }
}

impl std::error::Error for Rejected {}

impl Event {
    /// Sets `response` to what `builder` holds, in this event's version's shape, unless it breaks
    /// a rule: a trigger built on this never ships a response Cognito would ignore or refuse.
    pub fn respond(mut self, builder: ResponseBuilder) -> Result<Event, Rejected> {
        let version = self.version().unwrap_or_default();
        let response = builder.build(version);
        let violations = validate(&self, &response);
        if !violations.is_empty() {
            return Err(Rejected(violations));
        }
        self.response = response;
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn respond_sets_a_valid_response_and_refuses_a_broken_one() {
        let event = Event::new(Version::V2, TriggerSource::Authentication);
        let answered = event
            .clone()
            .respond(ResponseBuilder::new().add_scope("api/read"))
            .unwrap();
        assert_eq!(
            serde_json::to_value(&answered.response).unwrap(),
            json!({"claimsAndScopeOverrideDetails": {"accessTokenGeneration": {"scopesToAdd": ["api/read"]}}})
        );
        let refused = event
            .respond(ResponseBuilder::new().add_claim(Token::Access, "scope", "all"))
            .unwrap_err();
        assert_eq!(
            refused,
            Rejected(vec![Violation::ProtectedClaim {
                token: Token::Access,
                claim: "scope".into()
            }])
        );
        let v1 = Event::new(Version::V1, TriggerSource::HostedAuth)
            .respond(ResponseBuilder::new().add_scope("api/read"))
            .unwrap_err();
        assert_eq!(
            v1.to_string(),
            "claimsOverrideDetails.accessTokenGeneration: V1 changes only the ID token, Cognito ignores it (configure V2_0)"
        );
    }
}
