//! The pool's two RS256 signing keys (one for ID tokens, one for access tokens), their JWKS and
//! rotation (docs/cognito.md#jwks-document, #token-format, #emulator-issuer-and-keys).

use base64ct::{Base64, Base64UrlUnpadded, Encoding};
use jwt_compact::alg::{Rsa, RsaPrivateKey, RsaPublicKey, RsaSignature};
use jwt_compact::{Algorithm, AlgorithmSignature};
use rsa::traits::PublicKeyParts;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::config::JsonObject;

/// Which of the pool's two keys signs a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUse {
    Id,
    Access,
}

#[derive(Clone)]
pub struct SigningKey {
    pub kid: String,
    private: RsaPrivateKey,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A fresh RSA-2048 key; its `kid` is the standard base64 of SHA-256(n ‖ e): 44 characters.
    pub fn generate() -> SigningKey {
        let private = RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048)
            .expect("RSA-2048 key generation cannot fail with a working OS RNG");
        SigningKey::from_private(private)
    }

    pub fn from_private(private: RsaPrivateKey) -> SigningKey {
        let public = private.to_public_key();
        let mut hasher = Sha256::new();
        hasher.update(public.n().to_bytes_be());
        hasher.update(public.e().to_bytes_be());
        let kid = Base64::encode_string(&hasher.finalize());
        SigningKey { kid, private }
    }

    fn public(&self) -> RsaPublicKey {
        self.private.to_public_key()
    }

    pub fn jwk(&self) -> Value {
        let public = self.public();
        json!({
            "alg": "RS256",
            "e": Base64UrlUnpadded::encode_string(&public.e().to_bytes_be()),
            "kid": self.kid,
            "kty": "RSA",
            "n": Base64UrlUnpadded::encode_string(&public.n().to_bytes_be()),
            "use": "sig",
        })
    }
}

/// Two keys, generated in parallel (key generation dominates start-up).
pub fn generate_pair() -> (SigningKey, SigningKey) {
    let other = std::thread::spawn(SigningKey::generate);
    let first = SigningKey::generate();
    let second = other.join().expect("key generation thread panicked");
    (first, second)
}

/// The live keys: the first of each list signs, the rest are kept in the JWKS after a rotation.
#[derive(Debug, Clone)]
pub struct KeySet {
    id: Vec<SigningKey>,
    access: Vec<SigningKey>,
}

impl KeySet {
    pub fn new(id: SigningKey, access: SigningKey) -> KeySet {
        KeySet {
            id: vec![id],
            access: vec![access],
        }
    }

    pub fn generate() -> KeySet {
        let (id, access) = generate_pair();
        KeySet::new(id, access)
    }

    fn list(&self, key_use: KeyUse) -> &Vec<SigningKey> {
        match key_use {
            KeyUse::Id => &self.id,
            KeyUse::Access => &self.access,
        }
    }

    pub fn current_kid(&self, key_use: KeyUse) -> &str {
        &self.list(key_use)[0].kid
    }

    /// Makes `new` the signing key for `key_use`; the old keys stay published when `keep_old`.
    pub fn rotate(&mut self, key_use: KeyUse, new: SigningKey, keep_old: bool) {
        let list = match key_use {
            KeyUse::Id => &mut self.id,
            KeyUse::Access => &mut self.access,
        };
        if !keep_old {
            list.clear();
        }
        list.insert(0, new);
    }

    pub fn jwks(&self) -> Value {
        let keys: Vec<Value> = self
            .id
            .iter()
            .chain(&self.access)
            .map(SigningKey::jwk)
            .collect();
        json!({ "keys": keys })
    }

    /// Signs `claims` as a compact JWS with header `{"kid":…,"alg":"RS256"}` (no `typ`).
    pub fn sign(&self, key_use: KeyUse, claims: &JsonObject, escape_slashes: bool) -> String {
        let key = &self.list(key_use)[0];
        let header = format!(
            "{{\"kid\":{},\"alg\":\"RS256\"}}",
            Value::String(key.kid.clone())
        );
        let payload = Value::Object(claims.clone()).to_string();
        let (header, payload) = if escape_slashes {
            (header.replace('/', "\\/"), payload.replace('/', "\\/"))
        } else {
            (header, payload)
        };
        let signing_input = format!(
            "{}.{}",
            Base64UrlUnpadded::encode_string(header.as_bytes()),
            Base64UrlUnpadded::encode_string(payload.as_bytes())
        );
        let signature = Rsa::rs256().sign(&key.private, signing_input.as_bytes());
        format!(
            "{signing_input}.{}",
            Base64UrlUnpadded::encode_string(&signature.as_bytes())
        )
    }

