//! Verifier options, parsed from the JSON of the JS options object (`JSON.stringify` drops the
//! function-valued options `fetch` and `customJwtCheck`, which the wasm layer reads itself).
//!
//! `undefined` (absent) and `null` differ: `tokenUse`, `clientId` (Cognito) and `audience`
//! (generic) must be given at create or verify time, or set to `null` to skip the check
//! (aws-jwt-verify's rule). See `docs/verifier-api.md` for every option and default.

use super::claims::{Match, TokenUse};
use crate::protocol::codec::json::{JsonError, Reader, Res, MAX_NESTING};
use crate::protocol::error::OptionsError;

/// Default `clockSkewSeconds`: how far in the future `iat` may be.
pub const DEFAULT_CLOCK_SKEW_SECONDS: f64 = 30.0;
/// Default `jwksFetchTimeoutMs`.
pub const DEFAULT_FETCH_TIMEOUT_MS: f64 = 3_000.0;
/// Default `jwksMaxBytes`: the largest JWKS or discovery body accepted.
pub const DEFAULT_JWKS_MAX_BYTES: usize = 262_144;

/// An option that distinguishes "not given" from an explicit `null`.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Setting<T> {
    #[default]
    Unset,
    Null,
    Value(T),
}

impl<T> Setting<T> {
    /// `null` or a value read by `read`.
    fn read<'a>(r: &mut Reader<'a>, read: impl FnOnce(&mut Reader<'a>) -> Res<T>) -> Res<Self> {
        if r.null()? {
            return Ok(Setting::Null);
        }
        read(r).map(Setting::Value)
    }

    /// `self` unless it is [`Setting::Unset`], else `base`.
    pub fn or<'a>(&'a self, base: &'a Setting<T>) -> &'a Setting<T> {
        match self {
            Setting::Unset => base,
            _ => self,
        }
    }

