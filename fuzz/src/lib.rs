//! What the fuzz targets share: a fixed verifier and JWKS, the clock, and the invariants every
//! error must keep.

use cognito_wasm::protocol::verify::jwk::JwkEntry;
use cognito_wasm::protocol::{parse_jwks, Error, JwtVerifier, Options};

/// The clock of every fuzzed verification (2023-11-14).
pub const NOW: f64 = 1_700_000_000.0;

/// A Cognito verifier accepting ID and access tokens of one pool and one client.
pub fn verifier() -> JwtVerifier {
    let options = r#"{"userPoolId":"us-east-1_Fuzz00001","tokenUse":null,"clientId":"fuzzclient",
        "groups":{"anyOf":["admins","ops"]},"scope":["openid","email"],"graceSeconds":5}"#;
    JwtVerifier::cognito(Options::parse_list(options).expect("valid options"))
        .expect("valid verifier")
}

/// Keys `k1` (2048-bit RSA, RS256), `k2` (no `alg`) and `weak` (1024-bit); the modulus bytes are
/// never used for crypto (the targets stop before the signature), only validated.
pub fn keys() -> Vec<JwkEntry> {
    let n2048 = format!("w{}", "A".repeat(341));
    let n1024 = format!("w{}", "A".repeat(170));
    let jwks = format!(
        r#"{{"keys":[{{"kty":"RSA","kid":"k1","alg":"RS256","use":"sig","n":"{n2048}","e":"AQAB"}},
            {{"kty":"RSA","kid":"k2","n":"{n2048}","e":"AQAB"}},
            {{"kty":"RSA","kid":"weak","n":"{n1024}","e":"AQAB"}}]}}"#
    );
    parse_jwks(jwks.as_bytes()).expect("valid JWKS")
}

/// An error must carry a stable code and a message.
pub fn check_code(error: &Error) {
    assert!(error.code().starts_with("ERR_"), "{error:?}");
    assert!(!error.to_string().is_empty(), "{error:?}");
}

/// [`check_code`], and the error never quotes the input: no run of 16 or more base64url
/// characters taken from `input` may appear in its message.
pub fn check_error(input: &str, error: &Error) {
    check_code(error);
    let message = error.to_string();
    let runs = input.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    for run in runs.filter(|r| r.len() >= 16) {
        assert!(
            !message.contains(run),
            "input text in the error message: {message}"
        );
    }
}
