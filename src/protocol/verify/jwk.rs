//! JWKS model and validation; the cache of fetched JWKS is [`super::jwks`].
//!
//! Keys are validated once, when a JWKS is loaded; a key that fails (wrong `kty`, `use` other than
//! `sig`, `key_ops` without `verify`, no `n`/`e`, modulus under 2048 or over 8192 bits, an even
//! exponent or one outside 3..2^33) stays in the set with its error, so only tokens that name it
//! fail. When several keys share a `kid`, the **first** one wins (as in
//! aws-jwt-verify).
//!

use super::jwt::Alg;
use crate::protocol::codec::b64;
use crate::protocol::codec::json::{JsonError, Reader, Res};
use crate::protocol::error::KeyError;

/// Smallest accepted RSA modulus.
pub const MIN_RSA_BITS: usize = 2048;
/// Largest accepted RSA modulus (bounds the cost of an import and of each verify).
pub const MAX_RSA_BITS: usize = 8192;
/// Public exponents accepted: odd, at least 3, below 2^33 (`e = 1` makes any padded hash its own
/// signature; an even `e` is no RSA key).
const RSA_E_RANGE: std::ops::Range<u64> = 3..1 << 33;

/// A JSON Web Key as published in a JWKS. Other members are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Jwk {
    pub kty: String,
    /// `use`.
    pub use_: Option<String>,
    pub alg: Option<String>,
    pub kid: Option<String>,
    pub n: Option<String>,
    pub e: Option<String>,
    /// `key_ops`: when present, must include `verify`.
    pub key_ops: Option<Vec<String>>,
}

impl Jwk {
    /// Reads one key: `kty` a string (required); `use`, `alg`, `kid`, `n`, `e` strings and
    /// `key_ops` an array of strings when present.
    fn read(r: &mut Reader<'_>) -> Res<Jwk> {
        let mut jwk = Jwk::default();
        let mut kty = None;
        r.object(|r, key| {
            match &*key {
                "kty" => kty = Some(r.str()?.into_owned()),
                "use" => jwk.use_ = r.opt_str()?,
                "alg" => jwk.alg = r.opt_str()?,
                "kid" => jwk.kid = r.opt_str()?,
                "n" => jwk.n = r.opt_str()?,
                "e" => jwk.e = r.opt_str()?,
                "key_ops" => jwk.key_ops = r.opt_strings()?,
                _ => r.skip()?,
            }
            Ok(())
        })?;
        jwk.kty = kty.ok_or(JsonError::Type)?;
        Ok(jwk)
    }
}

/// A key with the outcome of its validation.
#[derive(Debug, Clone, PartialEq)]
pub struct JwkEntry {
    pub jwk: Jwk,
    status: Result<(), KeyError>,
}

impl JwkEntry {
    /// Validates `jwk` as an RSA signature key.
    pub fn new(jwk: Jwk) -> Self {
        let status = validate_rsa(&jwk);
        JwkEntry { jwk, status }
    }

    /// The key, if it is a valid RSA signing key whose `alg` (when present) is `alg`.
    pub fn usable_for(&self, alg: Alg) -> Result<&Jwk, KeyError> {
        self.status.clone()?;
        match &self.jwk.alg {
            Some(a) if a != alg.name() => Err(KeyError::AlgJwkMismatch {
                expected: a.clone(),
                actual: alg.name().to_owned(),
            }),
            _ => Ok(&self.jwk),
        }
    }
}

