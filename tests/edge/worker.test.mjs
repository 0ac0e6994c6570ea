// The example worker (examples/cloudflare-worker) in workerd (Miniflare) over real HTTP on
// loopback, with tokens from the running Cognito emulator: RFC 6750 bearer checks, RFC 7662
// introspection (our own requests and oauth4webapi's), revocation, JWKS across isolates, outages
// and unknown-kid floods (JWKS fetches counted in the emulator's request log).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as oauth from "oauth4webapi";
import {
  accessClaims, API_SCOPE, apiAccessToken, codeFlowTokens, decodePayload, defaultEmulator, foreignSigner, ISSUER, jwksFetches,
  m2mToken, POOL_ID, shiftClock, SPA, startWorker, tamper,
} from "./helpers.mjs";

// Introspection callers: an id and a secret with characters that RFC 6749 §2.3.1 form-encodes.
const CALLER = { clientId: "resource:server", clientSecret: "p@ss word/+%" };
const CLIENTS = JSON.stringify([CALLER]);
const form = (s) => encodeURIComponent(s).replace(/%20/g, "+");
const basic = (id, secret) => `Basic ${Buffer.from(`${form(id)}:${form(secret)}`).toString("base64")}`;

let emulator;
const cleanups = [];
// The worker and signed-in session the requireAuth and introspection suites share.
let w;
let tokens;
before(async () => {
  emulator = await defaultEmulator();
  w = await worker();
  tokens = await codeFlowTokens(emulator.url);
});
after(async () => {
  for (const c of cleanups.reverse()) await c();
  await emulator?.stop();
});

async function worker(options = {}) {
  const w = await startWorker({ emulator: emulator.url, ...options, vars: { INTROSPECTION_CLIENTS: CLIENTS, ...options.vars } });
  cleanups.push(() => w.dispose());
  return w;
}

const get = (w, path, token, headers = {}) => fetch(`${w.url}${path}`, { headers: token === undefined ? headers : { authorization: `Bearer ${token}`, ...headers } });

function introspect(w, fields, auth = basic(CALLER.clientId, CALLER.clientSecret)) {
  return fetch(`${w.url}/introspect`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(auth === null ? {} : { authorization: auth }) },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The response leaks nothing of `token` (body, and every header). */
async function assertNoEcho(response, token) {
  const text = await response.text();
  const signature = token.split(".")[2] ?? token;
  for (const piece of [token, signature]) {
    assert.ok(!text.includes(piece), "body echoes the token");
    for (const [name, value] of response.headers) assert.ok(!value.includes(piece), `${name} echoes the token`);
  }
  return text;
}

async function expiredAccessToken() {
  await shiftClock(emulator.url, -7200);
  try {
    return (await codeFlowTokens(emulator.url)).access;
  } finally {
    await shiftClock(emulator.url, 7200);
  }
}

describe("requireAuth (RFC 6750)", () => {

  test("a valid access token with the scope passes; the payload reaches the route", async () => {
    const response = await get(w, "/api/hello", tokens.access);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { hello: "jdoe", path: "/api/hello" });
  });

  test("no credentials: 401 with a bare challenge; another scheme is no credentials too", async () => {
    for (const headers of [{}, { authorization: "Basic dXNlcjpwdw==" }]) {
      const response = await get(w, "/api/hello", undefined, headers);
      assert.equal(response.status, 401);
      assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="api"');
      assert.equal(response.headers.get("cache-control"), "no-store");
      assert.equal(await response.text(), "");
    }
  });

  test("a malformed bearer header: 400 invalid_request", async () => {
    const response = await get(w, "/api/hello", undefined, { authorization: "Bearer two words" });
    assert.equal(response.status, 400);
    assert.match(response.headers.get("www-authenticate"), /^Bearer realm="api", error="invalid_request", error_description="[^"]+"$/);
    assert.equal((await response.json()).error, "invalid_request");
  });

  const invalid = [
    ["expired", expiredAccessToken, "the token expired"],
    ["foreign (signed by a key the pool does not publish)", async () => (await foreignSigner()).sign(accessClaims()), "the token is invalid"],
    ["tampered", async () => tamper(tokens.access), "the token is invalid"],
    ["an ID token", async () => tokens.id, "the token is invalid"],
    ["of a client the API does not accept", async () => (await foreignSigner()).sign(accessClaims({ client_id: "other" })), "the token is invalid"],
  ];
  for (const [name, make, description] of invalid) {
    test(`${name}: 401 invalid_token, token never echoed`, async () => {
      const token = await make();
      const response = await get(w, "/api/hello", token);
      assert.equal(response.status, 401);
      assert.equal(response.headers.get("www-authenticate"), `Bearer realm="api", error="invalid_token", error_description="${description}"`);
      const body = await assertNoEcho(response, token);
      assert.deepEqual(JSON.parse(body), { error: "invalid_token", error_description: description });
    });
  }

  test("missing scope: 403 insufficient_scope naming the scope (InitiateAuth token)", async () => {
    const token = await apiAccessToken(emulator.url);
    assert.equal(decodePayload(token).scope, "aws.cognito.signin.user.admin");
    const response = await get(w, "/api/hello", token);
    assert.equal(response.status, 403);
    assert.equal(
      response.headers.get("www-authenticate"),
      `Bearer realm="api", error="insufficient_scope", error_description="the token lacks a required scope", scope="${API_SCOPE}"`,
    );
    await assertNoEcho(response, token);
  });

  test("group check: a member of admins passes, a user without the group gets 403", async () => {
    assert.equal((await get(w, "/api/admin", tokens.access)).status, 200);
    const seeded = await fetch(`${emulator.url}/_emulator/users`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ Username: "reader", Password: "Passw0rd!", UserAttributes: [{ Name: "email", Value: "r@example.com" }] }),
    });
    assert.equal(seeded.status, 201);
    const reader = await codeFlowTokens(emulator.url, { username: "reader" });
    assert.equal((await get(w, "/api/hello", reader.access)).status, 200);
    const response = await get(w, "/api/admin", reader.access);
    assert.equal(response.status, 403);
    assert.match(response.headers.get("www-authenticate"), /error="insufficient_scope", error_description="the token lacks a required group"$/);
  });
});

