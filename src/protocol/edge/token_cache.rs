//! A bounded LRU of verified tokens, keyed by the whole token string, each entry expiring at its
//! token's `exp`, bounded by entry count and by bytes (each entry's size as the caller measures
//! it: token plus payload). Edge workers verify the same bearer token on every request of a
//! session: a hit skips parsing and crypto. Pure: `now` is passed in (seconds since the epoch).
//!
//! Only tokens that verified are ever inserted, so keys are pool-signed strings an attacker cannot
//! choose. Each entry records its [`Owner`]: the verifier that verified it (a cache shared by
//! several verifiers only serves a token to the one that accepted it) and that verifier's JWKS
//! generation (once its JWKS changed, a key may have left it: the entry is dropped and the token
//! verified again). Checks that
//! depend on the request (scope, groups, revocation) are not cached: callers run them on every
//! hit.

use std::collections::HashMap;

/// The byte bound a cache gets unless its caller chooses one: 4 MiB.
pub const DEFAULT_MAX_BYTES: usize = 4 << 20;

/// Who verified an entry: the caller's id for the verifier, and the generation of that verifier's
/// JWKS (a count of its changes) read before the verification began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owner {
    pub verifier: u32,
    pub jwks: u64,
}

/// No neighbour in the recency list.
const NIL: usize = usize::MAX;

struct Slot<V> {
    token: String,
    owner: Owner,
    /// This entry's share of `bytes`.
    size: usize,
    exp: f64,
    value: V,
    /// Towards the most recently used end.
    newer: usize,
    /// Towards the least recently used end.
    older: usize,
}

/// The cache: a slab of slots linked by recency, and an index from token to slot.
pub struct TokenCache<V> {
    max_entries: usize,
    max_bytes: usize,
    /// Sum of the entries' sizes.
    bytes: usize,
    index: HashMap<String, usize>,
    slots: Vec<Slot<V>>,
    /// Most recently used slot, or [`NIL`].
    newest: usize,
    /// Least recently used slot, or [`NIL`].
    oldest: usize,
}

impl<V> TokenCache<V> {
    /// A cache holding at most `max_entries` tokens of at most `max_bytes` in all (`0` caches
    /// nothing).
    pub fn new(max_entries: usize, max_bytes: usize) -> Self {
        TokenCache {
            max_entries,
            max_bytes,
            bytes: 0,
            index: HashMap::new(),
            slots: Vec::new(),
            newest: NIL,
            oldest: NIL,
        }
    }

    /// Number of cached tokens (expired ones count until they are looked up or evicted).
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The value `owner` cached for `token` if its `exp` is still ahead of `now`; marks it most
    /// recently used. An expired entry, or one cached before the verifier's JWKS changed, is
    /// dropped; another verifier's entry is a miss.
    pub fn get(&mut self, token: &str, owner: Owner, now: f64) -> Option<&V> {
        let i = *self.index.get(token)?;
        let slot = &self.slots[i];
        if slot.owner.verifier != owner.verifier {
            return None;
        }
        if now >= slot.exp || slot.owner.jwks != owner.jwks {
            self.remove(i);
            return None;
        }
        self.unlink(i);
        self.push_newest(i);
        Some(&self.slots[i].value)
    }

    /// Sum of the cached entries' sizes.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Caches `value` for `token`, verified by `owner`, until `exp` (replacing any entry for the
    /// token, whoever owned it); `size` is what the entry counts against the byte bound. A token
    /// already expired at `now`, or larger than the whole bound, is not cached; when full, the
    /// least recently used entries make room.
    pub fn insert(&mut self, token: &str, owner: Owner, exp: f64, value: V, size: usize, now: f64) {
        if let Some(&i) = self.index.get(token) {
            self.remove(i);
        }
        if self.max_entries == 0 || size > self.max_bytes || exp.is_nan() || exp <= now {
            return;
        }
        while self.index.len() >= self.max_entries || self.bytes + size > self.max_bytes {
            self.remove(self.oldest);
        }
        self.bytes += size;
        let slot = Slot {
            token: token.to_owned(),
            owner,
            size,
            exp,
            value,
            newer: NIL,
            older: NIL,
        };
        let i = self.slots.len();
        self.slots.push(slot);
        self.index.insert(token.to_owned(), i);
        self.push_newest(i);
    }

