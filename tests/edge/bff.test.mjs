// Sign-in at the edge (createEdgeAuth, issue 14) through the example worker's bff environment in
// workerd (Miniflare), against the emulator with a confidential client (rotation on, grace 0,
// 5-minute tokens). Node's fetch with a cookie jar plays the browser here (tests/edge/
// bff-browser.test.mjs drives Chromium): sign-in redirect and callback checks, cookie attributes
// and chunking, claim headers (forged ones stripped), CSRF, tampered cookies and secrets, secret
// rotation, refresh across an expiry, one refresh for parallel requests, sign-out.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { decodePayload, JWKS_PATH } from "./helpers.mjs";
import {
  assertSealed, BFF, bffStack, clientTokens, get, HTML, Jar, requests, resetRequests, SECRET_A, SECRET_B, shiftClock, signIn, TOKEN_SECONDS, tokenRequest,
} from "./bff.mjs";

let stack;
let w;
before(async () => {
  stack = await bffStack();
});
after(async () => {
  await w?.dispose();
  await stack?.emulator.stop();
});

/** (Re)starts the worker on the stack's port with `vars` (and startWorker `options`). */
async function worker(vars, options) {
  await w?.dispose();
  w = await stack.start(vars, options);
  return w;
}

const url = (path) => `${stack.origin}${path}`;
const sessionChunks = (jar) => [...jar.cookies.keys()].filter((n) => n.startsWith("session."));

/** Every JWT-looking string of the cookie jar's sign-in: none may show up in a URL or body. */
function assertNoToken(text, where) {
  assert.doesNotMatch(text, /eyJ[\w-]{10,}\.[\w-]{10,}\./, `${where} carries a token`);
}

