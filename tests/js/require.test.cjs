// CommonJS: require("cognito-wasm") resolves to the node.cjs entry and verifies a jose-signed token.
const { test } = require("node:test");
const assert = require("node:assert/strict");

test("require() loads a working verifier with the same API", async () => {
  const api = require("cognito-wasm");
  const { claims, clientId, makeKey, rejection, sign, userPoolId, withJwksServer } = await import("./helpers.mjs");
  const esm = await import("cognito-wasm");
  assert.deepEqual(Object.keys(api).sort(), Object.keys(esm).sort());

  const key = await makeKey("cjs-key");
  await withJwksServer(async (server) => {
    const verifier = api.CognitoJwtVerifier.create({ userPoolId, tokenUse: "id", clientId, jwksUri: server.url });
    const payload = claims("id");
    assert.deepEqual(await verifier.verify(await sign(key, payload)), payload);
    const error = await rejection(verifier.verify(await sign(key, claims("access"))));
    assert.ok(error instanceof api.CognitoJwtInvalidTokenUseError);
    assert.equal(error.code, "ERR_JWT_INVALID_TOKEN_USE");
  }, [key]);
});

test("require(\"cognito-wasm/verify\") loads the verify-only entry with the same exports as its ESM entry", async () => {
  const api = require("cognito-wasm/verify");
  const { claims, clientId, makeKey, sign, userPoolId } = await import("./helpers.mjs");
  assert.deepEqual(Object.keys(api).sort(), Object.keys(await import("cognito-wasm/verify")).sort());
  const key = await makeKey("cjs-verify-key");
  const verifier = api.CognitoJwtVerifier.create({ userPoolId, tokenUse: "id", clientId });
  verifier.cacheJwks({ keys: [key.jwk] });
  const payload = claims("id");
  assert.deepEqual(await verifier.verify(await sign(key, payload)), payload);
});

test("the CommonJS entries, and cognito-wasm/verify's ESM one, check warm signatures with node:crypto, not crypto.subtle.verify", async (t) => {
  const { claims, clientId, makeKey, rejection, sign, spyOnVerifies, tamperSignature, userPoolId } = await import("./helpers.mjs");
  const key = await makeKey("cjs-node-crypto-key", { alg: "RS512" });
  const calls = spyOnVerifies(t);
  const entries = { "require cognito-wasm": () => require("cognito-wasm"), "require cognito-wasm/verify": () => require("cognito-wasm/verify"),
    "import cognito-wasm/verify": () => import("cognito-wasm/verify") };
  for (const [entry, load] of Object.entries(entries)) {
    const api = await load();
    const verifier = api.CognitoJwtVerifier.create({ userPoolId, tokenUse: "id", clientId, algorithms: ["RS512"] });
    verifier.cacheJwks({ keys: [key.jwk] });
    const payload = claims("id");
    const token = await sign(key, payload);
    assert.deepEqual(await verifier.verify(token), payload); // imports the key (full path)
    calls.subtle = 0;
    calls.node.length = 0;
    assert.deepEqual(await verifier.verify(token), payload);
    const error = await rejection(verifier.verify(tamperSignature(token)));
    assert.ok(error instanceof api.JwtInvalidSignatureError, entry);
    assert.deepEqual(calls, { subtle: 0, node: ["sha512", "sha512"] }, entry);
  }
});
