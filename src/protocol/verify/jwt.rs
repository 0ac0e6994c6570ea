//! JWS compact tokens: limits, structure, header, and the description of the signature check.
//!
//! The core never runs crypto: [`super::verifier::Prepared::signature_check`] describes what to verify
//! ([`SignatureCheck`]); the wasm layer runs it with WebCrypto, native tests with the `rsa` crate.
//! `jku`, `x5u` and an embedded `jwk` in the header are ignored (never fetched, never trusted);
//! `crit` is rejected because we understand no extension.

use super::claims::Claims;
use super::limits::Limits;
use crate::protocol::codec::b64;
use crate::protocol::codec::json::{parse_error, Reader};
use crate::protocol::error::{KeyError, ParseError, Part};
use crate::protocol::redact::Masked;
use std::borrow::Cow;
use std::fmt;

/// Signature algorithms we can verify (RSASSA-PKCS1-v1_5, as Cognito uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    Rs256,
    Rs384,
    Rs512,
}

impl Alg {
    /// Parses a JOSE `alg` name; `none`, HS* and anything else are `None`.
    pub fn from_name(name: &str) -> Option<Alg> {
        match name {
            "RS256" => Some(Alg::Rs256),
            "RS384" => Some(Alg::Rs384),
            "RS512" => Some(Alg::Rs512),
            _ => None,
        }
    }

    /// The JOSE name.
    pub fn name(self) -> &'static str {
        match self {
            Alg::Rs256 => "RS256",
            Alg::Rs384 => "RS384",
            Alg::Rs512 => "RS512",
        }
    }

    /// The WebCrypto hash name for `RSASSA-PKCS1-v1_5`.
    pub fn hash(self) -> &'static str {
        match self {
            Alg::Rs256 => "SHA-256",
            Alg::Rs384 => "SHA-384",
            Alg::Rs512 => "SHA-512",
        }
    }
}

/// Header fields we read. Other members (`typ`, `jku`, `x5u`, `jwk`, ...) are skipped.
#[derive(Debug, Default)]
pub struct Header {
    pub alg: Option<String>,
    pub kid: Option<String>,
    crit: bool,
}

impl Header {
    fn parse(json: &str, max_depth: usize) -> Result<Header, ParseError> {
        let mut h = Header::default();
        Reader::top_object(json, max_depth, |r, key| {
            match &*key {
                "alg" => h.alg = r.opt_str()?,
                "kid" => h.kid = r.opt_str()?,
                "crit" => {
                    r.skip()?;
                    h.crit = true;
                }
                _ => r.skip()?,
            }
            Ok(())
        })
        .map_err(parse_error(Part::Header, max_depth))?;
        Ok(h)
    }

    /// Checks `alg` against `allowed` and returns it with the `kid`.
    pub fn alg_and_kid(&self, allowed: &[Alg]) -> Result<(Alg, &str), KeyError> {
        let alg = self.alg.as_deref();
        let alg = alg
            .and_then(Alg::from_name)
            .filter(|a| allowed.contains(a))
            .ok_or_else(|| KeyError::AlgNotAllowed {
                expected: allowed.iter().map(|a| a.name().to_owned()).collect(),
                actual: self.alg.clone(),
            })?;
        let kid = self.kid.as_deref().ok_or(KeyError::MissingKid)?;
        Ok((alg, kid))
    }
}

/// A token split and decoded, with nothing verified yet. `C` is what was read from the payload:
/// the [`Claims`] we check ([`UntrustedJwt::parse`], for verifying) or nothing
/// ([`UntrustedJwt::decode`], for reading a token's fields without verifying it). `Debug` shows
/// the header and the claims, never the signed bytes, the signature or the payload text.
pub struct UntrustedJwt<'t, C = Claims> {
    /// `header.payload` as it appeared in the token: the bytes the signature covers (borrowed
    /// from the token, or owned after [`UntrustedJwt::into_owned`]).
    pub signing_input: Cow<'t, str>,
    /// The decoded signature.
    pub signature: Vec<u8>,
    pub header: Header,
    /// Decoded header JSON text.
    pub header_json: String,
    /// Decoded payload JSON text (the JS side gets the payload by `JSON.parse` of this).
    pub payload_json: String,
    /// What was read from the payload.
    pub claims: C,
}

