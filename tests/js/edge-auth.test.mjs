// createEdgeAuth (the edge sign-in gateway) through the packed package in Node.js, with a fake
// token endpoint (the `fetch` option) and jose-signed tokens: the checks a real pool cannot be
// made to fail (nonce, at_hash, PKCE and client authentication as sent, oversized tokens, outages,
// an internal failure), option errors and the header options. The whole flow against the emulator,
// in workerd and Chromium, is tests/edge/bff*.test.mjs.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createEdgeAuth, EDGE_AUTH_TRANSACTION_SECONDS, EdgeAuthError, ParameterValidationError } from "cognito-wasm";
import { claims, clientId, jwksServer, makeKey, sign, thrown, userPoolId } from "./helpers.mjs";

const APP = "https://app.example.test";
const SECRET = "a-cookie-secret-of-at-least-32-characters";
const CLIENT_SECRET = "s3cret with spaces+/";
const b64url = (buffer) => Buffer.from(buffer).toString("base64url");
const atHash = (token) => b64url(createHash("sha256").update(token).digest().subarray(0, 16));

const key = await makeKey("edge-key");
const jwks = await jwksServer([key]);
after(() => jwks.close());

/** A gateway whose token endpoint answers `endpoint(form, request)` (a Response, or a throw). */
function gateway(endpoint, options = {}) {
  const calls = [];
  const edge = createEdgeAuth({
    userPoolId,
    clientId,
    clientSecret: CLIENT_SECRET,
    domain: "auth.example.test",
    jwksUri: jwks.url,
    cookie: { secret: SECRET, name: "s" },
    protect: ["/app/*"],
    claimHeaders: { "x-sub": "sub", "x-name": "name" },
    origin: (request) => Response.json(Object.fromEntries(request.headers)),
    fetch: async (url, init) => {
      const form = new URLSearchParams(init.body);
      calls.push({ url, init, form });
      return endpoint(form, init);
    },
    ...options,
  });
  return { edge, calls };
}

const setCookies = (response) => response.headers.getSetCookie().map((c) => c.split(";")[0]);
const cookieHeader = (response) => setCookies(response).filter((c) => !c.endsWith("=")).join("; ");

/** Starts a sign-in: the authorize URL's parameters and the transaction cookie. */
async function start(edge) {
  const response = await edge(new Request(`${APP}/app/page?q=1`, { headers: { accept: "text/html" } }));
  assert.equal(response.status, 302);
  return { params: new URL(response.headers.get("location")).searchParams, cookie: cookieHeader(response) };
}

/** Tokens for the sign-in that `params` started; `id` overrides ID token claims. */
async function tokens(params, { id = {}, access = {}, withAtHash = true } = {}) {
  const accessToken = await sign(key, claims("access", access));
  const idClaims = { nonce: params.get("nonce"), ...(withAtHash ? { at_hash: atHash(accessToken) } : {}), ...id };
  return { id_token: await sign(key, claims("id", idClaims)), access_token: accessToken, refresh_token: "refresh-1", expires_in: 3600, token_type: "Bearer" };
}

const callback = (edge, params, cookie, accept = "application/json") =>
  edge(new Request(`${APP}/auth/callback?code=the-code&state=${params.get("state")}`, { headers: { cookie, accept } }));

test("the code exchange sends the PKCE verifier of the authorize URL's S256 challenge and authenticates the client (client_secret_basic)", async () => {
  let answer;
  const { edge, calls } = gateway(() => Response.json(answer));
  const { params, cookie } = await start(edge);
  answer = await tokens(params);
  const response = await callback(edge, params, cookie);
  assert.equal(response.status, 302);
  assert.equal(response.headers.get("location"), "/app/page?q=1");
  const [{ url, init, form }] = calls;
  assert.equal(url, "https://auth.example.test/oauth2/token");
  const form1 = (s) => encodeURIComponent(s).replace(/%20/g, "+");
  assert.equal(init.headers.authorization, `Basic ${Buffer.from(`${form1(clientId)}:${form1(CLIENT_SECRET)}`).toString("base64")}`);
  assert.equal(form.get("grant_type"), "authorization_code");
  assert.equal(form.get("code"), "the-code");
  assert.equal(form.get("redirect_uri"), `${APP}/auth/callback`);
  assert.equal(b64url(createHash("sha256").update(form.get("code_verifier")).digest()), params.get("code_challenge"));
  // signed in: the origin gets the claims, percent-encoded when not printable ASCII
  const page = await edge(new Request(`${APP}/app/page`, { headers: { cookie: cookieHeader(response), "x-name": "forged" } }));
  const seen = await page.json();
  assert.equal(seen["x-sub"], JSON.parse(Buffer.from(answer.access_token.split(".")[1], "base64url")).sub);
  assert.equal(seen["x-name"], undefined, "no such claim: the forged copy is removed, nothing set");
});

