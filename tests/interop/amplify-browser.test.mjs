// Amplify JS v6 in headless Chromium, configured as its documentation says for a user pool with a
// domain: signInWithRedirect → the emulator's hosted UI → callback → fetchAuthSession (tokens
// verified by the packed package in the same page), fetchUserAttributes, a refresh, signOut
// (RevokeToken + Cognito's /logout). Amplify builds https://{domain}/… URLs, so the emulator serves
// TLS on loopback (--tls) with a certificate it generates at start-up; Chromium trusts exactly that
// certificate's key (--ignore-certificate-errors-spki-list), not every certificate (issue 12).
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { build } from 'esbuild';

import { CHROMIUM_ARGS, decodePayload, REPO_ROOT, startEmulator, startStatic } from '../e2e/support.mjs';
import { chromium } from 'playwright-core';
import { PKG_DIR } from './pkg.mjs';

const POOL_ID = 'us-east-1_EmuPool01';
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`;
const SPA = 'spa4emulator0client00000a';
const USER = { username: 'jdoe', password: 'Passw0rd!' };
const SCOPES = ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'];

let dir;
let app;
let emulator;
let browser;
let spki;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'interop-amplify-'));
  await build({
    entryPoints: [join(REPO_ROOT, 'tests/interop/app/amplify-app.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    external: ['/pkg/*'],
    outfile: join(dir, 'amplify-app.js'),
    logLevel: 'error',
  });
  app = await startStatic({ page: 'tests/interop/app/amplify.html', mounts: { '/pkg/': PKG_DIR, '/bundle/': dir } });
  const config = JSON.parse(readFileSync(join(REPO_ROOT, 'emulator/config/default.json'), 'utf8'));
  const spa = config.UserPoolClients.find((c) => c.ClientId === SPA);
  spa.CallbackURLs = [`${app.url}/callback`];
  spa.LogoutURLs = [`${app.url}/signed-out`];
  const certificate = join(dir, 'emulator.pem');
  emulator = await startEmulator({ config, args: ['--tls', certificate] });
  // The SHA-256 of the certificate's SubjectPublicKeyInfo, as Chromium's SPKI allow-list wants it.
  const der = new X509Certificate(readFileSync(certificate)).publicKey.export({ type: 'spki', format: 'der' });
  spki = createHash('sha256').update(der).digest('base64');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${spki}`],
  });
});
after(async () => {
  await browser?.close();
  await Promise.all([emulator?.stop(), app?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function newPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const domain = new URL(emulator.url).host;
  await page.addInitScript((settings) => { window.__AMPLIFY = settings; }, {
    userPoolId: POOL_ID, userPoolClientId: SPA, endpoint: emulator.url, domain, app: app.url, scopes: SCOPES,
  });
  return page;
}

/** Home page → signInWithRedirect → hosted UI → callback, until Amplify reports the sign-in. */
async function signInWithRedirect(page) {
  await page.goto(`${app.url}/`);
  await page.waitForFunction(() => window.appReady === true);
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/login'),
    page.evaluate(() => { window.amp.signInWithRedirect(); }),
  ]);
  assert.equal(new URL(page.url()).origin, emulator.url, 'the hosted UI is served over TLS by the emulator');
  await page.fill('#signInFormUsername', USER.username);
  await page.fill('#signInFormPassword', USER.password);
  await Promise.all([page.waitForURL((url) => url.pathname === '/callback'), page.click('button[type=submit]')]);
  await page.waitForFunction(() => window.hubEvents?.some((e) => ['signInWithRedirect', 'signInWithRedirect_failure'].includes(e.event)));
  return page.evaluate(() => window.hubEvents);
}

test('signInWithRedirect → hosted UI (TLS) → callback → fetchAuthSession: tokens verified by the package in the page', async () => {
  const page = await newPage();
  const events = await signInWithRedirect(page);
  assert.ok(events.some((e) => e.event === 'signInWithRedirect'), JSON.stringify(events));
  assert.ok(events.some((e) => e.event === 'signedIn'), JSON.stringify(events));
  const session = await page.evaluate(async ({ poolId, clientId, jwksUri }) => {
    const { tokens } = await window.amp.fetchAuthSession();
    const id = window.cognitoWasm.CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: 'id', clientId, jwksUri });
    const access = window.cognitoWasm.CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: 'access', clientId, jwksUri });
    return {
      id: await id.verify(tokens.idToken.toString()),
      access: await access.verify(tokens.accessToken.toString()),
    };
  }, { poolId: POOL_ID, clientId: SPA, jwksUri: `${emulator.url}/${POOL_ID}/.well-known/jwks.json` });
  assert.equal(session.id.iss, ISSUER);
  assert.equal(session.id.email, 'jdoe@example.com');
  assert.equal(session.access.username, 'jdoe');
  assert.deepEqual(session.access.scope.split(' ').sort(), [...SCOPES].sort());
  await page.context().close();
});

