// Browsers and bundlers: fetches and instantiates the wasm next to this file (top-level await),
// so neither a plain <script type="module"> nor a bundler needs a manual init call.
import init from "./cognito_wasm.js";

await init({ module_or_path: new URL("./cognito_wasm_bg.wasm", import.meta.url) });

export * from "./index.js";
