// Node.js (ESM): instantiates the wasm synchronously at import, from the file next to this one.
import { readFileSync } from "node:fs";
import { initSync } from "./cognito_wasm.js";

initSync({ module: readFileSync(new URL("./cognito_wasm_bg.wasm", import.meta.url)) });

export * from "./index.js";
