//! The generic JWT verifier for any OIDC issuer, and Cognito as a thin layer over it
//! (aws-jwt-verify's split): a Cognito pool is two issuer configurations (ORIGINAL and UPDATED
//! issuer formats) with Cognito's claim rules switched on.
//!
//! The verifier is pure: it decodes ([`JwtVerifier::prepare`]), resolves the rules
//! ([`JwtVerifier::rules`]), and checks claims; the caller fetches keys through the
//! [`JwksCache`] state machine and runs the [`super::jwt::SignatureCheck`].

use super::claims::{CognitoRules, Rules};
use super::cognito;
use super::jwks::{JwksCache, JwksPolicy, DEFAULT_PENALTY_BOX_SECONDS};
use super::jwt::{Alg, SignatureCheck, SignedHeader, UntrustedJwt};
use super::limits::Limits;
use super::options::{
    detail, Options, Setting, DEFAULT_CLOCK_SKEW_SECONDS, DEFAULT_FETCH_TIMEOUT_MS,
    DEFAULT_JWKS_MAX_BYTES,
};
use crate::protocol::error::{ClaimError, Error, OptionsError, SignatureError};

/// Tokens longer than this (bytes) have their signature checked before their payload is read,
/// where the verifier allows it ([`JwtVerifier::signature_first`]). Shorter ones are parsed
/// first, so their errors come in aws-jwt-verify's order; their parse is cheap at this size.
pub const SIGNATURE_FIRST_BYTES: usize = 8192;

/// How to fetch a JWKS.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FetchSettings {
    pub timeout_ms: f64,
    pub max_bytes: usize,
}

/// One accepted issuer.
#[derive(Debug, Clone, PartialEq)]
pub struct IssuerConfig {
    /// The exact `iss` value.
    pub issuer: String,
    /// The JWKS URI, or the OIDC discovery URL when `discover` is set.
    pub jwks_uri: String,
    /// `jwks_uri` is `{issuer}/.well-known/openid-configuration`: read `jwks_uri` from it first.
    pub discover: bool,
    /// Index of the options entry (pool) this issuer came from.
    pub pool: usize,
    pub algorithms: Vec<Alg>,
    pub fetch: FetchSettings,
    pub jwks: JwksPolicy,
    /// Cognito claim rules apply.
    pub cognito: bool,
    /// The create-time options (the overridable ones are read per verification).
    pub options: Options,
}

/// Verifies tokens of one or more issuers.
#[derive(Debug, Clone, PartialEq)]
pub struct JwtVerifier {
    configs: Vec<IssuerConfig>,
    limits: Limits,
    pools: usize,
}

/// A decoded token with its issuer configuration and checked `alg`/`kid`.
#[derive(Debug)]
pub struct Prepared<'t> {
    pub jwt: UntrustedJwt<'t>,
    /// Index into [`JwtVerifier::configs`].
    pub config: usize,
    pub alg: Alg,
}

impl Prepared<'_> {
    /// The same decoded token, no longer borrowing the token text (a verification that has to
    /// wait for a key keeps it instead of parsing the token again).
    pub fn into_owned(self) -> Prepared<'static> {
        Prepared {
            jwt: self.jwt.into_owned(),
            config: self.config,
            alg: self.alg,
        }
    }

    /// The header `kid` (checked present by [`JwtVerifier::prepare`]).
    pub fn kid(&self) -> &str {
        self.jwt.header.kid.as_deref().unwrap_or_default()
    }

    /// The signature check. The key for [`Prepared::kid`] must first pass
    /// [`super::jwk::JwkEntry::usable_for`] with [`Prepared::alg`].
    pub fn signature_check(&self) -> SignatureCheck<'_> {
        SignatureCheck {
            alg: self.alg,
            kid: self.kid(),
            signing_input: self.jwt.signing_input.as_bytes(),
            signature: &self.jwt.signature,
        }
    }
}

impl<'t> Prepared<'t> {
    /// This token as verified, given what the check of [`Prepared::signature_check`] answered:
    /// the only way to its claim checks, so a claim error can only come after a good signature.
    pub fn verified(&self, valid: bool) -> Result<VerifiedJwt<'_, 't>, SignatureError> {
        if valid {
            Ok(VerifiedJwt { prepared: self })
        } else {
            Err(SignatureError::Invalid)
        }
    }
}

/// A token whose signature verified ([`Prepared::verified`]).
#[derive(Debug, Clone, Copy)]
pub struct VerifiedJwt<'p, 't> {
    prepared: &'p Prepared<'t>,
}

