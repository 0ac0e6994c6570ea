#!/usr/bin/env node
// Writes the committed seed corpus fuzz/seeds/TARGET/ from the shared fixtures
// (tests/fixtures/tokens.json and tests/fixtures/hostile/corpus.json when present): every
// fixture token in both input forms of the token target, the fixture JWKS and discovery
// documents, and verifier options. Usage: node fuzz/make-seeds.mjs
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";

const root = new URL("../", import.meta.url);
const docs = ["tests/fixtures/tokens.json", "tests/fixtures/hostile/corpus.json"]
  .map((path) => new URL(path, root))
  .filter((url) => existsSync(url))
  .map((url) => JSON.parse(readFileSync(url, "utf8")));

const seeds = { token: [], jwks: [], options: [] };
for (const doc of docs) {
  for (const { token } of doc.cases) {
    if (token.length > 20_000) continue; // size-limit cases: libFuzzer's -max_len is smaller
    seeds.token.push(Buffer.concat([Buffer.from([1]), Buffer.from(token)]));
    const [h, p, s = ""] = token.split(".");
    const raw = (seg) => Buffer.from(seg ?? "", "base64url");
    seeds.token.push(Buffer.concat([Buffer.from([0]), raw(h), Buffer.from([0xff]), raw(p), Buffer.from([0xff]), raw(s)]));
  }
  seeds.jwks.push(Buffer.from(JSON.stringify(doc.jwks)));
  seeds.jwks.push(Buffer.from(JSON.stringify({ issuer: "https://issuer.example", jwks_uri: "https://issuer.example/jwks" })));
  seeds.options.push(Buffer.from(JSON.stringify(doc.verifier)));
}
seeds.options.push(
  Buffer.from('[{"issuer":"https://a","audience":["x"],"scope":{"allOf":["s"]},"maxJsonDepth":4},{"issuer":"https://b","jwksUri":"https://b/k","algorithms":["RS384"]}]'),
  Buffer.from('{"userPoolId":"eu-west-1_abc","groups":{"anyOf":"g"}}\0{"tokenUse":"id","clientId":["c"],"graceSeconds":3}'),
);

for (const [target, list] of Object.entries(seeds)) {
  const dir = new URL(`fuzz/seeds/${target}/`, root);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const seed of list) writeFileSync(new URL(createHash("sha1").update(seed).digest("hex"), dir), seed);
  console.log(`${target}: ${list.length} seeds`);
}
