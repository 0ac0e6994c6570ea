//! wasm tests in a browser page (`tests/worker.rs` runs the same in a dedicated worker):
//! `WASM_BINDGEN_USE_BROWSER=1 wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver`
//! or `--firefox --geckodriver "$(command -v geckodriver)"`.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;
