//! Edge-worker helpers over the pure core, wired to `Request`/`Response` by `js/edge.js`:
//!
//! ```text
//! class BearerGuard {          // one per set of requireAuth options
//!   constructor(options: {realm?, tokenUse?, scope?, groups?})
//!   token(authorization?: string): string | Denied      // RFC 6750 §2.1
//!   check(payload: object): Denied | undefined          // token use, scope, groups
//!   invalid(code?: string): Denied                      // 401 invalid_token
//! }
//! class Introspector {         // RFC 7662
//!   constructor(clients: {clientId, clientSecret}[], bearer: boolean)
//!   parse(method, contentType?, authorization?, body): {token, tokenTypeHint?, bearer?} | Denied
//!   respond(payload: object): string                    // the JSON answer, {"active":false} if not active
//! }
//! class TokenCache { constructor(maxEntries, maxBytes?); get(token, owner, jwks); insert(token, owner, jwks, payload); size; bytes }
//! // Denied = {status, body, wwwAuthenticate?, allow?}
//! ```

use super::error::{invalid_options, set, to_js};
use super::{clock, get, json_string};
use crate::protocol::edge::bearer::{parse_authorization, Denial, Grants, Requirement};
use crate::protocol::edge::introspect::{
    active_response, authorize_caller, check_headers, parse_clients, parse_request,
    ClientCredentials, RequestError, INACTIVE,
};
use crate::protocol::edge::token_cache::{Owner, TokenCache as Lru, DEFAULT_MAX_BYTES};
use crate::protocol::error::Error;
use crate::protocol::verify::claims::Match;
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;

/// A string or an array of strings.
fn strings(v: &JsValue) -> Option<Vec<String>> {
    if let Some(s) = v.as_string() {
        return Some(vec![s]);
    }
    if Array::is_array(v) {
        return Array::from(v).iter().map(|s| s.as_string()).collect();
    }
    None
}

/// A `scope`/`groups` option: a string or array (any of), `{anyOf}` or `{allOf}`.
fn matcher(options: &JsValue, name: &str) -> Result<Option<Match>, Error> {
    let v = get(options, name);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    let (any, all) = (get(&v, "anyOf"), get(&v, "allOf"));
    let m = match (strings(&v), strings(&any), strings(&all)) {
        (Some(list), _, _) => Some(Match::AnyOf(list)),
        (None, Some(list), None) if all.is_undefined() => Some(Match::AnyOf(list)),
        (None, None, Some(list)) if any.is_undefined() => Some(Match::AllOf(list)),
        _ => None,
    };
    match m {
        Some(m) if !m.values().is_empty() => Ok(Some(m)),
        _ => Err(invalid_options(
            "scope and groups must be a string, a non-empty array of strings, {anyOf} or {allOf}",
        )),
    }
}

/// `{status, body, wwwAuthenticate?}`: what `js/edge.js` turns into a `Response`.
fn denied(status: u16, body: &str, www_authenticate: Option<&str>) -> JsValue {
    let obj = Object::new();
    set(&obj, "status", &JsValue::from(status));
    set(&obj, "body", &JsValue::from_str(body));
    if let Some(w) = www_authenticate {
        set(&obj, "wwwAuthenticate", &JsValue::from_str(w));
    }
    obj.into()
}

/// The checks of one `requireAuth` call site.
#[wasm_bindgen]
pub struct BearerGuard {
    realm: String,
    requirement: Requirement,
}

#[wasm_bindgen]
impl BearerGuard {
    /// `realm` defaults to `"api"`; `tokenUse` is `"id"`, `"access"` or absent.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<BearerGuard, JsValue> {
        let build = || -> Result<BearerGuard, Error> {
            let realm = get(&options, "realm");
            let token_use = get(&options, "tokenUse");
            let token_use = match token_use.as_string() {
                Some(u) if u == "id" || u == "access" => Some(u),
                None if token_use.is_undefined() || token_use.is_null() => None,
                _ => return Err(invalid_options("tokenUse must be \"id\" or \"access\"")),
            };
            Ok(BearerGuard {
                realm: realm.as_string().unwrap_or_else(|| "api".to_owned()),
                requirement: Requirement {
                    token_use,
                    scope: matcher(&options, "scope")?,
                    groups: matcher(&options, "groups")?,
                },
            })
        };
        build().map_err(|e| to_js(&e, None))
    }

    fn deny(&self, d: &Denial) -> JsValue {
        denied(
            d.status(),
            &d.body(),
            Some(&d.www_authenticate(&self.realm)),
        )
    }

    /// The bearer token of an `Authorization` header value, or the response refusing it.
    pub fn token(&self, authorization: Option<String>) -> JsValue {
        match parse_authorization(authorization.as_deref()) {
            Ok(token) => JsValue::from_str(token),
            Err(d) => self.deny(&d),
        }
    }

    /// Checks a verified payload against the options; `undefined` when it passes.
    pub fn check(&self, payload: &JsValue) -> JsValue {
        let token_use = get(payload, "token_use").as_string();
        let scope = get(payload, "scope").as_string();
        let groups = strings(&get(payload, "cognito:groups")).unwrap_or_default();
        let grants = Grants {
            token_use: token_use.as_deref(),
            scope: scope.as_deref(),
            groups: groups.iter().map(String::as_str).collect(),
        };
        match self.requirement.check(&grants) {
            Ok(()) => JsValue::UNDEFINED,
            Err(d) => self.deny(&d),
        }
    }

    /// The 401 `invalid_token` response for a verifier error `code`.
    pub fn invalid(&self, code: Option<String>) -> JsValue {
        self.deny(&Denial::invalid_token(code.as_deref()))
    }
}

