//! JWKS model and validation, and the JWKS cache as a pure state machine (time passed in).
//!
//! Keys are validated once, when a JWKS is loaded; a key that fails (wrong `kty`, `use` other than
//! `sig`, `key_ops` without `verify`, no `n`/`e`, modulus under 2048 or over 8192 bits, an even
//! exponent or one outside 3..2^33) stays in the set with its error, so only tokens that name it
//! fail. When several keys share a `kid`, the **first** one wins (as in
//! aws-jwt-verify).
//!
//! The cache per JWKS URI ([`JwksState`]) keeps keys until replaced (or until `max_age_seconds`
//! when set). A token with an unknown `kid` triggers one fetch ([`Step::Fetch`]); concurrent
//! verifications wait for it ([`Step::Wait`]); a miss after a fetch, or a failed fetch, puts the
//! URI in a penalty box during which unknown kids are rejected at once.

use super::jwt::Alg;
use crate::protocol::codec::b64;
use crate::protocol::codec::json::{JsonError, Reader, Res};
use crate::protocol::error::KeyError;

/// Default penalty box after a kid miss or a failed fetch, in seconds.
pub const DEFAULT_PENALTY_BOX_SECONDS: f64 = 10.0;
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
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.contains('@') {
        return None;
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => &authority[..v6.find(']')? + 2],
        None => authority.split(':').next()?,
    };
    (!host.is_empty()).then(|| (scheme, host.to_ascii_lowercase()))
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

/// Cache settings for one JWKS URI.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JwksPolicy {
    /// Seconds during which unknown kids are rejected after a miss or a failed fetch.
    pub penalty_box_seconds: f64,
    /// Keys older than this are refetched before use; `None` keeps them until replaced.
    pub max_age_seconds: Option<f64>,
}

impl Default for JwksPolicy {
    fn default() -> Self {
        JwksPolicy {
            penalty_box_seconds: DEFAULT_PENALTY_BOX_SECONDS,
            max_age_seconds: None,
        }
    }
}

/// What the caller must do next to get a key.
#[derive(Debug, PartialEq)]
pub enum Step<'a> {
    /// Use this key.
    Key(&'a JwkEntry),
    /// Fetch the JWKS now, then call [`JwksState::finish_fetch`] and [`JwksState::key_after_fetch`].
    Fetch,
    /// A fetch is in flight: wait for it, then call [`JwksState::lookup`] with `waited = true`.
    Wait,
}

/// The cache state of one JWKS URI. Plain data, so it can be exported and imported.
#[derive(Debug, Clone, PartialEq)]
pub struct JwksState {
    pub policy: JwksPolicy,
    keys: Vec<JwkEntry>,
    /// When the keys were loaded; `None` = never.
    loaded_at: Option<f64>,
    /// Unknown kids are rejected until this time.
    penalty_until: f64,
    in_flight: bool,
}

impl JwksState {
    pub fn new(policy: JwksPolicy) -> Self {
        JwksState {
            policy,
            keys: Vec::new(),
            loaded_at: None,
            penalty_until: f64::NEG_INFINITY,
            in_flight: false,
        }
    }

    fn position(&self, kid: &str) -> Option<usize> {
        self.keys
            .iter()
            .position(|k| k.jwk.kid.as_deref() == Some(kid))
    }

    fn fresh(&self, now: f64) -> bool {
        match (self.loaded_at, self.policy.max_age_seconds) {
            (Some(at), Some(max)) => now - at < max,
            (loaded, None) => loaded.is_some(),
            (None, _) => false,
        }
    }

    /// The key for `kid` when the keys are fresh: the fast path, which changes nothing.
    /// Whether the cached JWKS has a key `kid`, fresh or not.
    pub fn holds(&self, kid: &str) -> bool {
        self.position(kid).is_some()
    }

    pub fn cached(&self, kid: &str, now: f64) -> Option<&JwkEntry> {
        self.position(kid)
            .filter(|_| self.fresh(now))
            .map(|i| &self.keys[i])
    }

