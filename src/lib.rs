//! cognito-wasm: verify Amazon Cognito tokens and sign in with the hosted UI, from WebAssembly.
//!
//! `protocol` is the pure core (no JS, clock, RNG or I/O), by capability: `codec`, `verify`, and
//! `signin` / `edge` behind the `sign-in` / `edge` features; `bindings` is the thin wasm-bindgen
//! layer.

pub mod protocol;

#[cfg(target_arch = "wasm32")]
pub mod bindings;
