//! Properties of the JWKS cache state machine: a flood of unknown kids costs at most one fetch
//! per penalty window whatever the fetches return, known kids keep working meanwhile, and the
//! first key listed under a kid wins.
#![cfg(not(target_arch = "wasm32"))]

use cognito_wasm::protocol::verify::jwk::JwkEntry;
use cognito_wasm::protocol::verify::jwks::JwksPolicy;
use cognito_wasm::protocol::{parse_jwks, JwksState, Step};
use proptest::prelude::*;

/// A JWKS of valid 2048-bit RSA keys (a modulus that is never used for crypto) under `kids`.
fn jwks(kids: &[&str]) -> Vec<JwkEntry> {
    let n = format!("w{}", "A".repeat(341));
    let keys: Vec<String> = kids
        .iter()
        .map(|kid| format!(r#"{{"kty":"RSA","kid":"{kid}","n":"{n}","e":"AQAB"}}"#))
        .collect();
    parse_jwks(format!(r#"{{"keys":[{}]}}"#, keys.join(",")).as_bytes()).unwrap()
}

/// One request of the flood: after `dt` seconds, a known kid or an attacker's unknown one; when
/// it triggers a fetch, the server answers with the usual keys or fails.
#[derive(Debug, Clone)]
struct Request {
    dt: f64,
    known: bool,
    kid: u32,
    fetch_fails: bool,
}

fn request() -> impl Strategy<Value = Request> {
    (
        0.0f64..3.0,
        prop::bool::weighted(0.2),
        any::<u32>(),
        any::<bool>(),
    )
        .prop_map(|(dt, known, kid, fetch_fails)| Request {
            dt,
            known,
            kid,
            fetch_fails,
        })
}

proptest! {
    #[test]
    fn unknown_kid_flood_fetches_at_most_once_per_penalty_window(
        penalty in 1u32..30,
        flood in prop::collection::vec(request(), 1..400),
    ) {
        let penalty = f64::from(penalty);
        let mut state = JwksState::new(JwksPolicy { penalty_box_seconds: penalty, max_age_seconds: None });
        state.set_keys(jwks(&["good"]), 0.0);
        let mut now = 0.0;
        let mut fetches: Vec<f64> = Vec::new();
        for r in flood {
            now += r.dt;
            let kid = if r.known { "good".to_owned() } else { format!("attacker-{}", r.kid) };
            match state.lookup(&kid, now, false) {
                Ok(Step::Key(entry)) => prop_assert_eq!(entry.jwk.kid.as_deref(), Some("good")),
                Ok(Step::Fetch) => {
                    prop_assert!(!r.known, "a known kid fetched");
                    fetches.push(now);
                    let answer = if r.fetch_fails { Err(()) } else { Ok(jwks(&["good"])) };
                    state.finish_fetch(answer, now);
                    if !r.fetch_fails {
                        prop_assert!(state.key_after_fetch(&kid, now).is_err());
                    }
                }
                Ok(Step::Wait) => prop_assert!(false, "nothing is in flight"),
                Err(_) => prop_assert!(!r.known, "a known kid was refused"),
            }
        }
        for pair in fetches.windows(2) {
            prop_assert!(pair[1] - pair[0] >= penalty, "fetches at {} and {}", pair[0], pair[1]);
        }
    }

    /// Concurrent misses share one fetch: while it is in flight everyone else waits, and after it
    /// a waiter gets an answer, never a second fetch.
    #[test]
    fn concurrent_misses_share_one_fetch(kids in prop::collection::vec(any::<u16>(), 1..50)) {
        let mut state = JwksState::new(JwksPolicy::default());
        let kid = |k: &u16| format!("kid-{k}");
        prop_assert_eq!(state.lookup(&kid(&kids[0]), 0.0, false), Ok(Step::Fetch));
        for k in &kids[1..] {
            prop_assert_eq!(state.lookup(&kid(k), 0.0, false), Ok(Step::Wait));
        }
        state.finish_fetch(Ok(jwks(&["kid-7"])), 0.5);
        for k in &kids[1..] {
            let found = matches!(state.lookup(&kid(k), 0.5, true), Ok(Step::Key(_)));
            prop_assert_eq!(found, *k == 7);
        }
    }

    /// Whatever the order, the first key listed under a kid is the one used.
    #[test]
    fn first_key_under_a_kid_wins(kids in prop::collection::vec(prop::sample::select(vec!["a", "b", "c"]), 1..12)) {
        let mut keys = jwks(&kids);
        for (i, entry) in keys.iter_mut().enumerate() {
            entry.jwk.e = Some(format!("AQAB{i}"));
        }
        let mut state = JwksState::new(JwksPolicy::default());
        state.set_keys(keys, 0.0);
        for kid in &kids {
            let first = kids.iter().position(|k| k == kid).unwrap();
            match state.lookup(kid, 1.0, false) {
                Ok(Step::Key(entry)) => prop_assert_eq!(entry.jwk.e.clone(), Some(format!("AQAB{first}"))),
                other => prop_assert!(false, "{other:?}"),
            }
        }
    }
}
