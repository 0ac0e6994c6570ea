//! `RawVerifier` and `RawVerification`: the core's verifier and its verification state machine
//! ([`crate::protocol::verify::driver`]) for the package's one driver, `js/driver.js`, which
//! executes the steps (signature checks, key imports, fetches, waits, `customJwtCheck`). Nothing
//! here awaits: no futures, no closures.
//!
//! ```text
//! class RawVerifier {
//!   static cognito(options: object | object[]): RawVerifier   // throws coded Error on bad options
//!   static generic(options: object | object[]): RawVerifier   // {issuer, audience, jwksUri, ...}
//!   verify(token: string | Uint8Array, overrides?: object): RawVerification  // throws
//!   fastStart(length: number, nowMs: number): CryptoKey | RawVerification    // the hot path
//!   readonly maxTokenLength: number
//!   jwksTargets(): number[]; startFetch(config): boolean                     // hydrate
//!   fetchPlan(config): {uri, discover, timeoutMs, maxBytes, pool}
//!   discovered(config, body: Uint8Array): string                              // throws
//!   fetched(config, body: Uint8Array, nowMs): void  // throws; fetchFailed(config, nowMs): void
//!   fetchError(kind: 0 | 1 | 2 | 3, value: number): Error   // failed, timeout, status, too large
//!   cacheJwks(jwks: object, issuer?: string): void
//!   exportJwksCache(): object; importJwksCache(state: object): void
//!   jwksGeneration(): number                   // JWKS changes so far (token cache stamps)
//!   jwksRevision(): number                     // cache changes an export would show (snapshot stores)
//! }
//! class RawVerification {
//!   next(input, nowMs): 0 | 1 | 2 | 3 | 4     // verify, import, fetch, wait, done; throws
//!   key, signature, data, jwk, hash, config, uri, header, payload, pool  // the step's data
//! }
//! ```
//! Options and defaults: `docs/verifier-api.md`.

use super::crypto::jwk_object;
use super::error::{invalid_options, to_js, Failure};
use super::{clock, json_string};
use crate::protocol::error::{Error, FetchError, KeyError, ParseError, SignatureError};
use crate::protocol::verify::driver::{Action, Engine, Input, Verification};
use crate::protocol::{JwtVerifier, Options};
use js_sys::{Array, JsString, Object, Uint8Array};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// An imported key as JS gave it back, with the JWK object it came from (what `customJwtCheck`
/// receives).
#[derive(Clone)]
struct BoundKey {
    key: JsValue,
    jwk: Object,
}

struct Inner {
    engine: RefCell<Engine<BoundKey>>,
    /// Per options entry (pool): whether it has a `customJwtCheck` (run by the driver).
    custom_check: Vec<bool>,
}

/// Verifies JWTs; the JS package wraps it as `CognitoJwtVerifier`/`JwtVerifier`.
#[wasm_bindgen]
pub struct RawVerifier {
    inner: Rc<Inner>,
}

fn stringify(v: &JsValue, err: Error) -> Result<String, Error> {
    json_string(v).ok_or(err)
}

/// Checks a function-valued option: absent or a function (the driver calls it), else an error.
/// True when it is set.
fn function_option(obj: &JsValue, name: &str) -> Result<bool, Error> {
    let v = super::get(obj, name);
    if v.is_undefined() {
        return Ok(false);
    }
    if v.is_function() {
        return Ok(true);
    }
    Err(invalid_options(if name == "fetch" {
        "fetch must be a function"
    } else {
        "customJwtCheck must be a function"
    }))
}

fn js_error(e: Error) -> JsValue {
    to_js(&e, None)
}

#[wasm_bindgen]
impl RawVerifier {
    /// A verifier for one Cognito user pool or an array of them.
    pub fn cognito(options: JsValue) -> Result<RawVerifier, JsValue> {
        Self::create(&options, JwtVerifier::cognito).map_err(js_error)
    }

