//! Properties of the sign-in helpers: PKCE values and challenges (RFC 7636), form/URL encoding
//! round trips, and callback parsing of whatever code and state the server sends.
#![cfg(all(not(target_arch = "wasm32"), feature = "sign-in", feature = "edge"))]

use cognito_wasm::protocol::codec::b64;
use cognito_wasm::protocol::codec::constant_time_eq;
use cognito_wasm::protocol::codec::form::{form_decode, percent_encode_into};
use cognito_wasm::protocol::edge::introspect::parse_request;
use cognito_wasm::protocol::signin::authorize::{
    form, is_callback, parse_callback, strip_callback, Transaction,
};
use cognito_wasm::protocol::signin::pkce::{random_value, s256_challenge};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

fn unreserved(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

#[test]
fn rfc7636_appendix_b_vector() {
    assert_eq!(
        s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
}

proptest! {
    /// A verifier (or state, or nonce) from 32 random bytes: 43 unreserved characters (RFC 7636
    /// §4.1 allows 43 to 128), decoding back to the bytes.
    #[test]
    fn random_values_are_43_unreserved_characters(bytes in any::<[u8; 32]>()) {
        let v = random_value(&bytes);
        prop_assert_eq!(v.len(), 43);
        prop_assert!(unreserved(&v) && !v.contains(['.', '~']));
        prop_assert_eq!(b64::decode(v.as_bytes()).unwrap(), bytes.to_vec());
    }

    /// The S256 challenge is base64url(SHA-256(verifier)): 43 characters, one per verifier.
    #[test]
    fn challenge_is_base64url_sha256(a in any::<[u8; 32]>(), b in any::<[u8; 32]>()) {
        let (va, vb) = (random_value(&a), random_value(&b));
        let ca = s256_challenge(&va);
        prop_assert_eq!(ca.len(), 43);
        prop_assert_eq!(b64::decode(ca.as_bytes()).unwrap(), Sha256::digest(va.as_bytes()).to_vec());
        prop_assert_eq!(ca == s256_challenge(&vb), a == b);
    }

    #[test]
    fn constant_time_eq_is_equality(a in ".{0,40}", b in ".{0,40}") {
        prop_assert!(constant_time_eq(&a, &a));
        prop_assert_eq!(constant_time_eq(&a, &b), a == b);
    }

    /// Percent-encoding leaves only unreserved characters and `%XX`, and decodes back exactly.
    #[test]
    fn encoding_round_trips(value in any::<String>()) {
        let mut encoded = String::new();
        percent_encode_into(&mut encoded, &value);
        prop_assert!(unreserved(&encoded.replace('%', "")));
        prop_assert_eq!(form_decode(&encoded), Some(value));
    }

    /// An introspection request's form body (`form` encodes the values) parses back to its
    /// values, whatever they are, with extension parameters around them ignored.
    #[test]
    fn form_bodies_round_trip(
        token in ".+",
        hint in any::<String>(),
        others in prop::collection::vec(("[a-z_]{1,12}", any::<String>()), 0..6),
    ) {
        let ours = ["token", "token_type_hint", "client_id", "client_secret"];
        let mut pairs: Vec<(&str, &str)> = others
            .iter()
            .filter(|(k, _)| !ours.contains(&k.as_str()))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        pairs.insert(pairs.len() / 2, ("token", &token));
        pairs.push(("token_type_hint", &hint));
        let form_type = Some("application/x-www-form-urlencoded");
        let req = parse_request("POST", form_type, None, &form(&pairs)).unwrap();
        prop_assert_eq!(req.token, token);
        prop_assert_eq!(req.token_type_hint, Some(hint));
    }

    /// Whatever code the server sends (encoded), in the query or the fragment, with other
    /// parameters around it: the callback yields it, and stripping leaves the other parameters.
    #[test]
    fn callback_yields_the_code_and_strips_cleanly(
        code in ".+", state in "[A-Za-z0-9_-]{43}", other in "[a-z]{1,8}", fragment in any::<bool>(),
    ) {
        let tx = Transaction { state: state.clone(), nonce: "n".into(), verifier: "v".into() };
        let query = form(&[("x", &other), ("code", &code), ("state", &state)]);
        let url = if fragment {
            format!("https://app.example/cb?keep=1#{query}")
        } else {
            format!("https://app.example/cb?{query}#keep")
        };
        prop_assert!(is_callback(&url));
        prop_assert_eq!(parse_callback(&url, &tx).unwrap(), code);
        let stripped = strip_callback(&url);
        prop_assert!(!is_callback(&stripped));
        let kept = format!("x={other}");
        prop_assert!(stripped.contains(&kept) && stripped.contains("keep"), "{}", stripped);
        // any other state is refused
        let wrong = Transaction { state: format!("{state}x"), ..tx };
        prop_assert_eq!(parse_callback(&url, &wrong).unwrap_err().code(), "ERR_AUTH_STATE_MISMATCH");
    }
}
