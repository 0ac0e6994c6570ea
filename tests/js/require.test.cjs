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