    /// Finds the key for `kid` or says what to do. Returning [`Step::Fetch`] marks a fetch as in
    /// flight: the caller must call [`JwksState::finish_fetch`]. `waited` is true when the caller
    /// already waited for a fetch: it then gets a result, never a new fetch.
    pub fn lookup(&mut self, kid: &str, now: f64, waited: bool) -> Result<Step<'_>, KeyError> {
        let penalty = now < self.penalty_until;
        if let Some(i) = self.position(kid) {
            // A stale key is still used when refetching is not possible right now.
            if self.fresh(now) || waited || penalty {
                return Ok(Step::Key(&self.keys[i]));
            }
        }
        if waited {
            return Err(KeyError::KidNotFound);
        }
        if self.in_flight {
            return Ok(Step::Wait);
        }
        if penalty {
            return Err(KeyError::PenaltyBox {
                retry_after_seconds: self.penalty_until - now,
            });
        }
        self.in_flight = true;
        Ok(Step::Fetch)
    }

    /// Starts an unconditional fetch (`hydrate`); false when one is already in flight.
    pub fn start_fetch(&mut self) -> bool {
        !std::mem::replace(&mut self.in_flight, true)
    }

    /// Records the outcome of a fetch. A failure opens the penalty box.
    pub fn finish_fetch(&mut self, result: Result<Vec<JwkEntry>, ()>, now: f64) {
        self.in_flight = false;
        match result {
            Ok(keys) => self.set_keys(keys, now),
            Err(()) => self.penalty_until = now + self.policy.penalty_box_seconds,
        }
    }

    /// After [`JwksState::finish_fetch`]: the key for `kid`, or a miss that opens the penalty box.
    pub fn key_after_fetch(&mut self, kid: &str, now: f64) -> Result<&JwkEntry, KeyError> {
        match self.position(kid) {
            Some(i) => Ok(&self.keys[i]),
            None => {
                self.penalty_until = now + self.policy.penalty_box_seconds;
                Err(KeyError::KidNotFound)
            }
        }
    }

    /// Replaces the keys (a fetch or `cacheJwks`; `{keys:[]}` empties) and clears the penalty.
    pub fn set_keys(&mut self, keys: Vec<JwkEntry>, now: f64) {
        self.keys = keys;
        self.loaded_at = Some(now);
        self.penalty_until = f64::NEG_INFINITY;
    }
}

/// One [`JwksState`] per JWKS URI.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JwksCache {
    entries: Vec<(String, JwksState)>,
}

impl JwksCache {
    /// Adds `uri` with `policy` unless it is already known (the first policy wins).
    pub fn ensure(&mut self, uri: &str, policy: JwksPolicy) {
        if self.get_mut(uri).is_none() {
            self.entries.push((uri.to_owned(), JwksState::new(policy)));
        }
    }

    /// The state of `uri`, if registered.
    pub fn get(&self, uri: &str) -> Option<&JwksState> {
        self.entries.iter().find(|(u, _)| u == uri).map(|(_, s)| s)
    }

    /// The state of `uri`, if registered, to change it.
    pub fn get_mut(&mut self, uri: &str) -> Option<&mut JwksState> {
        self.entries
            .iter_mut()
            .find(|(u, _)| u == uri)
            .map(|(_, s)| s)
    }
}

/// One JWKS URI's cache as carried to another isolate (`exportJwksCache` / `importJwksCache`).
#[derive(Debug, Clone, PartialEq)]
pub struct JwksSnapshot {
    pub uri: String,
    pub keys: Vec<JwkEntry>,
    /// When the keys were loaded (seconds since the epoch).
    pub loaded_at: f64,
    /// Unknown kids are rejected until then, when a penalty box is open.
    pub penalty_until: Option<f64>,
}

impl JwksCache {
    /// The state of every URI whose keys are loaded.
    pub fn export(&self) -> Vec<JwksSnapshot> {
        let open = |until: f64| until.is_finite().then_some(until);
        self.entries
            .iter()
            .filter_map(|(uri, s)| {
                Some(JwksSnapshot {
                    uri: uri.clone(),
                    keys: s.keys.clone(),
                    loaded_at: s.loaded_at?,
                    penalty_until: open(s.penalty_until),
                })
            })
            .collect()
    }

