// The hot path's signature step in Node.js, installed by the Node entries (node.js, node.cjs; the
// same in cognito-wasm/verify). node:crypto's verify is synchronous and costs 0.4–0.6× a
// crypto.subtle.verify round trip in Node (docs/decisions/0006-node-crypto.md).
// @ts-check
import { useSignatureCheck } from "./verifier.js";

/**
 * Checks the hot path's signatures with `nodeCrypto` (the node:crypto module, passed in so that
 * this file imports nothing the CommonJS build cannot inline). The KeyObject is made from the
 * CryptoKey the core imported, once per key: the core keeps that CryptoKey per (JWKS URI, kid, alg)
 * and drops it when the JWKS changes, so the KeyObject is cached exactly as long, and its hash is
 * the one the core imported the key with (SHA-256/384/512 for RS256/384/512).
 * @param {NodeCrypto} nodeCrypto
 */
/**
 * What this file uses of node:crypto (declared here: the package has no dependency on @types/node).
 * @internal
 * @typedef {object} NodeCrypto
 * @property {{ from(key: CryptoKey): unknown }} KeyObject
 * @property {(algorithm: string, data: Uint8Array, key: unknown, signature: Uint8Array) => boolean} verify
 */

export function useNodeCrypto(nodeCrypto) {
  const keys = new WeakMap();
  useSignatureCheck((cryptoKey, signature, data) => {
    let key = keys.get(cryptoKey);
    if (key === undefined) {
      // OpenSSL's own name ("sha256" for WebCrypto's "SHA-256"): an alias costs ~1 µs a verify
      const hash = /** @type {RsaHashedKeyAlgorithm} */ (cryptoKey.algorithm).hash.name.replace("-", "").toLowerCase();
      key = { object: nodeCrypto.KeyObject.from(cryptoKey), hash };
      keys.set(cryptoKey, key);
    }
    return nodeCrypto.verify(key.hash, data, key.object, signature);
  });
}