fn validate_rsa(jwk: &Jwk) -> Result<(), KeyError> {
    if jwk.kty != "RSA" {
        return Err(KeyError::JwkInvalidKty {
            actual: jwk.kty.clone(),
        });
    }
    if let Some(u) = jwk.use_.as_deref().filter(|u| *u != "sig") {
        return Err(KeyError::JwkInvalidUse { actual: u.into() });
    }
    if let Some(ops) = jwk
        .key_ops
        .as_ref()
        .filter(|o| !o.iter().any(|op| op == "verify"))
    {
        return Err(KeyError::JwkInvalidUse {
            actual: format!("key_ops {}", ops.join(",")),
        });
    }
    let decode = |v: &Option<String>| {
        v.as_deref()
            .and_then(|s| b64::decode(s.as_bytes()))
            .ok_or(KeyError::JwkInvalid)
    };
    let (n, e) = (decode(&jwk.n)?, decode(&jwk.e)?);
    let e = significant(&e);
    let e = (e.len() <= 8)
        .then(|| e.iter().fold(0u64, |v, b| v << 8 | u64::from(*b)))
        .filter(|e| e % 2 == 1 && RSA_E_RANGE.contains(e));
    if e.is_none() {
        return Err(KeyError::JwkInvalid);
    }
    let n = significant(&n);
    let bits = n
        .first()
        .map_or(0, |top| n.len() * 8 - top.leading_zeros() as usize);
    if bits < MIN_RSA_BITS {
        return Err(KeyError::JwkWeak { bits });
    }
    if bits > MAX_RSA_BITS {
        return Err(KeyError::JwkInvalid);
    }
    Ok(())
}

