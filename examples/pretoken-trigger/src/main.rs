//! An example pre-token-generation trigger built on the `pretoken` kit: every token gets a
//! `tenant` claim (the user's `custom:tenant`, else `public`); on V2_0/V3_0 pools both tokens also
//! get an `entitlements` map (a complex claim) and the access token a custom scope, [`SCOPE`].
//!
//! With `AWS_LAMBDA_RUNTIME_API` set (inside AWS Lambda) it runs on `lambda_runtime`. Without it
//! it is an HTTP hook for the emulator's `HookUrl`: it listens on `PRETOKEN_TRIGGER_ADDR`
//! (default `127.0.0.1:0`), prints its URL as the first line of stdout, and answers each POSTed
//! event with the event carrying its response.

use std::fmt;
use std::io::Write;

use lambda_runtime::{service_fn, LambdaEvent};
use pretoken::{Event, Rejected, ResponseBuilder, Token, TriggerSource, Version};
use serde_json::{json, Value};

/// The custom scope added to user access tokens (a resource server's `identifier/scope`).
pub const SCOPE: &str = "https://api.example.com/reports.read";

/// The entitlements of a user in `groups`: admins may also write reports and get more seats.
fn entitlements(groups: &[String]) -> Value {
    if groups.iter().any(|g| g == "admins") {
        json!({"reports": ["read", "write"], "seats": 25})
    } else {
        json!({"reports": ["read"], "seats": 5})
    }
}

/// The trigger: `event` with its response filled in.
pub fn customise(event: Event) -> Result<Event, Rejected> {
    let request = &event.request;
    let tenant = request
        .user_attributes
        .get("custom:tenant")
        .map_or("public", String::as_str);
    let entitlements = entitlements(&request.group_configuration.groups_to_override);
    // client_credentials (V3) issues only an access token; V1 changes only the ID token, and
    // only with strings.
    let user = event.header.trigger_source != Some(TriggerSource::ClientCredentials);
    let v1 = event.version() == Some(Version::V1);
    let mut builder = ResponseBuilder::new();
    if user {
        builder = builder.add_claim(Token::Id, "tenant", tenant);
        if !v1 {
            builder = builder.add_claim(Token::Id, "entitlements", entitlements.clone());
        }
    }
    if !v1 {
        builder = builder
            .add_claim(Token::Access, "tenant", tenant)
            .add_claim(Token::Access, "entitlements", entitlements)
            .add_scope(SCOPE);
    }
    event.respond(builder)
}

/// Why the hook could not answer.
#[derive(Debug)]
enum HookError {
    NotAnEvent(serde_json::Error),
    Rejected(Rejected),
}

impl fmt::Display for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HookError::NotAnEvent(e) => write!(f, "not a pre-token-generation event: {e}"),
            HookError::Rejected(e) => write!(f, "response refused: {e}"),
        }
    }
}

/// One hook call: the event JSON in, the answered event JSON out.
fn answer(body: &str) -> Result<String, HookError> {
    let event = serde_json::from_str(body).map_err(HookError::NotAnEvent)?;
    let answered = customise(event).map_err(HookError::Rejected)?;
    serde_json::to_string(&answered).map_err(HookError::NotAnEvent)
}

fn serve(addr: &str) -> Result<(), lambda_runtime::Error> {
    let server = tiny_http::Server::http(addr)?;
    let url = server
        .server_addr()
        .to_ip()
        .map(|a| format!("http://{a}/"))
        .ok_or("not listening on an IP address")?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{url}")?;
    stdout.flush()?;
    for mut request in server.incoming_requests() {
        let mut body = String::new();
        let reply = match request.as_reader().read_to_string(&mut body) {
            Ok(_) => answer(&body),
            Err(e) => Err(HookError::NotAnEvent(serde_json::Error::io(e))),
        };
        let response = match reply {
            Ok(json) => tiny_http::Response::from_string(json).with_header(
                tiny_http::Header::from_bytes("Content-Type", "application/json")
                    .map_err(|()| "bad header")?,
            ),
            Err(e) => tiny_http::Response::from_string(e.to_string()).with_status_code(500),
        };
        // A caller that hung up is not the hook's failure.
        let _ = request.respond(response);
    }
    Ok(())
}

fn main() -> Result<(), lambda_runtime::Error> {
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_none() {
        let addr = std::env::var("PRETOKEN_TRIGGER_ADDR").unwrap_or("127.0.0.1:0".into());
        return serve(&addr);
    }
    let handler = service_fn(|event: LambdaEvent<Event>| async move {
        customise(event.payload).map_err(lambda_runtime::Error::from)
    });
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(lambda_runtime::run(handler))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(version: Version, tenant: Option<&str>, groups: &[&str]) -> Event {
        let mut event = Event::new(version, TriggerSource::HostedAuth);
        if let Some(tenant) = tenant {
            event
                .request
                .user_attributes
                .insert("custom:tenant".into(), tenant.into());
        }
        event.request.group_configuration.groups_to_override =
            groups.iter().map(|g| (*g).to_owned()).collect();
        event
    }

    #[test]
    fn v2_adds_tenant_entitlements_and_the_scope() {
        let answered = customise(event(Version::V2, Some("acme"), &["admins"])).unwrap();
        assert_eq!(
            serde_json::to_value(&answered.response).unwrap(),
            json!({"claimsAndScopeOverrideDetails": {
                "idTokenGeneration": {"claimsToAddOrOverride": {"tenant": "acme",
                    "entitlements": {"reports": ["read", "write"], "seats": 25}}},
                "accessTokenGeneration": {"claimsToAddOrOverride": {"tenant": "acme",
                    "entitlements": {"reports": ["read", "write"], "seats": 25}},
                    "scopesToAdd": [SCOPE]}
            }})
        );
    }

    #[test]
    fn v1_adds_only_the_tenant_string() {
        let answered = customise(event(Version::V1, None, &[])).unwrap();
        assert_eq!(
            serde_json::to_value(&answered.response).unwrap(),
            json!({"claimsOverrideDetails": {"claimsToAddOrOverride": {"tenant": "public"}}})
        );
    }

    #[test]
    fn client_credentials_get_access_token_claims_only() {
        let m2m = Event::new(Version::V3, TriggerSource::ClientCredentials);
        let answered = customise(m2m).unwrap();
        assert_eq!(
            serde_json::to_value(&answered.response).unwrap(),
            json!({"claimsAndScopeOverrideDetails": {
                "accessTokenGeneration": {"claimsToAddOrOverride": {"tenant": "public",
                    "entitlements": {"reports": ["read"], "seats": 5}},
                    "scopesToAdd": [SCOPE]}
            }})
        );
    }

    #[test]
    fn hook_answers_the_event_or_says_why_not() {
        let body = serde_json::to_string(&event(Version::V3, None, &["ops"])).unwrap();
        let answered: Value = serde_json::from_str(&answer(&body).unwrap()).unwrap();
        assert_eq!(answered["version"], "3");
        assert_eq!(
            answered["response"]["claimsAndScopeOverrideDetails"]["accessTokenGeneration"]
                ["claimsToAddOrOverride"]["entitlements"],
            json!({"reports": ["read"], "seats": 5})
        );
        let refused = answer("[1]").unwrap_err();
        assert!(matches!(refused, HookError::NotAnEvent(_)), "{refused}");
    }
}