/** Tokens whose exp is `seconds` from now: signs in with the emulator clock set back, then restores it. */
async function shortLivedSignIn(jar, seconds, path = "/app") {
  await shiftClock(stack.emulator.url, seconds - TOKEN_SECONDS);
  try {
    return await signIn(stack.origin, stack.emulator.url, jar, path);
  } finally {
    await shiftClock(stack.emulator.url, TOKEN_SECONDS - seconds);
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe("sign-in", () => {
  before(() => worker());

  test("a protected page without a session redirects to the hosted UI with PKCE S256, state and nonce; the transaction is a sealed cookie", async () => {
    const jar = new Jar();
    const response = await get(url("/app/whoami?x=1"), jar, { headers: HTML });
    assert.equal(response.status, 302);
    const location = new URL(response.headers.get("location"));
    assert.equal(location.origin + location.pathname, `${stack.emulator.url}/oauth2/authorize`);
    const q = location.searchParams;
    assert.equal(q.get("response_type"), "code");
    assert.equal(q.get("client_id"), BFF.id);
    assert.equal(q.get("redirect_uri"), url("/auth/callback"));
    assert.equal(q.get("code_challenge_method"), "S256");
    assert.match(q.get("code_challenge"), /^[\w-]{43}$/);
    assert.match(q.get("state"), /^[\w-]{43}$/);
    assert.match(q.get("nonce"), /^[\w-]{43}$/);
    assert.equal(q.get("scope"), "openid email profile");
    assert.deepEqual([...jar.cookies.keys()], ["session-tx.0"]);
    const attrs = jar.attributes.get("session-tx.0");
    assert.deepEqual(attrs, ["Path=/", "Secure", "HttpOnly", "SameSite=Lax", "Max-Age=600"]);
    // sealed: neither the state nor the PKCE verifier can be read from it
    const tx = jar.cookies.get("session-tx.0");
    assert.match(tx, /^v\d+\.[\w-]+$/);
    assert.ok(!Buffer.from(tx.split(".")[1], "base64url").toString("latin1").includes(q.get("state")));
  });

  test("a fetch (not a navigation) without a session is a 401 JSON error, not a redirect", async () => {
    const response = await get(url("/app/whoami"), new Jar(), { headers: { accept: "application/json" } });
    assert.equal(response.status, 401);
    assert.deepEqual(await response.json(), { error: "ERR_EDGE_UNAUTHENTICATED", message: "sign in first: this path needs a session" });
  });

  test("the callback exchanges the code as a confidential client, sets chunked HttpOnly Secure SameSite=Lax session cookies and goes back", async () => {
    const jar = new Jar();
    await resetRequests(stack.emulator.url);
    const callback = await signIn(stack.origin, stack.emulator.url, jar, "/app/whoami?x=1");
    assert.equal(callback.status, 302);
    assert.equal(callback.headers.get("location"), "/app/whoami?x=1");
    assert.equal(await requests(stack.emulator.url, "/oauth2/token"), 1);
    assert.deepEqual(sessionChunks(jar), ["session.0", "session.1"], "two chunks: the tokens exceed one cookie");
    assert.equal(jar.cookies.get("session.0").length, 3800);
    for (const name of sessionChunks(jar)) assert.deepEqual(jar.attributes.get(name), ["Path=/", "Secure", "HttpOnly", "SameSite=Lax"]);
    assert.ok(!jar.cookies.has("session-tx.0"), "the transaction is spent");
    for (const value of jar.cookies.values()) assertNoToken(value, "a cookie");
    assertSealed(sessionChunks(jar).map((name) => jar.cookies.get(name)));

    const me = await get(url("/app/whoami?x=1"), jar);
    assert.equal(me.status, 200);
    const body = await me.json();
    assert.equal(body.username, "jdoe");
    assert.equal(body.email, "jdoe@example.com");
    assert.equal(body.groups, "admins");
    assert.match(body.sub, /^[0-9a-f-]{36}$/);
    assert.equal(body.cookie, null, "the origin does not get the gateway's cookies");
    assert.equal(body.authorization, null, "nor the tokens (not opted in)");
  });

  test("the client's copies of the claim headers are stripped, signed in or not", async () => {
    const jar = new Jar();
    await signIn(stack.origin, stack.emulator.url, jar);
    const forged = { "x-auth-sub": "admin", "x-auth-username": "root", "x-auth-groups": "admins,root", "x-auth-email": "x@evil" };
    const signedIn = await (await get(url("/app/whoami"), jar, { headers: forged })).json();
    assert.equal(signedIn.username, "jdoe");
    assert.notEqual(signedIn.sub, "admin");
    assert.equal(signedIn.groups, "admins");
    assert.equal(signedIn.email, "jdoe@example.com");
    const anonymous = await (await get(url("/whoami"), new Jar(), { headers: { ...forged, cookie: "other=1" } })).json();
    assert.deepEqual([anonymous.sub, anonymous.username, anonymous.groups, anonymous.email], [null, null, null, null]);
    assert.equal(anonymous.cookie, "other=1", "other cookies reach the origin");
  });

  test("a callback with a foreign state is refused (HTML or JSON by Accept), keeping the pending sign-in", async () => {
    const jar = new Jar();
    const start = await get(url("/app"), jar, { headers: HTML });
    const state = new URL(start.headers.get("location")).searchParams.get("state");
    const html = await get(url("/auth/callback?code=abc&state=forged"), jar, { headers: HTML });
    assert.equal(html.status, 400);
    assert.match(html.headers.get("content-type"), /^text\/html/);
    const page = await html.text();
    assert.match(page, /<code>ERR_AUTH_STATE_MISMATCH<\/code>/);
    assert.doesNotMatch(page, /\bat \S+:\d+/, "no stack");
    const json = await get(url("/auth/callback?code=abc&state=forged"), jar, { headers: { accept: "application/json" } });
    assert.equal(json.status, 400);
    assert.equal((await json.json()).error, "ERR_AUTH_STATE_MISMATCH");
    assert.ok(jar.cookies.has("session-tx.0"), "the transaction is still there");
    assert.ok(state);
  });

  test("a replayed callback finds no transaction; an error= callback is an OAuth error page", async () => {
    const jar = new Jar();
    const start = await get(url("/app"), jar, { headers: HTML });
    const login = await fetch(`${stack.emulator.url}/_emulator/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ authorize: start.headers.get("location"), username: "jdoe", password: "Passw0rd!" }),
    });
    const callbackUrl = (await login.json()).callbackUrl;
    const stolen = jar.clone();
    assert.equal((await get(callbackUrl, jar, { headers: HTML })).status, 302);
    const again = await get(callbackUrl, jar, { headers: { accept: "application/json" } });
    assert.equal(again.status, 400);
    assert.equal((await again.json()).error, "ERR_AUTH_NO_TRANSACTION");
    // the same transaction cookie again: the code is spent
    const replay = await get(callbackUrl, stolen, { headers: { accept: "application/json" } });
    assert.equal(replay.status, 400);
    assert.equal((await replay.json()).error, "ERR_AUTH_INVALID_GRANT");
    const denied = new Jar();
    const s = new URL((await get(url("/app"), denied, { headers: HTML })).headers.get("location")).searchParams.get("state");
    const error = await get(url(`/auth/callback?error=access_denied&state=${s}`), denied, { headers: { accept: "application/json" } });
    assert.equal((await error.json()).error, "ERR_AUTH_OAUTH_ERROR");
  });

  test("tampered, truncated or foreign cookies are a fresh sign-in (and are deleted), never a 500", async () => {
    const jar = new Jar();
    await signIn(stack.origin, stack.emulator.url, jar);
    const good = jar.cookies.get("session.1");
    const variants = {
      flipped: (j) => j.cookies.set("session.1", good.slice(0, 100) + (good[100] === "A" ? "B" : "A") + good.slice(101)),
      missing: (j) => j.cookies.delete("session.1"),
      garbage: (j) => j.cookies.set("session.0", "v1.not-base64!"),
      unknownVersion: (j) => j.cookies.set("session.0", `v7${j.cookies.get("session.0").slice(j.cookies.get("session.0").indexOf("."))}`),
      extraChunk: (j) => j.cookies.set("session.2", "AAAA"),
    };
    for (const [name, spoil] of Object.entries(variants)) {
      const bad = jar.clone();
      spoil(bad);
      const response = await get(url("/app"), bad, { headers: HTML });
      assert.equal(response.status, 302, name);
      assert.match(response.headers.get("location"), /\/oauth2\/authorize\?/, name);
      assert.deepEqual(sessionChunks(bad), [], `${name}: the session cookies are deleted`);
      const spoiled = jar.clone();
      spoil(spoiled);
      const api = await get(url("/app/whoami"), spoiled, { headers: { accept: "application/json" } });
      assert.equal(api.status, 401, name);
      assert.equal((await api.json()).error, "ERR_EDGE_UNAUTHENTICATED", name);
    }
    // the untouched jar still works
    assert.equal((await get(url("/app/whoami"), jar)).status, 200);
  });

  test("CSRF: a state-changing request to a protected path needs its own Origin", async () => {
    const jar = new Jar();
    await signIn(stack.origin, stack.emulator.url, jar);
    const post = (headers) => get(url("/app/echo"), jar, { method: "POST", body: "x=1", headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded", ...headers } });
    for (const headers of [{}, { origin: "https://evil.example" }, { origin: "null" }]) {
      const response = await post(headers);
      assert.equal(response.status, 403, JSON.stringify(headers));
      assert.equal((await response.json()).error, "ERR_EDGE_CSRF");
    }
    const ok = await post({ origin: stack.origin });
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).method, "POST");
  });
});

describe("cookie secret rotation", () => {
  test("[new, old]: an old cookie opens and is sealed again with the new secret; then the old secret can go", async () => {
    await worker({ COOKIE_SECRETS: SECRET_A });
    const jar = new Jar();
    await signIn(stack.origin, stack.emulator.url, jar);
    const sealedWithA = jar.clone();
    const versionOf = (j) => j.cookies.get("session.0").split(".")[0];

    await worker({ COOKIE_SECRETS: `${SECRET_B},${SECRET_A}` });
    const rotated = await get(url("/app/whoami"), jar);
    assert.equal(rotated.status, 200);
    assert.equal((await rotated.json()).username, "jdoe");
    assert.notEqual(versionOf(jar), versionOf(sealedWithA), "sealed again under the new key version");

    await worker({ COOKIE_SECRETS: SECRET_B });
    assert.equal((await get(url("/app/whoami"), jar)).status, 200, "the re-sealed cookie opens with the new secret alone");
    const old = await get(url("/app"), sealedWithA, { headers: HTML });
    assert.equal(old.status, 302, "a cookie of the retired secret is a fresh sign-in");
    assert.match(old.headers.get("location"), /\/oauth2\/authorize\?/);
  });
});

describe("JWKS across isolates", () => {
  test("the gateway keeps its verifier's JWKS in KV: a fresh worker verifies a session without fetching it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bff-kv-"));
    try {
      const jwks = JWKS_PATH;
      await worker({}, { kvPersist: dir });
      await resetRequests(stack.emulator.url);
      const jar = new Jar();
      await signIn(stack.origin, stack.emulator.url, jar);
      assert.equal(await requests(stack.emulator.url, jwks), 1);
      const kv = await w.mf.getKVNamespace("JWKS_CACHE");
      let state;
      for (let i = 0; i < 50 && !state; i++) {
        state = await kv.get("cognito-wasm:jwks-cache", "json");
        if (!state) await sleep(50);
      }
      assert.equal(state.jwks[0].uri, `${stack.emulator.url}${jwks}`);
      await worker({}, { kvPersist: dir });
      const me = await get(url("/app/whoami"), jar);
      assert.equal(me.status, 200);
      assert.equal((await me.json()).username, "jdoe");
      assert.equal(await requests(stack.emulator.url, jwks), 1, "the fresh worker fetched no JWKS");
    } finally {
      await worker();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("refresh", () => {
  before(() => worker({ REFRESH_MARGIN_SECONDS: "0" }));

  test("across an access-token expiry: one refresh at the token endpoint, new cookies, the page is served", async () => {
    const jar = new Jar();
    await shortLivedSignIn(jar, 2);
    const before = jar.cookies.get("session.0");
    await sleep(3000);
    await resetRequests(stack.emulator.url);
    const response = await get(url("/app/whoami"), jar);
    assert.equal(response.status, 200);
    assert.equal((await response.json()).username, "jdoe");
    assert.equal(await requests(stack.emulator.url, "/oauth2/token"), 1);
    assert.notEqual(jar.cookies.get("session.0"), before, "the refreshed session is in new cookies");
    assert.equal(response.headers.get("cache-control"), "no-store", "a response with a session cookie is never cached");
    // the refreshed tokens are good for TOKEN_SECONDS: no second refresh
    assert.equal((await get(url("/app/whoami"), jar)).status, 200);
    assert.equal(await requests(stack.emulator.url, "/oauth2/token"), 1);
  });

  test("rotation on: parallel requests of one session at refresh time make one refresh and all succeed", async () => {
    const jar = new Jar();
    await shortLivedSignIn(jar, 2);
    await sleep(3000);
    await resetRequests(stack.emulator.url);
    const cookie = jar.header();
    const responses = await Promise.all(Array.from({ length: 4 }, () => fetch(url("/app/whoami"), { headers: { cookie } })));
    assert.deepEqual(responses.map((r) => r.status), [200, 200, 200, 200]);
    for (const r of responses) assert.equal((await r.json()).username, "jdoe");
    assert.equal(await requests(stack.emulator.url, "/oauth2/token"), 1, "one refresh for all of them");
    // each response carries the refreshed session, and each of those works
    for (const r of responses) {
      const next = new Jar();
      next.cookies = new Map(jar.cookies);
      next.update(r);
      assert.notEqual(next.header(), cookie);
      assert.equal((await get(url("/app/whoami"), next)).status, 200);
    }
    assert.equal(await requests(stack.emulator.url, "/oauth2/token"), 1);
  });

  test("control: with rotation on, the emulator refuses a refresh token spent once (what sharing the refresh avoids)", async () => {
    // the exchange the gateway makes, twice with one refresh token, straight at the token endpoint
    const tokens = await clientTokens(stack);
    assert.equal(decodePayload(tokens.access_token).client_id, BFF.id);
    const token = (fields) => tokenRequest(stack.emulator.url, fields);
    const first = await token({ grant_type: "refresh_token", client_id: BFF.id, refresh_token: tokens.refresh_token });
    assert.equal(first.status, 200);
    const second = await token({ grant_type: "refresh_token", client_id: BFF.id, refresh_token: tokens.refresh_token });
    assert.equal(second.status, 400);
    assert.equal((await second.json()).error, "invalid_grant");
  });
});

describe("sign-out", () => {
  before(() => worker());

  test("clears the cookies, revokes the refresh token and redirects to Cognito /logout; the session cannot be refreshed", async () => {
    const jar = new Jar();
    await signIn(stack.origin, stack.emulator.url, jar);
    const signedIn = jar.clone();
    await resetRequests(stack.emulator.url);
    const response = await get(url("/auth/logout"), jar, { headers: HTML });
    assert.equal(response.status, 302);
    const location = new URL(response.headers.get("location"));
    assert.equal(location.origin + location.pathname, `${stack.emulator.url}/logout`);
    assert.equal(location.searchParams.get("client_id"), BFF.id);
    assert.equal(location.searchParams.get("logout_uri"), url("/"));
    assertNoToken(location.href, "the logout URL");
    assert.deepEqual(sessionChunks(jar), []);
    assert.equal(await requests(stack.emulator.url, "/oauth2/revoke"), 1);
    assert.equal((await get(url("/app"), jar, { headers: HTML })).status, 302);

    // A copy of the old cookie still holds a valid access token until it expires (a cookie is a
    // bearer credential), but its refresh token is revoked: the next refresh is a fresh sign-in.
    await worker({ REFRESH_MARGIN_SECONDS: String(TOKEN_SECONDS + 60) });
    const after = await get(url("/app"), signedIn, { headers: HTML });
    assert.equal(after.status, 302);
    assert.match(after.headers.get("location"), /\/oauth2\/authorize\?/);
  });

  test("a POST sign-out from another origin is refused", async () => {
    const response = await get(url("/auth/logout"), new Jar(), { method: "POST", headers: { origin: "https://evil.example", accept: "application/json" } });
    assert.equal(response.status, 403);
    assert.equal((await response.json()).error, "ERR_EDGE_CSRF");
  });
});
