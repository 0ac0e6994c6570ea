// The edge API through the Node.js entry: JWKS-cache persistence with the Cache API adapter
// (cacheApiJwksStore over a Map-backed cache with the Workers Cache API's match/put shape: a second
// verifier loads the first one's keys and verifies without a JWKS fetch; garbage in the store is
// ignored), the verified-token cache (on by default), and option errors as the package's classes.
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, test } from "node:test";
import { codeFlowTokens, defaultEmulator, JWKS_PATH, jwksFetches, POOL_ID, SPA } from "./helpers.mjs";

const pkg = process.env.COGNITO_WASM_PKG ?? join(import.meta.dirname, "../../pkg");
const { CognitoJwtVerifier, ParameterValidationError, TokenCache, cacheApiJwksStore, createIntrospectionHandler, persistJwksCache, requireAuth } = await import(
  pathToFileURL(join(pkg, "node.js")).href
);

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
  let exports = 0;
  const exportJwksCache = first.exportJwksCache.bind(first);
  first.exportJwksCache = () => (exports++, exportJwksCache());
  assert.equal(await sync.save(), false, "unchanged state is not written again");
  assert.equal(exports, 0, "nor exported: the verifier counts its cache's changes (jwksRevision)");
  first.cacheJwks({ keys: exportJwksCache().jwks[0].keys }); // the same keys, not fetched again
  assert.equal(await sync.save(), true, "keys cached again (a new load time): written");
  assert.equal(exports, 1);
  assert.equal(await sync.save(), false);
  assert.equal(exports, 1, "and not exported again after that");
  const stored = cache.entries.get("https://cognito-wasm.invalid/jwks-cache");
  assert.equal(stored.headers.get("cache-control"), "max-age=86400");
  assert.equal((await stored.clone().json()).jwks[0].keys.length, 2);

  const second = verifier();
  await persistJwksCache(second, cacheApiJwksStore(cache)).load();
  assert.equal((await second.verify(token)).sub, (await first.verify(token)).sub);
  assert.equal((await jwksFetches(emulator.url)) - before, 1, "only the first verifier fetched");
});