    /// Points the neighbours of a slot (`newer`, `older`) at other slots: `newer` (or `newest`)
    /// then sees `older_side` as its older neighbour, `older` (or `oldest`) sees `newer_side`.
    fn relink(&mut self, newer: usize, older: usize, older_side: usize, newer_side: usize) {
        match newer {
            NIL => self.newest = older_side,
            n => self.slots[n].older = older_side,
        }
        match older {
            NIL => self.oldest = newer_side,
            o => self.slots[o].newer = newer_side,
        }
    }

    fn unlink(&mut self, i: usize) {
        let (newer, older) = (self.slots[i].newer, self.slots[i].older);
        self.relink(newer, older, older, newer);
    }

    fn push_newest(&mut self, i: usize) {
        self.slots[i].older = self.newest;
        self.slots[i].newer = NIL;
        match self.newest {
            NIL => self.oldest = i,
            n => self.slots[n].newer = i,
        }
        self.newest = i;
    }

    /// Removes slot `i`, moving the last slot into its place so the slab stays dense.
    fn remove(&mut self, i: usize) {
        self.unlink(i);
        let removed = self.slots.swap_remove(i);
        self.index.remove(&removed.token);
        self.bytes -= removed.size;
        if i < self.slots.len() {
            // the former last slot now lives at `i`: repoint its neighbours and index entry
            let (newer, older) = (self.slots[i].newer, self.slots[i].older);
            self.relink(newer, older, i, i);
            if let Some(at) = self.index.get_mut(&self.slots[i].token) {
                *at = i;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Verifier `verifier` before any JWKS change.
    fn by(verifier: u32) -> Owner {
        Owner { verifier, jwks: 0 }
    }

    fn keys(c: &TokenCache<u32>) -> Vec<&str> {
        // oldest to newest
        let mut out = Vec::new();
        let mut i = c.oldest;
        while i != NIL {
            out.push(c.slots[i].token.as_str());
            i = c.slots[i].newer;
        }
        out
    }

    #[test]
    fn hits_until_exp_then_drops() {
        let mut c = TokenCache::new(4, DEFAULT_MAX_BYTES);
        c.insert("a", by(0), 100.0, 1, 1, 0.0);
        assert_eq!(c.get("a", by(0), 99.9), Some(&1));
        assert_eq!(c.get("a", by(0), 100.0), None);
        assert!(c.is_empty());
        assert_eq!(c.get("b", by(0), 0.0), None);
    }

    #[test]
    fn expired_or_disabled_is_not_cached() {
        let mut c = TokenCache::new(4, DEFAULT_MAX_BYTES);
        c.insert("a", by(0), 10.0, 1, 1, 10.0);
        c.insert("b", by(0), f64::NAN, 2, 1, 0.0);
        assert!(c.is_empty());
        let mut off = TokenCache::new(0, DEFAULT_MAX_BYTES);
        off.insert("a", by(0), 100.0, 1, 1, 0.0);
        assert_eq!(off.get("a", by(0), 1.0), None);
    }

    #[test]
    fn evicts_least_recently_used() {
        let mut c = TokenCache::new(3, DEFAULT_MAX_BYTES);
        for (t, v) in [("a", 1), ("b", 2), ("c", 3)] {
            c.insert(t, by(0), 100.0, v, 1, 0.0);
        }
        assert_eq!(c.get("a", by(0), 1.0), Some(&1)); // a is now newest: b is the oldest
        c.insert("d", by(0), 100.0, 4, 1, 1.0);
        assert_eq!(keys(&c), ["c", "a", "d"]);
        assert_eq!(c.get("b", by(0), 1.0), None);
        assert_eq!(c.len(), 3);
        // re-inserting replaces the value and refreshes recency
        c.insert("c", by(0), 100.0, 30, 1, 1.0);
        assert_eq!(keys(&c), ["a", "d", "c"]);
        assert_eq!(c.get("c", by(0), 1.0), Some(&30));
        assert_eq!(c.len(), 3);
    }

    #[test]
    fn serves_a_hit_only_to_the_owner_that_verified_it() {
        let mut c = TokenCache::new(4, DEFAULT_MAX_BYTES);
        c.insert("a", by(1), 100.0, 10, 1, 0.0);
        assert_eq!(c.get("a", by(2), 1.0), None);
        assert_eq!(
            c.get("a", by(1), 1.0),
            Some(&10),
            "a miss for owner 2 keeps owner 1's entry"
        );
        c.insert("a", by(2), 100.0, 20, 1, 1.0);
        assert_eq!(c.len(), 1);
        assert_eq!(c.get("a", by(1), 1.0), None);
        assert_eq!(c.get("a", by(2), 1.0), Some(&20));
    }

    #[test]
    fn an_entry_cached_before_the_jwks_changed_is_dropped() {
        let mut c = TokenCache::new(4, DEFAULT_MAX_BYTES);
        let (before, after) = (
            Owner {
                verifier: 1,
                jwks: 3,
            },
            Owner {
                verifier: 1,
                jwks: 4,
            },
        );
        c.insert("a", before, 100.0, 10, 1, 0.0);
        assert_eq!(c.get("a", before, 1.0), Some(&10));
        assert_eq!(c.get("a", after, 1.0), None);
        assert!(c.is_empty(), "dropped, not kept for the old generation");
        assert_eq!(c.get("a", before, 1.0), None);
        c.insert("a", after, 100.0, 11, 1, 1.0);
        assert_eq!(c.get("a", after, 1.0), Some(&11));
    }

    #[test]
    fn bounded_by_bytes_as_well_as_entries() {
        let mut c = TokenCache::new(10, 100);
        c.insert("a", by(0), 100.0, 1, 40, 0.0);
        c.insert("b", by(0), 100.0, 2, 40, 0.0);
        assert_eq!(c.bytes(), 80);
        // 30 more bytes: the oldest entry (a) makes room
        c.insert("c", by(0), 100.0, 3, 30, 0.0);
        assert_eq!(keys(&c), ["b", "c"]);
        assert_eq!(c.bytes(), 70);
        // larger than the whole bound: not cached, and it replaces (drops) the entry it updates
        c.insert("b", by(0), 100.0, 4, 101, 0.0);
        assert_eq!(keys(&c), ["c"]);
        assert_eq!(c.bytes(), 30);
        // one entry filling the bound evicts everything else
        c.insert("d", by(0), 100.0, 5, 100, 0.0);
        assert_eq!(keys(&c), ["d"]);
        assert_eq!(c.bytes(), 100);
        c.insert("d", by(0), 1.0, 6, 10, 2.0); // already expired: dropped, not cached
        assert!(c.is_empty());
        assert_eq!(c.bytes(), 0);
    }

    #[test]
    fn stays_consistent_under_churn() {
        let mut c = TokenCache::new(50, 40);
        for n in 0..2000u32 {
            let t = format!("t{}", n % 97);
            let exp = if n % 7 == 0 { 1.0 } else { 1e9 };
            c.insert(&t, by(0), exp, n, (n % 4 + 1) as usize, 0.0);
            let _ = c.get(&format!("t{}", (n * 31) % 97), by(0), f64::from(n % 3));
            assert!(c.len() <= 50);
            assert!(c.bytes() <= 40);
            assert_eq!(keys(&c).len(), c.len());
            for (tok, &i) in &c.index {
                assert_eq!(&c.slots[i].token, tok);
            }
        }
    }
}
