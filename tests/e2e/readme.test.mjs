// The README's SPA quick start and its browser verify-only example, run as written (the code
// blocks of the packaged README.md) in headless Chromium, with the host names they show: the app at
// https://app.example.com, the user pool domain myapp.auth.us-east-1.amazoncognito.com, and
// Cognito's JWKS at cognito-idp.us-east-1.amazonaws.com (and issuer-cognito-idp.…, the pool's
// newer issuer format). Playwright routes those hosts: the app's to the page and the packed
// package, Cognito's to the emulator on loopback (pool us-east-1_AbCdEf123 as the snippets
// configure it). Nothing in the snippets is changed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';

import { authorizeUrl, emulatorLogin, launchChromium, packageDir, redeemCode, startEmulator } from './support.mjs';
import { readmeBlock } from '../js/readme-blocks.mjs';

const readme = readFileSync(join(packageDir(), 'README.md'), 'utf8');
const snippet = readmeBlock(readme, '### SPA: sign in with the hosted UI (authorization code + PKCE)');

// What the snippet names.
const POOL_ID = 'us-east-1_AbCdEf123';
const CLIENT = '1example23456789abcdefghij';
const APP = 'https://app.example.com';
const DOMAIN = 'https://myapp.auth.us-east-1.amazoncognito.com';
const COGNITO_IDP = 'https://cognito-idp.us-east-1.amazonaws.com';
const ISSUER_HOST = 'https://issuer-cognito-idp.us-east-1.amazonaws.com'; // the pool's newer issuer format
const USER = { username: 'jdoe', password: 'Passw0rd!', email: 'jdoe@example.com' };

const config = {
  UserPool: {
    UserPoolId: POOL_ID,
    ResourceServers: [{ Identifier: 'https://api.example.com', Name: 'API', Scopes: [{ ScopeName: 'read', ScopeDescription: 'r' }] }],
  },
  UserPoolClients: [{
    ClientId: CLIENT,
    AllowedOAuthFlows: ['code'],
    AllowedOAuthScopes: ['openid', 'email', 'https://api.example.com/read'],
    CallbackURLs: [`${APP}/callback`],
    LogoutURLs: [`${APP}/`],
    SupportedIdentityProviders: ['COGNITO'],
  }],
  Users: [{
    Username: USER.username,
    Password: USER.password,
    UserAttributes: [{ Name: 'email', Value: USER.email }, { Name: 'email_verified', Value: 'true' }],
  }],
};

// The app page: the package under /node_modules/ through an import map, and the snippet as its module.
const page = () => `<!doctype html><html><head><meta charset="utf-8">
<script type="importmap">{ "imports": { "cognito-wasm": "/node_modules/cognito-wasm/web.js" } }</script>
</head><body><script type="module">
${snippet}
</script></body></html>`;

let emulator;
let browser;

before(async () => {
  emulator = await startEmulator({ config });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await emulator?.stop();
});

/**
 * A browser context whose hosts are the README's: the app (`html` for any page, the package under
 * /node_modules/cognito-wasm/, `/api` recorded in `requests.api` and answered 200) and Cognito's
 * (served by the emulator; redirects go back to the browser, not followed here), every Cognito
 * request recorded in `requests.cognito`.
 */