/// What the crypto backend must check: `signature` over `signing_input` with the key `kid`
/// (after [`super::jwk::JwkEntry::usable_for`] accepted it for `alg`).
#[derive(PartialEq, Eq)]
pub struct SignatureCheck<'a> {
    pub alg: Alg,
    pub kid: &'a str,
    pub signing_input: &'a [u8],
    pub signature: &'a [u8],
}

impl<C: fmt::Debug> fmt::Debug for UntrustedJwt<'_, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UntrustedJwt")
            .field("signing_input", &Masked(&&*self.signing_input))
            .field("signature", &Masked(&self.signature))
            .field("header", &self.header)
            .field("header_json", &self.header_json)
            .field("payload_json", &Masked(&self.payload_json))
            .field("claims", &self.claims)
            .finish()
    }
}

impl fmt::Debug for SignatureCheck<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignatureCheck")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .field("signing_input", &Masked(&self.signing_input))
            .field("signature", &Masked(&self.signature))
            .finish()
    }
}

impl<'t> UntrustedJwt<'t> {
    /// For verifying: checks the limits, splits, decodes and reads the header and the claims we
    /// check (typed: a claim of the wrong type is an error). Header and payload must be JSON
    /// objects within the depth limit, without duplicate member names.
    pub fn parse(token: &'t str, limits: &Limits) -> Result<Self, ParseError> {
        Self::read(token, limits, Claims::parse)
    }
}

impl<'t> UntrustedJwt<'t, ()> {
    /// For reading a token without verifying it (showing an IdP's token, a session's expiry):
    /// [`UntrustedJwt::parse`] without the claim types, so any well-formed payload decodes.
    pub fn decode(token: &'t str, limits: &Limits) -> Result<Self, ParseError> {
        Self::read(token, limits, |json, max_depth| {
            Reader::top_object(json, max_depth, |r, _| r.skip())
                .map_err(parse_error(Part::Payload, max_depth))
        })
    }
}

impl<'t, C> UntrustedJwt<'t, C> {
    /// The same token no longer borrowing the token text (the signing input is copied; nothing
    /// is decoded or parsed again).
    pub fn into_owned(self) -> UntrustedJwt<'static, C> {
        UntrustedJwt {
            signing_input: Cow::Owned(self.signing_input.into_owned()),
            signature: self.signature,
            header: self.header,
            header_json: self.header_json,
            payload_json: self.payload_json,
            claims: self.claims,
        }
    }

    /// The common part of [`UntrustedJwt::parse`] and [`UntrustedJwt::decode`]: `payload` reads
    /// the payload JSON within the depth limit.
    fn read(
        token: &'t str,
        limits: &Limits,
        payload: impl FnOnce(&str, usize) -> Result<C, ParseError>,
    ) -> Result<Self, ParseError> {
        let (signed, p) = SignedHeader::split(token, limits)?;
        let payload_bytes = b64::decode(p.as_bytes()).ok_or(ParseError::Base64)?;
        let payload_json = json_text(payload_bytes, Part::Payload)?;
        let claims = payload(&payload_json, limits.max_json_depth)?;
        Ok(UntrustedJwt {
            signing_input: Cow::Borrowed(signed.signing_input),
            signature: signed.signature,
            header: signed.header,
            header_json: signed.header_json,
            payload_json,
            claims,
        })
    }

    /// Checks the header `alg` against `allowed` and returns it with the `kid`.
    pub fn alg_and_kid(&self, allowed: &[Alg]) -> Result<(Alg, &str), KeyError> {
        self.header.alg_and_kid(allowed)
    }
}

/// The most characters a token's header segment may have. A Cognito header is under 100; the
/// bound keeps the header's parse cheap when a long token's signature is checked before its
/// payload is read ([`SignedHeader::parse`]).
pub const MAX_HEADER_CHARS: usize = 8192;

