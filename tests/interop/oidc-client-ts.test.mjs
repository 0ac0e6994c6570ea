// oidc-client-ts's UserManager (its own browser bundle, unmodified) in headless Chromium against the
// emulator, with the settings its documentation and AWS's Cognito quick-start give for a user pool:
// authority = the pool's issuer path, response_type "code", signinRedirect → hosted UI → callback,
// a refresh (signinSilent with the refresh token), revokeTokens(["refresh_token"]), and
// signoutRedirect with Cognito's /logout parameters (client_id, logout_uri). The ID token is then
// verified by the packed cognito-wasm in the same page (issue 12).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { decodePayload, launchChromium, postForm, REPO_ROOT, startEmulator, startStatic } from '../e2e/support.mjs';
import { PKG_DIR } from './pkg.mjs';

const POOL_ID = 'us-east-1_EmuPool01';
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`;
const SPA = 'spa4emulator0client00000a';
const USER = { username: 'jdoe', password: 'Passw0rd!' };

let app;
let emulator;
let browser;

before(async () => {
  app = await startStatic({
    page: 'tests/interop/app/oidc-client-ts.html',
    mounts: { '/pkg/': PKG_DIR, '/lib/': join(REPO_ROOT, 'node_modules/oidc-client-ts/dist/browser') },
  });
  const config = JSON.parse(readFileSync(join(REPO_ROOT, 'emulator/config/default.json'), 'utf8'));
  const spa = config.UserPoolClients.find((c) => c.ClientId === SPA);
  spa.CallbackURLs = [`${app.url}/callback`];
  spa.LogoutURLs = [`${app.url}/signed-out`];
  emulator = await startEmulator({ config });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await Promise.all([emulator?.stop(), app?.close()]);
});

function settings() {
  return {
    // Cognito's settings for oidc-client-ts: the authority is the issuer path of the pool; here
    // it is served by the emulator (plain http on loopback), and the issuer in the discovery
    // document and tokens stays the real-format one.
    authority: `${emulator.url}/${POOL_ID}`,
    client_id: SPA,
    redirect_uri: `${app.url}/callback`,
    post_logout_redirect_uri: `${app.url}/signed-out`,
    response_type: 'code',
    scope: 'openid email profile aws.cognito.signin.user.admin',
    loadUserInfo: true,
  };
}

async function newPage() {
  const page = await browser.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

async function open(page, path) {
  await page.goto(`${app.url}${path}`);
  await page.waitForFunction(() => window.appReady === true);
}

/** Starts a UserManager call that navigates away (its promise never settles in this page); an
 * early failure is thrown. `call` names a method, `args` its arguments. */
async function navigate(page, urlMatches, call, args = [], initSettings) {
  const failed = page.evaluate(({ call, args, initSettings }) => new Promise((resolve) => {
    window.app.manager(initSettings)[call](...args).catch((e) => resolve(String(e)));
  }), { call, args, initSettings });
  const arrived = page.waitForURL(urlMatches).then(() => null);
  const error = await Promise.race([arrived, failed.catch(() => null)]);
  if (error) throw new Error(`${call}: ${error}`);
  await arrived;
}

/** signinRedirect → hosted UI form → callback; resolves to what signinCallback gave the app. */
async function signIn(page) {
  await open(page, '/');
  await navigate(page, (url) => url.pathname === '/login', 'signinRedirect', [{ nonce: 'nonce-from-the-app', state: { returnTo: '/inbox' } }], settings());
  await page.fill('#signInFormUsername', USER.username);
  await page.fill('#signInFormPassword', USER.password);
  await Promise.all([page.waitForURL((url) => url.pathname === '/callback'), page.click('button[type=submit]')]);
  await page.waitForFunction(() => window.appReady === true);
  return page.evaluate(async () => {
    const user = await window.app.manager().signinCallback();
    return { profile: user.profile, id_token: user.id_token, access_token: user.access_token, refresh_token: user.refresh_token, state: user.state, scope: user.scope, expires_in: user.expires_in };
  });
}

test('signinRedirect → hosted UI → signinCallback: a user with profile (incl. userInfo), tokens and state', async () => {
  const page = await newPage();
  const requested = [];
  page.on('request', (request) => requested.push(new URL(request.url())));
  const user = await signIn(page);
  const authorize = requested.find((url) => url.pathname === '/oauth2/authorize');
  assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256', 'oidc-client-ts sends PKCE by itself');
  assert.equal(authorize.searchParams.get('nonce'), 'nonce-from-the-app');
  assert.ok(authorize.searchParams.get('state'));
  assert.ok(requested.some((url) => url.pathname === '/oauth2/userInfo'), 'loadUserInfo called userInfo');
  assert.deepEqual(user.state, { returnTo: '/inbox' });
  assert.equal(user.profile.iss, ISSUER);
  assert.equal(user.profile.aud, SPA);
  assert.equal(user.profile.email, 'jdoe@example.com');
  // loadUserInfo merged userInfo's `username` into the profile.
  assert.equal(user.profile.username, 'jdoe');
  assert.equal(decodePayload(user.id_token).nonce, 'nonce-from-the-app');
  assert.equal(typeof user.refresh_token, 'string');
  assert.ok(user.expires_in > 3500 && user.expires_in <= 3600);

  // The packed cognito-wasm verifies oidc-client-ts's ID token in the same page.
  const verified = await page.evaluate(async ({ token, poolId, clientId, jwksUri }) => {
    const verifier = window.app.cognitoWasm.CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: 'id', clientId, jwksUri });
    return (await verifier.verify(token))['cognito:username'];
  }, { token: user.id_token, poolId: POOL_ID, clientId: SPA, jwksUri: `${emulator.url}/${POOL_ID}/.well-known/jwks.json` });
  assert.equal(verified, 'jdoe');
  await page.close();
});

test('signinSilent refreshes with the refresh token; revokeTokens(["refresh_token"]) kills it', async () => {
  const page = await newPage();
  const first = await signIn(page);
  const refreshed = await page.evaluate(async () => {
    const user = await window.app.manager().signinSilent();
    return { access_token: user.access_token, refresh_token: user.refresh_token };
  });
  assert.notEqual(refreshed.access_token, first.access_token);
  assert.equal(decodePayload(refreshed.access_token).origin_jti, decodePayload(first.access_token).origin_jti);
  assert.equal(refreshed.refresh_token, first.refresh_token, 'no rotation: the refresh token is kept');

  await page.evaluate(() => window.app.manager().revokeTokens(['refresh_token']));
  const after = await postForm(`${emulator.url}/oauth2/token`, { grant_type: 'refresh_token', client_id: SPA, refresh_token: first.refresh_token });
  assert.equal(after.status, 400);
  assert.equal((await after.json()).error, 'invalid_grant');
  // Access tokens of that refresh token die at Cognito's endpoints too
  // (docs/cognito.md#revoke-endpoint).
  const info = await fetch(`${emulator.url}/oauth2/userInfo`, { headers: { authorization: `Bearer ${refreshed.access_token}` } });
  assert.equal(info.status, 401);
  await page.close();
});

test('signoutRedirect with Cognito /logout parameters returns to logout_uri and ends the hosted-UI session', async () => {
  const page = await newPage();
  await signIn(page);
  // Cognito's /logout needs client_id and logout_uri (docs/cognito.md#logout-endpoint; the AWS
  // quick-start's sign-out for oidc-client-ts builds the same URL) and ignores OIDC's id_token_hint
  // and post_logout_redirect_uri, which are all oidc-client-ts sends by itself: without client_id
  // the emulator, like Cognito, shows /error?error=Required+parameters+missing. So the app adds
  // both through extraQueryParams.
  const logout = page.waitForRequest((request) => new URL(request.url()).pathname === '/logout');
  await navigate(page, (url) => url.pathname === '/signed-out', 'signoutRedirect', [{ extraQueryParams: { client_id: SPA, logout_uri: `${app.url}/signed-out` } }]);
  const sent = new URL((await logout).url());
  assert.equal(sent.searchParams.get('client_id'), SPA);
  assert.equal(sent.searchParams.get('logout_uri'), `${app.url}/signed-out`);
  assert.ok(sent.searchParams.get('id_token_hint'), 'oidc-client-ts also sends id_token_hint, which Cognito ignores');
  assert.equal(new URL(page.url()).origin, app.url);
  await page.waitForFunction(() => window.appReady === true);
  assert.equal(await page.evaluate(async () => window.app.manager().getUser()), null, 'oidc-client-ts removed the user');
  // The next signinRedirect shows the login form again (no silent sign-in from a Cognito session).
  await navigate(page, (url) => url.pathname === '/login', 'signinRedirect');
  assert.equal(await page.locator('#signInFormPassword').count(), 1);
  await page.close();
});
