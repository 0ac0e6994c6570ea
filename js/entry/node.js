// Node.js (ESM): instantiates the wasm synchronously at import, from the file next to this one, and
// checks the hot path's signatures with node:crypto (./node-crypto.js).
import { readFileSync } from "node:fs";
import * as nodeCrypto from "node:crypto";
import { initSync } from "./cognito_wasm.js";
import { useNodeCrypto } from "./node-crypto.js";

initSync({ module: readFileSync(new URL("./cognito_wasm_bg.wasm", import.meta.url)) });
useNodeCrypto(nodeCrypto);

export * from "./index.js";