async function readmeHosts(html) {
  const context = await browser.newContext();
  const requests = { cognito: [], api: [] };
  let apiCalled;
  const apiCall = new Promise((resolve) => (apiCalled = resolve));
  const files = packageDir();
  await context.route(`${APP}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname.startsWith('/node_modules/cognito-wasm/')) {
      const file = url.pathname.slice('/node_modules/cognito-wasm/'.length);
      const type = file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
      return route.fulfill({ body: readFileSync(join(files, file)), contentType: type });
    }
    if (url.pathname === '/api') {
      requests.api.push(route.request().headers().authorization);
      apiCalled();
      return route.fulfill({ status: 200, body: 'ok' });
    }
    return route.fulfill({ body: html, contentType: 'text/html' });
  });
  const toEmulator = async (route) => {
    const url = new URL(route.request().url());
    requests.cognito.push(`${url.origin}${url.pathname}`);
    const response = await route.fetch({ url: `${emulator.url}${url.pathname}${url.search}`, maxRedirects: 0 });
    return route.fulfill({ response });
  };
  await context.route(`${DOMAIN}/**`, toEmulator);
  await context.route(`${COGNITO_IDP}/**`, toEmulator);
  await context.route(`${ISSUER_HOST}/**`, toEmulator);
  return { context, requests, apiCall };
}

/**
 * A tab of `context` whose console lines, page errors and failed requests (origin and path only:
 * a callback URL carries the code) are kept in `logs`, and `within(promise, what)`: the promise,
 * or a failure after 30 s that says `what` did not happen and what the page logged.
 */
async function openTab(context) {
  const tab = await context.newPage();
  const logs = [];
  tab.on('console', (message) => logs.push(message.text()));
  tab.on('pageerror', (error) => logs.push(`page error: ${error.message}`));
  tab.on('requestfailed', (request) => {
    const url = new URL(request.url());
    logs.push(`failed: ${url.origin}${url.pathname}`);
  });
  const within = async (promise, what) => {
    let timer;
    const late = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} in 30 s; the page logged:\n${logs.join('\n')}`)), 30_000)));
    try {
      return await Promise.race([promise, late]);
    } finally {
      clearTimeout(timer);
    }
  };
  return { tab, logs, within };
}

test('the SPA quick start signs in through the hosted UI, verifies the tokens and calls the API with the access token', async () => {
  const { context, requests, apiCall } = await readmeHosts(page());
  const files = packageDir();
  const { tab, logs, within } = await openTab(context);
  try {
    await tab.goto(`${APP}/`);
    // signed out: signInWithRedirect took the tab to the hosted UI's login form
    await tab.waitForSelector('#signInFormUsername');
    await tab.fill('#signInFormUsername', USER.username);
    await tab.fill('#signInFormPassword', USER.password);
    await tab.click('button[name=signInSubmitButton]');
    await within(apiCall, 'no /api call (the snippet\'s last step)');
    assert.equal(tab.url(), `${APP}/callback`, 'code and state left the URL');
    assert.deepEqual(logs.filter((line) => line === USER.email), [USER.email], 'session.idTokenPayload.email was logged');
    const [authorization] = requests.api;
    // (assert.ok, not assert.match: a failure must not print the token)
    assert.ok(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(authorization ?? ''), '/api got Authorization: Bearer <a JWT>');
    // the bearer token verifies in Node too, against the emulator's JWKS
    const { CognitoJwtVerifier } = await import(pathToFileURL(join(files, 'node.js')).href);
    const verifier = CognitoJwtVerifier.create({ userPoolId: POOL_ID, tokenUse: 'access', clientId: CLIENT, jwksUri: `${emulator.url}/${POOL_ID}/.well-known/jwks.json` });
    const payload = await verifier.verify(authorization.slice('Bearer '.length));
    assert.deepEqual(
      [payload.iss, payload.token_use, payload.client_id, payload.username, payload.scope.split(' ').sort()],
      [`${COGNITO_IDP}/${POOL_ID}`, 'access', CLIENT, USER.username, ['email', 'https://api.example.com/read', 'openid']],
    );
    // The pool's JWKS came from Cognito's own URL, and the domain served authorize, login and token.
    assert.ok(requests.cognito.includes(`${COGNITO_IDP}/${POOL_ID}/.well-known/jwks.json`), requests.cognito.join('\n'));
    for (const path of ['/oauth2/authorize', '/oauth2/token']) assert.ok(requests.cognito.includes(`${DOMAIN}${path}`), `${path}: ${requests.cognito.join('\n')}`);
  } finally {
    await context.close();
  }
});

test('the browser verify-only example verifies an ID token with the JWKS fetched from Cognito\'s URL', async () => {
  const html = readmeBlock(readme, '### Browser: verifying only (a bundler, or a plain `<script type="module">`)', 'html');
  // an ID token of the README's pool and client, from a browserless sign-in at the emulator
  const redirectUri = `${APP}/callback`;
  const { url, verifier } = authorizeUrl(emulator.url, { client_id: CLIENT, redirect_uri: redirectUri, scope: 'openid email', state: 'readme' });
  const code = new URL(await emulatorLogin(emulator.url, url, USER)).searchParams.get('code');
  const { id_token: idToken } = await redeemCode(emulator.url, { clientId: CLIENT, code, redirectUri, verifier });
  const { context, requests } = await readmeHosts(html);
  try {
    await context.addInitScript((token) => {
      window.idToken = token; // the example's free variable
    }, idToken);
    const { tab, within } = await openTab(context);
    await tab.goto(`${APP}/`);
    await within(tab.waitForFunction(() => document.body.textContent.startsWith('Hello'), null, { timeout: 0 }), 'no greeting');
    assert.equal(await tab.evaluate(() => document.body.textContent), `Hello ${USER.email}`);
    // hydrate() fetched the JWKS of both issuer formats of the pool, once each; verify() nothing more
    assert.deepEqual(requests.cognito.sort(), [`${COGNITO_IDP}/${POOL_ID}/.well-known/jwks.json`, `${ISSUER_HOST}/${POOL_ID}/.well-known/jwks.json`]);
  } finally {
    await context.close();
  }
});
