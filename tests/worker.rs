//! wasm tests in a browser dedicated worker (no `window`): every browser run of
//! `wasm-pack test --headless --chrome|--firefox` executes them.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);

mod common;

#[wasm_bindgen_test]
fn runs_in_a_worker_without_window() {
    let global = js_sys::global();
    let window = js_sys::Reflect::get(&global, &JsValue::from_str("window")).unwrap();
    assert!(window.is_undefined());
    let name = js_sys::Reflect::get(&global, &JsValue::from_str("constructor"))
        .and_then(|c| js_sys::Reflect::get(&c, &JsValue::from_str("name")))
        .unwrap();
    assert_eq!(
        name.as_string().as_deref(),
        Some("DedicatedWorkerGlobalScope")
    );
}
