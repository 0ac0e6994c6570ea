//! The JWKS cache as a pure state machine (time passed in): per JWKS URI ([`JwksState`]) the
//! keys are kept until replaced (or until `max_age_seconds` when set). A token with an unknown
//! `kid` triggers one fetch ([`Step::Fetch`]); concurrent verifications wait for it
//! ([`Step::Wait`]); a miss after a fetch, or a failed fetch, puts the URI in a penalty box during
//! which unknown kids are rejected at once. The keys themselves are [`super::jwk`]'s; what the
//! host imported from them, [`super::keys`].

use super::jwk::JwkEntry;
use crate::protocol::error::KeyError;

/// Default penalty box after a kid miss or a failed fetch, in seconds.
pub const DEFAULT_PENALTY_BOX_SECONDS: f64 = 10.0;

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
    use crate::protocol::verify::jwk::tests::keys;
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
