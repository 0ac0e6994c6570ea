//! Users, their attributes, and how attributes surface in tokens and userInfo
//! (docs/cognito.md#userinfo-endpoint, #id-token-claims, #the-identities-claim,
//! #federated-users, #attribute-mapping-and-idp-tokens).

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::config::{Config, IdentityProvider, JsonObject, UserConfig};
use crate::http::format_uuid;

/// The exact error Cognito gives when an attribute value is too long
/// (docs/cognito.md#attribute-mapping-and-idp-tokens).
pub const ATTRIBUTE_TOO_LONG: &str = "String attributes cannot have a length of more than 2048";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub username: String,
    pub password: Option<String>,
    /// Stored attribute strings, including `sub` (and `identities` for federated users).
    pub attributes: BTreeMap<String, String>,
    pub groups: Vec<String>,
    pub enabled: bool,
    pub status: String,
    /// Access tokens issued before this emulator time are dead (`GlobalSignOut`).
    pub signed_out_at: Option<i64>,
}

impl User {
    /// A configured (or seeded) user. With `UsernameAttributes`, a `Username` that looks like an
    /// email (or a phone number) fills that attribute, and the stored username is the `sub`.
    pub fn from_config(pool: &Config, config: &UserConfig) -> User {
        let mut attributes: BTreeMap<String, String> = config
            .user_attributes
            .iter()
            .map(|a| (a.name.clone(), a.value.clone()))
            .collect();
        let sub = attributes
            .entry("sub".into())
            .or_insert_with(|| stable_sub(&pool.user_pool.user_pool_id, &config.username))
            .clone();
        let alias = pool.user_pool.username_attributes.iter().find(|a| {
            let is_email = config.username.contains('@');
            (a.as_str() == "email") == is_email
        });
        let username = match alias {
            Some(attribute) => {
                attributes
                    .entry(attribute.clone())
                    .or_insert_with(|| config.username.clone());
                sub
            }
            None if pool.user_pool.username_attributes.is_empty() => config.username.clone(),
            None => sub,
        };
        User {
            username,
            password: config.password.clone(),
            attributes,
            groups: config.groups.clone(),
            enabled: config.enabled,
            status: config
                .user_status
                .clone()
                .unwrap_or_else(|| "CONFIRMED".into()),
            signed_out_at: None,
        }
    }

    pub fn sub(&self) -> &str {
        self.attributes.get("sub").map_or("", String::as_str)
    }

    /// `userAttributes` of a trigger event: every stored attribute plus `cognito:user_status`.
    pub fn event_attributes(&self) -> HashMap<String, String> {
        let mut map: HashMap<String, String> = self
            .attributes
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        map.insert("cognito:user_status".into(), self.status.clone());
        map
    }
}

/// A stable UUID for a configured user, so `sub` survives restarts.
pub fn stable_sub(pool_id: &str, username: &str) -> String {
    let digest = Sha256::digest(format!("{pool_id}\0{username}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    format_uuid(bytes)
}

pub const PROFILE: [&str; 15] = [
    "name",
    "family_name",
    "given_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "updated_at",
    "address",
];

/// Whether `scopes` (None: API-issued, no scope filter) reveal `attribute`
/// (docs/cognito.md#userinfo-endpoint).
pub fn scope_reveals(scopes: Option<&[String]>, attribute: &str) -> bool {
    // `identities` links a federated user to its IdP: it is in every ID token, whatever the scope.
    let Some(scopes) = scopes.filter(|_| attribute != "identities") else {
        return true;
    };
    let has = |s: &str| scopes.iter().any(|x| x == s);
    if !has("profile") && !has("email") && !has("phone") {
        // `openid` alone: every readable attribute.
        return true;
    }
    match attribute {
        "email" | "email_verified" => has("email"),
        "phone_number" | "phone_number_verified" => has("phone"),
        a if a.starts_with("custom:") || PROFILE.contains(&a) => has("profile"),
        _ => false,
    }
}

/// The attributes a client may see for these scopes, as stored strings (sub excluded).
pub fn visible_attributes<'a>(
    user: &'a User,
    scopes: Option<&'a [String]>,
    can_read: impl Fn(&str) -> bool + 'a,
) -> impl Iterator<Item = (&'a String, &'a String)> + 'a {
    user.attributes
        .iter()
        .filter(move |(name, _)| name.as_str() != "sub")
        .filter(move |(name, _)| can_read(name) && scope_reveals(scopes, name))
}

/// An attribute's ID-token form: booleans for `*_verified`, a number for `updated_at`, an object
/// for `address`, token-form `identities`, strings otherwise (custom:* always strings).
pub fn token_claim(name: &str, value: &str) -> Value {
    if name.starts_with("custom:") {
        return json!(value);
    }
    match name {
        "email_verified" | "phone_number_verified" => json!(value == "true"),
        "updated_at" => value
            .parse::<i64>()
            .map_or_else(|_| json!(value), |n| json!(n)),
        "address" => match serde_json::from_str::<Value>(value) {
            Ok(object @ Value::Object(_)) => object,
            _ => json!({ "formatted": value }),
        },
        "identities" => identities_token_form(value),
        _ => json!(value),
    }
}