impl<'t> VerifiedJwt<'_, 't> {
    /// The decoded token.
    pub fn jwt(&self) -> &UntrustedJwt<'t> {
        &self.prepared.jwt
    }

    /// The claim checks of `rules` at `now` (seconds since the epoch).
    pub fn check_claims(&self, rules: &Rules<'_>, now: f64) -> Result<(), ClaimError> {
        rules.validate(&self.prepared.jwt.claims, now)
    }
}

/// Rules for one verification, plus whether errors may carry the decoded token.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resolved<'a> {
    pub rules: Rules<'a>,
    pub include_raw_jwt_in_errors: bool,
}

impl JwtVerifier {
    /// A verifier for Cognito user pools (options need `userPoolId`).
    pub fn cognito(list: Vec<Options>) -> Result<Self, OptionsError> {
        Self::build(list, true)
    }

    /// A verifier for generic OIDC issuers (options need `issuer`; `jwksUri` or discovery).
    pub fn generic(list: Vec<Options>) -> Result<Self, OptionsError> {
        Self::build(list, false)
    }

    fn build(list: Vec<Options>, cognito: bool) -> Result<Self, OptionsError> {
        let mut configs: Vec<IssuerConfig> = Vec::new();
        let mut limits = Limits {
            max_token_length: usize::MAX,
            max_json_depth: usize::MAX,
        };
        let pools = list.len();
        for (pool, o) in list.into_iter().enumerate() {
            let foreign = if cognito {
                o.issuer.is_some() || o.audience != Setting::Unset
            } else {
                o.user_pool_id.is_some()
                    || o.token_use != Setting::Unset
                    || o.client_id != Setting::Unset
                    || o.groups != Setting::Unset
            };
            if foreign {
                return Err(detail(if cognito {
                    "issuer and audience are options of the generic verifier"
                } else {
                    "userPoolId, tokenUse, clientId and groups are options of the cognito verifier"
                }));
            }
            let defaults = Limits::default();
            limits.max_token_length = limits
                .max_token_length
                .min(o.max_token_length.unwrap_or(defaults.max_token_length));
            limits.max_json_depth = limits
                .max_json_depth
                .min(o.max_json_depth.unwrap_or(defaults.max_json_depth));
            let algorithms = match &o.algorithms {
                None => vec![Alg::Rs256],
                Some(names) if names.is_empty() => return Err(detail("algorithms is empty")),
                Some(names) => names
                    .iter()
                    .map(|n| {
                        Alg::from_name(n)
                            .ok_or_else(|| OptionsError::UnsupportedAlgorithm { alg: n.clone() })
                    })
                    .collect::<Result<_, _>>()?,
            };
            let issuers: Vec<(String, String, bool)> = if cognito {
                let id = o
                    .user_pool_id
                    .as_deref()
                    .ok_or(detail("userPoolId is required"))?;
                cognito::issuers(id)?
                    .into_iter()
                    .map(|iss| {
                        let uri = o
                            .jwks_uri
                            .clone()
                            .unwrap_or_else(|| cognito::jwks_uri(&iss));
                        (iss, uri, false)
                    })
                    .collect()
            } else {
                let iss = o.issuer.clone().ok_or(detail("issuer is required"))?;
                vec![match &o.jwks_uri {
                    Some(uri) => (iss, uri.clone(), false),
                    None => {
                        let base = iss.trim_end_matches('/');
                        let uri = format!("{base}/.well-known/openid-configuration");
                        (iss, uri, true)
                    }
                }]
            };
            for (issuer, jwks_uri, discover) in issuers {
                if configs.iter().any(|c| c.issuer == issuer) {
                    return Err(detail("the same issuer is configured twice"));
                }
                configs.push(IssuerConfig {
                    issuer,
                    jwks_uri,
                    discover,
                    pool,
                    algorithms: algorithms.clone(),
                    fetch: FetchSettings {
                        timeout_ms: o.jwks_fetch_timeout_ms.unwrap_or(DEFAULT_FETCH_TIMEOUT_MS),
                        max_bytes: o.jwks_max_bytes.unwrap_or(DEFAULT_JWKS_MAX_BYTES),
                    },
                    jwks: JwksPolicy {
                        penalty_box_seconds: o
                            .penalty_box_seconds
                            .unwrap_or(DEFAULT_PENALTY_BOX_SECONDS),
                        max_age_seconds: o.jwks_max_age_seconds,
                    },
                    cognito,
                    options: o.clone(),
                });
            }
        }
        Ok(JwtVerifier {
            configs,
            limits,
            pools,
        })
    }