/// A token's header and signature with its payload not yet decoded: what a signature check
/// needs, for checking a long token's signature before its payload is read.
pub struct SignedHeader<'t> {
    /// `header.payload` as it appeared in the token (what the signature covers).
    pub signing_input: &'t str,
    /// The decoded signature.
    pub signature: Vec<u8>,
    pub header: Header,
    /// Decoded header JSON text.
    pub header_json: String,
}

impl fmt::Debug for SignedHeader<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedHeader")
            .field("signing_input", &Masked(&self.signing_input))
            .field("signature", &Masked(&self.signature))
            .field("header", &self.header)
            .finish()
    }
}

impl<'t> SignedHeader<'t> {
    /// Checks the limits and the structure, decodes the signature and reads the header; the
    /// payload segment is left undecoded (a long token's cost is then the signature check's).
    pub fn parse(token: &'t str, limits: &Limits) -> Result<Self, ParseError> {
        Self::split(token, limits).map(|(signed, _)| signed)
    }

    /// [`SignedHeader::parse`], and the payload segment as it appears in the token.
    fn split(token: &'t str, limits: &Limits) -> Result<(Self, &'t str), ParseError> {
        if token.len() > limits.max_token_length {
            return Err(ParseError::TooLarge {
                max: limits.max_token_length,
                actual: token.len(),
            });
        }
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ParseError::Malformed);
        };
        // An empty signature segment (`alg: none`) parses; the alg allow-list rejects it.
        if h.is_empty() || p.is_empty() {
            return Err(ParseError::Malformed);
        }
        if h.len() > MAX_HEADER_CHARS {
            return Err(ParseError::HeaderTooLarge {
                max: MAX_HEADER_CHARS,
                actual: h.len(),
            });
        }
        let decode = |seg: &str| b64::decode(seg.as_bytes()).ok_or(ParseError::Base64);
        let (header_bytes, signature) = (decode(h)?, decode(s)?);
        let header_json = json_text(header_bytes, Part::Header)?;
        let header = Header::parse(&header_json, limits.max_json_depth)?;
        if header.crit {
            return Err(ParseError::Crit);
        }
        let signed = SignedHeader {
            signing_input: token.get(..h.len() + 1 + p.len()).unwrap_or_default(),
            signature,
            header,
            header_json,
        };
        Ok((signed, p))
    }
}