test('fetchUserAttributes (GetUser over TLS), a forced refresh, then signOut: RevokeToken and Cognito /logout', async () => {
  const page = await newPage();
  await signInWithRedirect(page);
  const attributes = await page.evaluate(() => window.amp.fetchUserAttributes());
  assert.equal(attributes.email, 'jdoe@example.com');
  assert.equal(attributes.name, 'Jane Doe');

  const refreshed = await page.evaluate(async () => {
    const before = (await window.amp.fetchAuthSession()).tokens.accessToken.toString();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const after = (await window.amp.fetchAuthSession({ forceRefresh: true })).tokens.accessToken.toString();
    return { before, after };
  });
  assert.notEqual(refreshed.after, refreshed.before);
  assert.equal(decodePayload(refreshed.after).origin_jti, decodePayload(refreshed.before).origin_jti);

  const refreshToken = await page.evaluate(() => Object.entries(localStorage).find(([k]) => k.endsWith('.refreshToken'))?.[1]);
  assert.equal(typeof refreshToken, 'string');
  const logout = page.waitForRequest((request) => new URL(request.url()).pathname === '/logout');
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/signed-out'),
    page.evaluate(() => { window.amp.signOut(); }),
  ]);
  const sent = new URL((await logout).url());
  assert.equal(sent.origin, emulator.url);
  assert.equal(sent.searchParams.get('client_id'), SPA);
  assert.equal(sent.searchParams.get('logout_uri'), `${app.url}/signed-out`);
  await page.waitForFunction(() => window.appReady === true);
  // RevokeToken ran before the redirect: the refresh token is dead at the emulator.
  const status = await page.evaluate(async ({ endpoint, clientId, token }) => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
      body: JSON.stringify({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: token } }),
    });
    return { status: response.status, body: await response.json() };
  }, { endpoint: `${emulator.url}/`, clientId: SPA, token: refreshToken });
  assert.equal(status.status, 400);
  assert.equal(status.body.message, 'Refresh Token has been revoked');
  await page.context().close();
});

test('signIn({ username, password }) in the page is USER_SRP_AUTH over TLS; its tokens lack custom scopes', async () => {
  const page = await newPage();
  await page.goto(`${app.url}/`);
  await page.waitForFunction(() => window.appReady === true);
  const result = await page.evaluate(async ({ user, poolId, clientId, jwksUri }) => {
    const signedIn = await window.amp.signIn(user);
    const { tokens } = await window.amp.fetchAuthSession();
    const verifier = window.cognitoWasm.CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: 'access', clientId, jwksUri });
    const access = await verifier.verify(tokens.accessToken.toString());
    return { signedIn, access, apiIssued: window.cognitoWasm.isApiIssuedAccessToken(access) };
  }, { user: USER, poolId: POOL_ID, clientId: SPA, jwksUri: `${emulator.url}/${POOL_ID}/.well-known/jwks.json` });
  assert.equal(result.signedIn.isSignedIn, true);
  assert.equal(result.access.scope, 'aws.cognito.signin.user.admin');
  assert.equal(result.apiIssued, true);
  await page.context().close();
});

test("the trust is that one certificate's key: a Chromium without the SPKI entry refuses the emulator", async () => {
  const plain = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await plain.newPage();
    await assert.rejects(page.goto(`${emulator.url}/${POOL_ID}/.well-known/openid-configuration`), /ERR_CERT_AUTHORITY_INVALID/);
  } finally {
    await plain.close();
  }
});
