// The README's SPA quick start, run as written (the js block of the packaged README.md) in
// headless Chromium, with the host names it names: the app at https://app.example.com, the user
// pool domain myapp.auth.us-east-1.amazoncognito.com and Cognito's JWKS at
// cognito-idp.us-east-1.amazonaws.com. Playwright routes those hosts: the app's to the page and the
// packed package, Cognito's to the emulator on loopback (pool us-east-1_AbCdEf123 as the snippet
// configures it). Nothing in the snippet is changed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';

import { launchChromium, packageDir, startEmulator } from './support.mjs';

const readme = readFileSync(join(packageDir(), 'README.md'), 'utf8');
const heading = '### SPA: sign in with the hosted UI (authorization code + PKCE)';
const snippet = /^```js\n([\s\S]*?)^```$/m.exec(readme.slice(readme.indexOf(heading)))?.[1];

// What the snippet names.
const POOL_ID = 'us-east-1_AbCdEf123';
const CLIENT = '1example23456789abcdefghij';
const APP = 'https://app.example.com';
const DOMAIN = 'https://myapp.auth.us-east-1.amazoncognito.com';
const COGNITO_IDP = 'https://cognito-idp.us-east-1.amazonaws.com';
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
  assert.ok(snippet, `the README has a js block under ${heading}`);
  emulator = await startEmulator({ config });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await emulator?.stop();
});

test('the SPA quick start signs in through the hosted UI, verifies the tokens and calls the API with the access token', async () => {
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
    return route.fulfill({ body: page(), contentType: 'text/html' });
  });
  // Cognito's hosts, served by the emulator (redirects go back to the browser, not followed here).
  const toEmulator = async (route) => {
    const url = new URL(route.request().url());
    requests.cognito.push(`${url.origin}${url.pathname}`);
    const response = await route.fetch({ url: `${emulator.url}${url.pathname}${url.search}`, maxRedirects: 0 });
    return route.fulfill({ response });
  };
  await context.route(`${DOMAIN}/**`, toEmulator);
  await context.route(`${COGNITO_IDP}/**`, toEmulator);
  const logs = [];
  const tab = await context.newPage();
  tab.on('console', (message) => logs.push(message.text()));
  tab.on('pageerror', (error) => logs.push(`page error: ${error.message}`));
  try {
    await tab.goto(`${APP}/`);
    // signed out: signInWithRedirect took the tab to the hosted UI's login form
    await tab.waitForSelector('#signInFormUsername');
    await tab.fill('#signInFormUsername', USER.username);
    await tab.fill('#signInFormPassword', USER.password);
    await tab.click('button[name=signInSubmitButton]');
    // the snippet's last step; a page that stopped before it fails here, with what it logged
    let timer;
    const stopped = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no /api call in 30 s; the page logged:\n${logs.join('\n')}`)), 30_000)));
    await Promise.race([apiCall, stopped]).finally(() => clearTimeout(timer));
    assert.equal(tab.url(), `${APP}/callback`, 'code and state left the URL');
    assert.deepEqual(logs.filter((line) => line === USER.email), [USER.email], 'session.idTokenPayload.email was logged');
    const [authorization] = requests.api;
    assert.match(authorization ?? '', /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    // the bearer token verifies in Node too, against the emulator's JWKS
    const { CognitoJwtVerifier } = await import(pathToFileURL(join(files, 'node.js')).href);
    const verifier = CognitoJwtVerifier.create({ userPoolId: POOL_ID, tokenUse: 'access', clientId: CLIENT, jwksUri: `${emulator.url}/${POOL_ID}/.well-known/jwks.json` });
    const accessToken = await verifier.verify(authorization.slice('Bearer '.length));
    assert.deepEqual(
      [accessToken.iss, accessToken.token_use, accessToken.client_id, accessToken.username, accessToken.scope.split(' ').sort()],
      [`${COGNITO_IDP}/${POOL_ID}`, 'access', CLIENT, USER.username, ['email', 'https://api.example.com/read', 'openid']],
    );
    // The pool's JWKS came from Cognito's own URL, and the domain served authorize, login and token.
    assert.ok(requests.cognito.includes(`${COGNITO_IDP}/${POOL_ID}/.well-known/jwks.json`), requests.cognito.join('\n'));
    for (const path of ['/oauth2/authorize', '/oauth2/token']) assert.ok(requests.cognito.includes(`${DOMAIN}${path}`), `${path}: ${requests.cognito.join('\n')}`);
  } finally {
    await context.close();
  }
});
