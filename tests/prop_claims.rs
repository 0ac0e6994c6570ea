//! Properties of the claim checks: validity is monotonic in time and in grace, and the any-of /
//! all-of requirements of `scope` and `groups` obey their set laws.
#![cfg(not(target_arch = "wasm32"))]

use cognito_wasm::protocol::verify::claims::Match;
use cognito_wasm::protocol::{Claims, JwtVerifier, Options};
use proptest::prelude::*;

const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Prop00001";

fn verifier(grace: f64) -> JwtVerifier {
    let options = format!(
        r#"{{"userPoolId":"us-east-1_Prop00001","tokenUse":null,"clientId":null,"graceSeconds":{grace}}}"#
    );
    JwtVerifier::cognito(Options::parse_list(&options).unwrap()).unwrap()
}

/// Access-token claims with the given times (`nbf` only when given).
fn claims(iat: f64, exp: f64, nbf: Option<f64>) -> Claims {
    let nbf = nbf.map_or(String::new(), |n| format!(r#","nbf":{n}"#));
    let json = format!(
        r#"{{"iss":"{ISSUER}","token_use":"access","client_id":"c","iat":{iat},"exp":{exp}{nbf}}}"#
    );
    Claims::parse(&json, 32).unwrap()
}

fn valid_at(grace: f64, c: &Claims, now: f64) -> bool {
    let v = verifier(grace);
    let resolved = v.rules(0, None).unwrap();
    resolved.rules.admits(c, now)
}

/// Epoch seconds between 2001 and 2286, whole or not.
fn time() -> impl Strategy<Value = f64> {
    prop_oneof![
        (1_000_000_000u64..10_000_000_000).prop_map(|t| t as f64),
        (1_000_000_000.0f64..10_000_000_000.0),
    ]
}

proptest! {
    /// A token valid at `t` with grace `g` is valid at every earlier `t'` down to `iat`.
    #[test]
    fn valid_now_means_valid_earlier_down_to_iat(
        iat in time(), lifetime in 0.0f64..1e6, grace in 0u32..600, t in 0.0f64..1.0, earlier in 0.0f64..1.0,
    ) {
        let exp = iat + lifetime;
        let c = claims(iat, exp, None);
        let grace = f64::from(grace);
        let now = iat + t * (lifetime + grace);
        prop_assume!(valid_at(grace, &c, now));
        let then = iat + earlier * (now - iat);
        prop_assert!(valid_at(grace, &c, then), "valid at {now}, not at {then}");
    }

    /// With `nbf`, validity holds on the whole interval between the not-before edge and `t`.
    #[test]
    fn with_nbf_the_valid_times_form_an_interval(
        iat in time(), nbf_after in 0.0f64..1e5, lifetime in 0.0f64..1e6, grace in 0u32..600,
        a in 0.0f64..1.0, b in 0.0f64..1.0, c in 0.0f64..1.0,
    ) {
        let claims = claims(iat, iat + lifetime, Some(iat + nbf_after));
        let grace = f64::from(grace);
        let span = lifetime + 2.0 * grace + 1.0;
        let (lo, hi) = (iat - grace + a.min(b) * span, iat - grace + a.max(b) * span);
        prop_assume!(valid_at(grace, &claims, lo) && valid_at(grace, &claims, hi));
        let mid = lo + c * (hi - lo);
        prop_assert!(valid_at(grace, &claims, mid), "valid at {lo} and {hi}, not at {mid}");
    }

    /// More grace never rejects a token that less grace accepts.
    #[test]
    fn more_grace_never_rejects_more(
        iat in time(), lifetime in 0.0f64..1e6, offset in -1e3f64..2e6, g1 in 0u32..600, extra in 0u32..600,
    ) {
        let c = claims(iat, iat + lifetime, Some(iat));
        let now = iat + offset;
        let (g1, g2) = (f64::from(g1), f64::from(g1 + extra));
        prop_assert!(!valid_at(g1, &c, now) || valid_at(g2, &c, now));
    }

    /// Expired exactly when `exp + grace <= now` (with `exp` and `iat` as the parser read them).
    #[test]
    fn expiry_edge_is_exact(iat in time(), lifetime in 0u32..1_000_000, grace in 0u32..600) {
        let c = claims(iat, iat + f64::from(lifetime), None);
        let grace = f64::from(grace);
        let edge = c.exp.unwrap() + grace;
        prop_assert!(!valid_at(grace, &c, edge));
        let before = edge - 1.0;
        prop_assert_eq!(valid_at(grace, &c, before), before >= c.iat.unwrap() - 30.0);
    }
}

/// Small value sets so that the laws meet both outcomes often.
fn values() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(prop::sample::select(vec!["a", "b", "c", "d", "e"]), 0..5)
        .prop_map(|v| v.into_iter().map(str::to_owned).collect())
}

fn accepts(m: &Match, have: &[String]) -> bool {
    m.accepts(have.iter().map(String::as_str))
}

proptest! {
    /// all-of implies any-of; a single value means the same under both.
    #[test]
    fn all_of_implies_any_of(want in values(), have in values()) {
        prop_assume!(!want.is_empty());
        if accepts(&Match::AllOf(want.clone()), &have) {
            prop_assert!(accepts(&Match::AnyOf(want.clone()), &have));
        }
        let one = vec![want[0].clone()];
        prop_assert_eq!(accepts(&Match::AllOf(one.clone()), &have), accepts(&Match::AnyOf(one), &have));
    }

    /// any-of(A ∪ B) = any-of(A) ∨ any-of(B); all-of(A ∪ B) = all-of(A) ∧ all-of(B).
    #[test]
    fn union_laws(a in values(), b in values(), have in values()) {
        let union: Vec<String> = a.iter().chain(&b).cloned().collect();
        prop_assert_eq!(
            accepts(&Match::AnyOf(union.clone()), &have),
            accepts(&Match::AnyOf(a.clone()), &have) || accepts(&Match::AnyOf(b.clone()), &have)
        );
        prop_assert_eq!(
            accepts(&Match::AllOf(union), &have),
            accepts(&Match::AllOf(a), &have) && accepts(&Match::AllOf(b), &have)
        );
    }

    /// Holding more values never turns an acceptance into a rejection; order and repeats of
    /// the held values do not matter.
    #[test]
    fn monotonic_in_what_is_held(want in values(), have in values(), more in values()) {
        prop_assume!(!want.is_empty());
        let bigger: Vec<String> = have.iter().chain(&more).cloned().collect();
        let mut shuffled = bigger.clone();
        shuffled.reverse();
        shuffled.extend(have.iter().cloned());
        for m in [Match::AnyOf(want.clone()), Match::AllOf(want)] {
            prop_assert!(!accepts(&m, &have) || accepts(&m, &bigger));
            prop_assert_eq!(accepts(&m, &bigger), accepts(&m, &shuffled));
        }
    }
}