for (const [name, spoil, code] of [
  ["a foreign nonce", { id: { nonce: "another" } }, "ERR_AUTH_NONCE_MISMATCH"],
  ["a wrong at_hash", { id: { at_hash: "AAAAAAAAAAAAAAAAAAAAAA" } }, "ERR_AUTH_AT_HASH_MISMATCH"],
  ["an ID token of another client", { id: { aud: "another-client" } }, "ERR_JWT_INVALID_CLIENT_ID"],
  ["an expired access token", { access: { exp: Math.floor(Date.now() / 1000) - 600 } }, "ERR_JWT_EXPIRED"],
]) {
  test(`the callback refuses ${name} (${code}) and sets no session`, async () => {
    let answer;
    const { edge } = gateway(() => Response.json(answer));
    const { params, cookie } = await start(edge);
    answer = await tokens(params, spoil);
    const response = await callback(edge, params, cookie);
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.equal(body.error, code);
    assert.doesNotMatch(JSON.stringify(body), /eyJ/);
    assert.ok(!setCookies(response).some((c) => c.startsWith("s.") && !c.endsWith("=")), "no session cookie");
  });
}

test("an ID token without at_hash passes (the check is made when present)", async () => {
  let answer;
  const { edge } = gateway(() => Response.json(answer));
  const { params, cookie } = await start(edge);
  answer = await tokens(params, { withAtHash: false });
  assert.equal((await callback(edge, params, cookie)).status, 302);
});

test("tokens too large for 8 cookies are ERR_EDGE_SESSION_TOO_LARGE (500), not a broken cookie", async () => {
  let answer;
  const { edge } = gateway(() => Response.json(answer));
  const { params, cookie } = await start(edge);
  answer = await tokens(params, { id: { "custom:blob": "x".repeat(40_000) } });
  const response = await callback(edge, params, cookie);
  assert.equal(response.status, 500);
  assert.equal((await response.json()).error, "ERR_EDGE_SESSION_TOO_LARGE");
});

test("an unreachable token endpoint is ERR_AUTH_NETWORK (502), as HTML for a page", async () => {
  const { edge } = gateway(() => {
    throw new TypeError("connect ECONNREFUSED");
  });
  const { params, cookie } = await start(edge);
  const response = await callback(edge, params, cookie, "text/html");
  assert.equal(response.status, 502);
  assert.equal(response.headers.get("content-security-policy"), "default-src 'none'");
  const page = await response.text();
  assert.match(page, /<code>ERR_AUTH_NETWORK<\/code>/);
  assert.doesNotMatch(page, /ECONNREFUSED|at \S+:\d+/);
});

/** Signed in with a session that expires in `expiresIn` seconds, through a token endpoint that
 * `endpoint.down = true` makes unreachable (`endpoint.answer`: what it answers when up). */
async function signedInFlaky(expiresIn) {
  const endpoint = { down: false, answer: undefined };
  const { edge, calls } = gateway(() => {
    if (endpoint.down) throw new TypeError("down");
    return Response.json(endpoint.answer);
  });
  const { params, cookie } = await start(edge);
  endpoint.answer = { ...(await tokens(params)), expires_in: expiresIn };
  const signedIn = cookieHeader(await callback(edge, params, cookie));
  return { edge, calls, endpoint, signedIn };
}

test("a refresh that cannot reach Cognito keeps serving while the access token is valid", async () => {
  const { edge, calls, endpoint, signedIn } = await signedInFlaky(30); // inside the 60 s refresh margin
  endpoint.down = true;
  const response = await edge(new Request(`${APP}/app/page`, { headers: { cookie: signedIn } }));
  assert.equal(response.status, 200);
  assert.equal(calls.at(-1).form.get("grant_type"), "refresh_token");
  assert.equal(calls.at(-1).form.get("refresh_token"), "refresh-1");
});

