//! One verification as a state machine with no I/O in it: the host (the JS package's driver,
//! `js/driver.js`) asks [`Engine::next`] what to do, does it (check a signature, import a key,
//! fetch a JWKS, wait for a fetch in flight) and passes back what came of it, until [`Action::Done`].
//! Every path goes through it: a cold key, waiters sharing a fetch, OIDC discovery, the penalty
//! box, a key import that outlives a JWKS change, a long token's signature checked before its
//! payload is read (docs/decisions/0007-signature-first.md). The hot path is
//! [`Engine::hot_key`]: a warm token's only step is the signature check.
//!
//! `K` is the host's imported key; `E` its failures (a fetch's error, shared with the waiters of
//! that fetch), which travel through unchanged.

use super::jwk::{parse_discovery, parse_jwks, Jwk};
use super::jwks::{JwksCache, JwksSnapshot, Step};
use super::jwt::Alg;
use super::keys::KeyStore;
use super::options::Options;
use super::verifier::{JwtVerifier, Prepared};
use crate::protocol::error::{Error, KeyError, SignatureError};

/// What the host does next for a [`Verification`], then passes the matching [`Input`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Check [`Verification::signed`] with [`Verification::key`]: [`Input::Verified`].
    Verify = 0,
    /// Import [`Verification::jwk`] for [`Verification::alg`]: [`Input::Imported`].
    Import = 1,
    /// Fetch the JWKS of configuration [`Verification::config`] (announced to the waiters, then
    /// [`Engine::fetched`] or [`Engine::fetch_failed`]): [`Input::Settled`] with its outcome.
    Fetch = 2,
    /// Wait for the fetch in flight for configuration [`Verification::config`]'s JWKS URI:
    /// [`Input::Settled`] with that fetch's outcome.
    Wait = 3,
    /// Verified: [`Verification::prepared`] has the payload, [`Verification::key`] the key.
    Done = 4,
}

/// What came of an [`Action`].
pub enum Input<K, E> {
    /// The first call.
    Start,
    /// The signature check's answer; `None` when the crypto itself failed.
    Verified(Option<bool>),
    /// The imported key; `None` when the import failed.
    Imported(Option<K>),
    /// A fetch or a wait is over: the fetch's outcome.
    Settled(Result<(), E>),
}

/// A long token whose signature is checked before its payload is read.
struct Long {
    signature: Vec<u8>,
    /// Length of the signing input (`header.payload`) at the start of the token.
    signed: usize,
}

/// Getting the key of one JWKS URI.
struct KeyTask {
    config: usize,
    /// A fetch in flight was waited for: the lookup gives an answer now, never a new fetch.
    waited: bool,
    state: Task,
}

enum Task {
    Lookup,
    Fetching,
    Waiting,
    /// Importing, from the JWKS as it was at this generation.
    Importing(u64),
}

impl KeyTask {
    fn new(config: usize) -> Self {
        KeyTask {
            config,
            waited: false,
            state: Task::Lookup,
        }
    }
}

enum Stage<E> {
    Start,
    /// A long token's key: from whichever JWKS of the only pool holds the kid, else each in
    /// turn (`rest`, last first); the first failure is reported when none has it.
    PoolKey {
        task: KeyTask,
        rest: Vec<usize>,
        first: Option<E>,
    },
    Key(KeyTask),
    Verify,
    Done,
}

/// One verification in progress ([`Engine::begin`], [`Engine::resume`]).
pub struct Verification<K, E> {
    overrides: Option<Options>,
    /// A long token's text until its signature verified and its payload is read.
    token: String,
    long: Option<Long>,
    prepared: Option<Prepared<'static>>,
    kid: String,
    alg: Alg,
    stage: Stage<E>,
    key: Option<K>,
    jwk: Option<Jwk>,
    config: usize,
}

enum Got<K> {
    Key(K),
    Act(Action),
}

/// A JWKS URI the cache does not know (never: every configuration's is registered).
fn no_kid() -> Error {
    KeyError::KidNotFound.into()
}

/// Any input the action did not ask for counts as a failed crypto operation, never a success.
fn misuse() -> Error {
    SignatureError::Crypto.into()
}

impl<K, E> Verification<K, E> {
    /// What [`Action::Verify`] checks: the signature, and the bytes it signs.
    pub fn signed(&self) -> (&[u8], &[u8]) {
        match (&self.long, &self.prepared) {
            (Some(long), _) => (&long.signature, &self.token.as_bytes()[..long.signed]),
            (None, Some(p)) => (&p.jwt.signature, p.jwt.signing_input.as_bytes()),
            (None, None) => (&[], &[]),
        }
    }

