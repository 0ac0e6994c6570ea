//! The hostile-input corpus (`tests/fixtures/hostile/corpus.json`, made by
//! `tests/fixtures/hostile.mjs`) through the core natively: every case gets its expected code,
//! with no panic and no token text in the message. The same corpus runs in wasm (Node, browser
//! page and worker) from `tests/common/mod.rs`, and `fuzz/` seeds from it.
#![cfg(not(target_arch = "wasm32"))]

mod native;

use cognito_wasm::protocol::CATALOG;
use native::check_every_case;
use serde_json::Value;

const CORPUS: &str = include_str!("fixtures/hostile/corpus.json");
const TOKENS: &str = include_str!("fixtures/tokens.json");

fn doc(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn every_hostile_case_gets_its_expected_code() {
    assert!(check_every_case(&doc(CORPUS)) >= 30);
}

/// Every hostile input issue 7 lists is exercised by at least one case of one of the two
/// files, and each case referenced exists and expects a catalogued code (or, for the
/// duplicated-kid and aud-array cases that must pass, a payload).
#[test]
fn every_hostile_input_of_the_issue_is_covered() {
    let files = [("tokens.json", doc(TOKENS)), ("corpus.json", doc(CORPUS))];
    let corpus = &files[1].1;
    let coverage = corpus["coverage"].as_object().unwrap();
    assert_eq!(coverage.len(), 28);
    let codes: Vec<&str> = CATALOG.iter().map(|c| c.code()).collect();
    for (input, refs) in coverage {
        let refs = refs.as_array().unwrap();
        assert!(!refs.is_empty(), "{input}: no case");
        for r in refs {
            let (file, name) = r.as_str().unwrap().split_once('#').unwrap();
            let doc = &files.iter().find(|(f, _)| *f == file).unwrap().1;
            let case = doc["cases"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["name"] == name)
                .unwrap_or_else(|| panic!("{input}: no case {r}"));
            match &case["expectCode"] {
                Value::String(code) => assert!(codes.contains(&code.as_str()), "{r}: {code}"),
                _ => assert!(case["expectPayload"].is_object(), "{r}"),
            }
        }
    }
    // the two files share one verifier configuration, and no case name repeats across them
    assert_eq!(files[0].1["verifier"], corpus["verifier"]);
    let mut names: Vec<&str> = files
        .iter()
        .flat_map(|(_, d)| d["cases"].as_array().unwrap())
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    let n = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), n);
}