test("Cognito unreachable with the access token expired: a protected page is a 502, a public one is served anonymously and the session is kept", async () => {
  const { edge, calls, endpoint, signedIn } = await signedInFlaky(1);
  await new Promise((resolve) => setTimeout(resolve, 1100)); // past the session's expiry: nothing serves until a refresh
  endpoint.down = true;
  const page = await edge(new Request(`${APP}/app/page`, { headers: { cookie: signedIn, accept: "application/json" } }));
  assert.equal(page.status, 502);
  assert.equal((await page.json()).error, "ERR_AUTH_NETWORK");
  const open = await edge(new Request(`${APP}/about`, { headers: { cookie: signedIn, "x-sub": "forged" } }));
  assert.equal(open.status, 200);
  const seen = await open.json();
  assert.equal(seen["x-sub"], undefined, "anonymous: no claim headers, the forged one removed");
  assert.equal(seen.cookie, undefined, "the session cookie does not reach the origin");
  assert.deepEqual(setCookies(open), [], "the session is not cleared");
  const refreshes = calls.filter((c) => c.form.get("grant_type") === "refresh_token").length;
  assert.ok(refreshes >= 2, `both requests tried the refresh (${refreshes})`);
  // Cognito back: the same cookie refreshes and signs the visitor in
  endpoint.down = false;
  endpoint.answer = { access_token: await sign(key, claims("access")), expires_in: 3600, token_type: "Bearer" };
  const back = await edge(new Request(`${APP}/app/page`, { headers: { cookie: signedIn } }));
  assert.equal(back.status, 200);
  assert.ok(setCookies(back).some((c) => c.startsWith("s.0=") && !c.endsWith("=")), "a refreshed session cookie");
});

test("an unexpected failure is ERR_EDGE_INTERNAL with a fixed message (the cause stays inside)", async () => {
  const { edge } = gateway(() => Response.json({}), {
    protect: [(path) => {
      if (path === "/boom") throw new Error("secret detail");
      return false;
    }],
  });
  const response = await edge(new Request(`${APP}/boom`, { headers: { accept: "application/json" } }));
  assert.equal(response.status, 500);
  assert.deepEqual(await response.json(), { error: "ERR_EDGE_INTERNAL", message: "the sign-in gateway failed" });
});

test("tokenHeaders passes the access token to the origin only when asked", async () => {
  let answer;
  const { edge } = gateway(() => Response.json(answer), { tokenHeaders: { accessToken: "x-access-token" }, claimHeaders: { "x-email": "email", "x-groups": "cognito:groups" } });
  const { params, cookie } = await start(edge);
  answer = await tokens(params, { id: { email: "zoë@example.com" } });
  const signedIn = cookieHeader(await callback(edge, params, cookie));
  const seen = await (await edge(new Request(`${APP}/app/x`, { headers: { cookie: signedIn } }))).json();
  assert.equal(seen["x-access-token"], answer.access_token);
  assert.equal(seen["x-email"], encodeURIComponent("zoë@example.com"));
  assert.equal(seen["x-groups"], "admins");
});

test("option errors are ParameterValidationError ERR_PARAM_INVALID_OPTIONS, at creation", () => {
  const base = { userPoolId, clientId, domain: "auth.example.test", cookie: { secret: SECRET }, protect: ["/app/*"] };
  // the base itself is accepted, so each case below fails for its own change
  assert.equal(typeof createEdgeAuth(base), "function");
  for (const [name, options] of [
    ["no secret", { ...base, cookie: {} }],
    ["a short secret", { ...base, cookie: { secret: "short" } }],
    ["SameSite=None", { ...base, cookie: { secret: SECRET, sameSite: "None" } }],
    ["a __Host- cookie with a domain", { ...base, cookie: { secret: SECRET, name: "__Host-s", domain: "example.test" } }],
    ["no protect", { ...base, protect: [] }],
    ["a relative protect path", { ...base, protect: ["app"] }],
    ["a bad claim header", { ...base, claimHeaders: { "x bad": "sub" } }],
    ["no domain", { ...base, domain: "" }],
    ["an allowed origin that is not a URL", { ...base, allowedOrigins: ["not a url"] }],
  ]) {
    const error = thrown(() => createEdgeAuth(options));
    assert.ok(error instanceof ParameterValidationError, name);
    assert.equal(error.code, "ERR_PARAM_INVALID_OPTIONS", name);
  }
  assert.ok(EdgeAuthError.prototype instanceof Error);
});

test("a CORS preflight (OPTIONS) to a protected path goes on to the origin without a session; other methods do not", async () => {
  const { edge } = gateway(() => Response.json({}));
  const preflight = await edge(new Request(`${APP}/app/api`, { method: "OPTIONS", headers: { origin: "https://other.test", "x-sub": "forged" } }));
  assert.equal(preflight.status, 200);
  assert.equal((await preflight.json())["x-sub"], undefined, "forged claim header stripped");
  const put = await edge(new Request(`${APP}/app/api`, { method: "PUT", headers: { origin: APP, accept: "application/json" } }));
  assert.equal(put.status, 401);
  assert.equal((await put.json()).error, "ERR_EDGE_UNAUTHENTICATED");
});