/// The RFC 7662 request side of `createIntrospectionHandler`.
#[wasm_bindgen]
pub struct Introspector {
    clients: Vec<ClientCredentials>,
    bearer: bool,
}

/// The challenge sent with 401 `invalid_client`.
const CLIENT_CHALLENGE: &str = r#"Basic realm="introspection""#;

/// The error response for a refused introspection request.
fn refused(e: RequestError) -> JsValue {
    let challenge = (e == RequestError::InvalidClient).then_some(CLIENT_CHALLENGE);
    let out = denied(e.status(), e.body(), challenge);
    if e == RequestError::MethodNotAllowed {
        set(&out, "allow", &JsValue::from_str("POST"));
    }
    out
}

#[wasm_bindgen]
impl Introspector {
    /// `clients`: who may call with `client_secret_basic` / `client_secret_post`; `bearer`:
    /// whether callers may present a bearer token instead (the JS side verifies it).
    #[wasm_bindgen(constructor)]
    pub fn new(clients: JsValue, bearer: bool) -> Result<Introspector, JsValue> {
        let bad = || {
            to_js(
                &invalid_options("clients must be [{clientId, clientSecret}]"),
                None,
            )
        };
        let json = json_string(&clients).ok_or_else(bad)?;
        let clients = parse_clients(&json).ok_or_else(bad)?;
        Ok(Introspector { clients, bearer })
    }

    /// Checks what the headers decide before the body is read (method, content type, an
    /// `Authorization` caller): `{bearer?}` (`bearer`: the caller's token, to verify before the
    /// body is read), or the error response.
    #[wasm_bindgen(js_name = checkHeaders)]
    pub fn check_headers(
        &self,
        method: &str,
        content_type: Option<String>,
        authorization: Option<String>,
    ) -> JsValue {
        let out = Object::new();
        match check_headers(
            method,
            content_type.as_deref(),
            authorization.as_deref(),
            &self.clients,
            self.bearer,
        ) {
            Ok(Some(bearer)) => set(&out, "bearer", &JsValue::from_str(bearer)),
            Ok(None) => {}
            Err(e) => return refused(e),
        }
        out.into()
    }

    /// Reads and authenticates a request whose headers passed [`Introspector::check_headers`]:
    /// `{token, tokenTypeHint?}`, or the error response.
    pub fn parse(
        &self,
        method: &str,
        content_type: Option<String>,
        authorization: Option<String>,
        body: &str,
    ) -> JsValue {
        let req = match parse_request(
            method,
            content_type.as_deref(),
            authorization.as_deref(),
            body,
        ) {
            Ok(req) => req,
            Err(e) => return refused(e),
        };
        if let Err(e) = authorize_caller(req.caller.as_ref(), &self.clients, self.bearer) {
            return refused(e);
        }
        let out = Object::new();
        set(&out, "token", &JsValue::from_str(&req.token));
        if let Some(hint) = &req.token_type_hint {
            set(&out, "tokenTypeHint", &JsValue::from_str(hint));
        }
        out.into()
    }

    /// The answer for a payload that verified: active per reference §13.3, else inactive.
    pub fn respond(&self, payload: &JsValue) -> String {
        json_string(payload)
            .and_then(|json| active_response(&json, clock()))
            .unwrap_or_else(|| INACTIVE.to_owned())
    }
}

/// The verified-token LRU: payloads keyed by the whole token, until the token's `exp`, each served
/// only to the `owner` (js/edge.js: one id per verifier) that verified it.
#[wasm_bindgen]
pub struct TokenCache {
    lru: Lru<JsValue>,
}

/// The cache's [`Owner`] from the JS numbers (a JWKS generation is a whole number below 2^53).
fn stamp(verifier: u32, jwks: f64) -> Owner {
    Owner {
        verifier,
        jwks: jwks as u64,
    }
}

#[wasm_bindgen]
impl TokenCache {
    /// Holds at most `max_entries` tokens and `max_bytes` (default 4 MiB) of tokens and payloads
    /// (as JSON) in all (`0`: caches nothing).
    #[wasm_bindgen(constructor)]
    pub fn new(max_entries: u32, max_bytes: Option<u32>) -> TokenCache {
        let max_bytes = max_bytes.map_or(DEFAULT_MAX_BYTES, |b| b as usize);
        TokenCache {
            lru: Lru::new(max_entries as usize, max_bytes),
        }
    }

    /// The payload cached for `token` as the verifier with id `owner` verified it while its JWKS
    /// was at generation `jwks`, or `undefined` (an entry from an earlier generation is dropped).
    pub fn get(&mut self, token: &str, owner: u32, jwks: f64) -> JsValue {
        self.lru
            .get(token, stamp(owner, jwks), clock())
            .cloned()
            .unwrap_or_default()
    }

    /// Caches the `payload` of `token` that `owner` verified, its JWKS at generation `jwks` when
    /// the verification began, until its `exp` (no `exp`: not cached).
    pub fn insert(&mut self, token: &str, owner: u32, jwks: f64, payload: JsValue) {
        let exp = get(&payload, "exp").as_f64();
        let json = json_string(&payload);
        if let (Some(exp), Some(json)) = (exp, json) {
            let size = token.len() + json.len();
            self.lru
                .insert(token, stamp(owner, jwks), exp, payload, size, clock());
        }
    }

    /// Number of cached tokens.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        self.lru.len() as u32
    }

    /// Bytes the cached tokens and payloads count against `maxBytes`.
    #[wasm_bindgen(getter)]
    pub fn bytes(&self) -> u32 {
        self.lru.bytes() as u32
    }
}