/// A big-endian unsigned integer without its leading zero bytes.
fn significant(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// Parses a JWKS document (`{"keys":[...]}`) and validates each key.
pub fn parse_jwks(json: &[u8]) -> Result<Vec<JwkEntry>, KeyError> {
    let mut keys = None;
    read_document(json, |r| {
        r.object(|r, key| match &*key {
            "keys" => {
                let mut list = Vec::new();
                r.array(|r| Jwk::read(r).map(|k| list.push(JwkEntry::new(k))))?;
                keys = Some(list);
                Ok(())
            }
            _ => r.skip(),
        })
    })
    .ok()
    .and(keys)
    .ok_or(KeyError::JwksInvalid)
}

/// Reads `jwks_uri` from an OIDC discovery document whose `issuer` must be `issuer`. The
/// `jwks_uri` must be `https://` on the issuer's host (any port); `http://` only on loopback
/// (`127.0.0.1`, `localhost`, `[::1]`), so a document cannot send key fetches elsewhere.
pub fn parse_discovery(json: &[u8], issuer: &str) -> Result<String, KeyError> {
    let (mut iss, mut jwks_uri) = (None, None);
    read_document(json, |r| {
        r.object(|r, key| {
            match &*key {
                "issuer" => iss = Some(r.str()?.into_owned()),
                "jwks_uri" => jwks_uri = Some(r.str()?.into_owned()),
                _ => r.skip()?,
            }
            Ok(())
        })
    })
    .ok()
    .filter(|_| iss.as_deref() == Some(issuer))
    .and(jwks_uri)
    .filter(|uri| jwks_uri_allowed(uri, issuer))
    .ok_or(KeyError::DiscoveryInvalid)
}

/// The scheme and host (lower case, without port; `[...]` kept for IPv6) of an http(s) URL;
/// `None` for anything else, and for a URL with user info (`https://idp@evil`).
fn scheme_and_host(url: &str) -> Option<(&str, String)> {
    // prefixes and `get` at ASCII positions, not `split_once`, `split` or `[..]`: those bring
    // core's slice-error formatting into the wasm (1 KB gzip)
    let (scheme, rest) = ["https", "http"]
        .into_iter()
        .find_map(|scheme| Some((scheme, url.strip_prefix(scheme)?.strip_prefix("://")?)))?;
    let authority = upto(rest, |b| matches!(b, b'/' | b'?' | b'#'));
    if authority.contains('@') {
        return None;
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => authority.get(..v6.find(']')? + 2)?,
        None => upto(authority, |b| b == b':'),
    };
    (!host.is_empty()).then(|| (scheme, host.to_ascii_lowercase()))
}

/// `s` up to its first byte for which `end` holds (an ASCII byte), or all of it.
fn upto(s: &str, end: impl Fn(u8) -> bool) -> &str {
    let at = s.bytes().position(end).unwrap_or(s.len());
    s.get(..at).unwrap_or(s)
}

fn jwks_uri_allowed(uri: &str, issuer: &str) -> bool {
    match (scheme_and_host(uri), scheme_and_host(issuer)) {
        (Some((scheme, host)), Some((_, issuer_host))) => {
            host == issuer_host
                && (scheme == "https" || matches!(&*host, "127.0.0.1" | "localhost" | "[::1]"))
        }
        _ => false,
    }
}

fn read_document(json: &[u8], read: impl FnOnce(&mut Reader<'_>) -> Res<()>) -> Res<()> {
    let text = std::str::from_utf8(json).map_err(|_| JsonError::Syntax)?;
    Reader::document(text, read)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::protocol::verify::jwks::{JwksPolicy, JwksState, Step};

    // 2048-bit modulus: 0x80 followed by 255 zero bytes is 2048 bits; 0x7f... is 2047.
    pub(crate) fn modulus(first: u8, len: usize) -> String {
        let mut bytes = vec![0u8; len];
        bytes[0] = first;
        crate::protocol::codec::b64::encode(&bytes)
    }

    pub(crate) fn jwk(kid: &str) -> Jwk {
        Jwk {
            kty: "RSA".into(),
            use_: Some("sig".into()),
            alg: Some("RS256".into()),
            kid: Some(kid.into()),
            n: Some(modulus(0x80, 256)),
            e: Some("AQAB".into()),
            key_ops: None,
        }
    }

    pub(crate) fn keys(kids: &[&str]) -> Vec<JwkEntry> {
        kids.iter().map(|k| JwkEntry::new(jwk(k))).collect()
    }
    #[test]
    fn validates_rsa_keys() {
        assert!(JwkEntry::new(jwk("a")).usable_for(Alg::Rs256).is_ok());
        let weak = Jwk {
            n: Some(modulus(0x7f, 256)),
            ..jwk("a")
        };
        assert_eq!(
            JwkEntry::new(weak).usable_for(Alg::Rs256),
            Err(KeyError::JwkWeak { bits: 2047 })
        );
        let leading_zero = Jwk {
            n: Some(modulus(0, 257)),
            ..jwk("a")
        };
        assert_eq!(
            JwkEntry::new(leading_zero).usable_for(Alg::Rs256),
            Err(KeyError::JwkWeak { bits: 0 })
        );
        let ec = Jwk {
            kty: "EC".into(),
            ..jwk("a")
        };
        assert_eq!(
            JwkEntry::new(ec).usable_for(Alg::Rs256),
            Err(KeyError::JwkInvalidKty {
                actual: "EC".into()
            })
        );
        let enc = Jwk {
            use_: Some("enc".into()),
            ..jwk("a")
        };
        assert_eq!(
            JwkEntry::new(enc).usable_for(Alg::Rs256),
            Err(KeyError::JwkInvalidUse {
                actual: "enc".into()
            })
        );
        let too_big = Jwk {
            n: Some(modulus(0x80, MAX_RSA_BITS / 8 + 1)),
            ..jwk("a")
        };
        assert_eq!(
            JwkEntry::new(too_big).usable_for(Alg::Rs256),
            Err(KeyError::JwkInvalid)
        );
        let largest = Jwk {
            n: Some(modulus(0x80, MAX_RSA_BITS / 8)),
            ..jwk("a")
        };
        assert!(JwkEntry::new(largest).usable_for(Alg::Rs256).is_ok());
        // e = 1 lets a token whose "signature" is its own padded hash verify; even e is no key.
        let exponent = |e: &str| {
            JwkEntry::new(Jwk {
                e: Some(e.into()),
                ..jwk("a")
            })
            .usable_for(Alg::Rs256)
            .map(|_| ())
        };
        for bad in [
            "AQ", "AAAB", "Ag", "AAAAAAAC", "AAAAAAA", "AgAAAAE", "AQAAAAAB",
        ] {
            assert_eq!(exponent(bad), Err(KeyError::JwkInvalid), "e = {bad}");
        }
        // 3, 65537 (also with a leading zero byte), 2^33 - 1.
        for good in ["Aw", "AQAB", "AAEAAQ", "Af____8"] {
            assert_eq!(exponent(good), Ok(()), "e = {good}");
        }
        let ops = |key_ops: &[&str]| {
            JwkEntry::new(Jwk {
                key_ops: Some(key_ops.iter().map(|o| o.to_string()).collect()),
                ..jwk("a")
            })
            .usable_for(Alg::Rs256)
            .map(|_| ())
        };
        assert_eq!(ops(&["verify"]), Ok(()));
        assert_eq!(ops(&["encrypt", "verify"]), Ok(()));
        for bad in [&["encrypt"][..], &["sign"], &[]] {
            assert!(
                matches!(ops(bad), Err(KeyError::JwkInvalidUse { .. })),
                "key_ops {bad:?}"
            );
        }
        let no_e = Jwk {
            e: None,
            ..jwk("a")
        };
        assert_eq!(
            JwkEntry::new(no_e).usable_for(Alg::Rs256),
            Err(KeyError::JwkInvalid)
        );
        assert_eq!(
            JwkEntry::new(jwk("a")).usable_for(Alg::Rs512),
            Err(KeyError::AlgJwkMismatch {
                expected: "RS256".into(),
                actual: "RS512".into()
            })
        );
    }

    #[test]
    fn parses_jwks_and_first_duplicate_kid_wins() {
        let json = format!(
            r#"{{"keys":[{{"kty":"RSA","kid":"a","n":"{}","e":"AQAB"}},{{"kty":"EC","kid":"a","crv":"P-256"}}]}}"#,
            modulus(0x80, 256)
        );
        let mut state = JwksState::new(JwksPolicy::default());
        state.set_keys(parse_jwks(json.as_bytes()).unwrap(), 0.0);
        match state.lookup("a", 1.0, false).unwrap() {
            Step::Key(k) => assert_eq!(k.jwk.kty, "RSA"),
            other => panic!("{other:?}"),
        }
        assert_eq!(parse_jwks(b"{\"keys\":{}}"), Err(KeyError::JwksInvalid));
        assert_eq!(parse_jwks(b"[]"), Err(KeyError::JwksInvalid));
        assert_eq!(
            parse_jwks(b"{\"keys\":[{\"kty\":1}]}"),
            Err(KeyError::JwksInvalid)
        );
    }

    #[test]
    fn discovery_needs_matching_issuer() {
        let doc = br#"{"issuer":"https://idp","jwks_uri":"https://idp/jwks"}"#;
        assert_eq!(
            parse_discovery(doc, "https://idp").unwrap(),
            "https://idp/jwks"
        );
        assert_eq!(
            parse_discovery(doc, "https://other"),
            Err(KeyError::DiscoveryInvalid)
        );
        assert_eq!(
            parse_discovery(b"{}", "https://idp"),
            Err(KeyError::DiscoveryInvalid)
        );
    }

    #[test]
    fn discovery_jwks_uri_must_be_https_on_the_issuers_host() {
        let doc = |iss: &str, uri: &str| {
            parse_discovery(
                format!(r#"{{"issuer":"{iss}","jwks_uri":"{uri}"}}"#).as_bytes(),
                iss,
            )
        };
        for (iss, uri) in [
            ("https://idp.example", "https://IDP.example:8443/keys"),
            (
                "http://127.0.0.1:9229/pool",
                "http://127.0.0.1:9229/pool/jwks",
            ),
            ("http://localhost:3000", "http://localhost:3000/jwks"),
            ("http://[::1]:3000", "http://[::1]:4000/jwks"),
        ] {
            assert_eq!(doc(iss, uri).as_deref(), Ok(uri), "{uri}");
        }
        for (iss, uri) in [
            ("https://idp.example", "http://idp.example/keys"),
            ("https://idp.example", "https://evil.example/keys"),
            (
                "https://idp.example",
                "https://idp.example.evil.example/keys",
            ),
            (
                "https://idp.example",
                "https://idp.example@evil.example/keys",
            ),
            ("https://idp.example", "file:///etc/keys"),
            ("https://idp.example", "httpsx://idp.example/keys"),
            ("https://idp.example", "https:/idp.example/keys"),
            ("https://idp.example", "HTTPS://idp.example/keys"),
            ("https://idp.example", "/keys"),
            ("http://127.0.0.1:9229", "http://localhost:9229/jwks"),
            ("http://127.0.0.1:9229", "https://evil.example/jwks"),
        ] {
            assert_eq!(doc(iss, uri), Err(KeyError::DiscoveryInvalid), "{uri}");
        }
    }
}