    /// Verifies a token signed by one of the published `key_use` keys; returns its claims.
    pub fn verify(&self, key_use: KeyUse, token: &str) -> Option<JsonObject> {
        let mut parts = token.split('.');
        let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let header: JsonObject =
            serde_json::from_slice(&Base64UrlUnpadded::decode_vec(header).ok()?).ok()?;
        if header.get("alg")? != "RS256" {
            return None;
        }
        let kid = header.get("kid")?.as_str()?;
        let key = self.list(key_use).iter().find(|k| k.kid == kid)?;
        let signature =
            RsaSignature::try_from_slice(&Base64UrlUnpadded::decode_vec(signature).ok()?).ok()?;
        let signing_input = &token[..token.rfind('.')?];
        if !Rsa::rs256().verify_signature(&signature, &key.public(), signing_input.as_bytes()) {
            return None;
        }
        serde_json::from_slice(&Base64UrlUnpadded::decode_vec(payload).ok()?).ok()
    }
}

/// `at_hash`: base64url of the left half of SHA-256(access token).
pub fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    Base64UrlUnpadded::encode_string(&digest[..16])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn keys() -> &'static KeySet {
        static KEYS: OnceLock<KeySet> = OnceLock::new();
        KEYS.get_or_init(KeySet::generate)
    }

    #[test]
    fn kids_are_44_char_standard_base64_and_differ() {
        let keys = keys();
        let (id, access) = (
            keys.current_kid(KeyUse::Id),
            keys.current_kid(KeyUse::Access),
        );
        assert_eq!(id.len(), 44);
        assert!(id.ends_with('='));
        assert_ne!(id, access);
        let jwks = keys.jwks();
        assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
        assert_eq!(jwks["keys"][0]["e"], "AQAB");
        assert_eq!(jwks["keys"][0]["use"], "sig");
    }

    #[test]
    fn sign_and_verify_round_trip() {
        let keys = keys();
        let mut claims = JsonObject::new();
        claims.insert("iss".into(), json!("https://x/y"));
        let token = keys.sign(KeyUse::Access, &claims, true);
        let header = token.split('.').next().unwrap();
        let header = String::from_utf8(Base64UrlUnpadded::decode_vec(header).unwrap()).unwrap();
        assert!(header.starts_with("{\"kid\":"));
        assert!(header.ends_with(",\"alg\":\"RS256\"}"));
        assert_eq!(keys.verify(KeyUse::Access, &token), Some(claims));
        assert_eq!(keys.verify(KeyUse::Id, &token), None);
        let mut tampered = token.clone();
        tampered.push('A');
        assert_eq!(keys.verify(KeyUse::Access, &tampered), None);
    }

    #[test]
    fn rotation_keeps_or_drops_old_keys() {
        let mut keys = keys().clone();
        let old = keys.current_kid(KeyUse::Id).to_owned();
        let new = SigningKey::from_private(keys.access[0].private.clone());
        keys.rotate(KeyUse::Id, new.clone(), true);
        assert_eq!(keys.current_kid(KeyUse::Id), new.kid);
        assert_eq!(keys.jwks()["keys"].as_array().unwrap().len(), 3);
        keys.rotate(KeyUse::Id, new, false);
        assert_eq!(keys.jwks()["keys"].as_array().unwrap().len(), 2);
        assert!(!keys.jwks().to_string().contains(&old));
    }

    #[test]
    fn at_hash_vector() {
        // 16 bytes of SHA-256 → 22 base64url characters.
        assert_eq!(at_hash("abc").len(), 22);
        assert_eq!(at_hash("abc"), "ungWv48Bz-pBQUDeXa4iIw");
    }
}