    /// The issuer configurations.
    pub fn configs(&self) -> &[IssuerConfig] {
        &self.configs
    }

    /// The limits (the strictest over all configurations).
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The index of the first configuration of each distinct JWKS URI, in order (configurations
    /// may share one: a Cognito pool with `jwksUri` set).
    pub fn distinct_jwks(&self) -> impl Iterator<Item = usize> + '_ {
        let c = &self.configs;
        (0..c.len()).filter(move |&i| !c[..i].iter().any(|o| o.jwks_uri == c[i].jwks_uri))
    }

    /// An empty JWKS cache with one state per JWKS URI.
    pub fn new_cache(&self) -> JwksCache {
        let mut cache = JwksCache::default();
        for c in &self.configs {
            cache.ensure(&c.jwks_uri, c.jwks);
        }
        cache
    }

    /// Checks limits, decodes the token, picks the issuer configuration by `iss` (a verifier
    /// with one pool or issuer uses it whatever `iss` says; the issuer check comes later) and
    /// checks `alg` and `kid`.
    pub fn prepare<'t>(&self, token: &'t str) -> Result<Prepared<'t>, Error> {
        let jwt = UntrustedJwt::parse(token, &self.limits)?;
        let iss = jwt.claims.iss.as_deref();
        let config = match self
            .configs
            .iter()
            .position(|c| Some(c.issuer.as_str()) == iss)
        {
            Some(i) => i,
            None if self.pools == 1 => 0,
            None => return Err(OptionsError::IssuerNotConfigured.into()),
        };
        let (alg, _) = jwt.alg_and_kid(&self.configs[config].algorithms)?;
        Ok(Prepared { jwt, config, alg })
    }

    /// For a token longer than [`SIGNATURE_FIRST_BYTES`] when every configuration shares one key
    /// set (one issuer, or one user pool: its two issuer formats serve the pool's keys): the
    /// header and signature, with `alg` and `kid` checked, so that the signature is checked
    /// before the payload is read. A junk payload then costs what its signature check costs,
    /// never a parse. `None` for other tokens and verifiers: [`JwtVerifier::prepare`] picks the
    /// configuration from the payload's `iss` first.
    pub fn signature_first<'t>(
        &self,
        token: &'t str,
    ) -> Result<Option<(SignedHeader<'t>, Alg)>, Error> {
        if token.len() <= SIGNATURE_FIRST_BYTES || self.pools != 1 {
            return Ok(None);
        }
        let signed = SignedHeader::parse(token, &self.limits)?;
        // one pool: every configuration has the same algorithms
        let (alg, _) = signed.header.alg_and_kid(&self.configs[0].algorithms)?;
        Ok(Some((signed, alg)))
    }

    /// The rules for configuration `config`, with verify-time `overrides` taking precedence.
    pub fn rules<'a>(
        &'a self,
        config: usize,
        overrides: Option<&'a Options>,
    ) -> Result<Resolved<'a>, OptionsError> {
        let cfg = &self.configs[config];
        let base = &cfg.options;
        macro_rules! pick {
            ($field:ident) => {
                overrides.map_or(&base.$field, |o| o.$field.or(&base.$field))
            };
        }
        macro_rules! pick_value {
            ($field:ident) => {
                overrides.and_then(|o| o.$field).or(base.$field)
            };
        }
        let cognito = if cfg.cognito {
            Some(CognitoRules {
                token_use: required(pick!(token_use), OptionsError::MissingTokenUse)?.copied(),
                client_ids: required(pick!(client_id), OptionsError::MissingClientId)?
                    .map(Vec::as_slice),
                groups: pick!(groups).value(),
            })
        } else {
            None
        };
        let audience = if cfg.cognito {
            None
        } else {
            required(pick!(audience), OptionsError::MissingAudience)?.map(Vec::as_slice)
        };
        Ok(Resolved {
            rules: Rules {
                issuers: std::slice::from_ref(&cfg.issuer),
                audience,
                scope: pick!(scope).value(),
                grace_seconds: pick_value!(grace_seconds).unwrap_or(0.0),
                clock_skew_seconds: pick_value!(clock_skew_seconds)
                    .unwrap_or(DEFAULT_CLOCK_SKEW_SECONDS),
                cognito,
            },
            include_raw_jwt_in_errors: pick_value!(include_raw_jwt_in_errors).unwrap_or(false),
        })
    }

    /// The JWKS URIs `cacheJwks(jwks, id)` fills: those of the configurations whose issuer or
    /// user pool ID is `id`; without `id`, those of the only pool/issuer.
    pub fn jwks_uris_for(&self, id: Option<&str>) -> Result<Vec<&str>, OptionsError> {
        let pools: Vec<usize> = match id {
            None if self.pools == 1 => vec![0],
            None => {
                return Err(detail(
                    "an issuer or user pool id is required when several are configured",
                ))
            }
            Some(id) => self
                .configs
                .iter()
                .filter(|c| c.issuer == id || c.options.user_pool_id.as_deref() == Some(id))
                .map(|c| c.pool)
                .collect(),
        };
        let mut uris: Vec<&str> = Vec::new();
        for c in self.configs.iter().filter(|c| pools.contains(&c.pool)) {
            if !uris.contains(&c.jwks_uri.as_str()) {
                uris.push(&c.jwks_uri);
            }
        }
        if uris.is_empty() {
            return Err(OptionsError::IssuerNotConfigured);
        }
        Ok(uris)
    }
}