test("a failed store write is tried again at the next save()", async () => {
  const token = (await codeFlowTokens(emulator.url)).access;
  const puts = [];
  const store = {
    get: async () => null,
    put: async (state) => {
      puts.push(state);
      if (puts.length === 1) throw new Error("store down");
    },
  };
  const v = verifier();
  const sync = persistJwksCache(v, store);
  await sync.load();
  assert.equal((await v.verify(token)).username, "jdoe");
  await assert.rejects(sync.save(), /store down/);
  assert.equal(await sync.save(), true, "written the second time");
  assert.equal(await sync.save(), false, "and then not again");
  assert.equal(puts.length, 2);
  assert.deepEqual(puts[1], puts[0]);
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

/** A verifier stand-in that counts its calls and accepts every token. */
function countingVerifier(exp = Math.floor(Date.now() / 1000) + 3600) {
  const v = { calls: 0, verify: async (token) => (v.calls++, { token_use: "access", scope: "a b", exp, sub: token.slice(0, 3) }) };
  return v;
}
const bearer = (token) => new Request("https://api.example/", { headers: { authorization: `Bearer ${token}` } });

test("the verified-token cache is on by default, per verifier; tokenCache: false or a TokenCache of 0 turns it off", async () => {
  const v = countingVerifier();
  for (let i = 0; i < 3; i++) assert.equal((await requireAuth(bearer("tok.en.1"), { verifier: v, scope: "b" })).sub, "tok");
  assert.equal(v.calls, 1);
  // per-request checks still run on a cache hit
  assert.equal((await requireAuth(bearer("tok.en.1"), { verifier: v, scope: "c" })).status, 403);
  assert.equal(v.calls, 1);
  const off = countingVerifier();
  await requireAuth(bearer("tok.en.1"), { verifier: off, tokenCache: false });
  await requireAuth(bearer("tok.en.1"), { verifier: off, tokenCache: new TokenCache(0) });
  await requireAuth(bearer("tok.en.1"), { verifier: off, tokenCache: false });
  assert.equal(off.calls, 3);
  const mine = new TokenCache(1);
  const shared = countingVerifier();
  await requireAuth(bearer("a.b.1"), { verifier: shared, tokenCache: mine });
  await requireAuth(bearer("a.b.2"), { verifier: shared, tokenCache: mine }); // evicts a.b.1
  await requireAuth(bearer("a.b.1"), { verifier: shared, tokenCache: mine });
  assert.equal(shared.calls, 3);
  assert.equal(mine.size, 1);
  // a payload already expired is never cached
  const expired = countingVerifier(Math.floor(Date.now() / 1000) - 1);
  await requireAuth(bearer("x.y.z"), { verifier: expired });
  await requireAuth(bearer("x.y.z"), { verifier: expired });
  assert.equal(expired.calls, 2);
});

test("a TokenCache shared by two verifiers only serves a token to the verifier that verified it", async () => {
  // c1's verifier accepts the token, c2's refuses it (another client): a hit left by the c1 route
  // must not let the c2 route through
  const c1 = countingVerifier();
  const c2 = { calls: 0, verify: async () => { c2.calls++; throw Object.assign(new Error("wrong client"), { code: "ERR_JWT_INVALID_CLIENT_ID" }); } };
  const shared = new TokenCache(10);
  assert.equal((await requireAuth(bearer("tok.for.c1"), { verifier: c1, tokenCache: shared })).sub, "tok");
  const denied = await requireAuth(bearer("tok.for.c1"), { verifier: c2, tokenCache: shared });
  assert.equal(denied.status, 401);
  assert.match(denied.headers.get("www-authenticate"), /invalid_token/);
  assert.equal(c2.calls, 1);
  // c1 still gets its hit
  assert.equal((await requireAuth(bearer("tok.for.c1"), { verifier: c1, tokenCache: shared })).sub, "tok");
  assert.equal(c1.calls, 1);
  assert.equal(shared.size, 1);
});

test("a TokenCache is bounded by bytes (token plus payload as JSON) as well as by entries", async () => {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const v = countingVerifier(exp);
  // what countingVerifier's payload for a 9-character token counts, with the token itself
  const one = "aaa.bbb.1".length + JSON.stringify({ token_use: "access", scope: "a b", exp, sub: "aaa" }).length;
  const cache = new TokenCache(100, 2 * one);
  for (const t of ["aaa.bbb.1", "aaa.bbb.2"]) await requireAuth(bearer(t), { verifier: v, tokenCache: cache });
  assert.equal(cache.size, 2);
  assert.equal(cache.bytes, 2 * one);
  await requireAuth(bearer("aaa.bbb.3"), { verifier: v, tokenCache: cache }); // evicts aaa.bbb.1
  assert.equal(cache.size, 2);
  assert.equal(cache.bytes, 2 * one);
  await requireAuth(bearer("aaa.bbb.1"), { verifier: v, tokenCache: cache });
  assert.equal(v.calls, 4, "the evicted token was verified again");
  // an entry larger than the whole bound is never cached
  const tiny = new TokenCache(100, one - 1);
  await requireAuth(bearer("aaa.bbb.1"), { verifier: v, tokenCache: tiny });
  assert.equal(tiny.size, 0);
  assert.equal(tiny.bytes, 0);
  assert.equal(new TokenCache(1).bytes, 0);
});

test("bad options throw the package's ParameterValidationError", async () => {
  const v = countingVerifier();
  for (const bad of [{ scope: [] }, { groups: 42 }, { scope: { anyOf: ["a"], allOf: ["b"] } }, { tokenUse: "refresh" }]) {
    await assert.rejects(requireAuth(bearer("a.b.c"), { verifier: v, ...bad }), (e) => e instanceof ParameterValidationError && e.code === "ERR_PARAM_INVALID_OPTIONS");
  }
  assert.throws(() => createIntrospectionHandler({ verifier: v, clients: [{ clientId: "a" }] }), ParameterValidationError);
  assert.equal(v.calls, 0);
});

/** The body of the answer to one introspection of "a.b.c" by an authenticated caller. */
const introspectText = (verifier, revocation, fetch) =>
  createIntrospectionHandler({ verifier, clients: [{ clientId: "rs", clientSecret: "pw" }], revocation, fetch, tokenCache: false })(
    new Request("https://edge.example/introspect", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${btoa("rs:pw")}` },
      body: "token=a.b.c",
    }),
  ).then((r) => r.text());

test("introspection fails closed when the deny-list or the live check fails", async () => {
  const v = countingVerifier();
  v.verify = async () => ({ token_use: "access", scope: "a", exp: Math.floor(Date.now() / 1000) + 60, sub: "s", iss: "i", client_id: "c", username: "u", origin_jti: "o" });
  const ask = (revocation, fetch) => introspectText(v, revocation, fetch);
  assert.equal(JSON.parse(await ask({ denyList: new Set(["other"]) })).active, true);
  assert.equal(await ask({ denyList: new Set(["o"]) }), '{"active":false}');
  assert.equal(await ask({ denyList: { has: async () => { throw new Error("kv down"); } } }), '{"active":false}');
  const up = async () => new Response("{}", { status: 200 });
  const down = async () => { throw new TypeError("network"); };
  assert.equal(JSON.parse(await ask({ userInfoEndpoint: "https://pool/oauth2/userInfo" }, up)).active, true);
  assert.equal(await ask({ userInfoEndpoint: "https://pool/oauth2/userInfo" }, down), '{"active":false}');
  assert.equal(await ask({ userInfoEndpoint: "https://pool/oauth2/userInfo" }, async () => new Response("", { status: 503 })), '{"active":false}');
});

test("introspection: a userInfo check that does not answer in revocation.timeoutMs is aborted and the token inactive", async () => {
  const v = countingVerifier();
  v.verify = async () => ({ token_use: "access", scope: "a", exp: Math.floor(Date.now() / 1000) + 60, sub: "s", iss: "i", client_id: "c", username: "u" });
  const ask = (revocation, fetch) => introspectText(v, revocation, fetch);
  const endpoint = "https://pool/oauth2/userInfo";
  let signal;
  const stalls = (_url, init) => ((signal = init.signal), new Promise(() => {})); // ignores the signal too
  assert.equal(await ask({ userInfoEndpoint: endpoint, timeoutMs: 50 }, stalls), '{"active":false}');
  assert.equal(signal.aborted, true);
  // headers in time, then a body that never ends: the body is cancelled, the status counts
  const slowBody = async () => new Response(new ReadableStream({ pull: () => new Promise(() => {}) }), { status: 200 });
  assert.equal(JSON.parse(await ask({ userInfoEndpoint: endpoint, timeoutMs: 50 }, slowBody)).active, true);
  const late = () => new Promise((resolve) => setTimeout(() => resolve(new Response("{}", { status: 200 })), 200));
  assert.equal(await ask({ userInfoEndpoint: endpoint, timeoutMs: 50 }, late), '{"active":false}');
  assert.equal(JSON.parse(await ask({ userInfoEndpoint: endpoint, timeoutMs: 1000 }, late)).active, true);
});

test("introspection: a body over maxBodyBytes is 413 before it is read, and wasm memory stays flat", async () => {
  const glue = await import(pathToFileURL(join(pkg, "cognito_wasm.js")).href);
  const memory = () => glue.initSync().memory.buffer.byteLength;
  const handler = createIntrospectionHandler({ verifier: verifier(), clients: [{ clientId: "rs", clientSecret: "pw" }], tokenCache: false });
  const url = "https://edge.example/oauth2/introspect";
  const form = { "content-type": "application/x-www-form-urlencoded" };
  const post = (body, headers = {}) => handler(new Request(url, { method: "POST", headers: { ...form, ...headers }, body, duplex: "half" }));
  const tooLarge = async (response) => {
    assert.equal(response.status, 413);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.deepEqual(await response.json(), { error: "invalid_request", error_description: "request body too large" });
  };
  // 16 MiB of `a=b&` pairs, unauthenticated, streamed in 64 KiB chunks: how much of it is pulled.
  const chunk = new TextEncoder().encode("a=b&".repeat(16 * 1024));
  let pulled = 0;
  const flood = () => {
    let left = 256;
    return new ReadableStream({
      pull(controller) {
        if (left-- === 0) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
  };
  // Up to the cap, the body is read and answered as before.
  const basic = { authorization: `Basic ${btoa("rs:pw")}` };
  const atCap = "token=a.b.c&pad=".padEnd(16 * 1024, "x");
  assert.equal(atCap.length, 16 * 1024);
  for (const body of ["token=a.b.c", atCap]) {
    const response = await post(body, basic);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { active: false });
  }
  await tooLarge(await post(`${atCap}x`, basic));
  const before = memory();
  for (let i = 0; i < 20; i += 1) {
    pulled = 0;
    await tooLarge(await post(flood()));
    assert.ok(pulled <= 2 * chunk.byteLength, `read ${pulled} bytes of a 16 MiB body`);
    await tooLarge(await post("a=b&".repeat(4097), { "content-length": String(4 * 4097) }));
  }
  assert.ok(memory() - before <= 4 * 64 * 1024, `wasm memory ${before} -> ${memory()} bytes`);
  // The cap is configurable, and checked at creation.
  const small = createIntrospectionHandler({ verifier: verifier(), clients: [{ clientId: "rs", clientSecret: "pw" }], maxBodyBytes: 8 });
  await tooLarge(await small(new Request(url, { method: "POST", headers: form, body: "token=abc" })));
  for (const maxBodyBytes of [0, -1, 1.5, "16k", Number.NaN]) {
    assert.throws(() => createIntrospectionHandler({ verifier: verifier(), clients: [], maxBodyBytes }), ParameterValidationError);
  }
});

test("introspection: a caller refused by its headers is answered before any of the body is read; pairs are capped", async () => {
  const handler = createIntrospectionHandler({ verifier: verifier(), clients: [{ clientId: "rs", clientSecret: "pw" }], tokenCache: false });
  const url = "https://edge.example/oauth2/introspect";
  let pulled = 0;
  const body = () =>
    new ReadableStream({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new TextEncoder().encode("token=a.b.c&"));
        if (pulled % 4 === 0) controller.close();
      },
    }, { highWaterMark: 0 }); // pulled only when read
  const post = (headers, content = body()) =>
    handler(new Request(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: content, duplex: "half" }));
  const refusedEarly = [
    [{ authorization: `Basic ${btoa("rs:wrong")}` }, 401, "invalid_client"],
    [{ authorization: "Bearer some.caller.token" }, 401, "invalid_client"], // bearer callers not enabled
    [{ authorization: "Digest x" }, 401, "invalid_client"],
    [{ authorization: `Basic ${btoa("rs:pw")}`, "content-type": "text/plain" }, 400, "invalid_request"],
  ];
  for (const [headers, status, error] of refusedEarly) {
    pulled = 0;
    const response = await post(headers);
    assert.equal(response.status, status, JSON.stringify(headers));
    assert.equal((await response.json()).error, error);
    assert.equal(pulled, 0, `${JSON.stringify(headers)}: the body was read`);
  }
  // a good caller's body is read; more than 32 name=value pairs is invalid_request
  const basic = { authorization: `Basic ${btoa("rs:pw")}` };
  assert.deepEqual(await (await post(basic, `token=a.b.c${"&resource=r".repeat(31)}`)).json(), { active: false });
  const many = await post(basic, `token=a.b.c${"&resource=r".repeat(32)}`);
  assert.equal(many.status, 400);
  assert.deepEqual(await many.json(), { error: "invalid_request" });
});
