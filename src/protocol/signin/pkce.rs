//! PKCE (RFC 7636, S256 only) and the other random values of a sign-in: the binding passes in
//! random bytes (getrandom), the core only encodes and hashes them.

use crate::protocol::codec::b64;
use sha2::{Digest, Sha256};

/// Random bytes per value: 32 bytes = 256 bits, 43 base64url characters (RFC 7636 §7.1).
pub const RANDOM_BYTES: usize = 32;

/// base64url(bytes): a `code_verifier`, `state` or `nonce` from random bytes.
pub fn random_value(bytes: &[u8; RANDOM_BYTES]) -> String {
    b64::encode(bytes)
}

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// `code_challenge` = base64url(SHA-256(ASCII(code_verifier))), no padding.
pub fn s256_challenge(verifier: &str) -> String {
    b64::encode(&sha256(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_vector() {
        let bytes: [u8; 32] = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212,
            37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let verifier = random_value(&bytes);
        assert_eq!(verifier, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(
            s256_challenge(&verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifier_is_43_unreserved_characters() {
        let v = random_value(&[0xff; RANDOM_BYTES]);
        assert_eq!(v.len(), 43);
        assert!(v
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }
}
