// Cloudflare Workers (workerd) and other edge runtimes that forbid compiling wasm from bytes: the
// runtime (or its bundler) compiles the imported .wasm module; we only instantiate it.
import wasmModule from "./cognito_wasm_bg.wasm";
import { initSync } from "./cognito_wasm.js";

initSync({ module: wasmModule });

export * from "./index.js";
