// The demo's Inspector page, in Chromium against the demo command's stack: every failure kind is
// explained, and nothing pasted leaves the page except the JWKS fetch.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

import { listening, newPage, open, screenshot, useDemo } from './stack.mjs';

const ctx = useDemo();
const errors = [];
let demo;
let browser;
let config;
beforeEach(() => ({ demo, browser, config } = ctx));

/** Tokens for the demo user from the user-pool API, fetched by the test (not by the page). */
async function apiTokens() {
  const response = await fetch(`${demo.emulator}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
    body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: config.apiClientId, AuthParameters: { USERNAME: 'jdoe', PASSWORD: 'Passw0rd!' } }),
  });
  assert.equal(response.status, 200);
  return (await response.json()).AuthenticationResult;
}

async function inspect(page, token, fields = {}) {
  await open(page, demo.app, '/inspector');
  await page.getByLabel('JWT').fill(token);
  for (const [label, value] of Object.entries(fields)) {
    if (label === 'Token use') await page.getByLabel(label).selectOption(value);
    else await page.getByLabel(label).fill(value);
  }
  await page.getByRole('button', { name: 'Inspect', exact: true }).click();
  await page.waitForSelector('[data-verdict]');
}

/** Opens the Inspector and runs one of its demo-token buttons. */
async function sample(page, name) {
  await open(page, demo.app, '/inspector');
  await page.getByRole('button', { name }).click();
  await page.waitForSelector('[data-verdict]');
}

const problemCodes = (page) => page.locator('#result .problem').evaluateAll((nodes) => nodes.map((n) => n.dataset.code));
const stepStatus = (page, id) => page.locator(`#result [data-step="${id}"]`).getAttribute('class');

test('the demo command prints the app URL and the demo users', () => {
  const [user] = config.users; // what the app was told, from the config the emulator runs with
  assert.ok(demo.output().includes(`Local user:       ${user.username} / ${user.password}   (groups ${user.groups.join(', ')})`));
  assert.match(demo.output(), new RegExp(`user pool ${config.userPoolId}`));
  assert.match(demo.output(), /alice or bob/);
  assert.equal(demo.app, `http://127.0.0.1:${demo.ports.DEMO_PORT}`);
});

test('a valid token: every step passes, the claims are shown, only the JWKS is fetched', async () => {
  const page = await newPage(browser, errors);
  const tokens = await apiTokens();
  await open(page, demo.app, '/inspector');
  const requests = [];
  page.on('request', (request) => requests.push({ url: request.url(), body: request.postData() ?? '' }));
  await page.getByLabel('JWT').fill(`Bearer ${tokens.IdToken}`);
  await page.getByLabel('App client ID').fill(config.apiClientId);
  await page.getByLabel('Token use').selectOption('id');
  await page.getByRole('button', { name: 'Inspect', exact: true }).click();
  await page.waitForSelector('[data-verdict]');
  assert.equal(await page.locator('[data-verdict]').getAttribute('data-verdict'), 'valid');
  assert.equal(await page.locator('#result .checks li.fail').count(), 0);
  for (const id of ['structure', 'key', 'signature', 'exp', 'issuer', 'token_use', 'client']) {
    assert.equal(await stepStatus(page, id), 'pass', id);
  }
  assert.equal(await stepStatus(page, 'scope'), 'skipped');
  assert.equal(await page.locator('#result tr[data-claim="email"] td').innerText(), 'jdoe@example.com');
  assert.match(await page.locator('#result tr[data-claim="https://example.com/entitlements"] td').innerText(), /"plan": "pro"/);
  // The token never leaves the page: the one request is the JWKS download.
  assert.deepEqual(requests.map((r) => r.url), [`${demo.emulator}/${config.userPoolId}/.well-known/jwks.json`]);
  assert.ok(requests.every((r) => !r.url.includes(tokens.IdToken.split('.')[1]) && !r.body.includes(tokens.IdToken.split('.')[1])));
  assert.deepEqual(errors, []);
  await page.close();
});

test('an InitiateAuth access token: missing custom scope explained, and the wrong client', async () => {
  const page = await newPage(browser, errors);
  await sample(page, 'Demo: API sign-in token (InitiateAuth)');
  assert.equal(await page.locator('[data-verdict]').innerText(), '✗ Not valid: 2 problems');
  assert.deepEqual(await problemCodes(page), ['ERR_JWT_INVALID_SCOPE', 'ERR_JWT_INVALID_CLIENT_ID']);
  const scope = await page.locator('.problem[data-code="ERR_JWT_INVALID_SCOPE"]').innerText();
  assert.match(scope, /came from InitiateAuth/);
  assert.match(scope, /"aws\.cognito\.signin\.user\.admin https:\/\/api\.example\.com\/write"/);
  assert.match(scope, /added by a pre-token-generation trigger/);
  assert.match(scope, /Fix: Sign in through the OAuth endpoints/);
  assert.match(await page.locator('.problem[data-code="ERR_JWT_INVALID_CLIENT_ID"]').innerText(),
    new RegExp(`"${config.apiClientId}" \\(the demo's API sign-in client\\); the verifier expects "${config.clientId}"`));
  assert.equal(await stepStatus(page, 'signature'), 'pass');
  assert.equal(await stepStatus(page, 'scope'), 'fail');
  assert.equal(await stepStatus(page, 'token_use'), 'pass');
  assert.equal(await stepStatus(page, 'client'), 'fail');
  await screenshot(page, 'inspector-initiateauth-token');
  assert.deepEqual(errors, []);
  await page.close();
});

test('an expired token', async () => {
  const page = await newPage(browser, errors);
  await sample(page, 'Demo: expired ID token');
  assert.deepEqual(await problemCodes(page), ['ERR_JWT_EXPIRED']);
  assert.match(await page.locator('.problem').innerText(), /The token has expired[\s\S]*It expired 2 h ago[\s\S]*Fix: Refresh the session/);
  assert.equal(await stepStatus(page, 'client'), 'pass', 'checks after exp still run');
  // The emulator clock is back where it was.
  const clock = await (await fetch(`${demo.emulator}/_emulator/clock`)).json();
  assert.equal(clock.offsetSeconds, 0);
  await screenshot(page, 'inspector-expired-token');
  await page.close();
});

test('a tampered token fails the signature and nothing after it is reached', async () => {
  const page = await newPage(browser, errors);
  await sample(page, 'Demo: tampered token (one claim edited)');
  assert.deepEqual(await problemCodes(page), ['ERR_JWT_INVALID_SIGNATURE']);
  assert.equal(await stepStatus(page, 'key'), 'pass');
  assert.equal(await stepStatus(page, 'exp'), 'unreached');
  assert.match(await page.locator('#result tr[data-claim="cognito:groups"] td').innerText(), /superusers/);
  await page.close();
});

test('wrong token_use, unknown kid, cut at 2,048, not a JWT, another pool', async () => {
  const page = await newPage(browser, errors);
  const tokens = await apiTokens();
  await inspect(page, tokens.IdToken, { 'Token use': 'access' });
  assert.deepEqual(await problemCodes(page), ['ERR_JWT_INVALID_TOKEN_USE']);
  assert.match(await page.locator('.problem').innerText(), /This is an ID token, but an access token is expected[\s\S]*Fix: Send the access token/);

  await inspect(page, tokens.AccessToken, { 'JWKS URL': `${demo.idp}/jwks` });
  assert.deepEqual(await problemCodes(page), ['ERR_JWKS_KID_NOT_FOUND']);
  assert.match(await page.locator('.problem').innerText(), new RegExp(`Unknown signing key[\\s\\S]*${demo.idp}/jwks`));
  assert.equal(await stepStatus(page, 'signature'), 'unreached');

  await inspect(page, `${tokens.IdToken}.${tokens.AccessToken}`.slice(0, 2048));
  assert.deepEqual(await problemCodes(page), ['ERR_JWT_MALFORMED']);
  assert.match(await page.locator('.problem').innerText(), /This token was cut at 2,048 characters[\s\S]*custom:id_token/);

  await inspect(page, 'not-a.jwt');
  assert.deepEqual(await problemCodes(page), ['ERR_JWT_MALFORMED']);
  assert.match(await page.locator('.problem').innerText(), /This is not a well-formed JWT/);
  assert.match(await page.locator('#result').innerText(), /Cannot decode/);

  await inspect(page, tokens.AccessToken, { 'User pool ID': 'eu-west-1_Other1', 'JWKS URL': config.jwksUri });
  assert.deepEqual(await problemCodes(page), ['ERR_JWT_INVALID_ISSUER']);
  assert.match(await page.locator('.problem').innerText(), /another user pool[\s\S]*expects "https:\/\/cognito-idp\.eu-west-1\.amazonaws\.com\/eu-west-1_Other1"/);
  assert.equal(await stepStatus(page, 'signature'), 'pass');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the web server answers a malformed %-escape in the path and keeps serving', async () => {
  assert.equal((await fetch(`${demo.app}/js/%E0%A4%A.js`)).status, 404);
  assert.equal((await fetch(`${demo.app}/%E0%A4%A`)).status, 200, 'an SPA route gets index.html');
  assert.equal((await fetch(`${demo.app}/demo-config.json`)).status, 200);
});

test('Ctrl-C (SIGINT to the demo command) stops every server', async () => {
  const { code } = await demo.stop('SIGINT');
  assert.equal(code, 130);
  for (const port of Object.values(demo.ports)) assert.equal(await listening(port), false, `port ${port} still open`);
});
