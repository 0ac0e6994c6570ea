//! `RawVerifier`: the core verifier with WebCrypto keys, fetch and the JWKS cache state machine.
//!
//! ```text
//! class RawVerifier {
//!   static cognito(options: object | object[]): RawVerifier   // throws coded Error on bad options
//!   static generic(options: object | object[]): RawVerifier   // {issuer, audience, jwksUri, ...}
//!   verify(token: string | Uint8Array, overrides?: object): Promise<object> // the payload
//!   readonly maxTokenLength: number
//!   hydrate(): Promise<void>
//!   cacheJwks(jwks: object, issuer?: string): void
//!   exportJwksCache(): object; importJwksCache(state: object): void
//!   fastStart(length: number, nowMs: number): CryptoKey | Promise<object>  // the hot path, below
//!   jwksGeneration(): number                   // JWKS changes so far (token cache stamps)
//! }
//! ```
//! Options and defaults: `docs/verifier-api.md`.

use super::crypto;
use super::error::{invalid_options, set, to_js, Caused, Failure};
use super::fetch;
use super::{clock, json_string};
use crate::protocol::error::{Error, KeyError, OptionsError, ParseError, SignatureError};
use crate::protocol::verify::jwk::{JwkEntry, JwksCache};
use crate::protocol::verify::verifier::{IssuerConfig, Prepared, Resolved, VerifiedJwt};
use crate::protocol::{parse_discovery, parse_jwks, Alg, JwtVerifier, Options, Step};
use js_sys::{Array, Function, JsString, Object, Promise, Uint8Array, JSON};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// An imported key, cached per (JWKS URI, kid, alg) until that JWKS is replaced (a key whose import
/// outlived a JWKS change is never cached: [`Inner::drop_keys`]).
struct CachedKey {
    uri: String,
    kid: String,
    alg: Alg,
    key: JsValue,
    jwk: Object,
}

/// The function-valued options of one pool/issuer entry.
struct Hooks {
    fetch: Option<Function>,
    custom_check: Option<Function>,
}

struct Inner {
    core: JwtVerifier,
    cache: RefCell<JwksCache>,
    keys: RefCell<Vec<Rc<CachedKey>>>,
    /// Bumped whenever a JWKS is replaced (fetch, `cacheJwks`, import).
    generation: Cell<u64>,
    /// Fetches in flight: JWKS URI and a promise that resolves (to `undefined` or the fetch
    /// error) when the fetch is over.
    in_flight: RefCell<Vec<(String, Promise)>>,
    hooks: Vec<Hooks>,
    verify_algorithm: Object,
}

/// Verifies JWTs with WebCrypto; the JS package wraps it as `CognitoJwtVerifier`/`JwtVerifier`.
#[wasm_bindgen]
pub struct RawVerifier {
    inner: Rc<Inner>,
}

fn stringify(v: &JsValue, err: Error) -> Result<String, Error> {
    json_string(v).ok_or(err)
}

/// A function-valued option: absent → `None`, a function → `Some`, anything else → error.
fn function_option(obj: &JsValue, name: &str) -> Result<Option<Function>, Error> {
    if !obj.is_object() {
        return Ok(None);
    }
    let v = js_sys::Reflect::get(obj, &JsValue::from_str(name)).unwrap_or_default();
    if v.is_undefined() {
        return Ok(None);
    }
    v.dyn_into::<Function>().map(Some).map_err(|_| {
        invalid_options(if name == "fetch" {
            "fetch must be a function"
        } else {
            "customJwtCheck must be a function"
        })
    })
}

#[wasm_bindgen]
impl RawVerifier {
    /// A verifier for one Cognito user pool or an array of them.
    pub fn cognito(options: JsValue) -> Result<RawVerifier, JsValue> {
        Self::create(&options, JwtVerifier::cognito).map_err(|e| to_js(&e, None))
    }

    /// A verifier for one generic OIDC issuer or an array of them.
    pub fn generic(options: JsValue) -> Result<RawVerifier, JsValue> {
        Self::create(&options, JwtVerifier::generic).map_err(|e| to_js(&e, None))
    }

