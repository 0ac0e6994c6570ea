//! Imported keys: what the host's crypto made of a JWKS key (a WebCrypto `CryptoKey` in the
//! package), one per (JWKS URI, kid, alg), kept until that JWKS changes. The JWKS cache itself
//! (the fetched keys, their freshness, the penalty box) is [`super::jwk`].

use super::jwt::Alg;

struct Imported<K> {
    uri: String,
    kid: String,
    alg: Alg,
    key: K,
}

/// The imported keys, and a generation that counts the JWKS changes that may have dropped some.
pub struct KeyStore<K> {
    keys: Vec<Imported<K>>,
    generation: u64,
}

impl<K> Default for KeyStore<K> {
    fn default() -> Self {
        KeyStore {
            keys: Vec::new(),
            generation: 0,
        }
    }
}

impl<K> KeyStore<K> {
    /// The key imported for `kid` of the JWKS at `uri`, for `alg`.
    pub fn get(&self, uri: &str, kid: &str, alg: Alg) -> Option<&K> {
        self.keys
            .iter()
            .find(|k| k.alg == alg && k.kid == kid && k.uri == uri)
            .map(|k| &k.key)
    }

    /// How many JWKS changes there have been (a token cache stamps its entries with it).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// After the JWKS of `uris` changed: drops their keys, and makes every import still in flight
    /// stale (see [`KeyStore::insert`]).
    pub fn jwks_changed(&mut self, uris: &[&str]) {
        self.generation += 1;
        self.keys.retain(|k| !uris.contains(&k.uri.as_str()));
    }

    /// Keeps `key`, imported from a JWKS as it was at `generation`, unless a JWKS changed since:
    /// a key whose import outlived a change serves the verification that asked for it, never a
    /// later one.
    pub fn insert(&mut self, generation: u64, uri: &str, kid: &str, alg: Alg, key: K) {
        if generation == self.generation {
            self.keys.push(Imported {
                uri: uri.to_owned(),
                kid: kid.to_owned(),
                alg,
                key,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_kept_per_uri_kid_and_alg_until_its_jwks_changes() {
        let mut store = KeyStore::default();
        store.insert(0, "a", "k1", Alg::Rs256, 1);
        store.insert(0, "b", "k1", Alg::Rs256, 2);
        assert_eq!(store.get("a", "k1", Alg::Rs256), Some(&1));
        assert_eq!(store.get("a", "k1", Alg::Rs384), None);
        assert_eq!(store.get("a", "k2", Alg::Rs256), None);
        store.jwks_changed(&["a"]);
        assert_eq!(store.generation(), 1);
        assert_eq!(store.get("a", "k1", Alg::Rs256), None);
        assert_eq!(store.get("b", "k1", Alg::Rs256), Some(&2));
    }

    #[test]
    fn an_import_that_outlived_a_jwks_change_is_not_kept() {
        let mut store = KeyStore::default();
        let started = store.generation();
        store.jwks_changed(&["a"]);
        store.insert(started, "a", "k1", Alg::Rs256, 1);
        assert_eq!(store.get("a", "k1", Alg::Rs256), None);
        store.insert(store.generation(), "a", "k1", Alg::Rs256, 1);
        assert_eq!(store.get("a", "k1", Alg::Rs256), Some(&1));
    }
}
