//! `/oauth2/userInfo` (reference §5): Cognito returns stored attribute strings, so the
//! `*_verified` booleans arrive as `"true"` / `"false"`. The core names the values to turn into
//! booleans; the caller keeps the raw response next to the normalised one.

use crate::protocol::codec::json::read_object;
use crate::protocol::error::{AuthError, Error};

/// The `*_verified` attributes whose value is the string `"true"` or `"false"`, with the boolean
/// they stand for. Every other attribute stays as Cognito sent it.
pub fn verified_booleans(body: &str) -> Result<Vec<(String, bool)>, Error> {
    let mut out = Vec::new();
    read_object(body, |r, key| {
        if !key.ends_with("_verified") || r.peek() != Some(b'"') {
            return r.skip();
        }
        match &*r.str()? {
            "true" => out.push((key.to_owned(), true)),
            "false" => out.push((key.to_owned(), false)),
            _ => {}
        }
        Ok(())
    })
    .map_err(|_| AuthError::InvalidResponse {
        what: "userinfo response",
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verified_strings_become_booleans_and_the_rest_is_kept() {
        let body = r#"{"sub":"s-1","email_verified":"true","phone_number_verified":"false",
            "email":"a@b","custom:flag":"true","x_verified":"yes","y_verified":true,
            "identities":"[{\"userId\":\"1\"}]","n":1}"#;
        assert_eq!(
            verified_booleans(body).unwrap(),
            vec![
                ("email_verified".to_owned(), true),
                ("phone_number_verified".to_owned(), false)
            ]
        );
    }

    #[test]
    fn not_an_object_is_an_invalid_response() {
        for body in ["", "[]", "\"x\"", "{", r#"{"a":1}x"#] {
            assert_eq!(
                verified_booleans(body).unwrap_err().code(),
                "ERR_AUTH_INVALID_RESPONSE"
            );
        }
    }
}
