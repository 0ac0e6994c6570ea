//! Shared emulator state: configuration, keys, the emulator clock and the mutable store (users,
//! codes, refresh tokens, sessions, pending federated sign-ins, revocations, request log).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::authorize::AuthorizeRequest;
use crate::config::{Config, IdentityProvider, JsonObject};
use crate::keys::KeySet;
use crate::user::{plan_federated_user, FederatedSignIn, FederationUserError, User};

/// Authorization codes live 5 minutes (docs/cognito.md#authorize-success).
pub const CODE_TTL: i64 = 300;
/// The hosted-UI session cookie lives 1 hour (docs/cognito.md#hosted-ui-session).
pub const SESSION_TTL: i64 = 3600;
/// A federated round trip must finish within 5 minutes (docs/cognito.md#login-page,
/// #federated-sign-in-flow).
pub const FEDERATION_TTL: i64 = 300;
/// The session cookie's name.
pub const SESSION_COOKIE: &str = "cognito";
const REQUEST_LOG_LIMIT: usize = 2000;

/// An issued authorization code.
#[derive(Debug, Clone)]
pub struct CodeGrant {
    pub request: AuthorizeRequest,
    pub username: String,
    pub auth_time: i64,
    pub issued_at: i64,
    pub used: bool,
}

/// An issued (opaque) refresh token.
#[derive(Debug, Clone)]
pub struct RefreshGrant {
    pub client_id: String,
    pub username: String,
    pub scopes: Vec<String>,
    pub auth_time: i64,
    pub origin_jti: Option<String>,
    pub expires_at: i64,
    pub revoked: bool,
    /// Set when rotation replaced this token: it keeps working until this time.
    pub valid_until: Option<i64>,
    /// Issued by the JSON API (scope `aws.cognito.signin.user.admin`, no scope filter).
    pub api: bool,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub username: String,
    pub auth_time: i64,
    pub expires_at: i64,
}

/// A sign-in handed to an external IdP, waiting for `/oauth2/idpresponse`.
#[derive(Debug, Clone)]
pub struct PendingFederation {
    pub request: AuthorizeRequest,
    pub provider_name: String,
    /// The nonce the emulator sent to the IdP (its ID token must echo it).
    pub nonce: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    /// The query with secret-bearing parameters redacted.
    pub query: String,
    pub time: i64,
}

#[derive(Debug, Default)]
pub struct Store {
    /// Keyed by [`Ctx::user_key`].
    pub users: BTreeMap<String, User>,
    pub codes: HashMap<String, CodeGrant>,
    pub refresh_tokens: HashMap<String, RefreshGrant>,
    pub sessions: HashMap<String, Session>,
    pub pending: HashMap<String, PendingFederation>,
    pub revoked_origins: HashSet<String>,
    pub requests: VecDeque<LoggedRequest>,
    /// `USER_SRP_AUTH` sign-ins waiting for `RespondToAuthChallenge`, by `SECRET_BLOCK`.
    pub srp_challenges: HashMap<String, crate::srp::Challenge>,
}

pub struct Inner {
    pub config: Config,
    pub base_url: String,
    pub strict: bool,
    pub keys: RwLock<KeySet>,
    clock_offset: AtomicI64,
    store: Mutex<Store>,
}

/// A cheap handle on the emulator state, passed to every handler.
#[derive(Clone)]
pub struct Ctx(pub Arc<Inner>);

impl std::ops::Deref for Ctx {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl Ctx {
    pub fn new(config: Config, keys: KeySet, base_url: String, strict: bool) -> Ctx {
        let case_sensitive = config.user_pool.username_configuration.case_sensitive;
        let users = config
            .users
            .iter()
            .map(|u| {
                let user = User::from_config(&config, u);
                (user_key(case_sensitive, &user.username), user)
            })
            .collect();
        Ctx(Arc::new(Inner {
            config,
            base_url,
            strict,
            keys: RwLock::new(keys),
            clock_offset: AtomicI64::new(0),
            store: Mutex::new(Store {
                users,
                ..Store::default()
            }),
        }))
    }