/// `identities` attribute (JSON string, `primary` bool, `dateCreated` number) → token form (array,
/// `primary` and `dateCreated` strings) (docs/cognito.md#the-identities-claim).
pub fn identities_token_form(attribute: &str) -> Value {
    let Ok(Value::Array(entries)) = serde_json::from_str::<Value>(attribute) else {
        return json!(attribute);
    };
    let entries = entries
        .into_iter()
        .map(|mut entry| {
            if let Value::Object(map) = &mut entry {
                for key in ["primary", "dateCreated"] {
                    if let Some(value) = map.get_mut(key) {
                        if !value.is_string() {
                            *value = json!(value.to_string());
                        }
                    }
                }
            }
            entry
        })
        .collect();
    Value::Array(entries)
}

/// Why a federated sign-in cannot create or update its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FederationUserError(pub String);

/// The input of [`plan_federated_user`]: who signed in at which IdP.
pub struct FederatedSignIn<'a> {
    pub config: &'a Config,
    pub idp: &'a IdentityProvider,
    /// The IdP's merged claims (ID token + userInfo), plus `id_token` / `access_token` holding the
    /// IdP's raw tokens so `AttributeMapping` can copy them into custom attributes.
    pub claims: &'a JsonObject,
    /// Emulator time in milliseconds (for `identities[].dateCreated`).
    pub now_ms: i64,
}

impl FederatedSignIn<'_> {
    /// The IdP subject (the claim `username` is mapped to; `sub` by default).
    pub fn subject(&self) -> Result<String, FederationUserError> {
        let claim = self.idp.username_claim();
        match self.claims.get(claim) {
            Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
            Some(Value::Number(n)) => Ok(n.to_string()),
            _ => Err(FederationUserError(format!(
                "the IdP did not provide the {claim} claim"
            ))),
        }
    }

    /// `{ProviderName}_{subject}`, lowercased when the quirk asks and the pool is case-insensitive.
    pub fn username(&self) -> Result<String, FederationUserError> {
        let name = format!("{}_{}", self.idp.provider_name, self.subject()?);
        let lower = self.config.quirks.lowercase_federated_usernames
            && !self.config.user_pool.username_configuration.case_sensitive;
        Ok(if lower { name.to_lowercase() } else { name })
    }
}