    fn create(
        options: &JsValue,
        build: fn(Vec<Options>) -> Result<JwtVerifier, OptionsError>,
    ) -> Result<RawVerifier, Error> {
        let entries: Vec<JsValue> = if Array::is_array(options) {
            Array::from(options).iter().collect()
        } else {
            vec![options.clone()]
        };
        let hooks = entries
            .iter()
            .map(|e| {
                Ok(Hooks {
                    fetch: function_option(e, "fetch")?,
                    custom_check: function_option(e, "customJwtCheck")?,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let json = stringify(
            options,
            invalid_options("options must be an object or an array"),
        )?;
        let core = build(Options::parse_list(&json)?)?;
        let cache = RefCell::new(core.new_cache());
        Ok(RawVerifier {
            inner: Rc::new(Inner {
                core,
                cache,
                keys: RefCell::default(),
                generation: Cell::new(0),
                in_flight: RefCell::default(),
                hooks,
                verify_algorithm: crypto::verify_algorithm(),
            }),
        })
    }

    /// Verifies `token`; resolves to the payload, rejects with a coded error (or with what
    /// `customJwtCheck` threw).
    pub fn verify(&self, token: JsValue, overrides: JsValue) -> Promise {
        spawn(self.inner.clone(), Job::Token { token, overrides })
    }

    /// The longest token (UTF-16 units) this verifier takes (`maxTokenLength`).
    #[wasm_bindgen(getter, js_name = maxTokenLength)]
    pub fn max_token_length(&self) -> usize {
        self.inner.core.limits().max_token_length
    }

    /// How many times a JWKS of this verifier has changed (fetched, cached, imported): a token
    /// cache stamps its entries with it, so a change that may have dropped a key drops them too.
    #[wasm_bindgen(js_name = jwksGeneration)]
    pub fn jwks_generation(&self) -> f64 {
        self.inner.generation.get() as f64
    }

    /// Fetches the JWKS of every configured issuer.
    pub fn hydrate(&self) -> Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            inner.hydrate().await.map_err(Failure::into_js)?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Loads `jwks` into the cache of the issuer (or user pool id) `issuer`; without it, of the
    /// only configured pool/issuer. `{keys: []}` empties the cache.
    #[wasm_bindgen(js_name = cacheJwks)]
    pub fn cache_jwks(&self, jwks: JsValue, issuer: Option<String>) -> Result<(), JsValue> {
        self.inner
            .cache_jwks(&jwks, issuer.as_deref())
            .map_err(|e| to_js(&e, None))
    }

    /// The JWKS cache as plain data (`{version: 1, jwks: [...]}`), for `importJwksCache` in
    /// another isolate (format: `src/bindings/jwks_snapshot.rs`).
    #[wasm_bindgen(js_name = exportJwksCache)]
    pub fn export_jwks_cache(&self) -> JsValue {
        super::jwks_snapshot::snapshots_to_js(self.inner.cache.borrow().export())
    }

    /// Merges what `exportJwksCache` wrote: newer keys win, a penalty box is kept.
    #[wasm_bindgen(js_name = importJwksCache)]
    pub fn import_jwks_cache(&self, state: JsValue) -> Result<(), JsValue> {
        let snapshots =
            super::jwks_snapshot::snapshots_from_js(&state).map_err(|e| to_js(&e, None))?;
        let now = clock();
        for snapshot in snapshots {
            let uri = snapshot.uri.clone();
            if self.inner.cache.borrow_mut().import(snapshot, now) {
                self.inner.drop_keys(|k| k.uri != uri);
            }
        }
        Ok(())
    }
}

/// Runs the claim checks of a verified token; a failure becomes its JS error, with `rawJwt` when
/// opted in.
fn check_claims(
    resolved: &Resolved<'_>,
    verified: VerifiedJwt<'_, '_>,
    now: f64,
) -> Result<(), JsValue> {
    verified.check_claims(&resolved.rules, now).map_err(|e| {
        let jwt = verified.jwt();
        let raw = resolved
            .include_raw_jwt_in_errors
            .then_some((jwt.header_json.as_str(), jwt.payload_json.as_str()));
        to_js(&e.into(), raw)
    })
}

/// What to do after looking at the cache.
enum Next {
    Ready(Rc<CachedKey>),
    Import(Object),
    Wait,
    Fetch,
}

/// The fast path's memory, shared by all verifiers (a verification uses it only synchronously):
/// JS writes the token here as UTF-8 and reads back where the signature, the signing input and
/// the payload JSON are (see `js/verifier.js`).
struct Scratch {
    token: Vec<u8>,
    signature: Vec<u8>,
    payload: String,
    /// Pointer and length of the signature, the signing input and the payload JSON.
    out: [u32; 6],
}

/// Tokens longer than this (UTF-16 units) always take the full path.
const FAST_MAX_UNITS: usize = 8192;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch {
        // UTF-8 needs at most 3 bytes per UTF-16 unit
        token: vec![0; FAST_MAX_UNITS * 3],
        signature: Vec::new(),
        payload: String::new(),
        out: [0; 6],
    });
}

/// Where JS writes a token for [`RawVerifier::fast_start`]; it holds `3 × fastMaxUnits()` bytes.
#[wasm_bindgen(js_name = fastScratch)]
pub fn fast_scratch() -> *mut u8 {
    SCRATCH.with(|s| s.borrow_mut().token.as_mut_ptr())
}

/// The longest token (UTF-16 units) the fast path takes.
#[wasm_bindgen(js_name = fastMaxUnits)]
pub fn fast_max_units() -> usize {
    FAST_MAX_UNITS
}

/// Where [`RawVerifier::fast_start`] leaves its result: six u32 (pointer and length of the
/// signature, the signing input and the payload JSON).
#[wasm_bindgen(js_name = fastOut)]
pub fn fast_out() -> *const u32 {
    SCRATCH.with(|s| s.borrow().out.as_ptr())
}

/// The wasm memory, for the views the fast path reads.
#[wasm_bindgen(js_name = wasmMemory)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

#[wasm_bindgen]
impl RawVerifier {
    /// The hot path's first half, run by `js/verifier.js` for a call without overrides: parses
    /// the `len` bytes of token in [`fast_scratch`] and checks it up to the signature, at
    /// `now_ms` (`Date.now()`). When everything but the signature is known good (claims valid, no
    /// `customJwtCheck`, key imported, JWKS fresh) it returns the CryptoKey and fills
    /// [`fast_out`]; JS then runs `crypto.subtle.verify` and, on success, parses the payload.
    /// Otherwise it returns the promise of the verification going on from the parsed token
    /// (rejected at once when the token does not parse), so no token is parsed twice.
    #[wasm_bindgen(js_name = fastStart)]
    pub fn fast_start(&self, len: usize, now_ms: f64) -> JsValue {
        let now = now_ms / 1000.0;
        SCRATCH.with(
            |s| match self.inner.fast_start(&mut s.borrow_mut(), len, now) {
                Ok(Fast::Ready(key)) => key,
                Ok(Fast::Slow(prepared)) => {
                    let prepared = Box::new((*prepared).into_owned());
                    spawn(self.inner.clone(), Job::Parsed(prepared, now)).into()
                }
                Err(e) => Promise::reject(&to_js(&e, None)).into(),
            },
        )
    }
}

/// The error of a signature that did not verify (the same for every token), for the fast path.
#[wasm_bindgen(js_name = invalidSignatureError)]
pub fn invalid_signature_error() -> JsValue {
    to_js(&SignatureError::Invalid.into(), None)
}

/// A verification for [`spawn`]: a token as `verify` got it, or one [`Inner::fast_start`] already
/// parsed (at `now`).
enum Job {
    Token { token: JsValue, overrides: JsValue },
    Parsed(Box<Prepared<'static>>, f64),
}

/// The promise of `job` (one future type for every verification the core finishes).
fn spawn(inner: Rc<Inner>, job: Job) -> Promise {
    future_to_promise(async move { inner.run(job).await.map_err(Failure::into_js) })
}

/// What [`Inner::fast_start`] found.
enum Fast<'t> {
    /// Everything but the signature is good: the key, with [`fast_out`] filled.
    Ready(JsValue),
    /// The token parsed, but the verification needs more (a key to fetch or import, a claim
    /// error to report once the signature verified, a `customJwtCheck`): it goes on from here.
    Slow(Box<Prepared<'t>>),
}

impl Inner {
    fn fast_start<'t>(
        &self,
        scratch: &'t mut Scratch,
        len: usize,
        now: f64,
    ) -> Result<Fast<'t>, Error> {
        let Scratch {
            token,
            signature,
            payload,
            out,
        } = scratch;
        let token = token
            .get(..len)
            .and_then(|t| std::str::from_utf8(t).ok())
            .ok_or(ParseError::Malformed)?;
        let prepared = self.core.prepare(token)?;
        let Some(key) = self.hot_key(&prepared, now) else {
            return Ok(Fast::Slow(Box::new(prepared)));
        };
        let data = prepared.jwt.signing_input.as_bytes();
        *signature = prepared.jwt.signature;
        *payload = prepared.jwt.payload_json;
        let at = |p: *const u8| p as usize as u32;
        *out = [
            at(signature.as_ptr()),
            signature.len() as u32,
            at(data.as_ptr()),
            data.len() as u32,
            at(payload.as_ptr()),
            payload.len() as u32,
        ];
        Ok(Fast::Ready(key.key.clone()))
    }

    /// The imported key for `prepared` when nothing but its signature is left to check: claims
    /// valid, no `customJwtCheck`, the key imported and its JWKS fresh.
    fn hot_key(&self, prepared: &Prepared<'_>, now: f64) -> Option<Rc<CachedKey>> {
        let cfg = &self.core.configs()[prepared.config];
        if self.hooks[cfg.pool].custom_check.is_some() {
            return None;
        }
        let uri = cfg.jwks_uri.as_str();
        self.cache.borrow().get(uri)?.cached(prepared.kid(), now)?;
        let key = self.cached_key(uri, prepared.kid(), prepared.alg)?;
        let resolved = self.core.rules(prepared.config, None).ok()?;
        resolved
            .rules
            .admits(&prepared.jwt.claims, now)
            .then_some(key)
    }

    /// Verifies `job`: the token is parsed once per verification, here or in
    /// [`Inner::fast_start`].
    async fn run(&self, job: Job) -> Result<JsValue, Failure> {
        match job {
            Job::Token { token, overrides } => {
                let now = clock();
                let token = self.token_text(&token)?;
                let (overrides, custom) = if overrides.is_undefined() || overrides.is_null() {
                    (None, None)
                } else {
                    let custom = function_option(&overrides, "customJwtCheck")?;
                    let json =
                        stringify(&overrides, invalid_options("overrides must be an object"))?;
                    (Some(Options::parse_overrides(&json)?), custom)
                };
                let verified = self.signature_first(&token, now).await?;
                let prepared = self.core.prepare(&token)?;
                self.finish(prepared, overrides, custom, now, verified)
                    .await
            }
            Job::Parsed(prepared, now) => self.finish(*prepared, None, None, now, None).await,
        }
    }

    /// A long token's signature checked before its payload is read
    /// ([`JwtVerifier::signature_first`]): the key whose check passed, `None` when the verifier
    /// or the token is not for this order.
    async fn signature_first(
        &self,
        token: &str,
        now: f64,
    ) -> Result<Option<Rc<CachedKey>>, Failure> {
        let Some((signed, alg)) = self.core.signature_first(token)? else {
            return Ok(None);
        };
        let kid = signed.header.kid.as_deref().unwrap_or_default();
        let key = self.pool_key(kid, alg, now).await?;
        let valid = crypto::verify(
            &self.verify_algorithm,
            &key.key,
            &signed.signature,
            signed.signing_input.as_bytes(),
        )
        .await?;
        if !valid {
            return Err(SignatureError::Invalid.into());
        }
        Ok(Some(key))
    }

    /// The key `kid` of the only pool or issuer, from whichever of its JWKS holds it: one that
    /// has it cached, else each in turn as its state allows (fetch, wait, penalty box). Which
    /// JWKS is asked never depends on the token's payload.
    async fn pool_key(&self, kid: &str, alg: Alg, now: f64) -> Result<Rc<CachedKey>, Failure> {
        let configs = self.core.configs();
        let holder = self.core.distinct_jwks().find(|&i| {
            let cache = self.cache.borrow();
            cache
                .get(&configs[i].jwks_uri)
                .is_some_and(|s| s.holds(kid))
        });
        if let Some(i) = holder {
            return self.key(i, kid, alg, now).await;
        }
        let mut first = None;
        for i in self.core.distinct_jwks() {
            match self.key(i, kid, alg, now).await {
                Ok(key) => return Ok(key),
                Err(e) => {
                    first.get_or_insert(e);
                }
            }
        }
        Err(first.unwrap_or_else(|| KeyError::KidNotFound.into()))
    }

    /// Everything after the parse: rules, key, signature (unless `verified` holds the key whose
    /// check passed before the parse), claims, `customJwtCheck`.
    async fn finish(
        &self,
        prepared: Prepared<'_>,
        overrides: Option<Options>,
        custom_override: Option<Function>,
        now: f64,
        verified: Option<Rc<CachedKey>>,
    ) -> Result<JsValue, Failure> {
        let resolved = self.core.rules(prepared.config, overrides.as_ref())?;
        // the same header's key, of the same (only) pool, whose check passed already
        let (key, valid) = match verified {
            Some(key) if key.kid == prepared.kid() && key.alg == prepared.alg => (key, true),
            _ => {
                let key = self
                    .key(prepared.config, prepared.kid(), prepared.alg, now)
                    .await?;
                let check = prepared.signature_check();
                let valid = crypto::verify(
                    &self.verify_algorithm,
                    &key.key,
                    check.signature,
                    check.signing_input,
                )
                .await?;
                (key, valid)
            }
        };
        let verified = prepared.verified(valid)?;
        check_claims(&resolved, verified, now).map_err(Failure::Js)?;
        let jwt = &prepared.jwt;
        let payload = JSON::parse(&jwt.payload_json).map_err(Failure::Js)?;
        let pool = self.core.configs()[prepared.config].pool;
        let custom = custom_override
            .as_ref()
            .or(self.hooks[pool].custom_check.as_ref());
        if let Some(custom) = custom {
            let arg = Object::new();
            set(
                &arg,
                "header",
                &JSON::parse(&jwt.header_json).map_err(Failure::Js)?,
            );
            set(&arg, "payload", &payload);
            set(&arg, "jwk", &key.jwk);
            let ret = custom
                .call1(&JsValue::UNDEFINED, &arg)
                .map_err(Failure::Js)?;
            JsFuture::from(Promise::resolve(&ret))
                .await
                .map_err(Failure::Js)?;
        }
        Ok(payload)
    }

    /// The token as a Rust string: a JS string, or its UTF-8 bytes (`js/verifier.js` passes a
    /// long ASCII token as bytes, which cross into wasm memory in one copy). Its length is checked
    /// before anything is copied, so an oversized token never reaches wasm memory (UTF-8 is at
    /// least as long as UTF-16).
    fn token_text(&self, token: &JsValue) -> Result<String, ParseError> {
        let max = self.core.limits().max_token_length;
        let too_large =
            |actual: usize| (actual > max).then_some(ParseError::TooLarge { max, actual });
        if let Some(bytes) = token.dyn_ref::<Uint8Array>() {
            if let Some(e) = too_large(bytes.length() as usize) {
                return Err(e);
            }
            return String::from_utf8(bytes.to_vec()).map_err(|_| ParseError::Malformed);
        }
        let text: &JsString = token.dyn_ref().ok_or(ParseError::Malformed)?;
        if let Some(e) = too_large(text.length() as usize) {
            return Err(e);
        }
        text.as_string().ok_or(ParseError::Malformed)
    }

    /// After a JWKS change: keeps only the imported keys `keep` accepts, and makes every import
    /// still in flight stale.
    fn drop_keys(&self, keep: impl Fn(&CachedKey) -> bool) {
        self.generation.set(self.generation.get() + 1);
        self.keys.borrow_mut().retain(|k| keep(k));
    }

    fn cached_key(&self, uri: &str, kid: &str, alg: Alg) -> Option<Rc<CachedKey>> {
        self.keys
            .borrow()
            .iter()
            .find(|k| k.alg == alg && k.kid == kid && k.uri == uri)
            .cloned()
    }

    /// The imported key for `kid`, fetching the JWKS when the cache says so.
    async fn key(
        &self,
        config: usize,
        kid: &str,
        alg: Alg,
        now: f64,
    ) -> Result<Rc<CachedKey>, Failure> {
        let uri = self.core.configs()[config].jwks_uri.as_str();
        let usable = |entry: &JwkEntry| entry.usable_for(alg).map(crypto::jwk_object);
        let mut waited = false;
        let jwk = loop {
            let next = {
                let mut cache = self.cache.borrow_mut();
                let state = cache.get_mut(uri).ok_or(KeyError::KidNotFound)?;
                match state.lookup(kid, now, waited)? {
                    // a cached key passed `usable_for` when imported; a new JWKS drops it
                    Step::Key(entry) => match self.cached_key(uri, kid, alg) {
                        Some(k) => Next::Ready(k),
                        None => Next::Import(usable(entry)?),
                    },
                    Step::Wait => Next::Wait,
                    Step::Fetch => Next::Fetch,
                }
            };
            match next {
                Next::Ready(k) => return Ok(k),
                Next::Import(jwk) => break jwk,
                Next::Wait => {
                    self.wait_for(uri).await?;
                    waited = true;
                }
                Next::Fetch => {
                    self.run_fetch(config).await.map_err(Failure::Js)?;
                    let mut cache = self.cache.borrow_mut();
                    let state = cache.get_mut(uri).ok_or(KeyError::KidNotFound)?;
                    break usable(state.key_after_fetch(kid, clock())?)?;
                }
            }
        };
        let generation = self.generation.get();
        let key = crypto::import(&jwk, alg).await?;
        let cached = Rc::new(CachedKey {
            uri: uri.to_owned(),
            kid: kid.to_owned(),
            alg,
            key,
            jwk,
        });
        // Used for this verification either way (its JWKS was current when it started); cached
        // only when no JWKS changed while WebCrypto imported it.
        if self.generation.get() == generation {
            self.keys.borrow_mut().push(cached.clone());
        }
        Ok(cached)
    }

    /// Waits for the fetch in flight for `uri`; a failed fetch fails the waiter too.
    async fn wait_for(&self, uri: &str) -> Result<(), Failure> {
        let promise = self
            .in_flight
            .borrow()
            .iter()
            .find(|(u, _)| u == uri)
            .map(|(_, p)| p.clone());
        if let Some(p) = promise {
            let outcome = JsFuture::from(p).await.map_err(Failure::Js)?;
            if !outcome.is_undefined() {
                return Err(Failure::Js(outcome));
            }
        }
        Ok(())
    }

    /// Runs the fetch the cache asked for (its state is already "in flight").
    /// Fails with the JS error (shared with the waiters).
    async fn run_fetch(&self, config: usize) -> Result<(), JsValue> {
        let cfg = &self.core.configs()[config];
        let uri = cfg.jwks_uri.as_str();
        let mut resolve = None;
        let promise = Promise::new(&mut |res, _| resolve = Some(res));
        self.in_flight.borrow_mut().push((uri.to_owned(), promise));
        let (outcome, keys, result) = match self.fetch_keys(cfg).await {
            Ok(keys) => (JsValue::UNDEFINED, Ok(keys), Ok(())),
            Err(e) => {
                let error = e.into_js();
                (error.clone(), Err(()), Err(error))
            }
        };
        let now = clock();
        if let Some(state) = self.cache.borrow_mut().get_mut(uri) {
            state.finish_fetch(keys, now);
        }
        if result.is_ok() {
            self.drop_keys(|k| k.uri != uri);
        }
        self.in_flight.borrow_mut().retain(|(u, _)| u != uri);
        if let Some(resolve) = resolve {
            let _ = resolve.call1(&JsValue::UNDEFINED, &outcome);
        }
        result
    }

    async fn fetch_keys(&self, cfg: &IssuerConfig) -> Result<Vec<JwkEntry>, Caused> {
        let fetch = match &self.hooks[cfg.pool].fetch {
            Some(f) => f.clone(),
            None => fetch::global_fetch()?,
        };
        let body = if cfg.discover {
            let doc = fetch::get(&fetch, &cfg.jwks_uri, cfg.fetch).await?;
            let uri = parse_discovery(&doc, &cfg.issuer)?;
            fetch::get(&fetch, &uri, cfg.fetch).await?
        } else {
            fetch::get(&fetch, &cfg.jwks_uri, cfg.fetch).await?
        };
        Ok(parse_jwks(&body)?)
    }

    async fn hydrate(&self) -> Result<(), Failure> {
        for i in self.core.distinct_jwks() {
            let cfg = &self.core.configs()[i];
            let start = self
                .cache
                .borrow_mut()
                .get_mut(&cfg.jwks_uri)
                .is_some_and(|s| s.start_fetch());
            if start {
                self.run_fetch(i).await.map_err(Failure::Js)?;
            } else {
                self.wait_for(&cfg.jwks_uri).await?;
            }
        }
        Ok(())
    }

    fn cache_jwks(&self, jwks: &JsValue, issuer: Option<&str>) -> Result<(), Error> {
        let json = stringify(jwks, KeyError::JwksInvalid.into())?;
        let keys = parse_jwks(json.as_bytes())?;
        let uris = self.core.jwks_uris_for(issuer)?;
        let now = clock();
        let mut cache = self.cache.borrow_mut();
        for uri in &uris {
            if let Some(state) = cache.get_mut(uri) {
                state.set_keys(keys.clone(), now);
            }
        }
        drop(cache);
        self.drop_keys(|k| !uris.contains(&k.uri.as_str()));
        Ok(())
    }
}