    /// `Some(value)` for a value, `None` for unset or null.
    pub fn value(&self) -> Option<&T> {
        match self {
            Setting::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// Options of one pool or issuer (`RawVerifier.cognito` / `RawVerifier.generic`); the same type
/// holds verify-time overrides, where only the overridable fields may be set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options {
    /// Cognito: required.
    pub user_pool_id: Option<String>,
    /// Generic: required.
    pub issuer: Option<String>,
    /// Allowed header `alg` values; default `["RS256"]`.
    pub algorithms: Option<Vec<String>>,
    pub jwks_uri: Option<String>,
    pub penalty_box_seconds: Option<f64>,
    pub jwks_max_age_seconds: Option<f64>,
    pub jwks_fetch_timeout_ms: Option<f64>,
    pub jwks_max_bytes: Option<usize>,
    pub max_token_length: Option<usize>,
    pub max_json_depth: Option<usize>,
    // Overridable per verify call.
    pub token_use: Setting<TokenUse>,
    pub client_id: Setting<Vec<String>>,
    pub audience: Setting<Vec<String>>,
    pub scope: Setting<Match>,
    pub groups: Setting<Match>,
    pub grace_seconds: Option<f64>,
    pub clock_skew_seconds: Option<f64>,
    pub include_raw_jwt_in_errors: Option<bool>,
}

impl Options {
    /// Parses one options object or an array of them (several pools/issuers).
    pub fn parse_list(json: &str) -> Result<Vec<Options>, OptionsError> {
        let mut list = Vec::new();
        let mut problem = None;
        Reader::document(json, |r| {
            if r.peek() == Some(b'[') {
                r.array(|r| Options::read(r, &mut problem).map(|o| list.push(o)))
            } else {
                Options::read(r, &mut problem).map(|o| list.push(o))
            }
        })
        .map_err(|e| invalid(e, problem))?;
        if list.is_empty() {
            return Err(detail("at least one configuration is required"));
        }
        for o in &list {
            o.check_numbers()?;
        }
        Ok(list)
    }

    /// Reads one options object; `problem` names the first bad option.
    fn read(r: &mut Reader<'_>, problem: &mut Option<String>) -> Res<Options> {
        let mut o = Options::default();
        r.object(|r, key| {
            let known = o.set(r, &key);
            if !matches!(known, Ok(true)) && problem.is_none() {
                *problem = Some(match known {
                    Ok(_) => format!("unknown option {key}"),
                    Err(_) => format!("{key} has an invalid type or value"),
                });
            }
            known?.then_some(()).ok_or(JsonError::Type)
        })?;
        Ok(o)
    }

    /// Reads the value of option `key`; `Ok(false)` for an unknown name.
    fn set(&mut self, r: &mut Reader<'_>, key: &str) -> Res<bool> {
        match key {
            "userPoolId" => self.user_pool_id = r.opt_str()?,
            "issuer" => self.issuer = r.opt_str()?,
            "algorithms" => self.algorithms = r.opt_strings()?,
            "jwksUri" => self.jwks_uri = r.opt_str()?,
            "penaltyBoxSeconds" => self.penalty_box_seconds = r.opt_num()?,
            "jwksMaxAgeSeconds" => self.jwks_max_age_seconds = r.opt_num()?,
            "jwksFetchTimeoutMs" => self.jwks_fetch_timeout_ms = r.opt_num()?,
            "jwksMaxBytes" => self.jwks_max_bytes = count(r)?,
            "maxTokenLength" => self.max_token_length = count(r)?,
            "maxJsonDepth" => self.max_json_depth = count(r)?,
            "tokenUse" => self.token_use = Setting::read(r, TokenUse::read)?,
            "clientId" => self.client_id = Setting::read(r, Reader::strings)?,
            "audience" => self.audience = Setting::read(r, Reader::strings)?,
            "scope" => self.scope = Setting::read(r, Match::read)?,
            "groups" => self.groups = Setting::read(r, Match::read)?,
            "graceSeconds" => self.grace_seconds = r.opt_num()?,
            "clockSkewSeconds" => self.clock_skew_seconds = r.opt_num()?,
            "includeRawJwtInErrors" => self.include_raw_jwt_in_errors = r.opt_bool()?,
            _ => {
                r.skip()?;
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Parses verify-time overrides (`verify(token, overrides)`).
    pub fn parse_overrides(json: &str) -> Result<Options, OptionsError> {
        let mut problem = None;
        let o = Reader::document(json, |r| Options::read(r, &mut problem))
            .map_err(|e| invalid(e, problem))?;
        o.check_numbers()?;
        let overridable = Options {
            token_use: o.token_use.clone(),
            client_id: o.client_id.clone(),
            audience: o.audience.clone(),
            scope: o.scope.clone(),
            groups: o.groups.clone(),
            grace_seconds: o.grace_seconds,
            clock_skew_seconds: o.clock_skew_seconds,
            include_raw_jwt_in_errors: o.include_raw_jwt_in_errors,
            ..Options::default()
        };
        if overridable != o {
            return Err(detail(
                "verify accepts only tokenUse, clientId, audience, scope, groups, graceSeconds, \
                 clockSkewSeconds and includeRawJwtInErrors",
            ));
        }
        Ok(o)
    }

    fn check_numbers(&self) -> Result<(), OptionsError> {
        non_negative("graceSeconds", self.grace_seconds)?;
        non_negative("clockSkewSeconds", self.clock_skew_seconds)?;
        non_negative("penaltyBoxSeconds", self.penalty_box_seconds)?;
        non_negative("jwksMaxAgeSeconds", self.jwks_max_age_seconds)?;
        non_negative("jwksFetchTimeoutMs", self.jwks_fetch_timeout_ms)?;
        match self.max_json_depth {
            Some(d) if d > MAX_NESTING => Err(detail("maxJsonDepth must be at most 256")),
            _ => Ok(()),
        }
    }
}

fn non_negative(name: &str, v: Option<f64>) -> Result<(), OptionsError> {
    match v {
        Some(x) if !(x >= 0.0 && x.is_finite()) => {
            Err(detail(&format!("{name} must be a finite number >= 0")))
        }
        _ => Ok(()),
    }
}

/// An [`OptionsError::Invalid`] with `text`.
pub(crate) fn detail(text: &str) -> OptionsError {
    OptionsError::Invalid {
        detail: text.to_owned(),
    }
}

fn invalid(e: JsonError, problem: Option<String>) -> OptionsError {
    match (problem, e) {
        (Some(p), _) => OptionsError::Invalid { detail: p },
        (None, JsonError::Type) => detail("options must be an object or an array of objects"),
        (None, JsonError::Syntax | JsonError::TooDeep | JsonError::Duplicate) => {
            detail("options are not valid JSON")
        }
    }
}

/// A non-negative integer or `null`.
fn count(r: &mut Reader<'_>) -> Res<Option<usize>> {
    match r.opt_num()? {
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_992.0 => {
            Ok(Some(n as usize))
        }
        Some(_) => Err(JsonError::Type),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_differs_from_absent() {
        let o = &Options::parse_list(r#"{"userPoolId":"p","tokenUse":null}"#).unwrap()[0];
        assert_eq!(o.token_use, Setting::Null);
        assert_eq!(o.client_id, Setting::Unset);
        let o = &Options::parse_list(r#"{"clientId":["a","b"],"tokenUse":"id"}"#).unwrap()[0];
        assert_eq!(o.token_use, Setting::Value(TokenUse::Id));
        assert_eq!(o.client_id, Setting::Value(vec!["a".into(), "b".into()]));
        assert_eq!(Setting::Unset.or(&o.token_use), &o.token_use);
        assert_eq!(Setting::Null.or(&o.token_use), &Setting::Null);
    }

    #[test]
    fn rejects_bad_options() {
        for bad in [
            r#"{"clientID":"x"}"#,
            r#"{"tokenUse":"refresh"}"#,
            r#"{"graceSeconds":-1}"#,
            r#"{"maxTokenLength":-5}"#,
            r#"{"scope":[]}"#,
            r#"{"maxJsonDepth":257}"#,
            r#"{"maxJsonDepth":1.5}"#,
            r#"[{"issuer":"a"},5]"#,
            "[]",
            "5",
        ] {
            assert!(
                matches!(Options::parse_list(bad), Err(OptionsError::Invalid { .. })),
                "{bad}"
            );
        }
        assert!(Options::parse_overrides(r#"{"userPoolId":"x"}"#).is_err());
        assert!(Options::parse_overrides(r#"{"maxTokenLength":5}"#).is_err());
        assert_eq!(
            Options::parse_overrides(r#"{"graceSeconds":5,"tokenUse":null}"#)
                .unwrap()
                .grace_seconds,
            Some(5.0)
        );
        assert_eq!(
            Options::parse_list(r#"[{"issuer":"a"},{"issuer":"b"}]"#)
                .unwrap()
                .len(),
            2
        );
    }
}
