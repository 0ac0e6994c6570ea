// The README's quick starts for Node.js and Cloudflare Workers (verifying only, and the edge one:
// bearer checks, introspection, JWKS in KV) and its Errors example, run as written (the code
// blocks of the packaged README.md, not copies): the Node ones in this process, the workers in real
// workerd through Miniflare. Only the network is stood in for: the README's user pool
// (us-east-1_AbCdEf123) has its JWKS served at Cognito's real URL by a stubbed fetch.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Miniflare } from "miniflare";
import { claims, makeKey, now, sign } from "./helpers.mjs";
import { forWorkerd, readmeBlock, workerdModules } from "./readme-blocks.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const readme = readFileSync(createRequire(import.meta.url).resolve("cognito-wasm/package.json").replace(/package\.json$/, "README.md"), "utf8");

const snippet = (heading) => readmeBlock(readme, heading);

// The pool, app client and JWKS URL the quick starts name (Cognito's, not loopback).
const pool = "us-east-1_AbCdEf123";
const issuer = `https://cognito-idp.us-east-1.amazonaws.com/${pool}`;
const jwksUrl = `${issuer}/.well-known/jwks.json`;
const client = "1example23456789abcdefghij";
let key;
let tokens;

before(async () => {
  key = await makeKey("readme-key");
  const access = (extra) => sign(key, claims("access", { iss: issuer, client_id: client, ...extra }));
  tokens = { valid: await access({}), expired: await access({ iat: now() - 7200, exp: now() - 3600 }), otherClient: await access({ client_id: "someoneelse" }) };
});

/** What the README's JWKS URL answers: the pool's keys, and 404 for any other URL. */
const answer = (url) => (url === jwksUrl ? Response.json({ keys: [key.jwk] }) : new Response("not found", { status: 404 }));

/** Writes the README's worker under `heading` as the module `name`, beside the installed package. */
function writeWorker(heading, name) {
  writeFileSync(`${here}${name}`, forWorkerd(snippet(heading), "./node_modules/cognito-wasm/workerd.js"));
}

/** A fresh workerd instance (a new isolate) of the module `name`, its outbound fetches recorded in `fetched` and answered by `answer`. */
async function startWorker(name, fetched, options = {}) {
  const mf = new Miniflare({
    ...workerdModules(here),
    scriptPath: `${here}${name}`,
    outboundService: (request) => {
      fetched.push(request.url);
      return answer(request.url);
    },
    ...options,
  });
  await mf.ready;
  return mf;
}

/**
 * Writes `source` as the module `name` beside the installed package and returns `run(token)`,
 * which imports a fresh copy of it (a new verifier) with `token` as its free variable `token` and
 * resolves to the arguments of each `console.log` call it made.
 */
function moduleRunner(t, name, source) {
  const file = `${here}${name}`;
  writeFileSync(file, `const token = globalThis.readmeToken;\n${source}`);
  const logged = [];
  t.mock.method(console, "log", (...args) => logged.push(args));
  t.after(() => delete globalThis.readmeToken);
  let runs = 0;
  return async (token) => {
    globalThis.readmeToken = token;
    logged.length = 0;
    runs += 1;
    await import(`${pathToFileURL(file).href}?run=${runs}`);
    return [...logged];
  };
}

test("the Node.js quick start verifies a token and reports a rejection by name and code", async (t) => {
  const fetched = [];
  t.mock.method(globalThis, "fetch", async (input) => {
    fetched.push(String(input));
    return answer(String(input));
  });
  const run = moduleRunner(t, "readme-node.mjs", snippet("### Node.js"));
  const lines = async (token) => (await run(token)).map((args) => args.join(" "));
  assert.deepEqual(await lines(tokens.valid), ["valid token for jdoe"]);
  assert.deepEqual(fetched, [jwksUrl], "the verifier fetched the pool's JWKS from Cognito's URL");
  assert.deepEqual(await lines(tokens.expired), ["rejected: JwtExpiredError ERR_JWT_EXPIRED"]);
  assert.deepEqual(await lines(tokens.otherClient), ["rejected: CognitoJwtInvalidClientIdError ERR_JWT_INVALID_CLIENT_ID"]);
});

test("the Errors section's example tells an expired token from a claim error by class", async (t) => {
  // the example's free variables: a verifier of the README's pool, with its JWKS cached
  const prelude = `import { CognitoJwtVerifier } from "cognito-wasm";
const verifier = CognitoJwtVerifier.create(${JSON.stringify({ userPoolId: pool, tokenUse: "access", clientId: client })});
verifier.cacheJwks(${JSON.stringify({ keys: [key.jwk] })});
`;
  const run = moduleRunner(t, "readme-errors.mjs", prelude + snippet("## Errors"));
  assert.deepEqual(await run(tokens.valid), []);
  assert.deepEqual(await run(tokens.expired), [], "JwtExpiredError: the first branch, which logs nothing");
  assert.deepEqual(await run(tokens.otherClient), [[{ actual: "someoneelse", expected: [client] }]], "a claim error logs its failedAssertion");
});