    /// Emulator time in milliseconds: the system clock shifted by the test control.
    pub fn now_ms(&self) -> i64 {
        let system = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        system.saturating_add(
            self.clock_offset
                .load(Ordering::SeqCst)
                .saturating_mul(1000),
        )
    }

    /// Emulator time in seconds.
    pub fn now(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// Moves the emulator clock by `seconds`; returns the total offset.
    pub fn shift_clock(&self, seconds: i64) -> i64 {
        self.clock_offset.fetch_add(seconds, Ordering::SeqCst) + seconds
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        // A panicking handler must not take the whole emulator down with a poisoned lock.
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn keys(&self) -> std::sync::RwLockReadGuard<'_, KeySet> {
        self.keys.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn keys_mut(&self) -> std::sync::RwLockWriteGuard<'_, KeySet> {
        self.keys.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn pool_id(&self) -> &str {
        &self.config.user_pool.user_pool_id
    }

    /// The map key of a username (lowercased in case-insensitive pools).
    pub fn user_key(&self, username: &str) -> String {
        user_key(
            self.config.user_pool.username_configuration.case_sensitive,
            username,
        )
    }

    /// A user by username, or by email / phone number when the pool signs in with those
    /// (`UsernameAttributes`).
    pub fn find_user(&self, username: &str) -> Option<User> {
        let store = self.store();
        if let Some(user) = store.users.get(&self.user_key(username)) {
            return Some(user.clone());
        }
        let aliases = &self.config.user_pool.username_attributes;
        store
            .users
            .values()
            .find(|u| {
                aliases.iter().any(|a| {
                    u.attributes
                        .get(a)
                        .is_some_and(|v| v.eq_ignore_ascii_case(username))
                })
            })
            .cloned()
    }

    pub fn put_user(&self, user: User) {
        let key = self.user_key(&user.username);
        self.store().users.insert(key, user);
    }

    /// Remembers a federated sign-in; returns the opaque `state` to send to the IdP.
    pub fn store_pending(
        &self,
        request: AuthorizeRequest,
        provider_name: &str,
        nonce: &str,
    ) -> String {
        let state = crate::http::random_token(32);
        let pending = PendingFederation {
            request,
            provider_name: provider_name.to_owned(),
            nonce: nonce.to_owned(),
            created_at: self.now(),
        };
        self.store().pending.insert(state.clone(), pending);
        state
    }

    /// Takes back a pending federated sign-in (single use); `None` when unknown or older than
    /// 5 minutes.
    pub fn take_pending(&self, state: &str) -> Option<PendingFederation> {
        let pending = self.store().pending.remove(state)?;
        (self.now() - pending.created_at <= FEDERATION_TTL).then_some(pending)
    }

    /// Finds, creates or updates the federated user for an IdP sign-in; returns its username.
    pub fn upsert_federated_user(
        &self,
        idp: &IdentityProvider,
        claims: &JsonObject,
    ) -> Result<String, FederationUserError> {
        let sign_in = FederatedSignIn {
            config: &self.config,
            idp,
            claims,
            now_ms: self.now_ms(),
        };
        let key = self.user_key(&sign_in.username()?);
        let mut store = self.store();
        let user = plan_federated_user(&sign_in, store.users.get(&key))?;
        let username = user.username.clone();
        store.users.insert(key, user);
        Ok(username)
    }

    /// Whether an access token's session was revoked (by `origin_jti`).
    pub fn is_revoked(&self, origin_jti: &str) -> bool {
        self.store().revoked_origins.contains(origin_jti)
    }

    /// Kills a refresh-token family and every token carrying its `origin_jti`.
    pub fn revoke_origin(&self, origin_jti: &str) {
        let mut store = self.store();
        store.revoked_origins.insert(origin_jti.to_owned());
        for grant in store.refresh_tokens.values_mut() {
            if grant.origin_jti.as_deref() == Some(origin_jti) {
                grant.revoked = true;
            }
        }
    }

    pub fn log_request(&self, entry: LoggedRequest) {
        let mut store = self.store();
        if store.requests.len() >= REQUEST_LOG_LIMIT {
            store.requests.pop_front();
        }
        store.requests.push_back(entry);
    }
}

fn user_key(case_sensitive: bool, username: &str) -> String {
    if case_sensitive {
        username.to_owned()
    } else {
        username.to_lowercase()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::keys::SigningKey;
    use std::sync::OnceLock;

    /// One key set for every unit test (key generation is the slow part).
    pub(crate) fn test_keys() -> KeySet {
        static KEYS: OnceLock<(SigningKey, SigningKey)> = OnceLock::new();
        let (id, access) = KEYS.get_or_init(crate::keys::generate_pair).clone();
        KeySet::new(id, access)
    }

    pub(crate) fn test_ctx(config: &str) -> Ctx {
        let config = Config::from_json(config).unwrap();
        Ctx::new(config, test_keys(), "http://127.0.0.1:9".into(), false)
    }

    const CONFIG: &str = r#"{"UserPool":{"UserPoolId":"us-east-1_Pool1"},
        "Users":[{"Username":"JDoe","Password":"pw"}],
        "IdentityProviders":[{"ProviderName":"Corp","ProviderDetails":{
            "client_id":"c","oidc_issuer":"http://127.0.0.1:1"}}]}"#;

    #[test]
    fn clock_shift_and_case_insensitive_users() {
        let ctx = test_ctx(CONFIG);
        let before = ctx.now();
        assert_eq!(ctx.shift_clock(600), 600);
        assert!(ctx.now() >= before + 600);
        assert_eq!(ctx.find_user("jdoe").unwrap().username, "JDoe");
    }

    #[test]
    fn email_as_username() {
        let ctx = test_ctx(
            r#"{"UserPool":{"UserPoolId":"us-east-1_Pool1","UsernameAttributes":["email"]},
            "Users":[{"Username":"Ann@x.test","Password":"pw"}]}"#,
        );
        let user = ctx.find_user("ann@X.test").unwrap();
        assert_eq!(user.username, user.sub());
        assert_eq!(user.attributes["email"], "Ann@x.test");
        assert_eq!(ctx.find_user(user.sub()).unwrap(), user);
        assert!(ctx.find_user("bob@x.test").is_none());
    }

    #[test]
    fn pending_federation_is_single_use_and_expires() {
        let ctx = test_ctx(CONFIG);
        let request = AuthorizeRequest::default();
        let state = ctx.store_pending(request.clone(), "Corp", "n1");
        let pending = ctx.take_pending(&state).unwrap();
        assert_eq!(pending.nonce, "n1");
        assert!(ctx.take_pending(&state).is_none());
        let state = ctx.store_pending(request, "Corp", "n2");
        ctx.shift_clock(FEDERATION_TTL + 1);
        assert!(ctx.take_pending(&state).is_none());
    }

    #[test]
    fn upsert_federated_user_stores_the_user() {
        let ctx = test_ctx(CONFIG);
        let idp = ctx.config.identity_providers[0].clone();
        let claims: JsonObject = serde_json::from_str(r#"{"sub":"abc"}"#).unwrap();
        let name = ctx.upsert_federated_user(&idp, &claims).unwrap();
        assert_eq!(name, "Corp_abc");
        let user = ctx.find_user("Corp_abc").unwrap();
        assert_eq!(user.groups, vec!["us-east-1_Pool1_Corp"]);
        let again = ctx.upsert_federated_user(&idp, &claims).unwrap();
        assert_eq!(again, name);
        assert_eq!(ctx.find_user("Corp_abc").unwrap().sub(), user.sub());
    }
}
