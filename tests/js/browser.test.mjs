// The package's browser entry (web.js: top-level-await init, .wasm fetched next to it) in headless
// Chromium, in a page (through an import map, no bundler) and in a module web worker; tokens
// signed by jose in Node, the JWKS fetched by the page from a loopback server.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { claims, clientId, makeKey, sign, userPoolId } from "./helpers.mjs";

const pkg = dirname(fileURLToPath(import.meta.resolve("cognito-wasm")));
const types = { ".js": "text/javascript", ".wasm": "application/wasm" };
const options = (origin) => ({ userPoolId, tokenUse: "id", clientId, jwksUri: `${origin}/jwks.json` });

// Runs in the page and in the worker: verify a good and a bad token, report what came out, and how
// many times a warm verify (the hot path) called crypto.subtle.verify (the browser entry's check).
const probe = `
export async function probe({ CognitoJwtVerifier, JwtBaseError }, options, good, bad) {
  const verifier = CognitoJwtVerifier.create(options);
  const payload = await verifier.verify(good);
  const error = await verifier.verify(bad).catch((e) => e);
  const { subtle } = crypto;
  const original = subtle.verify;
  let warmSubtleVerifies = 0;
  subtle.verify = function (...args) {
    warmSubtleVerifies += 1;
    return original.apply(this, args);
  };
  const warm = await verifier.verify(good).finally(() => delete subtle.verify);
  return { payload, warm, warmSubtleVerifies, name: error.name, code: error.code, isBase: error instanceof JwtBaseError,
    hasWindow: typeof window !== "undefined" };
}`;
const page = `<!doctype html>
<script type="importmap">{ "imports": { "cognito-wasm": "/pkg/web.js" } }</script>
<script type="module">
  import * as api from "cognito-wasm";
  import { probe } from "/probe.js";
  globalThis.inPage = (o, good, bad) => probe(api, o, good, bad);
  globalThis.inPageVerifyOnly = async (o, good, bad) => probe(await import("/pkg/verify/web.js"), o, good, bad);
  globalThis.inWorker = (o, good, bad) => new Promise((resolve, reject) => {
    const worker = new Worker("/worker.js", { type: "module" });
    worker.onmessage = ({ data }) => {
      if (data === "ready") worker.postMessage([o, good, bad]);
      else if (data.error) reject(new Error(data.error));
      else resolve(data);
    };
    worker.onerror = (e) => reject(new Error(e.message));
  });
</script>`;
const worker = `import * as api from "/pkg/web.js";
import { probe } from "/probe.js";
onmessage = async ({ data }) => postMessage(await probe(api, ...data).catch((e) => ({ error: String(e) })));
postMessage("ready"); // messages sent while the module (and the wasm init) was loading are not seen`;

let key;
let server;
let browser;
let tab;
let origin;

before(async () => {
  key = await makeKey("browser-key");
  const routes = { "/page.html": ["text/html", page], "/probe.js": [types[".js"], probe], "/worker.js": [types[".js"], worker],
    "/jwks.json": ["application/json", JSON.stringify({ keys: [key.jwk] })] };
  server = createServer((request, response) => {
    const path = new URL(request.url, "http://x").pathname;
    const [type, body] = routes[path] ?? (path.startsWith("/pkg/") ? [types[extname(path)], readFileSync(join(pkg, path.slice(5)))] : []);
    if (!type) return response.writeHead(404).end();
    response.writeHead(200, { "content-type": type }).end(body);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
  tab = await browser.newPage();
  await tab.goto(`${origin}/page.html`);
  await tab.waitForFunction(() => typeof globalThis.inWorker === "function" || null, null, { timeout: 15000 });
});
after(async () => {
  await browser?.close();
  server?.closeAllConnections();
  server?.close();
});

const described = {
  inPage: "a page",
  inWorker: "a module web worker",
  inPageVerifyOnly: "a page with the verify-only entry (cognito-wasm/verify)",
};
for (const where of Object.keys(described)) {
  test(`${described[where]} verifies with the browser entry and fetches the JWKS`, async () => {
    const payload = claims("id");
    const [good, bad] = [await sign(key, payload), await sign(key, claims("access"))];
    const result = await tab.evaluate(([fn, o, g, b]) => globalThis[fn](o, g, b), [where, options(origin), good, bad]);
    assert.deepEqual(result, {
      payload,
      warm: payload,
      warmSubtleVerifies: 1,
      name: "CognitoJwtInvalidTokenUseError",
      code: "ERR_JWT_INVALID_TOKEN_USE",
      isBase: true,
      hasWindow: where !== "inWorker",
    });
  });
}