fn json_text(bytes: Vec<u8>, part: Part) -> Result<String, ParseError> {
    String::from_utf8(bytes).map_err(|_| ParseError::Json { part })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(header: &str, payload: &str) -> String {
        let enc = |s: &str| crate::protocol::codec::b64::encode(s.as_bytes());
        format!("{}.{}.c2ln", enc(header), enc(payload))
    }

    fn parse(t: &str) -> Result<UntrustedJwt<'_>, ParseError> {
        UntrustedJwt::parse(t, &Limits::default())
    }

    #[test]
    fn debug_shows_no_token_signature_or_payload() {
        use crate::protocol::verify::verifier::Prepared;
        let payload = r#"{"sub":"alice-secret-sub","exp":5}"#;
        let t = token(r#"{"alg":"RS256","kid":"k1"}"#, payload);
        let (signing_input, signature) = t.rsplit_once('.').unwrap();
        let prepared = Prepared {
            jwt: parse(&t).unwrap(),
            config: 0,
            alg: Alg::Rs256,
        };
        let check = prepared.signature_check();
        let shown = [
            format!("{:?}", prepared.jwt),
            format!("{prepared:?}"),
            format!("{check:?}"),
        ];
        for text in &shown {
            for secret in [
                signing_input,
                signature,
                "alice-secret-sub",
                "115, 105, 103",
            ] {
                assert!(!text.contains(secret), "{secret} in {text}");
            }
            assert!(text.contains("signature: <redacted>"), "{text}");
            assert!(text.contains(r#""k1""#), "{text}");
        }
        // what is not secret is still shown
        assert!(shown[1].contains("exp: Some(5.0)") && shown[1].contains("config: 0"));
        assert!(shown[2].contains("alg: Rs256"));
    }

    #[test]
    fn parses_header_and_keeps_signing_input() {
        let t = token(
            r#"{"alg":"RS256","kid":"k1","jku":"https://evil","typ":"JWT"}"#,
            "{}",
        );
        let jwt = parse(&t).unwrap();
        assert_eq!(jwt.signing_input, &t[..t.rfind('.').unwrap()]);
        assert_eq!(jwt.signature, b"sig");
        assert_eq!(jwt.alg_and_kid(&[Alg::Rs256]).unwrap(), (Alg::Rs256, "k1"));
        assert_eq!(jwt.payload_json, "{}");
    }

    #[test]
    fn rejects_structure_limits_and_crit() {
        assert_eq!(parse("a.b").unwrap_err(), ParseError::Malformed);
        assert_eq!(parse("a.b.c.d").unwrap_err(), ParseError::Malformed);
        assert_eq!(parse("..").unwrap_err(), ParseError::Malformed);
        assert_eq!(parse("e30.e30.a+b").unwrap_err(), ParseError::Base64);
        let t = token(r#"{"alg":"RS256","kid":"k","crit":["exp"]}"#, "{}");
        assert_eq!(parse(&t).unwrap_err(), ParseError::Crit);
        let t = token(r#"{"alg":5}"#, "{}");
        assert_eq!(
            parse(&t).unwrap_err(),
            ParseError::ClaimType { part: Part::Header }
        );
        let limits = Limits {
            max_token_length: 10,
            ..Limits::default()
        };
        assert_eq!(
            UntrustedJwt::parse("e30.e30.e30e30", &limits).unwrap_err(),
            ParseError::TooLarge {
                max: 10,
                actual: 14
            }
        );
        let deep = token(
            r#"{"alg":"RS256"}"#,
            &format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
        );
        assert_eq!(
            parse(&deep).unwrap_err(),
            ParseError::Json {
                part: Part::Payload
            }
        );
        let deep = token(
            r#"{"alg":"RS256"}"#,
            &format!("{{\"a\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000)),
        );
        assert_eq!(parse(&deep).unwrap_err(), ParseError::TooDeep { max: 128 });
    }

    #[test]
    fn signed_header_leaves_the_payload_unread() {
        let t = token(r#"{"alg":"RS256","kid":"k1"}"#, "{}");
        let (h, rest) = t.split_once('.').unwrap();
        let junk = format!("{h}.!!not base64!!.{}", rest.rsplit_once('.').unwrap().1);
        let signed = SignedHeader::parse(&junk, &Limits::default()).unwrap();
        assert_eq!(signed.signing_input, &junk[..junk.rfind('.').unwrap()]);
        assert_eq!(signed.signature, b"sig");
        assert_eq!(
            signed.header.alg_and_kid(&[Alg::Rs256]).unwrap(),
            (Alg::Rs256, "k1")
        );
        assert_eq!(parse(&junk).unwrap_err(), ParseError::Base64);
        let shown = format!("{signed:?}");
        assert!(
            !shown.contains(&junk[..20]) && shown.contains("k1"),
            "{shown}"
        );
        // the header's segment is capped, for either parse
        let pad = "p".repeat(MAX_HEADER_CHARS);
        let big = token(&format!(r#"{{"alg":"RS256","kid":"k","x":"{pad}"}}"#), "{}");
        let actual = big.find('.').unwrap();
        let expected = ParseError::HeaderTooLarge {
            max: MAX_HEADER_CHARS,
            actual,
        };
        assert_eq!(
            SignedHeader::parse(&big, &Limits::default()).unwrap_err(),
            expected
        );
        assert_eq!(parse(&big).unwrap_err(), expected);
    }

    #[test]
    fn alg_allow_list_and_kid() {
        for alg in ["none", "HS256", "ES256", "RS384"] {
            let t = token(&format!(r#"{{"alg":"{alg}","kid":"k"}}"#), "{}");
            let err = parse(&t).unwrap().alg_and_kid(&[Alg::Rs256]).unwrap_err();
            assert_eq!(
                err,
                KeyError::AlgNotAllowed {
                    expected: vec!["RS256".into()],
                    actual: Some(alg.into())
                }
            );
        }
        let t = token(r#"{"alg":"RS256"}"#, "{}");
        assert_eq!(
            parse(&t).unwrap().alg_and_kid(&[Alg::Rs256]).unwrap_err(),
            KeyError::MissingKid
        );
    }
}