test("the worker refuses to serve (500, nothing verified) when API_SCOPE or ADMIN_GROUP is unset: it never fails open", async () => {
  for (const vars of [{ API_SCOPE: "" }, { ADMIN_GROUP: "" }]) {
    const broken = await worker({ vars });
    for (const path of ["/api/hello", "/api/admin"]) {
      const response = await get(broken, path, tokens.access);
      assert.equal(response.status, 500, `${JSON.stringify(vars)} ${path}`);
      assert.ok(!(await response.text()).includes("hello"));
    }
    await broken.dispose();
  }
});

describe("introspection (RFC 7662)", () => {

  async function answer(response) {
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.equal(response.headers.get("cache-control"), "no-store");
    return response.json();
  }

  test("an active access token: every member checked against the token", async () => {
    const p = decodePayload(tokens.access);
    const body = await answer(await introspect(w, { token: tokens.access, token_type_hint: "access_token" }));
    assert.deepEqual(body, {
      active: true,
      scope: p.scope,
      client_id: SPA,
      username: "jdoe",
      token_type: "Bearer",
      exp: p.exp,
      iat: p.iat,
      sub: p.sub,
      iss: ISSUER,
      jti: p.jti,
      token_use: "access",
      auth_time: p.auth_time,
      origin_jti: p.origin_jti,
      "cognito:groups": ["admins"],
      event_id: p.event_id,
      version: 2,
    });
    assert.ok(Number.isInteger(body.exp) && Number.isInteger(body.iat));
    assert.equal(body.aud, undefined, "no aud without resource binding (never made up from client_id)");
  });

  test("an M2M token: active, sub is the client, no username; the hint is only a hint", async () => {
    const token = await m2mToken(emulator.url);
    const body = await answer(await introspect(w, { token, token_type_hint: "refresh_token" }));
    assert.equal(body.active, true);
    assert.equal(body.sub, "m2m4emulator0client00000c");
    assert.equal(body.client_id, "m2m4emulator0client00000c");
    assert.equal(body.scope, API_SCOPE);
    assert.equal(body.username, undefined);
    for (const member of ["sub", "exp", "iss", "client_id", "scope", "token_type"]) assert.ok(member in body, member);
  });

  const inactive = [
    ["expired", expiredAccessToken],
    ["foreign", async () => (await foreignSigner()).sign(accessClaims())],
    ["tampered", async () => tamper(tokens.access)],
    ["an ID token", async () => tokens.id],
    ["a refresh token", async () => tokens.refresh],
    ["malformed", async () => "not-a-jwt"],
  ];
  for (const [name, make] of inactive) {
    test(`${name}: exactly {"active":false}, never an error`, async () => {
      const token = await make();
      const response = await introspect(w, { token });
      assert.equal(response.headers.get("cache-control"), "no-store");
      assert.equal(await assertNoEcho(response, token), '{"active":false}');
      assert.equal(response.status, 200);
    });
  }

  test("caller authentication failures: 401 invalid_client", async () => {
    const cases = [
      null,
      basic(CALLER.clientId, "wrong"),
      basic("someone-else", CALLER.clientSecret),
      `Basic ${Buffer.from(`${CALLER.clientId}:${CALLER.clientSecret}`).toString("base64")}`, // not form-encoded
      `Bearer ${tokens.access}`, // bearer callers are not configured in the example
    ];
    for (const auth of cases) {
      const response = await introspect(w, { token: tokens.access }, auth);
      assert.equal(response.status, 401, String(auth));
      assert.equal(response.headers.get("www-authenticate"), 'Basic realm="introspection"');
      assert.deepEqual(JSON.parse(await assertNoEcho(response, tokens.access)), { error: "invalid_client" });
    }
  });

  test("client_secret_post: the caller's id and secret in the form body", async () => {
    const body = await answer(await introspect(w, { token: tokens.access, client_id: CALLER.clientId, client_secret: CALLER.clientSecret }, null));
    assert.equal(body.active, true);
    const wrong = await introspect(w, { token: tokens.access, client_id: CALLER.clientId, client_secret: "nope" }, null);
    assert.equal(wrong.status, 401);
    // two authentication methods at once
    const both = await introspect(w, { token: tokens.access, client_id: CALLER.clientId, client_secret: CALLER.clientSecret });
    assert.equal(both.status, 400);
  });

  test("request errors: 400 invalid_request (no token, repeated token, JSON body), 405 for GET", async () => {
    const auth = basic(CALLER.clientId, CALLER.clientSecret);
    assert.equal((await introspect(w, {})).status, 400);
    const repeated = await fetch(`${w.url}/introspect`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: auth },
      body: `token=${tokens.access}&token=x`,
    });
    assert.deepEqual([repeated.status, await repeated.json()], [400, { error: "invalid_request" }]);
    const json = await fetch(`${w.url}/introspect`, { method: "POST", headers: { "content-type": "application/json", authorization: auth }, body: "{}" });
    assert.equal(json.status, 400);
    const getResponse = await fetch(`${w.url}/introspect`, { headers: { authorization: auth } });
    assert.equal(getResponse.status, 405);
    assert.equal(getResponse.headers.get("allow"), "POST");
  });

  test("an off-the-shelf RFC 7662 client (oauth4webapi, client_secret_basic) reads our answers", async () => {
    const as = { issuer: ISSUER, introspection_endpoint: `${w.url}/introspect` };
    const client = { client_id: CALLER.clientId };
    const auth = oauth.ClientSecretBasic(CALLER.clientSecret);
    const options = { [oauth.allowInsecureRequests]: true };
    const active = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, tokens.access, options));
    assert.equal(active.active, true);
    assert.equal(active.username, "jdoe");
    assert.equal(active.client_id, SPA);
    const dead = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, tamper(tokens.access), options));
    assert.deepEqual(dead, { active: false });
    const wrong = await oauth.introspectionRequest(as, client, oauth.ClientSecretBasic("nope"), tokens.access, options);
    assert.equal(wrong.status, 401);
  });
});