/// Creates or updates the federated user `{Provider}_{sub}` (docs/cognito.md#federated-users,
/// #attribute-mapping-and-idp-tokens): mapped attributes are rewritten at every sign-in (missing
/// claims keep old values), immutable custom attributes are only set at creation, values over the
/// limit fail with [`ATTRIBUTE_TOO_LONG`], the user joins `{poolId}_{ProviderName}`, and
/// `identities` is recorded.
pub fn plan_federated_user(
    sign_in: &FederatedSignIn<'_>,
    existing: Option<&User>,
) -> Result<User, FederationUserError> {
    let config = sign_in.config;
    let pool_id = &config.user_pool.user_pool_id;
    let username = sign_in.username()?;
    let subject = sign_in.subject()?;
    let mut user = match existing {
        Some(user) => user.clone(),
        None => User {
            username: username.clone(),
            password: None,
            attributes: BTreeMap::from([("sub".to_owned(), crate::http::uuid_v4())]),
            groups: Vec::new(),
            enabled: true,
            status: "EXTERNAL_PROVIDER".into(),
            signed_out_at: None,
        },
    };
    for (attribute, claim) in &sign_in.idp.attribute_mapping {
        if attribute == "username" {
            continue;
        }
        let Some(value) = sign_in.claims.get(claim) else {
            continue;
        };
        let value = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if !config.attribute_fits(attribute, &value) {
            return Err(FederationUserError(ATTRIBUTE_TOO_LONG.into()));
        }
        let immutable = config
            .custom_attribute(attribute)
            .is_some_and(|a| !a.mutable);
        if existing.is_some() && immutable {
            continue;
        }
        user.attributes.insert(attribute.clone(), value);
    }
    if !user.attributes.contains_key("email_verified") && user.attributes.contains_key("email") {
        user.attributes
            .insert("email_verified".into(), "false".into());
    }
    let group = sign_in.idp.group_name(pool_id);
    if !user.groups.contains(&group) {
        user.groups.push(group);
    }
    if existing.is_none() {
        let identities = json!([{
            "userId": subject,
            "providerName": sign_in.idp.provider_name,
            "providerType": sign_in.idp.provider_type,
            "issuer": null,
            "primary": true,
            "dateCreated": sign_in.now_ms,
        }]);
        user.attributes
            .insert("identities".into(), identities.to_string());
    }
    Ok(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::from_json(
            r#"{"UserPool":{"UserPoolId":"us-east-1_Pool1","Schema":[
                {"Name":"id_token","Mutable":true},
                {"Name":"tenant","Mutable":false},
                {"Name":"short","StringAttributeConstraints":{"MaxLength":"4"}}]},
              "IdentityProviders":[{"ProviderName":"Corp","ProviderDetails":{
                "client_id":"c","oidc_issuer":"http://127.0.0.1:1"},
                "AttributeMapping":{"email":"email","custom:id_token":"id_token",
                  "custom:tenant":"tenant","custom:short":"short"}}]}"#,
        )
        .unwrap()
    }

    fn claims(pairs: &[(&str, &str)]) -> JsonObject {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), json!(v)))
            .collect()
    }

    #[test]
    fn creates_and_updates_federated_users() {
        let config = config();
        let idp = &config.identity_providers[0];
        let first = claims(&[
            ("sub", "00uAbC"),
            ("email", "a@corp"),
            ("id_token", "t1"),
            ("tenant", "7"),
        ]);
        let sign_in = FederatedSignIn {
            config: &config,
            idp,
            claims: &first,
            now_ms: 1_700_000_000_123,
        };
        let user = plan_federated_user(&sign_in, None).unwrap();
        assert_eq!(user.username, "Corp_00uAbC");
        assert_eq!(user.status, "EXTERNAL_PROVIDER");
        assert_eq!(user.groups, vec!["us-east-1_Pool1_Corp"]);
        assert_eq!(user.attributes["custom:tenant"], "7");
        assert_eq!(user.attributes["email_verified"], "false");
        let identities = identities_token_form(&user.attributes["identities"]);
        assert_eq!(identities[0]["primary"], "true");
        assert_eq!(identities[0]["dateCreated"], "1700000000123");
        assert_eq!(identities[0]["issuer"], Value::Null);

        let second = claims(&[("sub", "00uAbC"), ("id_token", "t2"), ("tenant", "8")]);
        let sign_in = FederatedSignIn {
            config: &config,
            idp,
            claims: &second,
            now_ms: 0,
        };
        let updated = plan_federated_user(&sign_in, Some(&user)).unwrap();
        assert_eq!(updated.attributes["custom:id_token"], "t2");
        assert_eq!(
            updated.attributes["custom:tenant"], "7",
            "immutable keeps its first value"
        );
        assert_eq!(
            updated.attributes["email"], "a@corp",
            "missing claim keeps the old value"
        );
        assert_eq!(updated.sub(), user.sub());
        assert_eq!(updated.groups.len(), 1);
    }

    #[test]
    fn too_long_values_fail_with_cognitos_text() {
        let config = config();
        let idp = &config.identity_providers[0];
        let plan = |pairs: &[(&str, &str)]| {
            let claims = claims(pairs);
            let sign_in = FederatedSignIn {
                config: &config,
                idp,
                claims: &claims,
                now_ms: 0,
            };
            plan_federated_user(&sign_in, None)
        };
        let long = "x".repeat(2049);
        assert_eq!(
            plan(&[("sub", "s"), ("id_token", &long)]).unwrap_err().0,
            "String attributes cannot have a length of more than 2048"
        );
        // Exactly 2048 passes; an attribute's own smaller MaxLength fails; no `sub` fails.
        assert!(plan(&[("sub", "s"), ("id_token", &long[..2048])]).is_ok());
        assert!(plan(&[("sub", "s"), ("short", "12345")]).is_err());
        assert!(plan(&[("email", "x")]).unwrap_err().0.contains("sub"));
    }

    #[test]
    fn lowercases_usernames_when_asked() {
        let mut config = config();
        config.quirks.lowercase_federated_usernames = true;
        let idp = config.identity_providers[0].clone();
        let c = claims(&[("sub", "PY5dp")]);
        let sign_in = FederatedSignIn {
            config: &config,
            idp: &idp,
            claims: &c,
            now_ms: 0,
        };
        assert_eq!(sign_in.username().unwrap(), "corp_py5dp");
    }

    #[test]
    fn scope_filtering_and_claim_types() {
        let openid = vec!["openid".to_owned()];
        let email = vec!["openid".to_owned(), "email".to_owned()];
        assert!(scope_reveals(Some(&openid), "custom:x"));
        assert!(scope_reveals(Some(&email), "email_verified"));
        assert!(!scope_reveals(Some(&email), "name"));
        assert!(!scope_reveals(Some(&email), "custom:x"));
        assert!(scope_reveals(None, "phone_number"));
        assert!(scope_reveals(Some(&email), "identities"));
        assert_eq!(token_claim("email_verified", "true"), json!(true));
        assert_eq!(token_claim("custom:n", "42"), json!("42"));
        assert_eq!(token_claim("updated_at", "1700"), json!(1700));
        assert_eq!(
            token_claim("address", "1 Main St"),
            json!({"formatted": "1 Main St"})
        );
        assert_eq!(stable_sub("p", "u"), stable_sub("p", "u"));
        assert_ne!(stable_sub("p", "u"), stable_sub("p", "v"));
    }
}
