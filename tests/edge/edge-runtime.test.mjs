// The same edge API under Vercel's Edge Runtime (@edge-runtime/vm): the package's one-script build
// (node.cjs) evaluated in an EdgeVM, its wasm compiled inside the VM; requireAuth and the
// introspection handler run there against the emulator's JWKS and userInfo on loopback.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { EdgeVM } from "@edge-runtime/vm";
import { API_SCOPE, codeFlowTokens, defaultEmulator, M2M, m2mToken, POOL_ID, SPA, tamper } from "./helpers.mjs";

const pkg = process.env.COGNITO_WASM_PKG ?? join(import.meta.dirname, "../../pkg");
let emulator;
let vm;

before(async () => {
  emulator = await defaultEmulator();
  vm = new EdgeVM();
  vm.context.__wasmBytes = new Uint8Array(readFileSync(join(pkg, "cognito_wasm_bg.wasm")));
  const script = readFileSync(join(pkg, "node.cjs"), "utf8").replace(
    /^initSync\(.*$/m,
    "initSync({ module: new WebAssembly.Module(__wasmBytes) });",
  );
  assert.match(script, /new WebAssembly\.Module\(__wasmBytes\)/);
  vm.evaluate(`var module = { exports: {} };\n${script}\nglobalThis.cognito = module.exports;`);
  vm.evaluate(`
    globalThis.verifier = cognito.CognitoJwtVerifier.create({
      userPoolId: ${JSON.stringify(POOL_ID)}, tokenUse: "access", clientId: ${JSON.stringify(SPA)},
      jwksUri: ${JSON.stringify(`${emulator.url}/${POOL_ID}/.well-known/jwks.json`)},
    });
    globalThis.introspect = cognito.createIntrospectionHandler({
      verifier, clients: [{ clientId: "rs", clientSecret: "s" }],
      revocation: { userInfoEndpoint: ${JSON.stringify(`${emulator.url}/oauth2/userInfo`)} },
    });
    // callers that authenticate with an M2M access token carrying the API scope
    globalThis.introspectBearer = cognito.createIntrospectionHandler({
      verifier,
      bearer: {
        verifier: cognito.CognitoJwtVerifier.create({
          userPoolId: ${JSON.stringify(POOL_ID)}, tokenUse: "access", clientId: ${JSON.stringify(M2M.id)},
          jwksUri: ${JSON.stringify(`${emulator.url}/${POOL_ID}/.well-known/jwks.json`)},
        }),
        scope: ${JSON.stringify(API_SCOPE)},
      },
    });
    globalThis.callBearer = async (caller, token) => {
      const response = await introspectBearer(new Request("https://edge.example/introspect", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Bearer " + caller },
        body: "token=" + token,
      }));
      return JSON.stringify({ status: response.status, www: response.headers.get("www-authenticate"), body: await response.text() });
    };
    globalThis.call = async (path, token) => {
      const request = new Request("https://edge.example" + path, path === "/introspect"
        ? { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Basic " + btoa("rs:s") }, body: "token=" + token }
        : { headers: { authorization: "Bearer " + token } });
      const result = path === "/introspect" ? await introspect(request) : await cognito.requireAuth(request, { verifier, scope: "https://api.example.com/read" });
      return result instanceof Response
        ? JSON.stringify({ status: result.status, www: result.headers.get("www-authenticate"), body: await result.text() })
        : JSON.stringify({ payload: result });
    };
  `);
});
after(() => emulator?.stop());

const call = async (path, token) => JSON.parse(await vm.evaluate(`call(${JSON.stringify(path)}, ${JSON.stringify(token)})`));

test("EdgeVM: requireAuth accepts a valid token and refuses a tampered one", async () => {
  assert.equal(vm.evaluate("typeof window"), "undefined");
  const { access } = await codeFlowTokens(emulator.url);
  const ok = await call("/api", access);
  assert.equal(ok.payload.username, "jdoe");
  assert.equal(ok.payload.client_id, SPA);
  const bad = await call("/api", tamper(access));
  assert.equal(bad.status, 401);
  assert.equal(bad.www, 'Bearer realm="api", error="invalid_token", error_description="the token is invalid"');
});

test("EdgeVM: introspection answers active, then inactive once the session is revoked", async () => {
  const tokens = await codeFlowTokens(emulator.url);
  const active = JSON.parse((await call("/introspect", tokens.access)).body);
  assert.equal(active.active, true);
  assert.equal(active.token_type, "Bearer");
  const revoke = await fetch(`${emulator.url}/oauth2/revoke`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: tokens.refresh, client_id: SPA }).toString(),
  });
  assert.equal(revoke.status, 200);
  assert.deepEqual(await call("/introspect", tokens.access), { status: 200, www: null, body: '{"active":false}' });
});

test("EdgeVM: introspection callers authenticating with a bearer token (client credentials)", async () => {
  const { access } = await codeFlowTokens(emulator.url);
  const caller = await m2mToken(emulator.url);
  const callBearer = async (c, t) => JSON.parse(await vm.evaluate(`callBearer(${JSON.stringify(c)}, ${JSON.stringify(t)})`));
  const ok = await callBearer(caller, access);
  assert.equal(ok.status, 200);
  assert.equal(JSON.parse(ok.body).username, "jdoe");
  // a user's token is not an accepted caller (another client), nor is a tampered M2M token
  for (const bad of [access, tamper(caller)]) {
    const refused = await callBearer(bad, access);
    assert.equal(refused.status, 401);
    assert.equal(refused.www, 'Bearer realm="introspection", error="invalid_token", error_description="the token is invalid"');
  }
});