describe("revocation", () => {
  test("a revoked session is inactive through the live userInfo check, while local verification still accepts it", async () => {
    const w = await worker();
    const tokens = await codeFlowTokens(emulator.url);
    assert.equal((await (await introspect(w, { token: tokens.access })).json()).active, true);
    const revoked = await fetch(`${emulator.url}/oauth2/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: tokens.refresh, client_id: SPA }).toString(),
    });
    assert.equal(revoked.status, 200);
    assert.equal((await fetch(`${emulator.url}/oauth2/userInfo`, { headers: { authorization: `Bearer ${tokens.access}` } })).status, 401);
    assert.equal(await (await introspect(w, { token: tokens.access })).text(), '{"active":false}');
    // the limitation documented in the README: a JWT verified locally stays valid until exp
    assert.equal((await get(w, "/api/hello", tokens.access)).status, 200);
  });

  test("the origin_jti deny-list (KV) alone marks a session inactive", async () => {
    const w = await worker({ vars: { USER_INFO_ENDPOINT: "" } });
    const tokens = await codeFlowTokens(emulator.url);
    assert.equal((await (await introspect(w, { token: tokens.access })).json()).active, true);
    const revokedKv = await w.mf.getKVNamespace("REVOKED");
    await revokedKv.put(decodePayload(tokens.access).origin_jti, "revoked");
    assert.equal(await (await introspect(w, { token: tokens.access })).text(), '{"active":false}');
  });
});

describe("JWKS across isolates, outages and unknown-kid floods", () => {
  test("an unknown-kid flood triggers at most one JWKS fetch per penalty window", async () => {
    const w = await worker({ vars: { PENALTY_BOX_SECONDS: "1" } });
    const good = (await codeFlowTokens(emulator.url)).access;
    assert.equal((await get(w, "/api/hello", good)).status, 200);
    const signer = await foreignSigner();
    const before = await jwksFetches(emulator.url);
    const started = Date.now();
    let requests = 0;
    while (Date.now() - started < 3500) {
      const batch = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => (await get(w, "/api/hello", await signer.sign(accessClaims(), `kid-${requests}-${i}`))).status),
      );
      requests += batch.length;
      assert.deepEqual(new Set(batch), new Set([401]));
    }
    const elapsed = (Date.now() - started) / 1000;
    const fetches = (await jwksFetches(emulator.url)) - before;
    assert.ok(requests >= 100, `flood of ${requests}`);
    assert.ok(fetches >= 1 && fetches <= Math.ceil(elapsed) + 1, `${fetches} fetches for ${requests} unknown kids in ${elapsed}s (1 s window)`);
    // known keys keep working in the penalty window
    assert.equal((await get(w, "/api/hello", good)).status, 200);
  });

  test("JWKS outage: cached keys keep working; unknown kids are refused", async () => {
    const other = await defaultEmulator();
    let stopped = false;
    cleanups.push(() => (stopped ? undefined : other.stop()));
    const w = await startWorker({ emulator: other.url, vars: { INTROSPECTION_CLIENTS: CLIENTS } });
    cleanups.push(() => w.dispose());
    const token = (await codeFlowTokens(other.url)).access;
    const unused = (await codeFlowTokens(other.url)).access; // not in the verified-token cache
    assert.equal((await get(w, "/api/hello", token)).status, 200);
    await other.stop();
    stopped = true;
    const fresh = await (await foreignSigner()).sign(accessClaims());
    assert.equal((await get(w, "/api/hello", fresh)).status, 401);
    assert.equal((await get(w, "/api/hello", unused)).status, 200);
    assert.equal((await get(w, "/api/hello", token)).status, 200);
  });

  test("export/import through KV: a fresh worker verifies without a fetch, and inherits the penalty box", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edge-kv-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const token = (await codeFlowTokens(emulator.url)).access;
    const a = await worker({ kvPersist: dir });
    const before = await jwksFetches(emulator.url);
    assert.equal((await get(a, "/api/hello", token)).status, 200);
    assert.equal((await jwksFetches(emulator.url)) - before, 1);
    // an unknown kid: one more fetch, then the penalty box opens; the worker saves both to KV
    const signer = await foreignSigner();
    assert.equal((await get(a, "/api/hello", await signer.sign(accessClaims(), "unknown-kid"))).status, 401);
    assert.equal((await jwksFetches(emulator.url)) - before, 2);
    const kv = await a.mf.getKVNamespace("JWKS_CACHE");
    let state;
    for (let i = 0; i < 50 && !state?.jwks?.[0]?.penaltyUntil; i++) {
      state = await kv.get("cognito-wasm:jwks-cache", "json");
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(state.version, 1);
    assert.equal(state.jwks[0].uri, `${emulator.url}/${POOL_ID}/.well-known/jwks.json`);
    assert.equal(state.jwks[0].keys.length, 2);
    assert.ok(state.jwks[0].penaltyUntil > Date.now() / 1000);
    await a.dispose();

    const b = await worker({ kvPersist: dir });
    const other = (await codeFlowTokens(emulator.url)).access; // not in any token cache
    assert.equal((await get(b, "/api/hello", other)).status, 200);
    assert.equal((await get(b, "/api/hello", await signer.sign(accessClaims(), "another-unknown-kid"))).status, 401);
    assert.equal((await jwksFetches(emulator.url)) - before, 2, "the fresh worker fetched nothing");
  });
});
