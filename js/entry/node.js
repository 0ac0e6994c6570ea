// Node.js (ESM): instantiates the wasm synchronously at import, from the file next to this one, and
// checks the hot path's signatures with node:crypto (js/make-cjs.mjs turns this file into the
// CommonJS entry's tail, so both entries share it).
import { readFileSync } from "node:fs";
import * as nodeCrypto from "node:crypto";
import { initSync } from "./cognito_wasm.js";
import { useSignatureCheck } from "./verifier.js";

initSync({ module: readFileSync(new URL("./cognito_wasm_bg.wasm", import.meta.url)) });

// node:crypto's synchronous verify costs about a third of a crypto.subtle.verify round trip in
// Node (docs/decisions/0006-node-crypto.md). Its KeyObject is made from the CryptoKey the core
// imported, once per key: the core keeps that CryptoKey per (JWKS URI, kid, alg) and drops it when
// the JWKS changes, so the KeyObject is cached exactly as long, and its hash is the one the core
// imported the key with (SHA-256/384/512 for RS256/384/512).
const nodeKeys = new WeakMap();
useSignatureCheck((cryptoKey, signature, data) => {
  let key = nodeKeys.get(cryptoKey);
  if (key === undefined) {
    key = { object: nodeCrypto.KeyObject.from(cryptoKey), hash: cryptoKey.algorithm.hash.name };
    nodeKeys.set(cryptoKey, key);
  }
  return nodeCrypto.verify(key.hash, data, key.object, signature);
});

export * from "./index.js";