    /// A verifier for one generic OIDC issuer or an array of them.
    pub fn generic(options: JsValue) -> Result<RawVerifier, JsValue> {
        Self::create(&options, JwtVerifier::generic).map_err(js_error)
    }

    fn create(
        options: &JsValue,
        build: fn(Vec<Options>) -> Result<JwtVerifier, crate::protocol::error::OptionsError>,
    ) -> Result<RawVerifier, Error> {
        let entries: Vec<JsValue> = if Array::is_array(options) {
            Array::from(options).iter().collect()
        } else {
            vec![options.clone()]
        };
        let mut custom_check = Vec::with_capacity(entries.len());
        for e in &entries {
            function_option(e, "fetch")?;
            custom_check.push(function_option(e, "customJwtCheck")?);
        }
        let json = stringify(
            options,
            invalid_options("options must be an object or an array"),
        )?;
        let core = build(Options::parse_list(&json)?)?;
        Ok(RawVerifier {
            inner: Rc::new(Inner {
                engine: RefCell::new(Engine::new(core)),
                custom_check,
            }),
        })
    }

    /// A verification of `token` with verify-time `overrides` (their `customJwtCheck` is the
    /// driver's to run), for the driver to take step by step.
    pub fn verify(&self, token: JsValue, overrides: JsValue) -> Result<RawVerification, JsValue> {
        self.start(&token, &overrides).map_err(js_error)
    }

    fn start(&self, token: &JsValue, overrides: &JsValue) -> Result<RawVerification, Error> {
        let engine = self.inner.engine.borrow();
        let token = token_text(token, engine.core().limits().max_token_length)?;
        let overrides = if overrides.is_undefined() || overrides.is_null() {
            None
        } else {
            function_option(overrides, "customJwtCheck")?;
            let json = stringify(overrides, invalid_options("overrides must be an object"))?;
            Some(Options::parse_overrides(&json)?)
        };
        let v = engine.begin(token, overrides)?;
        Ok(self.verification(v))
    }

    fn verification(&self, v: Verification<BoundKey, Failure>) -> RawVerification {
        RawVerification {
            inner: self.inner.clone(),
            v,
            awaiting: None,
            importing: None,
        }
    }

    /// The longest token (UTF-16 units) this verifier takes (`maxTokenLength`).
    #[wasm_bindgen(getter, js_name = maxTokenLength)]
    pub fn max_token_length(&self) -> usize {
        self.inner.engine.borrow().core().limits().max_token_length
    }

    /// How many times a JWKS of this verifier has changed (fetched, cached, imported): a token
    /// cache stamps its entries with it, so a change that may have dropped a key drops them too.
    #[wasm_bindgen(js_name = jwksGeneration)]
    pub fn jwks_generation(&self) -> f64 {
        self.inner.engine.borrow().generation() as f64
    }

    /// Counts the changes of the JWKS cache an export would show (new keys, a penalty box opened
    /// here): a snapshot store is written only after one.
    #[wasm_bindgen(js_name = jwksRevision)]
    pub fn jwks_revision(&self) -> f64 {
        self.inner.engine.borrow().revision() as f64
    }

    /// The first configuration of each distinct JWKS URI (what `hydrate` fetches).
    #[wasm_bindgen(js_name = jwksTargets)]
    pub fn jwks_targets(&self) -> Vec<u32> {
        let engine = self.inner.engine.borrow();
        engine.core().distinct_jwks().map(|i| i as u32).collect()
    }

    /// Marks a fetch of configuration `config`'s JWKS as in flight (`hydrate`); false when one
    /// is already.
    #[wasm_bindgen(js_name = startFetch)]
    pub fn start_fetch(&self, config: usize) -> bool {
        self.inner.engine.borrow_mut().start_fetch(config)
    }

