// The demo's Session and IdP tokens pages, in Chromium against the demo command's stack: sign-in
// through the hosted UI (local user, and federated through oidc-provider), the rendered tokens,
// checks, userInfo, refresh, sign-out, and the upstream IdP tokens.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

import { countRequests, newPage, open, screenshot, useDemo } from './stack.mjs';

const ctx = useDemo();
let demo;
let browser;
beforeEach(() => ({ demo, browser } = ctx));

/** Signs in from the Session page through the hosted UI; resolves once the session rendered. */
async function signIn(page, how) {
  await open(page, demo.app, '/session');
  if (how === 'local') {
    await page.getByRole('button', { name: 'Sign in as a local user' }).click();
    await page.waitForURL(`${demo.emulator}/login**`);
    await page.getByLabel('Username').fill('jdoe');
    await page.getByLabel('Password').fill('Passw0rd!');
    await page.getByRole('button', { name: 'Sign in' }).click();
  } else {
    await page.getByRole('button', { name: 'Sign in with Corp' }).click();
    await page.waitForURL(`${demo.idp}/interaction/**`);
    await page.getByLabel('Account').selectOption(how);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await page.waitForURL(`${demo.app}/session`);
  await page.waitForSelector('main[data-ready="/session"] [data-user]');
}

const cells = (page, panel, claim) => page.locator(`#${panel} tr[data-claim="${claim}"] td`).allInnerTexts();
const tokenRequests = () => countRequests(demo.emulator, '/oauth2/token');

test('local user: hosted UI sign-in, tokens verified, scopes, groups, userInfo beside the claims', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  await signIn(page, 'local');
  assert.equal(page.url(), `${demo.app}/session`, 'code and state are gone from the address bar');
  assert.equal(await page.locator('[data-user]').innerText(), 'Signed in as jdoe (jdoe@example.com) (local user)');
  assert.deepEqual(await page.locator('#groups li').allInnerTexts(), ['admins', 'readers']);
  assert.deepEqual(await page.locator('#scopes li').allInnerTexts(),
    ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin', 'https://api.example.com/read', 'https://api.example.com/write']);
  assert.deepEqual(await page.locator('#scopes li.added').allInnerTexts(), ['https://api.example.com/write'], 'the trigger\'s scope');
  for (const panel of ['id-checks', 'access-checks']) {
    assert.equal(await page.locator(`#${panel} li.fail`).count(), 0, panel);
    assert.equal(await page.locator(`#${panel} li.pass`).count(), 11, panel);
  }
  // The trigger's complex claim is in both tokens and never in userInfo; stored attributes are in both.
  const [idValue, infoValue] = await cells(page, 'id-claims', 'https://example.com/entitlements');
  assert.deepEqual(JSON.parse(idValue), { features: ['export', 'audit-log'], plan: 'pro', seats: 25 });
  assert.equal(infoValue, '—');
  assert.match((await cells(page, 'access-claims', 'https://example.com/entitlements'))[0], /"plan": "pro"/);
  assert.deepEqual(await cells(page, 'id-claims', 'email'), ['jdoe@example.com', 'jdoe@example.com']);
  assert.deepEqual(await cells(page, 'id-claims', 'email_verified'), ['true', 'true'], 'userInfo "true" normalised');
  const [groups, groupsInfo] = await cells(page, 'id-claims', 'cognito:groups');
  assert.deepEqual([JSON.parse(groups), groupsInfo], [['admins', 'readers'], '—']);
  assert.match(await page.locator('#id-timeline').innerText(), /auth_time, iat\nexp\nnow[\s\S]*expires in 15 min/);
  await screenshot(page, 'session-local-user');
  await screenshot(page, 'session-local-user-viewport', { fullPage: false }); // the README's (docs/demo-session.png)

  // Refresh: one token request, a new access token.
  const before = await tokenRequests();
  const jti = (await cells(page, 'access-claims', 'jti'))[0];
  await page.getByRole('button', { name: 'Refresh tokens' }).click();
  await page.waitForFunction((old) => {
    const cell = document.querySelector('#access-claims tr[data-claim="jti"] td');
    return cell && cell.innerText !== old;
  }, jti);
  assert.equal(await tokenRequests(), before + 1);
  assert.equal(await page.locator('#access-checks li.fail').count(), 0);

  // The local user has no IdP tokens: the page names the set-up they need.
  await page.getByRole('link', { name: 'IdP tokens' }).click();
  await page.waitForSelector('main[data-ready="/idp-tokens"]');
  assert.match(await page.locator('main .notice').innerText(), /custom:id_token or custom:access_token/);

  // The session's access token in the Inspector: valid.
  await page.getByRole('link', { name: 'Session' }).click();
  await page.waitForSelector('main[data-ready="/session"] [data-user]');
  await page.getByRole('button', { name: 'Inspect the access token' }).click();
  await page.waitForSelector('main[data-ready="/inspector"] [data-verdict]');
  assert.equal(await page.locator('[data-verdict]').getAttribute('data-verdict'), 'valid');

  // Sign out: Cognito's /logout, back on the app's logout URI, signed out, storage empty.
  await page.getByRole('link', { name: 'Session' }).click();
  await page.waitForSelector('main[data-ready="/session"] [data-user]');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${demo.app}/`);
  await page.waitForSelector('main[data-ready="/session"]');
  assert.match(await page.locator('main').innerText(), /Not signed in/);
  assert.equal(await page.evaluate(() => sessionStorage.length + localStorage.length), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('federated user: sign-in through the Corp IdP, IdP tokens decoded and verified', async () => {
  const errors = [];
  const page = await newPage(browser, errors);
  await signIn(page, 'alice');
  assert.equal(await page.locator('[data-user]').innerText(), 'Signed in as Corp_alice (alice@corp.example) through Corp');
  assert.equal(await page.locator('#id-checks li.fail').count(), 0);
  const [mapped] = await cells(page, 'id-claims', 'custom:id_token');
  assert.match(mapped, /^eyJ.{61}… \(\d{3,4} characters\)$/, 'the mapped IdP token, shortened for the table');
  await screenshot(page, 'session-federated-user');

  await page.getByRole('link', { name: 'IdP tokens' }).click();
  await page.waitForSelector('main[data-ready="/idp-tokens"] #idp-idp-id-token');
  const id = page.locator('#idp-idp-id-token');
  assert.match(await id.locator('[data-flag="truncated"]').innerText(), /^complete \(\d+ of 2,048 characters\)$/);
  assert.match(await id.locator('[data-flag="expiry"]').innerText(), /^valid, expires in 60 min$/);
  assert.equal(await id.locator('li.fail').count(), 0);
  assert.equal(await id.locator('[data-step="signature"]').getAttribute('class'), 'pass');
  assert.equal(await id.locator('[data-step="issuer"] .detail').innerText(), demo.idp);
  assert.equal(await id.locator('[data-step="audience"] .detail').innerText(), 'aud "cognito-emulator"');
  assert.equal(await id.locator('tr[data-claim="email"] td').innerText(), 'alice@corp.example');
  const access = page.locator('#idp-idp-access-token');
  assert.equal(await access.locator('[data-flag="expiry"]').innerText(), 'expiry unknown (opaque token)');
  assert.match(await access.innerText(), /Not a JWT: an opaque token/);
  await screenshot(page, 'idp-tokens');

  // The IdP ID token in the Inspector: verified as a generic OIDC token of its issuer.
  await page.getByRole('button', { name: 'Inspect the IdP ID token' }).click();
  await page.waitForSelector('main[data-ready="/inspector"] [data-verdict]');
  assert.equal(await page.locator('[data-verdict]').getAttribute('data-verdict'), 'valid');
  assert.equal(await page.locator('#result [data-step="audience"]').getAttribute('class'), 'pass');
  assert.match(await page.locator('#result').innerText(), /Not a Cognito issuer: verified as a generic OIDC token/);
  assert.deepEqual(errors, []);
  await page.close();
});
