//! jwt-compact as an independent oracle beside the core (issue 13). Every token the native runner
//! checks a signature of is verified again by jwt-compact (`rsa` feature) against the same key
//! ([`verdict`]), and every token of a fixture document against the document's JWKS, read by
//! jwt-compact's own JWK type ([`against_jwks`]); the runner asserts that both agree on the
//! signature and on the decoded claims. Claim rules jwt-compact does not know (token_use,
//! client_id, issuer, key size, duplicate members...) stay the core's alone.

use jwt_compact::alg::{Rsa, RsaPublicKey, RsaSignature};
use jwt_compact::jwk::JsonWebKey;
use jwt_compact::{Algorithm, AlgorithmExt, AlgorithmSignature, UntrustedToken, ValidationError};
use rsa::BigUint;
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};

static CHECKED: AtomicUsize = AtomicUsize::new(0);

/// How many verdicts jwt-compact has given in this test binary so far.
pub fn checked() -> usize {
    CHECKED.load(Ordering::Relaxed)
}

/// jwt-compact's verdict on one token.
#[derive(Debug)]
pub struct Verdict {
    /// The signature verifies with the key.
    pub signature: bool,
    /// The claims as jwt-compact decodes them (`exp`, `nbf`, `iat` as whole seconds), when it can.
    pub claims: Option<Value>,
}

/// Verifies `token` with jwt-compact for `alg` (`RS256`, `RS384`, `RS512`) and the RSA key of
/// modulus `n` and exponent `e` (big-endian bytes).
pub fn verdict(token: &str, alg: &str, n: &[u8], e: &[u8]) -> Verdict {
    let key = RsaPublicKey::new(BigUint::from_bytes_be(n), BigUint::from_bytes_be(e)).ok();
    verify_with(token, Rsa::with_name(alg), key)
}

/// jwt-compact's verdict on `token` with the key of `jwks` (a JWKS document) that its header's
/// `kid` names, the first one listed, for the RSA algorithm its header names; `None` when
/// jwt-compact cannot read the token, its `alg` is no RSA signature, or no key has its `kid`.
pub fn against_jwks(token: &str, jwks: &Value) -> Option<Verdict> {
    let untrusted = UntrustedToken::new(token).ok()?;
    let alg = untrusted.algorithm();
    if !["RS256", "RS384", "RS512"].contains(&alg) {
        return None;
    }
    let kid = untrusted.header().key_id.as_deref()?;
    let jwk = jwks["keys"].as_array()?.iter().find(|k| k["kid"] == kid)?;
    let key = serde_json::from_value::<JsonWebKey<'_>>(jwk.clone())
        .ok()
        .and_then(|jwk| RsaPublicKey::try_from(&jwk).ok());
    Some(verify_with(token, Rsa::with_name(alg), key))
}

fn verify_with(token: &str, rsa: Rsa, key: Option<RsaPublicKey>) -> Verdict {
    CHECKED.fetch_add(1, Ordering::Relaxed);
    let rejected = Verdict {
        signature: false,
        claims: None,
    };
    let (Some(key), Ok(untrusted)) = (key, UntrustedToken::new(token)) else {
        return rejected;
    };
    match rsa.validator::<Value>(&key).validate(&untrusted) {
        Ok(token) => {
            let c = token.claims();
            let mut claims = c.custom.clone();
            let object = claims.as_object_mut().expect("claims are an object");
            for (name, time) in [
                ("exp", c.expiration),
                ("nbf", c.not_before),
                ("iat", c.issued_at),
            ] {
                if let Some(time) = time {
                    object.insert(name.into(), time.timestamp().into());
                }
            }
            Verdict {
                signature: true,
                claims: Some(claims),
            }
        }
        // jwt-compact decodes the claims before it checks the signature: check it alone
        Err(ValidationError::MalformedClaims(_)) => Verdict {
            signature: RsaSignature::try_from_slice(untrusted.signature_bytes()).is_ok_and(|sig| {
                let signed = token.rsplit_once('.').unwrap().0;
                rsa.verify_signature(&sig, &key, signed.as_bytes())
            }),
            claims: None,
        },
        Err(_) => rejected,
    }
}

/// Asserts that jwt-compact decoded the claims of `payload_json` (the core's): the same members
/// and values, the times as jwt-compact keeps them (whole seconds).
pub fn assert_same_claims(payload_json: &str, theirs: &Value, name: &str) {
    let mut ours: Value = serde_json::from_str(payload_json).unwrap();
    for time in ["exp", "nbf", "iat"] {
        if let Some(t) = ours.get_mut(time) {
            *t = (t.as_f64().expect("a numeric time") as i64).into();
        }
    }
    assert_eq!(&ours, theirs, "{name}: jwt-compact decoded other claims");
}
