// Where the hot path's time goes in Node.js, part by part (not a test; run after `npm run bench`,
// which installs the package into bench/out/):   node bench/out/hotpath-node.mjs
//
// For the access token and the ~4 KB ID token, each synchronous step of one cognito-wasm verify
// timed alone (best of 5 rounds): TextEncoder.encodeInto of the token into wasm memory,
// RawVerifier.fastStart (every check but the signature), TextDecoder of the payload, JSON.parse,
// and node:crypto.verify on the views of wasm memory that the hot path passes; then a whole
// verify(). The sum of the first five is what a verify costs before its promise settles. Last,
// node:crypto.verify named "SHA-256" (WebCrypto's alias) rather than "sha256": what that name cost
// (docs/decisions/0006-node-crypto.md).
import * as nodeCrypto from "node:crypto";
import { clientId, makeToken, userPoolId } from "./core.mjs";

const dir = new URL("./node_modules/cognito-wasm/", import.meta.url);
const glue = await import(new URL("cognito_wasm.js", dir).href);
const { CognitoJwtVerifier } = await import(new URL("node.js", dir).href); // initialises the glue

const best = (f, n) => {
  let min = Infinity;
  for (let round = 0; round < 5; round += 1) {
    for (let i = 0; i < n / 10; i += 1) f();
    const start = performance.now();
    for (let i = 0; i < n; i += 1) f();
    min = Math.min(min, ((performance.now() - start) * 1000) / n);
  }
  return min;
};
const bestAsync = async (f, n) => {
  let min = Infinity;
  for (let round = 0; round < 5; round += 1) {
    const start = performance.now();
    for (let i = 0; i < n; i += 1) await f();
    min = Math.min(min, ((performance.now() - start) * 1000) / n);
  }
  return min;
};

for (const tokenUse of ["access", "id"]) {
  const { token, jwks } = await makeToken(tokenUse);
  const options = { userPoolId, tokenUse, clientId, jwksUri: "https://jwks.invalid/" };
  const verifier = CognitoJwtVerifier.create(options);
  verifier.cacheJwks(jwks);
  await verifier.verify(token);
  const raw = glue.RawVerifier.cognito(options);
  raw.cacheJwks(jwks);
  const memory = glue.wasmMemory();
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const input = new Uint8Array(memory.buffer, glue.fastScratch(), glue.fastMaxUnits() * 3);
  const driver = await import(new URL("driver.js", dir).href);
  await driver.verifyWith(driver.driverOf(raw, options), token); // imports the key
  let written = encoder.encodeInto(token, input).written;
  const started = raw.fastStart(written, Date.now());
  if (!(started instanceof CryptoKey)) throw new Error("fastStart refused the bench token");
  const key = nodeCrypto.KeyObject.from(started);
  const out = new Uint32Array(memory.buffer, glue.fastOut(), 6);
  const [sigAt, sigLength, dataAt, dataLength, payloadAt, payloadLength] = out;
  /** node:crypto.verify of the views the hot path passes, with the hash named `hash`. */
  const check = (hash) => () => nodeCrypto.verify(hash, new Uint8Array(memory.buffer, dataAt, dataLength), key, new Uint8Array(memory.buffer, sigAt, sigLength));
  const text = decoder.decode(new Uint8Array(memory.buffer, payloadAt, payloadLength));
  const parts = {
    "encodeInto (token into wasm memory)": best(() => (written = encoder.encodeInto(token, input).written), 200_000),
    "RawVerifier.fastStart (all checks but the signature)": best(() => raw.fastStart(written, Date.now()), 50_000),
    "TextDecoder (the payload)": best(() => decoder.decode(new Uint8Array(memory.buffer, payloadAt, payloadLength)), 200_000),
    "JSON.parse (the payload)": best(() => JSON.parse(text), 100_000),
    "node:crypto.verify on the views, named \"sha256\"": best(check("sha256"), 20_000),
  };
  const sum = Object.values(parts).reduce((a, b) => a + b, 0);
  // not a part: the same check under WebCrypto's alias, which js/node-crypto.js no longer passes
  const alias = best(check("SHA-256"), 20_000);
  const whole = await bestAsync(() => verifier.verify(token), 20_000);
  console.log(`\nNode.js ${process.version}, ${tokenUse === "id" ? "ID token" : "access token"} (${token.length} characters): µs, best of 5 rounds`);
  for (const [name, us] of Object.entries(parts)) console.log(`  ${name.padEnd(56)} ${us.toFixed(2).padStart(7)}`);
  console.log(`  ${"sum of the parts".padEnd(56)} ${sum.toFixed(2).padStart(7)}`);
  console.log(`  ${"verify() awaited".padEnd(56)} ${whole.toFixed(2).padStart(7)}`);
  console.log(`  ${"(node:crypto.verify named \"SHA-256\", not a part)".padEnd(56)} ${alias.toFixed(2).padStart(7)}`);
}
