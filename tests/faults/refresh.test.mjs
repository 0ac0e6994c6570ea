// Fault injection on the token endpoint during a refresh, in headless Chromium with the packed
// package's CognitoAuth (the e2e app page, tests/e2e/) against the Cognito emulator, for a client
// with refresh-token rotation: a 5xx or a hang keeps the session and a later refresh works; two
// tabs racing a refresh send one request and both end up with its result (no invalid_grant).
// The session is seeded into localStorage from a sign-in done in Node (the flow itself is e2e's).
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, test } from "node:test";

import {
  authorizeUrl,
  countRequests,
  emulatorLogin,
  launchChromium,
  packageDir,
  redeemCode,
  resetRequests,
  startEmulator,
  startStatic,
} from "../e2e/support.mjs";

const POOL_ID = "us-east-1_Faults001";
const CLIENT = "spa0faults0rotating000000a";
const USER = { username: "jdoe", password: "Passw0rd!" };
const SESSION_KEY = `cognito-wasm.${CLIENT}.session`;

let app;
let emulator;
let browser;

before(async () => {
  app = await startStatic({ page: "tests/e2e/app/index.html", mounts: { "/pkg/": packageDir() } });
  emulator = await startEmulator({
    config: {
      UserPool: { UserPoolId: POOL_ID },
      UserPoolClients: [{
        ClientId: CLIENT,
        AllowedOAuthFlows: ["code"],
        AllowedOAuthScopes: ["openid", "email"],
        CallbackURLs: [`${app.url}/callback`],
        RefreshTokenRotation: { Feature: "ENABLED", RetryGracePeriodSeconds: 0 },
      }],
      Users: [{ Username: USER.username, Password: USER.password, UserAttributes: [{ Name: "email", Value: "jdoe@example.com" }] }],
    },
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await emulator?.stop();
  await app?.close();
});

/** A stored session (the package's storage format) from a sign-in done in Node. */
async function signedInSession() {
  const redirectUri = `${app.url}/callback`;
  const { url, verifier } = authorizeUrl(emulator.url, { client_id: CLIENT, redirect_uri: redirectUri, scope: "openid email", state: "s" });
  const code = new URL(await emulatorLogin(emulator.url, url, USER)).searchParams.get("code");
  const t = await redeemCode(emulator.url, { clientId: CLIENT, code, redirectUri, verifier });
  const expiresAt = Math.floor(Date.now() / 1000) + t.expires_in;
  return JSON.stringify({ idToken: t.id_token, accessToken: t.access_token, refreshToken: t.refresh_token, expiresAt });
}

/** A browser context whose localStorage holds a session, with `tabs` app pages open. */
async function openTabs(tabs) {
  const context = await browser.newContext();
  const session = await signedInSession();
  await context.addInitScript(({ auth, key, session }) => {
    window.__E2E = { auth };
    if (!localStorage.getItem(key)) localStorage.setItem(key, session);
  }, {
    auth: {
      userPoolId: POOL_ID,
      clientId: CLIENT,
      domain: emulator.url,
      redirectUri: `${app.url}/callback`,
      scopes: ["openid", "email"],
      jwksUri: `${emulator.url}/${POOL_ID}/.well-known/jwks.json`,
      storage: "local",
    },
    key: SESSION_KEY,
    session,
  });
  const pages = [];
  for (let i = 0; i < tabs; i += 1) {
    const page = await context.newPage();
    await page.goto(app.url);
    await page.waitForFunction(() => window.appReady === true);
    pages.push(page);
  }
  return { context, pages, session: JSON.parse(session) };
}

/** A forced refresh in `page`: `{ok, accessToken, refreshToken}` or `{ok: false, code, name}`. */
const forceRefresh = (page) =>
  page.evaluate(() =>
    auth.getSession({ forceRefresh: true }).then(
      (s) => ({ ok: true, accessToken: s.accessToken, refreshToken: s.refreshToken }),
      (e) => ({ ok: false, ...describeError(e) }),
    ),
  );
const stored = async (page) => JSON.parse(await page.evaluate((key) => localStorage.getItem(key), SESSION_KEY));
const events = (page) => page.evaluate(() => window.events);
const tokenEndpoint = () => `${emulator.url}/oauth2/token`;

test("token endpoint 503 during a refresh: error, session kept, a later refresh works", async () => {
  const { context, pages: [page], session } = await openTabs(1);
  try {
    await page.route(tokenEndpoint(), (route) => route.fulfill({ status: 503, body: "Service Unavailable" }));
    const failed = await forceRefresh(page);
    assert.equal(failed.ok, false);
    assert.match(failed.code, /^ERR_AUTH_/);
    assert.notEqual(failed.code, "ERR_AUTH_INVALID_GRANT");
    assert.deepEqual(await stored(page), session, "session kept as it was");
    await page.unroute(tokenEndpoint());
    const retried = await forceRefresh(page);
    assert.equal(retried.ok, true, retried.code);
    assert.notEqual(retried.accessToken, session.accessToken);
    assert.notEqual(retried.refreshToken, session.refreshToken, "rotated");
    assert.deepEqual(await events(page), ["refreshed"]);
  } finally {
    await context.close();
  }
});

test("token endpoint hangs during a refresh: the request times out, session kept, a later refresh works", async () => {
  const { context, pages: [page], session } = await openTabs(1);
  try {
    await page.route(tokenEndpoint(), () => {}); // never answered
    const started = Date.now();
    const failed = await Promise.race([
      forceRefresh(page),
      new Promise((resolve) => setTimeout(() => resolve({ ok: false, code: "still pending after 20 s" }), 20_000)),
    ]);
    assert.equal(failed.code, "ERR_AUTH_NETWORK", `${failed.code} after ${Date.now() - started} ms`);
    assert.deepEqual(await stored(page), session, "session kept as it was");
    await page.unroute(tokenEndpoint());
    const retried = await forceRefresh(page);
    assert.equal(retried.ok, true, retried.code);
    assert.notEqual(retried.accessToken, session.accessToken);
  } finally {
    await context.close();
  }
});

test("token endpoint sends its headers, then a body that never ends: times out too, session kept", async () => {
  // a token endpoint that answers 200 with CORS headers and a first chunk, then stalls
  const sockets = new Set();
  const stalling = createServer((request, response) => {
    const cors = { "access-control-allow-origin": "*", "access-control-allow-headers": "content-type" };
    if (request.method === "OPTIONS") return response.writeHead(204, cors).end();
    response.writeHead(200, { ...cors, "content-type": "application/json" });
    response.write('{"id_token":"');
  });
  stalling.on("connection", (socket) => sockets.add(socket));
  await new Promise((resolve) => stalling.listen(0, "127.0.0.1", resolve));
  const { context, pages: [page], session } = await openTabs(1);
  try {
    const stallUrl = `http://127.0.0.1:${stalling.address().port}/oauth2/token`;
    await page.route(tokenEndpoint(), (route) => route.continue({ url: stallUrl }));
    const started = Date.now();
    const failed = await Promise.race([
      forceRefresh(page),
      new Promise((resolve) => setTimeout(() => resolve({ ok: false, code: "still pending after 20 s" }), 20_000)),
    ]);
    assert.equal(failed.code, "ERR_AUTH_NETWORK", `${failed.code} after ${Date.now() - started} ms`);
    assert.ok(sockets.size > 0, "the stalling endpoint was reached");
    assert.deepEqual(await stored(page), session, "session kept as it was");
    await page.unroute(tokenEndpoint());
    const retried = await forceRefresh(page);
    assert.equal(retried.ok, true, retried.code);
  } finally {
    await context.close();
    for (const socket of sockets) socket.destroy();
    stalling.close();
  }
});

test("two tabs racing a rotating refresh: one token request, both adopt its result", async () => {
  const { context, pages: [a, b], session } = await openTabs(2);
  try {
    await resetRequests(emulator.url);
    const [ra, rb] = await Promise.all([forceRefresh(a), forceRefresh(b)]);
    assert.equal(ra.ok && rb.ok, true, `${ra.code} ${rb.code}`);
    assert.equal(await countRequests(emulator.url, "/oauth2/token"), 1);
    assert.equal(ra.accessToken, rb.accessToken);
    assert.equal(ra.refreshToken, rb.refreshToken);
    assert.notEqual(ra.refreshToken, session.refreshToken, "rotated once");
    // the adopted, rotated refresh token is the live one: the next refresh works
    const next = await forceRefresh(b);
    assert.equal(next.ok, true, next.code);
    assert.ok(!(await events(a)).includes("sessionExpired") && !(await events(b)).includes("sessionExpired"));
  } finally {
    await context.close();
  }
});