test('sameSite "Strict": Strict session cookies, and the callback navigates on from a page of its own (the transaction stays Lax)', async () => {
  let answer;
  const { edge } = gateway(() => Response.json(answer), { cookie: { secret: SECRET, name: "s", sameSite: "Strict" } });
  const started = await edge(new Request(`${APP}/app/page?q=1`, { headers: { accept: "text/html" } }));
  assert.match(started.headers.getSetCookie()[0], /^s-tx\.0=v\d+\.[\w-]+; Path=\/; Secure; HttpOnly; SameSite=Lax; Max-Age=600$/);
  const params = new URL(started.headers.get("location")).searchParams;
  answer = await tokens(params);
  const response = await callback(edge, params, cookieHeader(started));
  assert.equal(response.status, 200);
  assert.match(await response.text(), /<meta http-equiv="refresh" content="0;url=\/app\/page\?q=1">/);
  const set = response.headers.getSetCookie();
  assert.ok(set.some((c) => /^s-tx\.0=; .*SameSite=Lax; Max-Age=0$/.test(c)), "the transaction deleted");
  const session = set.filter((c) => c.startsWith("s.") && !c.startsWith("s.0=;"));
  assert.ok(session.length >= 1);
  for (const c of session) assert.match(c, /; Path=\/; Secure; HttpOnly; SameSite=Strict$/);
});

test("a protected path percent-encoded (/%61pp/…) still needs a session", async () => {
  const { edge } = gateway(() => Response.json({}));
  for (const path of ["/%61pp/x", "/app%2Fx", "/%61%70%70/x"]) {
    const response = await edge(new Request(`${APP}${path}`, { headers: { accept: "application/json" } }));
    assert.equal(response.status, 401, path);
  }
  assert.equal((await edge(new Request(`${APP}/%zz`, { headers: { accept: "application/json" } }))).status, 200, "not decodable: matched as sent");
});

test("a token endpoint answering garbage is ERR_AUTH_INVALID_RESPONSE (502), not a sign-in loop", async () => {
  const { edge } = gateway(() => new Response("<html>oops</html>", { status: 200 }));
  const { params, cookie } = await start(edge);
  const response = await callback(edge, params, cookie);
  assert.equal(response.status, 502);
  assert.equal((await response.json()).error, "ERR_AUTH_INVALID_RESPONSE");
});

test("a sign-in transaction older than EDGE_AUTH_TRANSACTION_SECONDS is no transaction (and is deleted)", async () => {
  let answer;
  const { edge, calls } = gateway(() => Response.json(answer));
  const { params, cookie } = await start(edge);
  answer = await tokens(params);
  const realNow = Date.now;
  Date.now = () => realNow() + (EDGE_AUTH_TRANSACTION_SECONDS + 1) * 1000;
  let response;
  try {
    response = await callback(edge, params, cookie);
  } finally {
    Date.now = realNow;
  }
  assert.equal(response.status, 400);
  assert.equal((await response.json()).error, "ERR_AUTH_NO_TRANSACTION");
  assert.ok(response.headers.getSetCookie().some((c) => /^s-tx\.0=; .*Max-Age=0$/.test(c)));
  assert.equal(calls.length, 0, "no code exchange");
});

test("an opened session is memoised by its own cookies: a changing analytics cookie does not decrypt it again", async () => {
  const answer = {};
  const { edge } = gateway(() => Response.json(answer.tokens));
  const { params, cookie } = await start(edge);
  answer.tokens = await tokens(params);
  const signedIn = cookieHeader(await callback(edge, params, cookie));
  const sub = JSON.parse(Buffer.from(answer.tokens.access_token.split(".")[1], "base64url")).sub;
  const subtle = globalThis.crypto.subtle;
  const decrypt = subtle.decrypt;
  let decrypts = 0;
  subtle.decrypt = function (...args) {
    decrypts++;
    return decrypt.apply(this, args);
  };
  try {
    const seen = [];
    for (const i of [1, 2, 3]) {
      const response = await edge(new Request(`${APP}/app/page`, { headers: { cookie: `_ga=GA1.1.${i}; ${signedIn}; theme=t${i}` } }));
      assert.equal(response.status, 200);
      seen.push((await response.json())["x-sub"]);
    }
    assert.deepEqual(seen, [sub, sub, sub]);
    assert.equal(decrypts, 1, "one AES-GCM open for three requests of one session");
  } finally {
    subtle.decrypt = decrypt;
  }
});
