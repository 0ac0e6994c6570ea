// Reusable helpers for browser end-to-end tests (Playwright via playwright-core + Debian Chromium)
// against the Cognito emulator, a real oidc-provider IdP and a static server for the app page.
//
//   const pkg = packageDir();                       // the *packed* cognito-wasm, installed
//   const app = await startStatic({ page: 'tests/e2e/app/index.html', mounts: { '/pkg/': pkg } });
//   const idp = await startIdp({ clients: [...] });   // tests/idp/server.mjs
//   const emulator = await startEmulator({ config }); // tests/emulator/harness.mjs
//   const browser = await launchChromium();
//   await resetRequests(emulator.url); ... await countRequests(emulator.url, '/oauth2/token');
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

import { chromium } from 'playwright-core';

import { REPO_ROOT } from '../emulator/harness.mjs';

export { startEmulator, REPO_ROOT, postForm, authorizeUrl, redeemCode, decodePayload } from '../emulator/harness.mjs';
export { cognitoProvider, startIdp, TOKEN_ATTRIBUTES } from '../idp/server.mjs';

/** Chromium flags that keep it quiet on a closed network (shared/docs/toolchain.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
];

/** Headless Debian Chromium (`$CHROMIUM_PATH`, default /usr/bin/chromium). */
export function launchChromium(options = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    ...options,
  });
}

/**
 * The installed packed package: `$COGNITO_WASM_PKG`, else `tests/e2e/.scratch/node_modules/cognito-wasm`
 * (made by `scripts/build-pkg.sh && scripts/pack-install.sh tests/e2e/.scratch`).
 */
export function packageDir() {
  const dir = process.env.COGNITO_WASM_PKG ?? join(REPO_ROOT, 'tests/e2e/.scratch/node_modules/cognito-wasm');
  if (!existsSync(join(dir, 'package.json'))) {
    throw new Error(`no installed package at ${dir}: run scripts/build-pkg.sh && scripts/pack-install.sh tests/e2e/.scratch`);
  }
  return dir;
}

const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.json': 'application/json', '.css': 'text/css' };

/**
 * A static server on 127.0.0.1: `mounts` maps URL prefixes to folders; any other GET answers the
 * HTML file `page` (so `/`, `/callback`, `/signed-out` all load the app). Returns
 * { url (http://localhost:PORT), port, close() }.
 */
export async function startStatic({ page, mounts = {} }) {
  const html = readFileSync(resolve(REPO_ROOT, page));
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (!path.startsWith(prefix)) continue;
      const file = normalize(join(dir, path.slice(prefix.length)));
      if (!file.startsWith(normalize(dir)) || !existsSync(file) || !statSync(file).isFile()) break;
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      createReadStream(file).pipe(res);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' }).end(html);
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    url: `http://localhost:${port}`,
    port,
    close: () => {
      server.closeAllConnections();
      return new Promise((ok) => server.close(ok));
    },
  };
}

async function control(emulatorUrl, path, init) {
  const response = await fetch(`${emulatorUrl}/_emulator/${path}`, init);
  if (!response.ok) throw new Error(`/_emulator/${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

/** How many requests the emulator logged for `path` (e.g. `/oauth2/token`) since the last reset. */
export async function countRequests(emulatorUrl, path) {
  return (await control(emulatorUrl, `requests?path=${encodeURIComponent(path)}`)).count;
}

/** Clears the emulator's request log. */
export async function resetRequests(emulatorUrl) {
  await fetch(`${emulatorUrl}/_emulator/requests`, { method: 'DELETE' });
}

/** Moves the emulator's clock forward (every iat/exp it mints or checks follows). */
export function advanceEmulatorClock(emulatorUrl, seconds) {
  return control(emulatorUrl, 'clock', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceSeconds: seconds }),
  });
}

/** A browserless sign-in at the emulator: the callback URL for `authorize` (a full authorize URL). */
export async function emulatorLogin(emulatorUrl, authorize, { username, password }) {
  return (await control(emulatorUrl, 'login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ authorize, username, password }),
  })).callbackUrl;
}
