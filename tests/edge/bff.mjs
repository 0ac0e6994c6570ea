// Helpers of the edge sign-in (backend-for-frontend) tests and bench: an emulator with a
// confidential app client for the example worker's bff environment (rotation on, 5-minute
// tokens), the worker under Miniflare on a known port (the callback URL must be registered), a
// cookie jar for Node's fetch and a browserless sign-in through the worker.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { authorizeUrl, REPO_ROOT, startEmulator } from "../emulator/harness.mjs";
import { startWorker } from "./helpers.mjs";

export const BFF = { id: "bff4emulator0client00000d", secret: "secret4emulator0bff0client0000000000000000000000d" };
export const SECRET_A = "cookie-secret-a-0123456789abcdef0123456789";
export const SECRET_B = "cookie-secret-b-0123456789abcdef0123456789";
export const USER = { username: "jdoe", password: "Passw0rd!" };
/** The tokens' lifetime in the test pool (Cognito's shortest). */
export const TOKEN_SECONDS = 300;

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject).listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The default emulator config plus the bff client for `http://localhost:<port>`. */
export function bffEmulatorConfig(port, { graceSeconds = 0 } = {}) {
  const config = JSON.parse(readFileSync(join(REPO_ROOT, "emulator/config/default.json"), "utf8"));
  const origin = `http://localhost:${port}`;
  config.UserPoolClients.push({
    ClientId: BFF.id,
    ClientName: "edge bff",
    ClientSecret: BFF.secret,
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: ["code"],
    AllowedOAuthScopes: ["openid", "email", "profile"],
    CallbackURLs: [`${origin}/auth/callback`],
    LogoutURLs: [`${origin}/`],
    AccessTokenValidity: 5,
    IdTokenValidity: 5,
    RefreshTokenValidity: 1,
    TokenValidityUnits: { AccessToken: "minutes", IdToken: "minutes", RefreshToken: "days" },
    EnableTokenRevocation: true,
    RefreshTokenRotation: { Feature: "ENABLED", RetryGracePeriodSeconds: graceSeconds },
  });
  return config;
}

/** The emulator and one bff worker on a fresh port: `{emulator, port, origin, start(vars,
 * options)}`; `start` runs another worker on the same port (after the previous one was disposed);
 * `options` go to startWorker (e.g. `script`, `also`). */
export async function bffStack({ graceSeconds } = {}) {
  const port = await freePort();
  const emulator = await startEmulator({ config: bffEmulatorConfig(port, { graceSeconds }) });
  const origin = `http://localhost:${port}`;
  const start = (vars = {}, options = {}) =>
    startWorker({
      ...options,
      env: "bff",
      emulator: emulator.url,
      port,
      vars: { CLIENT_ID: BFF.id, CLIENT_SECRET: BFF.secret, COOKIE_SECRETS: SECRET_A, COOKIE_NAME: "session", ...vars },
    });
  return { emulator, port, origin, start };
}

/** A cookie jar for fetch: what the worker set (Max-Age=0 deletes), sent back as `Cookie`. */
export class Jar {
  cookies = new Map();
  attributes = new Map();
  update(response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";").map((s) => s.trim());
      const at = pair.indexOf("=");
      const name = pair.slice(0, at);
      if (attrs.some((a) => /^max-age=0$/i.test(a))) {
        this.cookies.delete(name);
      } else {
        this.cookies.set(name, pair.slice(at + 1));
        this.attributes.set(name, attrs);
      }
    }
    return response;
  }
  header() {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join("; ");
  }
  clone() {
    const jar = new Jar();
    jar.cookies = new Map(this.cookies);
    return jar;
  }
}

/** fetch through `jar` without following redirects. */
export async function get(url, jar, { headers = {}, ...init } = {}) {
  const cookie = jar?.header();
  const response = await fetch(url, { redirect: "manual", ...init, headers: { ...(cookie ? { cookie } : {}), ...headers } });
  return jar ? jar.update(response) : response;
}

/** What a browser navigation sends (Node's fetch replaces sec-fetch-mode with `cors`). */
export const HTML = { accept: "text/html", "sec-fetch-mode": "navigate" };

/** Signs in through the worker without a browser: `/app` → hosted UI (the emulator's login
 * control) → callback. Resolves to the callback's response. */
export async function signIn(origin, emulatorUrl, jar, path = "/app") {
  const start = await get(`${origin}${path}`, jar, { headers: HTML });
  if (start.status !== 302) throw new Error(`sign-in start: ${start.status}`);
  const login = await fetch(`${emulatorUrl}/_emulator/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ authorize: start.headers.get("location"), ...USER }),
  });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
  return get((await login.json()).callbackUrl, jar, { headers: HTML });
}

/** Shifts the emulator clock; resolves to its offset. */
export async function shiftClock(emulatorUrl, seconds) {
  const response = await fetch(`${emulatorUrl}/_emulator/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ advanceSeconds: seconds }) });
  return (await response.json()).offsetSeconds;
}

/** Requests to `path` the emulator logged (and clears the log with `reset`). */
export async function requests(emulatorUrl, path) {
  return (await (await fetch(`${emulatorUrl}/_emulator/requests?path=${encodeURIComponent(path)}`)).json()).count;
}
export const resetRequests = (emulatorUrl) => fetch(`${emulatorUrl}/_emulator/requests`, { method: "DELETE" });

/** `/oauth2/token` as the bff client (client_secret_basic). */
export const tokenRequest = (emulatorUrl, fields) =>
  fetch(`${emulatorUrl}/oauth2/token`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(`${BFF.id}:${BFF.secret}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });

/** The tokens (`access_token`, `refresh_token`, …) of a code flow of our own as the bff client,
 * straight at the emulator (the worker's are sealed in its cookies). */
export async function clientTokens(stack) {
  const redirectUri = `${stack.origin}/auth/callback`;
  const { url, verifier } = authorizeUrl(stack.emulator.url, { client_id: BFF.id, redirect_uri: redirectUri, scope: "openid email profile", state: "s" });
  const login = await fetch(`${stack.emulator.url}/_emulator/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ authorize: url, ...USER }),
  });
  const code = new URL((await login.json()).callbackUrl).searchParams.get("code");
  const response = await tokenRequest(stack.emulator.url, { grant_type: "authorization_code", client_id: BFF.id, code, redirect_uri: redirectUri, code_verifier: verifier });
  if (response.status !== 200) throw new Error(`token endpoint: ${response.status}`);
  return response.json();
}

/** The session cookie's chunks (in order) are sealed: their framed bytes, decoded, hold no JWT and
 * no session JSON (an unencrypted cookie would: base64url hides a JWT only until it is decoded). */
export function assertSealed(chunks) {
  const framed = chunks.join("");
  assert.match(framed, /^v\d+\.[\w-]+$/);
  const bytes = Buffer.from(framed.slice(framed.indexOf(".") + 1), "base64url").toString("latin1");
  assert.ok(!bytes.includes("eyJ") && !bytes.includes("accessToken") && !bytes.includes("refreshToken"), "the session cookie is not sealed");
}