fn required<T>(s: &Setting<T>, missing: OptionsError) -> Result<Option<&T>, OptionsError> {
    match s {
        Setting::Unset => Err(missing),
        Setting::Null => Ok(None),
        Setting::Value(v) => Ok(Some(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::error::KeyError;
    use crate::protocol::verify::claims::TokenUse;

    fn cognito(json: &str) -> Result<JwtVerifier, OptionsError> {
        JwtVerifier::cognito(Options::parse_list(json)?)
    }

    #[test]
    fn cognito_pool_becomes_two_issuers() {
        let v =
            cognito(r#"{"userPoolId":"us-east-1_abc","tokenUse":"id","clientId":"c"}"#).unwrap();
        let issuers: Vec<&str> = v.configs().iter().map(|c| c.issuer.as_str()).collect();
        assert_eq!(
            issuers,
            [
                "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc",
                "https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_abc"
            ]
        );
        assert_eq!(
            v.configs()[1].jwks_uri,
            "https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_abc/.well-known/jwks.json"
        );
        let r = v.rules(0, None).unwrap();
        assert_eq!(r.rules.cognito.unwrap().token_use, Some(TokenUse::Id));
        assert_eq!(r.rules.clock_skew_seconds, 30.0);
        assert!(!r.include_raw_jwt_in_errors);
        assert_eq!(v.jwks_uris_for(None).unwrap().len(), 2);
        assert_eq!(v.jwks_uris_for(Some("us-east-1_abc")).unwrap().len(), 2);
        assert_eq!(
            v.jwks_uris_for(Some("nope")),
            Err(OptionsError::IssuerNotConfigured)
        );
    }

    #[test]
    fn signature_first_for_long_tokens_of_one_key_set() {
        let enc = |s: &str| crate::protocol::codec::b64::encode(s.as_bytes());
        let long = |header: &str| {
            let payload = "!".repeat(SIGNATURE_FIRST_BYTES);
            format!("{}.{payload}.c2ln", enc(header))
        };
        let header = r#"{"alg":"RS256","kid":"k1"}"#;
        let one = cognito(r#"{"userPoolId":"us-east-1_abc"}"#).unwrap();
        let token = long(header);
        let (signed, alg) = one.signature_first(&token).unwrap().unwrap();
        assert_eq!(
            (alg, signed.header.kid.as_deref()),
            (Alg::Rs256, Some("k1"))
        );
        // the header is still checked: alg allow-list, kid
        let hs = long(r#"{"alg":"HS256","kid":"k1"}"#);
        let err = one.signature_first(&hs).map(|s| s.is_some());
        assert!(matches!(
            err,
            Err(Error::Key(KeyError::AlgNotAllowed { .. }))
        ));
        let no_kid = long(r#"{"alg":"RS256"}"#);
        let err = one.signature_first(&no_kid).map(|s| s.is_some());
        assert_eq!(err, Err(Error::Key(KeyError::MissingKid)));
        // a short token, or a verifier of several pools: the payload first
        let short = format!("{}.{}.c2ln", enc(header), enc("{}"));
        assert!(one.signature_first(&short).unwrap().is_none());
        let two =
            cognito(r#"[{"userPoolId":"us-east-1_abc"},{"userPoolId":"us-east-1_def"}]"#).unwrap();
        assert!(two.signature_first(&long(header)).unwrap().is_none());
        let generic = JwtVerifier::generic(
            Options::parse_list(r#"{"issuer":"https://i","jwksUri":"https://i/k"}"#).unwrap(),
        )
        .unwrap();
        assert!(generic.signature_first(&long(header)).unwrap().is_some());
    }

    #[test]
    fn claims_are_checked_only_through_a_verified_token() {
        let enc = |s: &str| crate::protocol::codec::b64::encode(s.as_bytes());
        let v =
            cognito(r#"{"userPoolId":"us-east-1_abc","tokenUse":"id","clientId":"c"}"#).unwrap();
        // expired: the claim error exists, but only a verified token can report it
        let t = format!(
            "{}.{}.c2ln",
            enc(r#"{"alg":"RS256","kid":"k"}"#),
            enc(r#"{"iss":"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc","exp":5}"#)
        );
        let prepared = v.prepare(&t).unwrap();
        let rules = v.rules(prepared.config, None).unwrap().rules;
        assert!(!rules.admits(&prepared.jwt.claims, 10.0));
        assert_eq!(
            prepared.verified(false).unwrap_err(),
            SignatureError::Invalid
        );
        let verified = prepared.verified(true).unwrap();
        assert!(matches!(
            verified.check_claims(&rules, 10.0),
            Err(ClaimError::Expired { .. })
        ));
    }

    #[test]
    fn token_use_and_client_id_must_be_given_or_null() {
        let v = cognito(r#"{"userPoolId":"us-east-1_abc"}"#).unwrap();
        assert_eq!(v.rules(0, None), Err(OptionsError::MissingTokenUse));
        let o = Options::parse_overrides(r#"{"tokenUse":null}"#).unwrap();
        assert_eq!(v.rules(0, Some(&o)), Err(OptionsError::MissingClientId));
        let o = Options::parse_overrides(r#"{"tokenUse":null,"clientId":null,"graceSeconds":3}"#)
            .unwrap();
        let r = v.rules(0, Some(&o)).unwrap();
        assert_eq!(r.rules.cognito.unwrap().token_use, None);
        assert_eq!(r.rules.cognito.unwrap().client_ids, None);
        assert_eq!(r.rules.grace_seconds, 3.0);
    }

    #[test]
    fn option_validation() {
        assert_eq!(
            cognito(r#"{"userPoolId":"bad"}"#),
            Err(OptionsError::InvalidUserPoolId)
        );
        assert_eq!(
            cognito(r#"{"userPoolId":"us-east-1_a","algorithms":["HS256"]}"#),
            Err(OptionsError::UnsupportedAlgorithm {
                alg: "HS256".into()
            })
        );
        assert!(matches!(
            cognito(r#"{"userPoolId":"us-east-1_a","issuer":"x"}"#),
            Err(OptionsError::Invalid { .. })
        ));
        assert!(matches!(
            cognito(r#"[{"userPoolId":"us-east-1_a"},{"userPoolId":"us-east-1_a"}]"#),
            Err(OptionsError::Invalid { .. })
        ));
        assert!(matches!(
            JwtVerifier::generic(Options::parse_list(r#"{"issuer":"x","tokenUse":"id"}"#).unwrap()),
            Err(OptionsError::Invalid { .. })
        ));
    }

    #[test]
    fn generic_discovery_audience_and_limits() {
        let list = Options::parse_list(
            r#"[{"issuer":"https://idp/","audience":null,"maxTokenLength":100},
                {"issuer":"https://b","jwksUri":"https://b/keys","audience":["x"],"maxJsonDepth":4}]"#,
        )
        .unwrap();
        let v = JwtVerifier::generic(list).unwrap();
        let c = &v.configs()[0];
        assert_eq!(c.jwks_uri, "https://idp/.well-known/openid-configuration");
        assert!(c.discover);
        assert!(!v.configs()[1].discover);
        assert_eq!(
            v.limits(),
            Limits {
                max_token_length: 100,
                max_json_depth: 4
            }
        );
        assert_eq!(v.rules(0, None).unwrap().rules.audience, None);
        assert_eq!(
            v.rules(1, None).unwrap().rules.audience,
            Some(&["x".to_owned()][..])
        );
        assert!(v.jwks_uris_for(None).is_err());
        assert_eq!(
            v.jwks_uris_for(Some("https://b")).unwrap(),
            ["https://b/keys"]
        );
        let v = JwtVerifier::generic(Options::parse_list(r#"{"issuer":"i"}"#).unwrap()).unwrap();
        assert_eq!(v.rules(0, None), Err(OptionsError::MissingAudience));
    }
}
