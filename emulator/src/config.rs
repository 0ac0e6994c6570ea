//! The emulator's configuration, in Cognito's own API names
//! (docs/cognito.md#emulator-configuration).
//!
//! Parsing is strict: unknown keys are rejected so that a typo in a fixture fails loudly instead of
//! silently falling back to a default. [`Config::validate`] checks cross-references (clients →
//! scopes, identity providers; users → groups, attributes) and the value ranges Cognito enforces.

use std::collections::BTreeMap;
use std::fmt;

use pretoken::{Response, Version};
use serde::Deserialize;
use serde_json::{Map, Value};

/// Cognito's maximum length of an attribute value (docs/cognito.md#lifetimes-and-limits,
/// #attribute-mapping-and-idp-tokens).
pub const MAX_ATTRIBUTE_LENGTH: usize = 2048;

/// The whole emulator configuration file.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Config {
    pub user_pool: UserPool,
    #[serde(default)]
    pub user_pool_clients: Vec<AppClient>,
    #[serde(default)]
    pub users: Vec<UserConfig>,
    #[serde(default)]
    pub identity_providers: Vec<IdentityProvider>,
    #[serde(default)]
    pub quirks: Quirks,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UserPool {
    pub user_pool_id: String,
    /// Derived from the pool ID when absent.
    pub region: Option<String>,
    #[serde(default)]
    pub issuer_format: IssuerFormat,
    #[serde(default)]
    pub feature_plan: FeaturePlan,
    #[serde(default)]
    pub username_configuration: UsernameConfiguration,
    /// `email` and/or `phone_number`: users sign in with those, and the username is the `sub`.
    #[serde(default)]
    pub username_attributes: Vec<String>,
    /// Custom attributes (`Name` without the `custom:` prefix), as in `CreateUserPool`'s `Schema`.
    #[serde(default)]
    pub schema: Vec<SchemaAttribute>,
    #[serde(default)]
    pub groups: Vec<Group>,
    #[serde(default)]
    pub resource_servers: Vec<ResourceServer>,
    pub pre_token_generation_config: Option<PreTokenGenerationConfig>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IssuerFormat {
    /// `https://cognito-idp.{region}.amazonaws.com/{poolId}`
    #[default]
    Original,
    /// `https://issuer-cognito-idp.{region}.amazonaws.com/{poolId}`
    Updated,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FeaturePlan {
    Lite,
    #[default]
    Essentials,
    Plus,
}

/// Case-insensitive (the default for new pools since 2020) unless `CaseSensitive` is true.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UsernameConfiguration {
    #[serde(default)]
    pub case_sensitive: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SchemaAttribute {
    pub name: String,
    #[serde(default)]
    pub attribute_data_type: AttributeDataType,
    #[serde(default = "yes")]
    pub mutable: bool,
    pub string_attribute_constraints: Option<StringConstraints>,
}

impl SchemaAttribute {
    /// The attribute's name as it appears on users and in tokens: `custom:{Name}`.
    pub fn claim_name(&self) -> String {
        format!("custom:{}", self.name)
    }

    pub fn max_length(&self) -> usize {
        self.string_attribute_constraints
            .as_ref()
            .and_then(|c| c.max_length.as_ref())
            .and_then(|m| m.as_usize())
            .unwrap_or(MAX_ATTRIBUTE_LENGTH)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum AttributeDataType {
    #[default]
    String,
    Number,
    Boolean,
    DateTime,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct StringConstraints {
    pub min_length: Option<NumberOrString>,
    pub max_length: Option<NumberOrString>,
}

/// Cognito's API writes lengths as strings (`"2048"`); numbers are accepted too.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum NumberOrString {
    Number(u64),
    String(String),
}

impl NumberOrString {
    fn as_usize(&self) -> Option<usize> {
        match self {
            NumberOrString::Number(n) => usize::try_from(*n).ok(),
            NumberOrString::String(s) => s.parse().ok(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Group {
    pub group_name: String,
    pub precedence: Option<u32>,
    pub role_arn: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ResourceServer {
    pub identifier: String,
    pub name: Option<String>,
    #[serde(default)]
    pub scopes: Vec<ResourceServerScope>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ResourceServerScope {
    pub scope_name: String,
    pub scope_description: Option<String>,
}

/// `LambdaConfig.PreTokenGenerationConfig`, with the Lambda replaced by either an HTTP hook or a
/// declarative response (exactly one of the two).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PreTokenGenerationConfig {
    #[serde(default)]
    pub lambda_version: Version,
    /// `POST`ed the event JSON (docs/cognito.md#trigger-event); answers with the event carrying
    /// `response` (or with the bare `response` object).
    pub hook_url: Option<String>,
    /// A fixed `response` object (docs/cognito.md#trigger-response), applied to every token
    /// generation.
    pub response: Option<Response>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OAuthFlow {
    Code,
    Implicit,
    ClientCredentials,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AppClient {
    pub client_id: String,
    pub client_name: Option<String>,
    pub client_secret: Option<String>,
    #[serde(default = "yes", rename = "AllowedOAuthFlowsUserPoolClient")]
    pub allowed_oauth_flows_user_pool_client: bool,
    #[serde(default, rename = "AllowedOAuthFlows")]
    pub allowed_oauth_flows: Vec<OAuthFlow>,
    #[serde(default, rename = "AllowedOAuthScopes")]
    pub allowed_oauth_scopes: Vec<String>,
    #[serde(default, rename = "CallbackURLs")]
    pub callback_urls: Vec<String>,
    #[serde(default, rename = "LogoutURLs")]
    pub logout_urls: Vec<String>,
    #[serde(default, rename = "DefaultRedirectURI")]
    pub default_redirect_uri: Option<String>,
    #[serde(default = "cognito_only")]
    pub supported_identity_providers: Vec<String>,
    /// Empty: every attribute is readable.
    #[serde(default)]
    pub read_attributes: Vec<String>,
    /// Empty: every attribute is writable.
    #[serde(default)]
    pub write_attributes: Vec<String>,
    /// `ALLOW_USER_PASSWORD_AUTH`, `ALLOW_ADMIN_USER_PASSWORD_AUTH`, `ALLOW_REFRESH_TOKEN_AUTH`, ...
    /// Absent: all three are allowed.
    pub explicit_auth_flows: Option<Vec<String>>,
    pub access_token_validity: Option<u64>,
    pub id_token_validity: Option<u64>,
    pub refresh_token_validity: Option<u64>,
    #[serde(default)]
    pub token_validity_units: TokenValidityUnits,
    #[serde(default = "yes")]
    pub enable_token_revocation: bool,
    #[serde(default)]
    pub refresh_token_rotation: RefreshTokenRotation,
    /// `ENABLED` (the default here, as for clients made in the console): an unknown user signing
    /// in through the API gets `NotAuthorizedException`, like a wrong password. `LEGACY` (the
    /// `CreateUserPoolClient` API's default): `UserNotFoundException`.
    #[serde(default)]
    pub prevent_user_existence_errors: PreventUserExistenceErrors,
}

/// `PreventUserExistenceErrors` of an app client.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum PreventUserExistenceErrors {
    #[default]
    Enabled,
    Legacy,
}

impl AppClient {
    pub fn allows_flow(&self, flow: OAuthFlow) -> bool {
        self.allowed_oauth_flows_user_pool_client && self.allowed_oauth_flows.contains(&flow)
    }

    pub fn allows_explicit_flow(&self, flow: &str) -> bool {
        match &self.explicit_auth_flows {
            None => true,
            Some(flows) => flows.iter().any(|f| f == flow),
        }
    }

    pub fn can_read(&self, attribute: &str) -> bool {
        self.read_attributes.is_empty() || self.read_attributes.iter().any(|a| a == attribute)
    }

    pub fn access_token_seconds(&self) -> i64 {
        validity_seconds(
            self.access_token_validity,
            self.token_validity_units.access_token,
            3600,
        )
    }

    pub fn id_token_seconds(&self) -> i64 {
        validity_seconds(
            self.id_token_validity,
            self.token_validity_units.id_token,
            3600,
        )
    }

    pub fn refresh_token_seconds(&self) -> i64 {
        validity_seconds(
            self.refresh_token_validity,
            self.token_validity_units.refresh_token,
            30 * 86_400,
        )
    }

    pub fn rotation_enabled(&self) -> bool {
        self.refresh_token_rotation.feature == RotationFeature::Enabled
    }
}

fn validity_seconds(value: Option<u64>, unit: TimeUnit, default: i64) -> i64 {
    value.map_or(default, |v| {
        i64::try_from(v)
            .unwrap_or(i64::MAX)
            .saturating_mul(unit.seconds())
    })
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct TokenValidityUnits {
    #[serde(default = "hours")]
    pub access_token: TimeUnit,
    #[serde(default = "hours")]
    pub id_token: TimeUnit,
    #[serde(default = "days")]
    pub refresh_token: TimeUnit,
}

impl Default for TokenValidityUnits {
    fn default() -> Self {
        TokenValidityUnits {
            access_token: TimeUnit::Hours,
            id_token: TimeUnit::Hours,
            refresh_token: TimeUnit::Days,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    Seconds,
    Minutes,
    Hours,
    Days,
}

impl TimeUnit {
    pub fn seconds(self) -> i64 {
        match self {
            TimeUnit::Seconds => 1,
            TimeUnit::Minutes => 60,
            TimeUnit::Hours => 3600,
            TimeUnit::Days => 86_400,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RefreshTokenRotation {
    #[serde(default)]
    pub feature: RotationFeature,
    #[serde(default)]
    pub retry_grace_period_seconds: u32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RotationFeature {
    Enabled,
    #[default]
    Disabled,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UserConfig {
    pub username: String,
    pub password: Option<String>,
    /// `[{ "Name": "email", "Value": "..." }]`, as in `AdminCreateUser`.
    #[serde(default)]
    pub user_attributes: Vec<AttributeType>,
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
    pub user_status: Option<String>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AttributeType {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct IdentityProvider {
    pub provider_name: String,
    #[serde(default = "oidc")]
    pub provider_type: String,
    pub provider_details: ProviderDetails,
    /// Pool attribute → IdP claim. Default `{"username": "sub"}`.
    #[serde(default)]
    pub attribute_mapping: BTreeMap<String, String>,
    #[serde(default)]
    pub idp_identifiers: Vec<String>,
}

impl IdentityProvider {
    /// The group every user of this provider joins: `{poolId}_{ProviderName}`.
    pub fn group_name(&self, pool_id: &str) -> String {
        format!("{pool_id}_{}", self.provider_name)
    }

    /// The IdP claim that becomes the username suffix (`username` mapping, default `sub`).
    pub fn username_claim(&self) -> &str {
        self.attribute_mapping
            .get("username")
            .map_or("sub", String::as_str)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderDetails {
    pub client_id: String,
    pub client_secret: Option<String>,
    #[serde(default = "openid_scope")]
    pub authorize_scopes: String,
    pub oidc_issuer: Option<String>,
    #[serde(default = "get")]
    pub attributes_request_method: String,
    pub authorize_url: Option<String>,
    pub token_url: Option<String>,
    pub attributes_url: Option<String>,
    pub jwks_uri: Option<String>,
}

/// Behaviours nobody has confirmed (docs/cognito.md#open-questions), switchable per test.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields, default)]
pub struct Quirks {
    /// `error` on `/error` for an unknown `client_id` (docs/cognito.md#open-questions item 1).
    pub unknown_client_error: String,
    /// What a scope outside `AllowedOAuthScopes` does at authorize (docs/cognito.md#scopes,
    /// #open-questions item 3).
    pub disallowed_scope: DisallowedScope,
    /// What a disallowed scope does at `client_credentials` (docs/cognito.md#grants).
    pub client_credentials_disallowed_scope: DisallowedScope,
    /// HTTP status of `invalid_client` at the token endpoint
    /// (docs/cognito.md#open-questions item 4).
    pub token_invalid_client_status: u16,
    /// Add `error_description` to token-endpoint errors (docs/cognito.md#open-questions item 5).
    pub token_error_descriptions: bool,
    /// userInfo answers 401 to an access token without `openid` (docs/cognito.md#open-questions
    /// item 6).
    pub user_info_requires_openid: bool,
    /// Send `Access-Control-Allow-Origin: *` on userInfo, revoke, JWKS and discovery
    /// (docs/cognito.md#open-questions item 7).
    pub cors_everywhere: bool,
    /// `/logout` appends `state` to `logout_uri` (docs/cognito.md#open-questions item 13).
    pub logout_appends_state: bool,
    /// Lowercase federated usernames when the pool is case-insensitive
    /// (docs/cognito.md#open-questions item 14).
    pub lowercase_federated_usernames: bool,
    /// `at_hash` in ID tokens issued by the JSON API (docs/cognito.md#open-questions item 9).
    pub api_id_token_at_hash: bool,
    /// Escape `/` as `\/` inside token payloads, as Cognito does (docs/cognito.md#token-format).
    pub escape_slashes: bool,
    /// Discovery document variant (docs/cognito.md#emulator-issuer-and-keys).
    pub discovery: DiscoveryVariant,
    /// `error` sent to the app when the pre-token trigger fails on the OAuth path
    /// (docs/cognito.md#trigger-response item 7).
    pub trigger_failure_error: String,
}

impl Default for Quirks {
    fn default() -> Self {
        Quirks {
            unknown_client_error: "redirect_mismatch".into(),
            disallowed_scope: DisallowedScope::InvalidRequest,
            client_credentials_disallowed_scope: DisallowedScope::InvalidScope,
            token_invalid_client_status: 400,
            token_error_descriptions: false,
            user_info_requires_openid: true,
            cors_everywhere: true,
            logout_appends_state: false,
            lowercase_federated_usernames: false,
            api_id_token_at_hash: false,
            escape_slashes: false,
            discovery: DiscoveryVariant::Standard,
            trigger_failure_error: "invalid_request".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum DisallowedScope {
    /// Observed: `error=invalid_request&error_description=invalid_scope`.
    InvalidRequest,
    /// Documented: `error=invalid_scope`.
    InvalidScope,
    /// Documented too: the scope is silently dropped.
    Ignore,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum DiscoveryVariant {
    Standard,
    /// Without `end_session_endpoint` and `revocation_endpoint` (older pools).
    Legacy,
    /// A pool without a domain: placeholder endpoints on the issuer host, without `oauth2/`
    /// (docs/cognito.md#domains-and-endpoints); they do not work, as in Cognito. `jwks_uri` stays
    /// local.
    NoDomain,
}

fn yes() -> bool {
    true
}
fn cognito_only() -> Vec<String> {
    vec!["COGNITO".into()]
}
fn oidc() -> String {
    "OIDC".into()
}
fn openid_scope() -> String {
    "openid".into()
}
fn get() -> String {
    "GET".into()
}
fn hours() -> TimeUnit {
    TimeUnit::Hours
}
fn days() -> TimeUnit {
    TimeUnit::Days
}

/// A configuration that cannot be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid emulator config: {}", self.0)
    }
}

impl std::error::Error for ConfigError {}

fn fail<T>(message: impl Into<String>) -> Result<T, ConfigError> {
    Err(ConfigError(message.into()))
}

/// Standard OIDC scopes a client may allow besides custom ones.
pub const RESERVED_SCOPES: [&str; 5] = [
    "openid",
    "email",
    "phone",
    "profile",
    "aws.cognito.signin.user.admin",
];

impl Config {
    /// Parses and validates a JSON configuration.
    pub fn from_json(text: &str) -> Result<Config, ConfigError> {
        let config: Config = serde_json::from_str(text).map_err(|e| ConfigError(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Reads, parses and validates a configuration file.
    pub fn from_file(path: &std::path::Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("cannot read {}: {e}", path.display())))?;
        Config::from_json(&text)
    }

    /// The region: configured, or parsed from the pool ID.
    pub fn region(&self) -> &str {
        match &self.user_pool.region {
            Some(region) => region,
            None => self
                .user_pool
                .user_pool_id
                .split_once('_')
                .map_or("", |(region, _)| region),
        }
    }

    /// The token issuer (docs/cognito.md#issuers-and-jwks).
    pub fn issuer(&self) -> String {
        let host = match self.user_pool.issuer_format {
            IssuerFormat::Original => "cognito-idp",
            IssuerFormat::Updated => "issuer-cognito-idp",
        };
        format!(
            "https://{host}.{}.amazonaws.com/{}",
            self.region(),
            self.user_pool.user_pool_id
        )
    }

    pub fn client(&self, client_id: &str) -> Option<&AppClient> {
        self.user_pool_clients
            .iter()
            .find(|c| c.client_id == client_id)
    }

    pub fn identity_provider(&self, name: &str) -> Option<&IdentityProvider> {
        self.identity_providers
            .iter()
            .find(|p| p.provider_name == name)
    }

    /// The IdP that lists `identifier` among its `IdpIdentifiers` (case-insensitive).
    pub fn identity_provider_by_identifier(&self, identifier: &str) -> Option<&IdentityProvider> {
        self.identity_providers.iter().find(|p| {
            p.idp_identifiers
                .iter()
                .any(|i| i.eq_ignore_ascii_case(identifier))
        })
    }

    pub fn custom_attribute(&self, claim_name: &str) -> Option<&SchemaAttribute> {
        let name = claim_name.strip_prefix("custom:")?;
        self.user_pool.schema.iter().find(|a| a.name == name)
    }

    /// The most characters attribute `claim_name` takes: its `MaxLength` for a custom attribute,
    /// else Cognito's 2,048 for every string attribute.
    pub fn attribute_max_length(&self, claim_name: &str) -> usize {
        self.custom_attribute(claim_name)
            .map_or(MAX_ATTRIBUTE_LENGTH, SchemaAttribute::max_length)
            .min(MAX_ATTRIBUTE_LENGTH)
    }

    /// Whether `value` fits attribute `claim_name` ([`Config::attribute_max_length`]).
    pub fn attribute_fits(&self, claim_name: &str, value: &str) -> bool {
        value.chars().count() <= self.attribute_max_length(claim_name)
    }

    pub fn group(&self, name: &str) -> Option<&Group> {
        self.user_pool.groups.iter().find(|g| g.group_name == name)
    }

    /// Every custom scope `{identifier}/{name}` defined by the resource servers.
    pub fn custom_scopes(&self) -> Vec<String> {
        self.user_pool
            .resource_servers
            .iter()
            .flat_map(|rs| {
                rs.scopes
                    .iter()
                    .map(move |s| format!("{}/{}", rs.identifier, s.scope_name))
            })
            .collect()
    }

    /// Checks cross-references and Cognito's value ranges.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.validate_pool()?;
        for client in &self.user_pool_clients {
            self.validate_client(client)?;
        }
        for idp in &self.identity_providers {
            validate_idp(idp)?;
        }
        for user in &self.users {
            self.check_user(user)?;
        }
        if self.quirks.token_invalid_client_status != 400
            && self.quirks.token_invalid_client_status != 401
        {
            return fail("Quirks.TokenInvalidClientStatus must be 400 or 401");
        }
        if !matches!(
            self.quirks.trigger_failure_error.as_str(),
            "invalid_request" | "server_error"
        ) {
            return fail("Quirks.TriggerFailureError must be invalid_request or server_error");
        }
        Ok(())
    }

    fn validate_pool(&self) -> Result<(), ConfigError> {
        let pool = &self.user_pool;
        let valid_id = pool.user_pool_id.split_once('_').is_some_and(|(r, s)| {
            !r.is_empty() && !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric())
        });
        if !valid_id {
            return fail(format!(
                "UserPoolId {:?} is not {{region}}_{{suffix}}",
                pool.user_pool_id
            ));
        }
        if self.region().is_empty() {
            return fail("Region is empty");
        }
        for attribute in &pool.schema {
            if attribute.name.is_empty() || attribute.name.len() > 20 {
                return fail(format!(
                    "custom attribute name {:?} must have 1 to 20 characters",
                    attribute.name
                ));
            }
            if attribute.max_length() > MAX_ATTRIBUTE_LENGTH {
                return fail(format!(
                    "custom attribute {:?}: MaxLength above {MAX_ATTRIBUTE_LENGTH}",
                    attribute.name
                ));
            }
        }
        for attribute in &pool.username_attributes {
            if attribute != "email" && attribute != "phone_number" {
                return fail(format!(
                    "UsernameAttributes: {attribute:?} is not email or phone_number"
                ));
            }
        }
        if let Some(trigger) = &pool.pre_token_generation_config {
            if trigger.hook_url.is_some() == trigger.response.is_some() {
                return fail("PreTokenGenerationConfig needs exactly one of HookUrl and Response");
            }
            if trigger.lambda_version > Version::V1 && pool.feature_plan == FeaturePlan::Lite {
                return fail(
                    "PreTokenGenerationConfig V2_0/V3_0 needs FeaturePlan ESSENTIALS or PLUS",
                );
            }
            if let Some(url) = &trigger.hook_url {
                if !url.starts_with("http://") {
                    return fail("PreTokenGenerationConfig.HookUrl must be a plain http:// URL");
                }
            }
        }
        Ok(())
    }

    fn validate_client(&self, client: &AppClient) -> Result<(), ConfigError> {
        let id = &client.client_id;
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '+')
        {
            return fail(format!("ClientId {id:?} is not [\\w+]+"));
        }
        if self
            .user_pool_clients
            .iter()
            .filter(|c| &c.client_id == id)
            .count()
            > 1
        {
            return fail(format!("ClientId {id} appears twice"));
        }
        let custom = self.custom_scopes();
        for scope in &client.allowed_oauth_scopes {
            if !RESERVED_SCOPES.contains(&scope.as_str()) && !custom.contains(scope) {
                return fail(format!("client {id}: unknown scope {scope:?}"));
            }
        }
        if client
            .allowed_oauth_flows
            .contains(&OAuthFlow::ClientCredentials)
        {
            if client.client_secret.is_none() {
                return fail(format!(
                    "client {id}: client_credentials needs a ClientSecret"
                ));
            }
            if client.allowed_oauth_flows.len() > 1 {
                return fail(format!(
                    "client {id}: client_credentials cannot be combined with code/implicit"
                ));
            }
        }
        for provider in &client.supported_identity_providers {
            if provider != "COGNITO" && self.identity_provider(provider).is_none() {
                return fail(format!(
                    "client {id}: unknown identity provider {provider:?}"
                ));
            }
        }
        for url in client.callback_urls.iter().chain(&client.logout_urls) {
            if url.is_empty() || url.contains('#') {
                return fail(format!(
                    "client {id}: URL {url:?} is empty or has a fragment"
                ));
            }
        }
        let checks = [
            (
                "AccessTokenValidity",
                client.access_token_seconds(),
                300,
                86_400,
            ),
            ("IdTokenValidity", client.id_token_seconds(), 300, 86_400),
            (
                "RefreshTokenValidity",
                client.refresh_token_seconds(),
                3600,
                3650 * 86_400,
            ),
        ];
        for (name, seconds, min, max) in checks {
            if !(min..=max).contains(&seconds) {
                return fail(format!("client {id}: {name} must be {min}..={max} seconds"));
            }
        }
        if client.refresh_token_rotation.retry_grace_period_seconds > 60 {
            return fail(format!(
                "client {id}: RetryGracePeriodSeconds must be 0..=60"
            ));
        }
        for attribute in client
            .read_attributes
            .iter()
            .chain(&client.write_attributes)
        {
            self.check_attribute_name(attribute)?;
        }
        Ok(())
    }

    fn check_attribute_name(&self, name: &str) -> Result<(), ConfigError> {
        if name.starts_with("custom:") && self.custom_attribute(name).is_none() {
            return fail(format!("unknown custom attribute {name:?}"));
        }
        Ok(())
    }

    /// Checks a user (from the file or seeded at run time) against the pool.
    pub fn check_user(&self, user: &UserConfig) -> Result<(), ConfigError> {
        if user.username.is_empty() {
            return fail("a user has an empty Username");
        }
        for group in &user.groups {
            if self.group(group).is_none() {
                return fail(format!("user {}: unknown group {group:?}", user.username));
            }
        }
        for attribute in &user.user_attributes {
            self.check_attribute_name(&attribute.name)?;
            if !self.attribute_fits(&attribute.name, &attribute.value) {
                return fail(format!(
                    "user {}: {} is longer than {} characters",
                    user.username,
                    attribute.name,
                    self.attribute_max_length(&attribute.name)
                ));
            }
        }
        Ok(())
    }
}

fn validate_idp(idp: &IdentityProvider) -> Result<(), ConfigError> {
    let name = &idp.provider_name;
    if name.is_empty() || name.chars().count() > 40 {
        return fail(format!(
            "ProviderName {name:?} must have 1 to 40 characters"
        ));
    }
    if idp.provider_type != "OIDC" {
        return fail(format!(
            "identity provider {name}: only ProviderType OIDC is emulated"
        ));
    }
    let details = &idp.provider_details;
    let explicit = [
        &details.authorize_url,
        &details.token_url,
        &details.jwks_uri,
    ];
    if details.oidc_issuer.is_none() && explicit.iter().any(|e| e.is_none()) {
        return fail(format!(
            "identity provider {name}: needs oidc_issuer or authorize_url + token_url + jwks_uri"
        ));
    }
    if !matches!(details.attributes_request_method.as_str(), "GET" | "POST") {
        return fail(format!(
            "identity provider {name}: attributes_request_method must be GET or POST"
        ));
    }
    if !details.authorize_scopes.split(' ').any(|s| s == "openid") {
        return fail(format!(
            "identity provider {name}: authorize_scopes must include openid"
        ));
    }
    if idp.idp_identifiers.len() > 50 {
        return fail(format!(
            "identity provider {name}: at most 50 IdpIdentifiers"
        ));
    }
    Ok(())
}

/// A JSON object, the shape of claim sets and trigger payloads.
pub type JsonObject = Map<String, Value>;

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{"UserPool":{"UserPoolId":"us-east-1_Abc123"}}"#;

    #[test]
    fn derives_region_and_issuer() {
        let config = Config::from_json(MINIMAL).unwrap();
        assert_eq!(config.region(), "us-east-1");
        assert_eq!(
            config.issuer(),
            "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc123"
        );
    }

    #[test]
    fn updated_issuer_format() {
        let config = Config::from_json(
            r#"{"UserPool":{"UserPoolId":"eu-west-2_X9","IssuerFormat":"UPDATED"}}"#,
        )
        .unwrap();
        assert_eq!(
            config.issuer(),
            "https://issuer-cognito-idp.eu-west-2.amazonaws.com/eu-west-2_X9"
        );
    }

    #[test]
    fn rejects_unknown_keys_and_bad_references() {
        let typo = r#"{"UserPool":{"UserPoolId":"us-east-1_A","Regoin":"x"}}"#;
        assert!(Config::from_json(typo).unwrap_err().0.contains("Regoin"));
        let bad_scope = r#"{"UserPool":{"UserPoolId":"us-east-1_A"},
            "UserPoolClients":[{"ClientId":"c1","AllowedOAuthScopes":["https://api/x"]}]}"#;
        assert!(Config::from_json(bad_scope)
            .unwrap_err()
            .0
            .contains("unknown scope"));
        let lite_v2 = r#"{"UserPool":{"UserPoolId":"us-east-1_A","FeaturePlan":"LITE",
            "PreTokenGenerationConfig":{"LambdaVersion":"V2_0","Response":{}}}}"#;
        assert!(Config::from_json(lite_v2)
            .unwrap_err()
            .0
            .contains("ESSENTIALS"));
        let m2m_public = r#"{"UserPool":{"UserPoolId":"us-east-1_A"},
            "UserPoolClients":[{"ClientId":"c1","AllowedOAuthFlows":["client_credentials"]}]}"#;
        assert!(Config::from_json(m2m_public)
            .unwrap_err()
            .0
            .contains("ClientSecret"));
        let short = r#"{"UserPool":{"UserPoolId":"us-east-1_A"},
            "UserPoolClients":[{"ClientId":"c1","AccessTokenValidity":1,
            "TokenValidityUnits":{"AccessToken":"minutes"}}]}"#;
        assert!(Config::from_json(short)
            .unwrap_err()
            .0
            .contains("AccessTokenValidity"));
    }

    #[test]
    fn seeded_attributes_fit_their_max_length() {
        let config = |value: &str| {
            Config::from_json(&format!(
                r#"{{"UserPool":{{"UserPoolId":"us-east-1_A","Schema":[{{"Name":"tenant",
                "StringAttributeConstraints":{{"MaxLength":"3"}}}}]}},
                "Users":[{{"Username":"u","UserAttributes":[{{"Name":"custom:tenant","Value":"{value}"}}]}}]}}"#
            ))
        };
        assert!(config("123").is_ok());
        assert_eq!(
            config("1234").unwrap_err().0,
            "user u: custom:tenant is longer than 3 characters"
        );
        let long = "x".repeat(2049);
        let standard = format!(
            r#"{{"UserPool":{{"UserPoolId":"us-east-1_A"}},
            "Users":[{{"Username":"u","UserAttributes":[{{"Name":"name","Value":"{long}"}}]}}]}}"#
        );
        assert_eq!(
            Config::from_json(&standard).unwrap_err().0,
            "user u: name is longer than 2048 characters"
        );
    }

    #[test]
    fn token_validity_units() {
        let config = Config::from_json(
            r#"{"UserPool":{"UserPoolId":"us-east-1_A"},"UserPoolClients":[{"ClientId":"c1",
            "AccessTokenValidity":5,"IdTokenValidity":2,"RefreshTokenValidity":60,
            "TokenValidityUnits":{"AccessToken":"minutes","IdToken":"hours","RefreshToken":"minutes"}}]}"#,
        )
        .unwrap();
        let client = config.client("c1").unwrap();
        assert_eq!(client.access_token_seconds(), 300);
        assert_eq!(client.id_token_seconds(), 7200);
        assert_eq!(client.refresh_token_seconds(), 3600);
        assert!(client.enable_token_revocation);
        assert_eq!(client.supported_identity_providers, vec!["COGNITO"]);
    }

    #[test]
    fn readme_shows_the_default_config() {
        let readme = include_str!("../README.md");
        let start = readme.find("```json\n").expect("a JSON block") + "```json\n".len();
        let end = start + readme[start..].find("```").expect("closed");
        let shown: Value = serde_json::from_str(&readme[start..end]).unwrap();
        let shipped: Value = serde_json::from_str(include_str!("../config/default.json")).unwrap();
        assert_eq!(shown, shipped);
    }

    #[test]
    fn default_config_is_valid() {
        let text = include_str!("../config/default.json");
        let config = Config::from_json(text).unwrap();
        assert!(!config.user_pool_clients.is_empty());
        assert!(!config.users.is_empty());
    }
}