    /// How to fetch configuration `config`'s JWKS: `{uri, discover, timeoutMs, maxBytes, pool}`
    /// (`discover`: `uri` is an OIDC discovery document; `pool`: whose `fetch` option to use).
    #[wasm_bindgen(js_name = fetchPlan)]
    pub fn fetch_plan(&self, config: usize) -> JsValue {
        let engine = self.inner.engine.borrow();
        let cfg = &engine.core().configs()[config];
        let plan = Object::new();
        super::error::set(&plan, "uri", &JsValue::from_str(&cfg.jwks_uri));
        super::error::set(&plan, "discover", &JsValue::from_bool(cfg.discover));
        super::error::set(&plan, "timeoutMs", &cfg.fetch.timeout_ms.into());
        super::error::set(&plan, "maxBytes", &(cfg.fetch.max_bytes as f64).into());
        super::error::set(&plan, "pool", &(cfg.pool as u32).into());
        plan.into()
    }

    /// The JWKS URI named by the discovery document `body` for configuration `config`.
    pub fn discovered(&self, config: usize, body: &[u8]) -> Result<String, JsValue> {
        let engine = self.inner.engine.borrow();
        engine.discovered(config, body).map_err(js_error)
    }

    /// The fetch of configuration `config`'s JWKS returned `body`; throws (and fails the fetch)
    /// when it is no JWKS.
    pub fn fetched(&self, config: usize, body: &[u8], now_ms: f64) -> Result<(), JsValue> {
        let mut engine = self.inner.engine.borrow_mut();
        engine
            .fetched(config, body, now_ms / 1000.0)
            .map_err(js_error)
    }

    /// The fetch of configuration `config`'s JWKS failed: the penalty box opens.
    #[wasm_bindgen(js_name = fetchFailed)]
    pub fn fetch_failed(&self, config: usize, now_ms: f64) {
        let mut engine = self.inner.engine.borrow_mut();
        engine.fetch_failed(config, now_ms / 1000.0)
    }

    /// The coded error of a fetch that failed (0), timed out after `value` ms (1), returned
    /// status `value` (2) or a body over `value` bytes (3). The driver sets its `cause`.
    #[wasm_bindgen(js_name = fetchError)]
    pub fn fetch_error(&self, kind: u8, value: f64) -> JsValue {
        let error = match kind {
            1 => FetchError::Timeout { ms: value },
            2 => FetchError::Status {
                status: value as u16,
            },
            3 => FetchError::TooLarge {
                max: value as usize,
            },
            _ => FetchError::Failed,
        };
        js_error(error.into())
    }

    /// Loads `jwks` into the cache of the issuer (or user pool id) `issuer`; without it, of the
    /// only configured pool/issuer. `{keys: []}` empties the cache.
    #[wasm_bindgen(js_name = cacheJwks)]
    pub fn cache_jwks(&self, jwks: JsValue, issuer: Option<String>) -> Result<(), JsValue> {
        let json = stringify(&jwks, KeyError::JwksInvalid.into()).map_err(js_error)?;
        let mut engine = self.inner.engine.borrow_mut();
        engine
            .cache_jwks(json.as_bytes(), issuer.as_deref(), clock())
            .map_err(js_error)
    }

    /// The JWKS cache as plain data (`{version: 1, jwks: [...]}`), for `importJwksCache` in
    /// another isolate (format: `src/bindings/jwks_snapshot.rs`).
    #[wasm_bindgen(js_name = exportJwksCache)]
    pub fn export_jwks_cache(&self) -> JsValue {
        let engine = self.inner.engine.borrow();
        super::jwks_snapshot::snapshots_to_js(engine.cache().export())
    }

    /// Merges what `exportJwksCache` wrote: newer keys win, a penalty box is kept.
    #[wasm_bindgen(js_name = importJwksCache)]
    pub fn import_jwks_cache(&self, state: JsValue) -> Result<(), JsValue> {
        let snapshots = super::jwks_snapshot::snapshots_from_js(&state).map_err(js_error)?;
        let now = clock();
        let mut engine = self.inner.engine.borrow_mut();
        for snapshot in snapshots {
            engine.import(snapshot, now);
        }
        Ok(())
    }
}