describe("the Cloudflare Workers quick start, in workerd", () => {
  let mf;
  const fetched = [];
  before(async () => {
    writeWorker("### Cloudflare Workers: verifying only (workerd)", "readme-worker.mjs");
    mf = await startWorker("readme-worker.mjs", fetched);
  });
  after(() => mf?.dispose());

  test("it answers 200 for a good bearer token and 401 with the code otherwise", async () => {
    const call = async (authorization) => {
      const response = await mf.dispatchFetch("http://worker/", { headers: authorization === undefined ? {} : { authorization } });
      return [response.status, await response.json()];
    };
    assert.deepEqual(await call(`Bearer ${tokens.valid}`), [200, { hello: "jdoe" }]);
    assert.deepEqual(fetched, [jwksUrl], "the worker fetched the pool's JWKS from Cognito's URL, once");
    assert.deepEqual(await call(`Bearer ${tokens.expired}`), [401, { error: "ERR_JWT_EXPIRED" }]);
    assert.deepEqual(await call(`Bearer ${tokens.otherClient}`), [401, { error: "ERR_JWT_INVALID_CLIENT_ID" }]);
    assert.deepEqual(await call(undefined), [401, { error: "ERR_JWT_MALFORMED" }]);
    assert.deepEqual(fetched, [jwksUrl], "no other fetch: the JWKS stayed cached in the isolate");
  });
});

describe("the edge Worker quick start (bearer checks, introspection, JWKS in KV), in workerd", () => {
  const fetched = [];
  const kvDir = mkdtempSync(join(tmpdir(), "readme-kv-"));
  const introspector = { clientId: "gateway", clientSecret: "gateway-secret" };
  before(() => writeWorker("### Worker: bearer checks, introspection, JWKS across isolates", "readme-edge.mjs"));
  after(() => rmSync(kvDir, { recursive: true, force: true }));

  /** A fresh isolate of the snippet, with the env it reads and its KV kept in `kvDir`. */
  const start = () =>
    startWorker("readme-edge.mjs", fetched, {
      bindings: { USER_POOL_ID: pool, CLIENT_ID: client, INTROSPECTION_CLIENTS: JSON.stringify([introspector]) },
      kvNamespaces: ["JWKS_CACHE"],
      kvPersist: kvDir,
    });

  test("bearer checks answer by scope, introspection by client, and a fresh isolate fetches no JWKS", async () => {
    const withoutScope = await sign(key, claims("access", { iss: issuer, client_id: client, scope: "openid" }));
    const basic = `Basic ${btoa(`${introspector.clientId}:${introspector.clientSecret}`)}`;
    const a = await start();
    try {
      const get = (authorization) => a.dispatchFetch("http://worker/", { headers: authorization ? { authorization } : {} });
      const hello = await get(`Bearer ${tokens.valid}`);
      assert.deepEqual([hello.status, await hello.json()], [200, { hello: "jdoe" }]);
      assert.deepEqual(fetched, [jwksUrl]);
      const forbidden = await get(`Bearer ${withoutScope}`);
      assert.equal(forbidden.status, 403);
      assert.match(forbidden.headers.get("www-authenticate"), /error="insufficient_scope"/);
      const anonymous = await get(undefined);
      assert.deepEqual([anonymous.status, anonymous.headers.get("www-authenticate")], [401, 'Bearer realm="api"']);
      const introspect = (token, authorization) =>
        a.dispatchFetch("http://worker/introspect", {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", authorization },
          body: new URLSearchParams({ token }).toString(),
        });
      const active = await introspect(tokens.valid, basic);
      const body = await active.json();
      assert.deepEqual([active.status, body.active, body.client_id, body.username], [200, true, client, "jdoe"]);
      assert.deepEqual(await (await introspect(tokens.expired, basic)).json(), { active: false });
      const stranger = await introspect(tokens.valid, `Basic ${btoa("gateway:wrong")}`);
      assert.deepEqual([stranger.status, await stranger.json()], [401, { error: "invalid_client" }]);
      // ctx.waitUntil(app.jwks.save()) runs after the response: wait for the KV entry
      const kv = await a.getKVNamespace("JWKS_CACHE");
      let saved;
      for (let i = 0; i < 50 && saved === undefined; i += 1) {
        saved = (await kv.list()).keys[0];
        if (saved === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(saved, "the JWKS was saved to KV");
    } finally {
      await a.dispose();
    }
    const b = await start();
    try {
      const hello = await b.dispatchFetch("http://worker/", { headers: { authorization: `Bearer ${tokens.valid}` } });
      assert.deepEqual([hello.status, await hello.json()], [200, { hello: "jdoe" }]);
      assert.deepEqual(fetched, [jwksUrl], "the second isolate verified with the JWKS from KV, no fetch");
    } finally {
      await b.dispose();
    }
  });
});
