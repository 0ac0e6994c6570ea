//! Cognito user pool IDs and what derives from them (reference §1.1, §1.2).

use crate::protocol::error::OptionsError;

/// Checks `user_pool_id` against aws-jwt-verify's
/// `^(?<region>[a-z]{2}-(gov-)?[a-z]+-\d)_[a-zA-Z0-9]+$` and returns the region.
pub fn parse_user_pool_id(user_pool_id: &str) -> Result<&str, OptionsError> {
    let bad = OptionsError::InvalidUserPoolId;
    let (region, suffix) = user_pool_id.split_once('_').ok_or(bad.clone())?;
    if suffix.is_empty() || !suffix.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(bad);
    }
    let lower = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase());
    let parts: Vec<&str> = region.split('-').collect();
    let ok = match parts.as_slice() {
        [geo, area, n] | [geo, "gov", area, n] => {
            geo.len() == 2
                && lower(geo)
                && lower(area)
                && n.len() == 1
                && n.as_bytes()[0].is_ascii_digit()
        }
        _ => false,
    };
    if ok {
        Ok(region)
    } else {
        Err(bad)
    }
}

/// The two issuers a pool's tokens may carry: Cognito's ORIGINAL format
/// (`https://cognito-idp.{region}.amazonaws.com/{poolId}`) and its UPDATED format
/// (`https://issuer-cognito-idp.{region}.amazonaws.com/{poolId}`), as aws-jwt-verify 5.2 accepts.
pub fn issuers(user_pool_id: &str) -> Result<[String; 2], OptionsError> {
    let region = parse_user_pool_id(user_pool_id)?;
    let host = |prefix: &str| format!("https://{prefix}.{region}.amazonaws.com/{user_pool_id}");
    Ok([host("cognito-idp"), host("issuer-cognito-idp")])
}

/// `{issuer}/.well-known/jwks.json`.
pub fn jwks_uri(issuer: &str) -> String {
    format!("{issuer}/.well-known/jwks.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_ids() {
        assert_eq!(parse_user_pool_id("us-east-1_t1m2tqofX"), Ok("us-east-1"));
        assert_eq!(parse_user_pool_id("us-gov-west-1_abc"), Ok("us-gov-west-1"));
        for bad in [
            "us-east-1",
            "us-east-1_",
            "us-east-1_a-b",
            "US-east-1_abc",
            "us-east-12_abc",
            "use-east-1_abc",
            "us-east-1_abc_d",
            "us--1_abc",
            "us-xgov-west-1_abc",
        ] {
            assert_eq!(
                parse_user_pool_id(bad),
                Err(OptionsError::InvalidUserPoolId),
                "{bad}"
            );
        }
    }

    #[test]
    fn derives_both_issuer_formats_and_jwks_uri() {
        let [orig, updated] = issuers("eu-west-2_Ab1").unwrap();
        assert_eq!(
            orig,
            "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Ab1"
        );
        assert_eq!(
            updated,
            "https://issuer-cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Ab1"
        );
        assert_eq!(
            jwks_uri(&orig),
            "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Ab1/.well-known/jwks.json"
        );
    }
}