/// The token as a Rust string: a JS string, or its UTF-8 bytes (`js/verifier.js` passes a long
/// ASCII token as bytes, which cross into wasm memory in one copy). Its length is checked before
/// anything is copied, so an oversized token never reaches wasm memory (UTF-8 is at least as
/// long as UTF-16).
fn token_text(token: &JsValue, max: usize) -> Result<String, ParseError> {
    let too_large = |actual: usize| (actual > max).then_some(ParseError::TooLarge { max, actual });
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

/// One verification for the driver: `next(input, nowMs)` returns the next step's number
/// ([`Action`]) and the getters give that step's data.
#[wasm_bindgen]
pub struct RawVerification {
    inner: Rc<Inner>,
    v: Verification<BoundKey, Failure>,
    /// The action whose outcome the next `next` brings.
    awaiting: Option<Action>,
    /// The JWK object of the key being imported.
    importing: Option<Object>,
}

#[wasm_bindgen]
impl RawVerification {
    /// Takes the outcome of the last step (`true`/`false` for a signature check, `null` when the
    /// crypto failed; the key or `null` for an import; `undefined` or the fetch's error for a
    /// fetch or a wait) and returns the next step. Throws the coded error that ends the
    /// verification, or a fetch's error unchanged.
    pub fn next(&mut self, input: JsValue, now_ms: f64) -> Result<u8, JsValue> {
        let input = match self.awaiting {
            None => Input::Start,
            Some(Action::Verify) => Input::Verified(input.as_bool()),
            Some(Action::Import) => {
                let jwk = self.importing.take();
                Input::Imported(
                    jwk.filter(|_| input.is_object())
                        .map(|jwk| BoundKey { key: input, jwk }),
                )
            }
            Some(Action::Fetch | Action::Wait) if input.is_undefined() => Input::Settled(Ok(())),
            Some(Action::Fetch | Action::Wait) => Input::Settled(Err(Failure::Js(input))),
            Some(Action::Done) => Input::Verified(None),
        };
        let mut engine = self.inner.engine.borrow_mut();
        match engine.next(&mut self.v, input, now_ms / 1000.0) {
            Ok(action) => {
                if action == Action::Import {
                    self.importing = self.v.jwk().map(jwk_object);
                }
                self.awaiting = Some(action);
                Ok(action as u8)
            }
            Err(Failure::Core(e)) => {
                let raw = e
                    .is_claim_error()
                    .then(|| self.v.raw_jwt(engine.core()))
                    .flatten();
                Err(to_js(&e, raw))
            }
            Err(Failure::Js(e)) => Err(e),
        }
    }

    /// The key: the one to check the signature with, then the one that verified it.
    #[wasm_bindgen(getter)]
    pub fn key(&self) -> JsValue {
        self.v.key().map(|k| k.key.clone()).unwrap_or_default()
    }

    /// The signature to check (a copy).
    #[wasm_bindgen(getter)]
    pub fn signature(&self) -> Uint8Array {
        Uint8Array::from(self.v.signed().0)
    }

    /// The bytes the signature signs (a copy).
    #[wasm_bindgen(getter)]
    pub fn data(&self) -> Uint8Array {
        Uint8Array::from(self.v.signed().1)
    }

    /// The JWK to import (import step), or the one that verified the token (done).
    #[wasm_bindgen(getter)]
    pub fn jwk(&self) -> JsValue {
        match (&self.importing, self.v.key()) {
            (Some(jwk), _) => jwk.into(),
            (None, Some(k)) => k.jwk.clone().into(),
            (None, None) => JsValue::UNDEFINED,
        }
    }

    /// The import's hash (`SHA-256`/`-384`/`-512`).
    #[wasm_bindgen(getter)]
    pub fn hash(&self) -> String {
        self.v.alg().hash().to_owned()
    }

    /// The configuration whose JWKS to fetch or wait for.
    #[wasm_bindgen(getter)]
    pub fn config(&self) -> usize {
        self.v.config()
    }

    /// That configuration's JWKS URI (what a wait waits for).
    #[wasm_bindgen(getter)]
    pub fn uri(&self) -> String {
        let engine = self.inner.engine.borrow();
        engine.core().configs()[self.v.config()].jwks_uri.clone()
    }

    /// The verified token's header JSON.
    #[wasm_bindgen(getter)]
    pub fn header(&self) -> String {
        let p = self.v.prepared();
        p.map(|p| p.jwt.header_json.clone()).unwrap_or_default()
    }

    /// The verified token's payload JSON.
    #[wasm_bindgen(getter)]
    pub fn payload(&self) -> String {
        let p = self.v.prepared();
        p.map(|p| p.jwt.payload_json.clone()).unwrap_or_default()
    }

    /// The options entry (pool) of the verified token, whose `customJwtCheck` runs, or -1 when it
    /// has none.
    #[wasm_bindgen(getter)]
    pub fn pool(&self) -> i32 {
        let engine = self.inner.engine.borrow();
        self.v
            .prepared()
            .map(|p| engine.core().configs()[p.config].pool)
            .filter(|&pool| self.inner.custom_check[pool])
            .map_or(-1, |pool| pool as i32)
    }
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

/// The error of a signature that did not verify (the same for every token), for the fast path.
#[wasm_bindgen(js_name = invalidSignatureError)]
pub fn invalid_signature_error() -> JsValue {
    js_error(SignatureError::Invalid.into())
}

#[wasm_bindgen]
impl RawVerifier {
    /// The hot path's first step, run by `js/verifier.js` for a call without overrides: parses
    /// the `len` bytes of token in [`fast_scratch`] and checks it up to the signature, at
    /// `now_ms` (`Date.now()`). When everything but the signature is known good (claims valid, no
    /// `customJwtCheck`, key imported, JWKS fresh) it returns the key and fills [`fast_out`]; JS
    /// then checks the signature and, on success, parses the payload. Otherwise it returns the
    /// verification going on from the parsed token, so no token is parsed twice. A token that does
    /// not parse gives its coded error (an `Error`, returned, not thrown).
    #[wasm_bindgen(js_name = fastStart)]
    pub fn fast_start(&self, len: usize, now_ms: f64) -> JsValue {
        self.hot(len, now_ms / 1000.0).unwrap_or_else(|e| e)
    }

    fn hot(&self, len: usize, now: f64) -> Result<JsValue, JsValue> {
        SCRATCH.with(|s| {
            let mut scratch = s.borrow_mut();
            let Scratch {
                token,
                signature,
                payload,
                out,
            } = &mut *scratch;
            let engine = self.inner.engine.borrow();
            let token = token
                .get(..len)
                .and_then(|t| std::str::from_utf8(t).ok())
                .ok_or(ParseError::Malformed.into())
                .and_then(|t| engine.core().prepare(t))
                .map_err(js_error)?;
            let pool = engine.core().configs()[token.config].pool;
            let hot = (!self.inner.custom_check[pool])
                .then(|| engine.hot_key(&token, now))
                .flatten();
            let Some(key) = hot else {
                let v = engine.resume(token.into_owned());
                drop(engine);
                return Ok(self.verification(v).into());
            };
            let key = key.key.clone();
            let data = token.jwt.signing_input.as_bytes();
            *signature = token.jwt.signature;
            *payload = token.jwt.payload_json;
            let at = |p: *const u8| p as usize as u32;
            *out = [
                at(signature.as_ptr()),
                signature.len() as u32,
                at(data.as_ptr()),
                data.len() as u32,
                at(payload.as_ptr()),
                payload.len() as u32,
            ];
            Ok(key)
        })
    }
}
