//! `/oauth2/userInfo` (reference §5): Cognito returns stored attribute strings, so the
//! `*_verified` booleans arrive as `"true"` / `"false"`; they become JSON booleans here. The
//! caller keeps the raw response next to the normalised one.

use super::error::{AuthError, Error};
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// The normalised userInfo JSON: `"true"`/`"false"` under a `*_verified` name become booleans;
/// every other value is copied unchanged.
pub fn normalize(body: &str) -> Result<String, Error> {
    let invalid = || {
        Error::from(AuthError::InvalidResponse {
            what: "userinfo response",
        })
    };
    let mut map: BTreeMap<String, Box<RawValue>> =
        serde_json::from_str(body).map_err(|_| invalid())?;
    for (name, value) in map.iter_mut() {
        if !name.ends_with("_verified") {
            continue;
        }
        let boolean = match value.get() {
            r#""true""# => "true",
            r#""false""# => "false",
            _ => continue,
        };
        *value = RawValue::from_string(boolean.to_owned()).map_err(|_| invalid())?;
    }
    serde_json::to_string(&map).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verified_strings_become_booleans_and_the_rest_is_kept() {
        let body = r#"{"sub":"s-1","email_verified":"true","phone_number_verified":"false",
            "email":"a@b","custom:flag":"true","identities":"[{\"userId\":\"1\"}]","n":1}"#;
        assert_eq!(
            normalize(body).unwrap(),
            r#"{"custom:flag":"true","email":"a@b","email_verified":true,"identities":"[{\"userId\":\"1\"}]","n":1,"phone_number_verified":false,"sub":"s-1"}"#
        );
    }

    #[test]
    fn not_an_object_is_an_invalid_response() {
        for body in ["", "[]", "\"x\"", "{"] {
            assert_eq!(
                normalize(body).unwrap_err().code(),
                "ERR_AUTH_INVALID_RESPONSE"
            );
        }
    }
}