    /// The key of [`Action::Verify`] and [`Action::Done`].
    pub fn key(&self) -> Option<&K> {
        self.key.as_ref()
    }

    /// The key [`Action::Import`] imports.
    pub fn jwk(&self) -> Option<&Jwk> {
        self.jwk.as_ref()
    }

    pub fn alg(&self) -> Alg {
        self.alg
    }

    /// The configuration whose JWKS [`Action::Fetch`] fetches or [`Action::Wait`] waits for.
    pub fn config(&self) -> usize {
        self.config
    }

    /// The decoded token (after [`Action::Done`]: verified).
    pub fn prepared(&self) -> Option<&Prepared<'static>> {
        self.prepared.as_ref()
    }

    /// The decoded header and payload for a claim error's `rawJwt`, when the options opt in.
    pub fn raw_jwt(&self, core: &JwtVerifier) -> Option<(&str, &str)> {
        let p = self.prepared.as_ref()?;
        let resolved = core.rules(p.config, self.overrides.as_ref()).ok()?;
        resolved
            .include_raw_jwt_in_errors
            .then_some((p.jwt.header_json.as_str(), p.jwt.payload_json.as_str()))
    }
}

/// The verifier with its JWKS cache and imported keys: what every verification shares.
pub struct Engine<K> {
    core: JwtVerifier,
    cache: JwksCache,
    keys: KeyStore<K>,
    /// Changes of the cache worth writing to a snapshot store: keys or a penalty box.
    revision: u64,
}

impl<K: Clone> Engine<K> {
    pub fn new(core: JwtVerifier) -> Self {
        Engine {
            cache: core.new_cache(),
            core,
            keys: KeyStore::default(),
            revision: 0,
        }
    }

    pub fn core(&self) -> &JwtVerifier {
        &self.core
    }

    pub fn cache(&self) -> &JwksCache {
        &self.cache
    }

    /// How many JWKS changes there have been ([`KeyStore::generation`]).
    pub fn generation(&self) -> u64 {
        self.keys.generation()
    }

    /// Counts the changes of the cache an exported snapshot would show (new keys, a penalty box
    /// opened here), so that a snapshot store is written only after one.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// A verification of `token` with verify-time `overrides`: a long token of a one-pool
    /// verifier has only its header read here ([`JwtVerifier::signature_first`]), any other is
    /// decoded.
    pub fn begin<E>(
        &self,
        token: String,
        overrides: Option<Options>,
    ) -> Result<Verification<K, E>, Error> {
        if let Some((signed, alg)) = self.core.signature_first(&token)? {
            let long = Long {
                signed: signed.signing_input.len(),
                signature: signed.signature,
            };
            let kid = signed.header.kid.unwrap_or_default();
            return Ok(Self::verification(
                token,
                Some(long),
                None,
                kid,
                alg,
                overrides,
            ));
        }
        let prepared = self.core.prepare(&token)?.into_owned();
        Ok(Self::resume_with(prepared, overrides))
    }

    /// A verification going on from a token already decoded (the hot path's parse), without
    /// overrides.
    pub fn resume<E>(&self, prepared: Prepared<'static>) -> Verification<K, E> {
        Self::resume_with(prepared, None)
    }

    fn resume_with<E>(
        prepared: Prepared<'static>,
        overrides: Option<Options>,
    ) -> Verification<K, E> {
        let (kid, alg) = (prepared.kid().to_owned(), prepared.alg);
        Self::verification(String::new(), None, Some(prepared), kid, alg, overrides)
    }

    fn verification<E>(
        token: String,
        long: Option<Long>,
        prepared: Option<Prepared<'static>>,
        kid: String,
        alg: Alg,
        overrides: Option<Options>,
    ) -> Verification<K, E> {
        Verification {
            overrides,
            token,
            long,
            prepared,
            kid,
            alg,
            stage: Stage::Start,
            key: None,
            jwk: None,
            config: 0,
        }
    }

    /// The imported key for `prepared` when nothing but its signature is left to check: claims
    /// valid with the create-time options, the key imported and its JWKS fresh (the caller
    /// leaves out tokens of a pool with a `customJwtCheck`).
    pub fn hot_key(&self, prepared: &Prepared<'_>, now: f64) -> Option<&K> {
        let uri = self.core.configs()[prepared.config].jwks_uri.as_str();
        self.cache.get(uri)?.cached(prepared.kid(), now)?;
        let key = self.keys.get(uri, prepared.kid(), prepared.alg)?;
        let resolved = self.core.rules(prepared.config, None).ok()?;
        resolved
            .rules
            .admits(&prepared.jwt.claims, now)
            .then_some(key)
    }

