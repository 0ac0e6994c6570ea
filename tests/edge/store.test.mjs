// JWKS-cache persistence through the Cache API adapter (cacheApiJwksStore over a Map-backed cache
// with the Workers Cache API's match/put shape) with the Node.js entry: a second verifier loads the
// first one's keys and verifies without a JWKS fetch; garbage in the store is ignored.
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, test } from "node:test";
import { codeFlowTokens, defaultEmulator, JWKS_PATH, jwksFetches, POOL_ID, SPA } from "./helpers.mjs";

const pkg = process.env.COGNITO_WASM_PKG ?? join(import.meta.dirname, "../../pkg");
const { CognitoJwtVerifier, cacheApiJwksStore, persistJwksCache } = await import(pathToFileURL(join(pkg, "node.js")).href);

/** The Cache API surface the adapter uses, in memory. */
function memoryCache() {
  const entries = new Map();
  return {
    entries,
    match: async (url) => entries.get(url)?.clone(),
    put: async (url, response) => void entries.set(url, response),
  };
}

let emulator;
before(async () => {
  emulator = await defaultEmulator();
});
after(() => emulator?.stop());

const verifier = () => CognitoJwtVerifier.create({ userPoolId: POOL_ID, tokenUse: "access", clientId: SPA, jwksUri: `${emulator.url}${JWKS_PATH}` });

test("cacheApiJwksStore: saved once, loaded by a fresh verifier that then needs no fetch", async () => {
  const cache = memoryCache();
  const token = (await codeFlowTokens(emulator.url)).access;
  const first = verifier();
  const sync = persistJwksCache(first, cacheApiJwksStore(cache));
  await sync.load();
  assert.equal(await sync.save(), false, "nothing to save before a fetch");
  const before = await jwksFetches(emulator.url);
  assert.equal((await first.verify(token)).username, "jdoe");
  assert.equal(await sync.save(), true);
  assert.equal(await sync.save(), false, "unchanged state is not written again");
  const stored = cache.entries.get("https://cognito-wasm.invalid/jwks-cache");
  assert.equal(stored.headers.get("cache-control"), "max-age=86400");
  assert.equal((await stored.clone().json()).jwks[0].keys.length, 2);

  const second = verifier();
  await persistJwksCache(second, cacheApiJwksStore(cache)).load();
  assert.equal((await second.verify(token)).sub, (await first.verify(token)).sub);
  assert.equal((await jwksFetches(emulator.url)) - before, 1, "only the first verifier fetched");
});

test("a store holding garbage or failing is ignored: the verifier fetches as usual", async () => {
  const token = (await codeFlowTokens(emulator.url)).access;
  for (const store of [
    { get: async () => ({ version: 99 }), put: async () => {} },
    { get: async () => ({ version: 1, jwks: [{ uri: "x", loadedAt: "soon", keys: [] }] }), put: async () => {} },
    { get: async () => { throw new Error("store down"); }, put: async () => {} },
  ]) {
    const v = verifier();
    await persistJwksCache(v, store).load();
    assert.equal((await v.verify(token)).username, "jdoe");
  }
  assert.throws(() => verifier().importJwksCache({ version: 1, jwks: [{ uri: "u", loadedAt: 1, keys: [{ kty: 1 }] }] }), { code: "ERR_JWKS_INVALID" });
});