    /// Merges a snapshot into the state of its URI (unknown URIs are ignored). Its keys replace
    /// ours only when loaded later (a time ahead of `now` counts as `now`); the later penalty box
    /// wins, so an import never lifts one, but it is cut to at most one penalty window from `now`
    /// (a snapshot store cannot freeze key rotation). True when the keys were replaced.
    pub fn import(&mut self, snapshot: JwksSnapshot, now: f64) -> bool {
        let Some(state) = self.get_mut(&snapshot.uri) else {
            return false;
        };
        if let Some(until) = snapshot.penalty_until {
            let longest = now + state.policy.penalty_box_seconds;
            state.penalty_until = state.penalty_until.max(until.min(longest));
        }
        let loaded_at = snapshot.loaded_at.min(now);
        if state.loaded_at.is_some_and(|at| at >= loaded_at) {
            return false;
        }
        state.keys = snapshot.keys;
        state.loaded_at = Some(loaded_at);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2048-bit modulus: 0x80 followed by 255 zero bytes is 2048 bits; 0x7f... is 2047.
    fn modulus(first: u8, len: usize) -> String {
        let mut bytes = vec![0u8; len];
        bytes[0] = first;
        crate::protocol::codec::b64::encode(&bytes)
    }

    fn jwk(kid: &str) -> Jwk {
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

    fn keys(kids: &[&str]) -> Vec<JwkEntry> {
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
    fn unknown_kid_fetches_once_then_penalty_box() {
        let mut s = JwksState::new(JwksPolicy::default());
        assert_eq!(s.lookup("a", 0.0, false), Ok(Step::Fetch));
        // single flight: everyone else waits
        assert_eq!(s.lookup("a", 0.0, false), Ok(Step::Wait));
        assert_eq!(s.lookup("b", 0.0, false), Ok(Step::Wait));
        assert!(!s.start_fetch());
        s.finish_fetch(Ok(keys(&["a"])), 1.0);
        assert!(s.key_after_fetch("a", 1.0).is_ok());
        // a waiter for an absent kid gets a miss, not another fetch
        assert_eq!(s.lookup("b", 1.0, true), Err(KeyError::KidNotFound));
        // unknown kid: refetch, miss, penalty
        assert_eq!(s.lookup("b", 2.0, false), Ok(Step::Fetch));
        s.finish_fetch(Ok(keys(&["a"])), 2.0);
        assert_eq!(s.key_after_fetch("b", 2.0), Err(KeyError::KidNotFound));
        assert_eq!(
            s.lookup("b", 5.0, false),
            Err(KeyError::PenaltyBox {
                retry_after_seconds: 7.0
            })
        );
        // known kids keep working inside the penalty window
        assert!(matches!(s.lookup("a", 5.0, false), Ok(Step::Key(_))));
        // after the window: fetch again
        assert_eq!(s.lookup("b", 12.0, false), Ok(Step::Fetch));
        s.finish_fetch(Ok(keys(&["a", "b"])), 12.0);
        assert!(s.key_after_fetch("b", 12.0).is_ok());
        assert!(matches!(s.lookup("b", 12.5, false), Ok(Step::Key(_))));
    }

    #[test]
    fn failed_fetch_opens_the_penalty_box() {
        let mut s = JwksState::new(JwksPolicy {
            penalty_box_seconds: 3.0,
            max_age_seconds: None,
        });
        assert_eq!(s.lookup("a", 0.0, false), Ok(Step::Fetch));
        s.finish_fetch(Err(()), 0.0);
        assert!(matches!(
            s.lookup("a", 1.0, false),
            Err(KeyError::PenaltyBox { .. })
        ));
        assert_eq!(s.lookup("a", 3.0, false), Ok(Step::Fetch));
    }

    #[test]
    fn max_age_refetches_and_cache_injection_empties() {
        let mut s = JwksState::new(JwksPolicy {
            penalty_box_seconds: 10.0,
            max_age_seconds: Some(60.0),
        });
        s.set_keys(keys(&["a"]), 0.0);
        assert!(matches!(s.lookup("a", 59.0, false), Ok(Step::Key(_))));
        assert!(s.cached("a", 59.0).is_some());
        assert!(s.cached("b", 59.0).is_none());
        assert!(s.cached("a", 60.0).is_none());
        assert_eq!(s.lookup("a", 60.0, false), Ok(Step::Fetch));
        // while in flight a waiter that already waited may use the stale key
        assert!(matches!(s.lookup("a", 60.0, true), Ok(Step::Key(_))));
        s.finish_fetch(Err(()), 61.0);
        // fetch failed: the stale key is used during the penalty window
        assert!(matches!(s.lookup("a", 62.0, false), Ok(Step::Key(_))));
        s.set_keys(Vec::new(), 63.0);
        assert_eq!(s.lookup("a", 63.0, false), Ok(Step::Fetch));
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
            ("https://idp.example", "/keys"),
            ("http://127.0.0.1:9229", "http://localhost:9229/jwks"),
            ("http://127.0.0.1:9229", "https://evil.example/jwks"),
        ] {
            assert_eq!(doc(iss, uri), Err(KeyError::DiscoveryInvalid), "{uri}");
        }
    }

    #[test]
    fn cache_keeps_one_state_per_uri() {
        let mut c = JwksCache::default();
        c.ensure("u", JwksPolicy::default());
        c.ensure(
            "u",
            JwksPolicy {
                penalty_box_seconds: 1.0,
                max_age_seconds: None,
            },
        );
        assert_eq!(c.get_mut("u").unwrap().policy, JwksPolicy::default());
        assert!(c.get_mut("v").is_none());
        assert!(c.get("u").is_some() && c.get("v").is_none());
    }

    #[test]
    fn export_import_carries_keys_and_keeps_the_penalty_box() {
        let mut a = JwksCache::default();
        a.ensure("u", JwksPolicy::default());
        a.ensure("never-loaded", JwksPolicy::default());
        let s = a.get_mut("u").unwrap();
        s.set_keys(keys(&["k1"]), 100.0);
        assert_eq!(s.lookup("x", 101.0, false), Ok(Step::Fetch));
        s.finish_fetch(Ok(keys(&["k1"])), 101.0);
        assert!(s.key_after_fetch("x", 101.0).is_err()); // penalty until 111
        let exported = a.export();
        assert_eq!(exported.len(), 1);
        assert_eq!(exported[0].loaded_at, 101.0);
        assert_eq!(exported[0].penalty_until, Some(111.0));

        // a fresh isolate: keys without a fetch, and the penalty box still holds
        let mut b = JwksCache::default();
        b.ensure("u", JwksPolicy::default());
        for snap in exported.clone() {
            assert!(b.import(snap, 105.0));
        }
        let s = b.get_mut("u").unwrap();
        assert!(matches!(s.lookup("k1", 105.0, false), Ok(Step::Key(_))));
        assert!(matches!(
            s.lookup("x", 105.0, false),
            Err(KeyError::PenaltyBox { .. })
        ));
        assert_eq!(s.lookup("x", 111.0, false), Ok(Step::Fetch));
        s.finish_fetch(Ok(keys(&["k1", "x"])), 112.0);

        // older keys never replace newer ones, and an import never lifts a penalty box
        let mut stale = exported[0].clone();
        stale.penalty_until = None;
        assert!(!b.import(stale, 120.0));
        assert!(b.get("u").unwrap().cached("x", 120.0).is_some());
        // a URI this verifier does not use is ignored
        let mut other = exported[0].clone();
        other.uri = "elsewhere".into();
        assert!(!b.import(other, 120.0));
        assert!(b.get("elsewhere").is_none());
        // a penalty box from far in the future lasts one window from the import at the most
        let mut d = JwksCache::default();
        d.ensure("u", JwksPolicy::default());
        let mut frozen = exported[0].clone();
        frozen.penalty_until = Some(1e300);
        assert!(d.import(frozen, 200.0));
        assert_eq!(d.export()[0].penalty_until, Some(210.0));
        let s = d.get_mut("u").unwrap();
        assert!(matches!(
            s.lookup("rotated", 209.0, false),
            Err(KeyError::PenaltyBox { .. })
        ));
        assert_eq!(s.lookup("rotated", 210.0, false), Ok(Step::Fetch));
        // a load time from the future counts as now
        let mut c = JwksCache::default();
        c.ensure("u", JwksPolicy::default());
        let mut future = exported[0].clone();
        future.loaded_at = 1e12;
        assert!(c.import(future, 200.0));
        assert_eq!(c.export()[0].loaded_at, 200.0);
    }
}