    /// Starts an unconditional fetch of configuration `config`'s JWKS (`hydrate`); false when
    /// one is already in flight.
    pub fn start_fetch(&mut self, config: usize) -> bool {
        let uri = &self.core.configs()[config].jwks_uri;
        self.cache.get_mut(uri).is_some_and(|s| s.start_fetch())
    }

    /// The JWKS URI an OIDC discovery document `body` names for configuration `config`.
    pub fn discovered(&self, config: usize, body: &[u8]) -> Result<String, Error> {
        Ok(parse_discovery(body, &self.core.configs()[config].issuer)?)
    }

    /// The fetch of configuration `config`'s JWKS returned `body`: its keys replace the cached
    /// ones. A body that is no JWKS fails the fetch ([`Engine::fetch_failed`]).
    pub fn fetched(&mut self, config: usize, body: &[u8], now: f64) -> Result<(), Error> {
        let uri = self.core.configs()[config].jwks_uri.as_str();
        let (keys, outcome) = match parse_jwks(body) {
            Ok(keys) => (Ok(keys), Ok(())),
            Err(e) => (Err(()), Err(e.into())),
        };
        let replaced = keys.is_ok();
        self.revision += 1;
        if let Some(state) = self.cache.get_mut(uri) {
            state.finish_fetch(keys, now);
        }
        if replaced {
            self.keys.jwks_changed(&[uri]);
        }
        outcome
    }

    /// The fetch of configuration `config`'s JWKS failed: the penalty box opens.
    pub fn fetch_failed(&mut self, config: usize, now: f64) {
        self.revision += 1;
        let uri = &self.core.configs()[config].jwks_uri;
        if let Some(state) = self.cache.get_mut(uri) {
            state.finish_fetch(Err(()), now);
        }
    }

    /// Loads the JWKS `json` for the issuer or user pool `issuer` (the only one without it).
    pub fn cache_jwks(&mut self, json: &[u8], issuer: Option<&str>, now: f64) -> Result<(), Error> {
        let keys = parse_jwks(json)?;
        let uris = self.core.jwks_uris_for(issuer)?;
        for uri in &uris {
            if let Some(state) = self.cache.get_mut(uri) {
                state.set_keys(keys.clone(), now);
            }
        }
        self.keys.jwks_changed(&uris);
        self.revision += 1;
        Ok(())
    }

    /// Merges an exported JWKS cache entry ([`JwksCache::import`]).
    pub fn import(&mut self, snapshot: JwksSnapshot, now: f64) {
        let uri = snapshot.uri.clone();
        if self.cache.import(snapshot, now) {
            self.keys.jwks_changed(&[&uri]);
            self.revision += 1;
        }
    }

    /// The next action of `v`, given what came of the last one (at `now`, seconds). An error
    /// ends the verification.
    pub fn next<E: From<Error>>(
        &mut self,
        v: &mut Verification<K, E>,
        mut input: Input<K, E>,
        now: f64,
    ) -> Result<Action, E> {
        loop {
            match std::mem::replace(&mut v.stage, Stage::Done) {
                Stage::Start => {
                    v.stage = match &v.prepared {
                        Some(p) if v.long.is_none() => {
                            // options errors come before any key is fetched
                            self.core
                                .rules(p.config, v.overrides.as_ref())
                                .map_err(Error::from)?;
                            Stage::Key(KeyTask::new(p.config))
                        }
                        _ => self.pool_key_stage(&v.kid),
                    };
                    input = Input::Start;
                }
                Stage::PoolKey {
                    mut task,
                    mut rest,
                    first,
                } => match self.key_step(v, &mut task, input, now) {
                    Ok(Got::Key(key)) => {
                        v.key = Some(key);
                        v.stage = Stage::Verify;
                        return Ok(Action::Verify);
                    }
                    Ok(Got::Act(action)) => {
                        v.stage = Stage::PoolKey { task, rest, first };
                        return Ok(action);
                    }
                    Err(e) => {
                        // the first failure is the one reported when no JWKS has the key
                        let first = first.unwrap_or(e);
                        let Some(config) = rest.pop() else {
                            return Err(first);
                        };
                        v.stage = Stage::PoolKey {
                            task: KeyTask::new(config),
                            rest,
                            first: Some(first),
                        };
                        input = Input::Start;
                    }
                },
                Stage::Key(mut task) => match self.key_step(v, &mut task, input, now)? {
                    Got::Key(key) => {
                        v.key = Some(key);
                        v.stage = Stage::Verify;
                        return Ok(Action::Verify);
                    }
                    Got::Act(action) => {
                        v.stage = Stage::Key(task);
                        return Ok(action);
                    }
                },
                Stage::Verify => {
                    let Input::Verified(answer) = input else {
                        return Err(misuse().into());
                    };
                    let valid = answer.ok_or_else(misuse)?;
                    self.checked(v, valid, now)?;
                    return Ok(Action::Done);
                }
                Stage::Done => return Err(misuse().into()),
            }
        }
    }

