// The README's "Sign-in at the edge" example, run as written (the js block of the packaged
// README.md) in workerd through Miniflare: the domain it names (https://auth.example.com) and
// Cognito's JWKS host are routed to the emulator by Miniflare's outbound service, which also
// plays the origin behind the worker (it answers with the claim headers it was sent). Node's
// fetch with a cookie jar plays the browser, the app at https://app.example.com.
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { Miniflare } from "miniflare";
import { BFF, HTML, Jar, SECRET_A, USER, bffEmulatorConfig } from "./bff.mjs";
import { POOL_ID, startEmulator } from "./helpers.mjs";
import { forWorkerd, readmeBlock, workerdModules } from "../js/readme-blocks.mjs";

const pkg = process.env.COGNITO_WASM_PKG ?? join(import.meta.dirname, "../../pkg");
const readme = readFileSync(join(pkg, "README.md"), "utf8");

const APP = "https://app.example.com";
const script = join(dirname(pkg), "readme-bff.mjs"); // beside the package, which it imports by path
const DOMAIN = "https://auth.example.com";
let emulator;
let mf;
const origin = []; // the requests the worker passed to the origin
const upstream = []; // and those it sent to Cognito's hosts

before(async () => {
  const snippet = readmeBlock(readme, "## Sign-in at the edge (backend-for-frontend)");
  const config = bffEmulatorConfig(0);
  const client = config.UserPoolClients.find((c) => c.ClientId === BFF.id);
  Object.assign(client, { CallbackURLs: [`${APP}/auth/callback`], LogoutURLs: [`${APP}/`] });
  emulator = await startEmulator({ config });
  writeFileSync(script, forWorkerd(snippet, `./${basename(pkg)}/workerd.js`));
  mf = new Miniflare({
    ...workerdModules(dirname(pkg)),
    scriptPath: script,
    bindings: { USER_POOL_ID: POOL_ID, CLIENT_ID: BFF.id, CLIENT_SECRET: BFF.secret, COOKIE_SECRETS: SECRET_A },
    outboundService: async (request) => {
      const url = new URL(request.url);
      if (url.origin === DOMAIN || url.hostname.endsWith(".amazonaws.com")) {
        upstream.push(`${request.method} ${url.origin}${url.pathname}`);
        const body = request.method === "GET" ? undefined : await request.arrayBuffer();
        // the request as the worker made it, less what fetch sets itself (host, content-length)
        const headers = new Headers(request.headers);
        for (const name of ["host", "content-length"]) headers.delete(name);
        return fetch(`${emulator.url}${url.pathname}${url.search}`, { method: request.method, headers, body, redirect: "manual" });
      }
      origin.push({ url: request.url, headers: Object.fromEntries(request.headers) });
      return Response.json({ origin: url.pathname });
    },
  });
  await mf.ready;
});

after(async () => {
  await mf?.dispose();
  await emulator?.stop();
  rmSync(script, { force: true });
});

/** A request of the browser (`jar`) to the worker, redirects not followed. */
async function browse(jar, url, headers = HTML) {
  const response = await mf.dispatchFetch(url, { redirect: "manual", headers: { ...headers, ...(jar.cookies.size ? { cookie: jar.header() } : {}) } });
  return jar.update(response);
}

test("the example signs in at the hosted UI domain it names, keeps the session in __Host- cookies and sends the origin verified claim headers", async () => {
  const jar = new Jar();
  const unauthenticated = await browse(jar, `${APP}/api/orders`, { accept: "application/json" });
  assert.equal(unauthenticated.status, 401);
  assert.equal((await unauthenticated.json()).error, "ERR_EDGE_UNAUTHENTICATED");

  const start = await browse(jar, `${APP}/app/orders?page=2`);
  assert.equal(start.status, 302);
  const authorize = new URL(start.headers.get("location"));
  assert.equal(`${authorize.origin}${authorize.pathname}`, `${DOMAIN}/oauth2/authorize`);
  assert.deepEqual([authorize.searchParams.get("redirect_uri"), authorize.searchParams.get("scope")], [`${APP}/auth/callback`, "openid email"]);
  // the hosted UI (the emulator's browserless login for that authorize URL)
  const login = await fetch(`${emulator.url}/_emulator/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ authorize: authorize.href, ...USER }),
  });
  assert.equal(login.status, 200, await login.clone().text());
  const callback = await browse(jar, (await login.json()).callbackUrl);
  assert.equal(callback.status, 302, await callback.clone().text());
  assert.equal(callback.headers.get("location"), "/app/orders?page=2");
  const chunks = [...jar.cookies.keys()].filter((name) => name.startsWith("__Host-session."));
  assert.ok(chunks.length >= 1, [...jar.cookies.keys()].join());
  for (const name of chunks) assert.deepEqual(jar.attributes.get(name), ["Path=/", "Secure", "HttpOnly", "SameSite=Lax"]);

  const page = await browse(jar, `${APP}/app/orders?page=2`);
  assert.deepEqual([page.status, await page.json()], [200, { origin: "/app/orders" }]);
  const [seen] = origin;
  assert.equal(seen.url, `${APP}/app/orders?page=2`);
  assert.equal(seen.headers["x-auth-email"], "jdoe@example.com");
  assert.match(seen.headers["x-auth-sub"], /^[0-9a-f-]{36}$/);
  assert.equal(seen.headers["x-auth-groups"], "admins");
  assert.deepEqual(upstream.sort(), [
    `GET https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}/.well-known/jwks.json`,
    `POST ${DOMAIN}/oauth2/token`,
  ]);
  // by name only: a failure must not print the sealed session or a token
  assert.ok(!("cookie" in seen.headers), "the origin does not get the session cookies");
  assert.ok(!("authorization" in seen.headers), "nor a token");
});
