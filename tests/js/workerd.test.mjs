// The package's workerd entry (workerd.js: the .wasm imported as a compiled module, initSync) in
// real workerd through Miniflare: a worker verifies a jose-signed token and reports a rejection.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { claims, clientId, makeKey, sign, userPoolId } from "./helpers.mjs";
import { workerdModules } from "./readme-blocks.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
let key;
let mf;

before(async () => {
  key = await makeKey("workerd-key");
  // workerd has no package resolution: import the installed package's workerd entry by path.
  writeFileSync(
    `${here}worker.mjs`,
    `import { CognitoJwtVerifier } from "./node_modules/cognito-wasm/workerd.js";
import { CognitoJwtVerifier as VerifyOnly } from "./node_modules/cognito-wasm/verify/workerd.js";
const options = ${JSON.stringify({ userPoolId, tokenUse: "id", clientId })};
const jwks = ${JSON.stringify({ keys: [key.jwk] })};
const verifier = CognitoJwtVerifier.create(options);
const verifyOnly = VerifyOnly.create(options);
verifier.cacheJwks(jwks);
verifyOnly.cacheJwks(jwks);
export default {
  async fetch(request) {
    const chosen = new URL(request.url).pathname === "/verify" ? verifyOnly : verifier;
    try {
      return Response.json({ payload: await chosen.verify(await request.text()) });
    } catch (error) {
      return Response.json({ name: error.name, code: error.code, isWindow: typeof window });
    }
  },
};
`,
  );
  mf = new Miniflare({ ...workerdModules(here), scriptPath: `${here}worker.mjs` });
  await mf.ready;
});
after(() => mf?.dispose());

test("a worker verifies an ID token with the workerd entry", async () => {
  const payload = claims("id");
  const response = await mf.dispatchFetch("http://worker/", { method: "POST", body: await sign(key, payload) });
  assert.deepEqual(await response.json(), { payload });
});

test("a worker gets coded errors (and has no window)", async () => {
  const response = await mf.dispatchFetch("http://worker/", { method: "POST", body: await sign(key, claims("access")) });
  assert.deepEqual(await response.json(), { name: "CognitoJwtInvalidTokenUseError", code: "ERR_JWT_INVALID_TOKEN_USE", isWindow: "undefined" });
});

test("the verify-only entry (cognito-wasm/verify) works in a worker next to the full one", async () => {
  const payload = claims("id");
  for (let i = 0; i < 2; i += 1) {
    const response = await mf.dispatchFetch("http://worker/verify", { method: "POST", body: await sign(key, payload) });
    assert.deepEqual(await response.json(), { payload });
  }
  const response = await mf.dispatchFetch("http://worker/verify", { method: "POST", body: await sign(key, claims("access")) });
  assert.deepEqual(await response.json(), { name: "CognitoJwtInvalidTokenUseError", code: "ERR_JWT_INVALID_TOKEN_USE", isWindow: "undefined" });
});