    /// The first stage of a long token: the JWKS that holds `kid` if one does, else each of
    /// the pool's in turn. Which JWKS is asked never depends on the token's payload.
    fn pool_key_stage<E>(&self, kid: &str) -> Stage<E> {
        let configs = self.core.configs();
        let holder = self.core.distinct_jwks().find(|&i| {
            self.cache
                .get(&configs[i].jwks_uri)
                .is_some_and(|s| s.holds(kid))
        });
        let mut rest: Vec<usize> = match holder {
            Some(i) => vec![i],
            None => self.core.distinct_jwks().collect(),
        };
        rest.reverse();
        let first = rest.pop().unwrap_or_default();
        Stage::PoolKey {
            task: KeyTask::new(first),
            rest,
            first: None,
        }
    }

    /// After the signature check answered `valid`: a long token's payload is read now, then the
    /// claims are checked (only through [`Prepared::verified`], so after a good signature).
    fn checked<E: From<Error>>(
        &self,
        v: &mut Verification<K, E>,
        valid: bool,
        now: f64,
    ) -> Result<(), Error> {
        if v.long.take().is_some() {
            if !valid {
                return Err(SignatureError::Invalid.into());
            }
            // the same header as the one checked: the same kid and alg, of the same pool. It is
            // read again rather than kept from `signature_first`: only a token with a good
            // signature gets here (never junk), its header is at most MAX_HEADER_CHARS, and
            // keeping the parse measured +0.4 KB gzip of wasm.
            let prepared = self.core.prepare(&v.token)?.into_owned();
            v.token = String::new();
            v.prepared = Some(prepared);
        }
        let p = v.prepared.as_ref().ok_or_else(misuse)?;
        let resolved = self.core.rules(p.config, v.overrides.as_ref())?;
        p.verified(valid)?.check_claims(&resolved.rules, now)?;
        Ok(())
    }

    /// One move of getting the key `v.kid` for `v.alg` from configuration `task.config`'s JWKS.
    fn key_step<E: From<Error>>(
        &mut self,
        v: &mut Verification<K, E>,
        task: &mut KeyTask,
        mut input: Input<K, E>,
        now: f64,
    ) -> Result<Got<K>, E> {
        let uri = self.core.configs()[task.config].jwks_uri.as_str();
        let (kid, alg) = (v.kid.as_str(), v.alg);
        loop {
            match task.state {
                Task::Lookup => {
                    let state = self.cache.get_mut(uri).ok_or(no_kid())?;
                    match state.lookup(kid, now, task.waited).map_err(Error::from)? {
                        // a kept key passed `usable_for` when imported; a new JWKS drops it
                        Step::Key(entry) => {
                            if let Some(key) = self.keys.get(uri, kid, alg) {
                                return Ok(Got::Key(key.clone()));
                            }
                            v.jwk = Some(entry.usable_for(alg).map_err(Error::from)?.clone());
                            task.state = Task::Importing(self.keys.generation());
                            return Ok(Got::Act(Action::Import));
                        }
                        Step::Wait => {
                            task.state = Task::Waiting;
                            v.config = task.config;
                            return Ok(Got::Act(Action::Wait));
                        }
                        Step::Fetch => {
                            task.state = Task::Fetching;
                            v.config = task.config;
                            return Ok(Got::Act(Action::Fetch));
                        }
                    }
                }
                Task::Fetching => {
                    let Input::Settled(outcome) = input else {
                        return Err(misuse().into());
                    };
                    outcome?;
                    let state = self.cache.get_mut(uri).ok_or(no_kid())?;
                    // a miss opens the penalty box: a change for the snapshot store
                    let entry = state.key_after_fetch(kid, now).map_err(|e| {
                        self.revision += 1;
                        Error::from(e)
                    })?;
                    v.jwk = Some(entry.usable_for(alg).map_err(Error::from)?.clone());
                    task.state = Task::Importing(self.keys.generation());
                    return Ok(Got::Act(Action::Import));
                }
                Task::Waiting => {
                    let Input::Settled(outcome) = input else {
                        return Err(misuse().into());
                    };
                    outcome?;
                    task.waited = true;
                    task.state = Task::Lookup;
                    input = Input::Start;
                }
                Task::Importing(generation) => {
                    let Input::Imported(Some(key)) = input else {
                        return Err(misuse().into());
                    };
                    self.keys.insert(generation, uri, kid, alg, key.clone());
                    return Ok(Got::Key(key));
                }
            }
        }
    }
}
