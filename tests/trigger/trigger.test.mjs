// The trigger kit end to end (issue 15): the example Rust trigger (examples/pretoken-trigger) runs
// as the emulator's HookUrl on a V2_0 pool; a hosted-UI sign-in (the /login form over HTTP) and an
// InitiateAuth sign-in both get its claims, the InitiateAuth access token its custom scope, and
// the packed package's CognitoJwtVerifier accepts the tokens, with a customJwtCheck on the
// entitlements map passing for an admin and failing for a reader.
//
// Needs the binaries (`cargo build -p cognito-emulator -p pretoken-trigger`) and the packed
// package at $COGNITO_WASM_PKG (scripts/test.sh stage_trigger sets both up).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { authorizeUrl, decodePayload, EMULATOR_BIN, firstLine, redeemCode, startEmulator } from '../emulator/harness.mjs';

const pkg = process.env.COGNITO_WASM_PKG;
const { CognitoJwtVerifier } = await import(pathToFileURL(join(pkg, 'node.js')).href);

const TRIGGER_BIN = process.env.PRETOKEN_TRIGGER_BIN ?? join(EMULATOR_BIN, '..', 'pretoken-trigger');
const POOL_ID = 'us-east-1_Trigger01';
const CLIENT_ID = 'spa4trigger00client00000a';
const CALLBACK = 'http://localhost:5173/callback';
const SCOPE = 'https://api.example.com/reports.read';
const ADMIN = { username: 'jdoe', password: 'Passw0rd!' };
const READER = { username: 'ann', password: 'Passw0rd!' };
const ADMIN_ENTITLEMENTS = { reports: ['read', 'write'], seats: 25 };
const READER_ENTITLEMENTS = { reports: ['read'], seats: 5 };

const config = (hookUrl) => ({
  UserPool: {
    UserPoolId: POOL_ID,
    FeaturePlan: 'ESSENTIALS',
    Schema: [{ Name: 'tenant', AttributeDataType: 'String', Mutable: true }],
    Groups: [{ GroupName: 'admins', Precedence: 1 }],
    ResourceServers: [{ Identifier: 'https://api.example.com', Name: 'API', Scopes: [{ ScopeName: 'reports.read', ScopeDescription: 'r' }] }],
    PreTokenGenerationConfig: { LambdaVersion: 'V2_0', HookUrl: hookUrl },
  },
  UserPoolClients: [{
    ClientId: CLIENT_ID,
    AllowedOAuthFlows: ['code'],
    AllowedOAuthScopes: ['openid', 'email'],
    CallbackURLs: [CALLBACK],
  }],
  Users: [
    { Username: ADMIN.username, Password: ADMIN.password, UserAttributes: [{ Name: 'email', Value: 'jdoe@example.com' }, { Name: 'custom:tenant', Value: 'acme' }], Groups: ['admins'] },
    { Username: READER.username, Password: READER.password, UserAttributes: [{ Name: 'email', Value: 'ann@example.com' }] },
  ],
});

let trigger;
let emulator;

before(async () => {
  // Without AWS_LAMBDA_RUNTIME_API the trigger serves the loopback hook.
  const { AWS_LAMBDA_RUNTIME_API: _, ...env } = process.env;
  trigger = spawn(TRIGGER_BIN, [], { stdio: ['ignore', 'pipe', 'inherit'], env });
  const hookUrl = await firstLine(trigger, 'pretoken-trigger');
  emulator = await startEmulator({ config: config(hookUrl) });
});
after(async () => {
  await emulator?.stop();
  trigger?.kill('SIGTERM');
});

/** The cookies a response sets, as one Cookie header value. */
function cookiesOf(response) {
  return response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

/** Tokens of a code-flow sign-in through the hosted UI: /oauth2/authorize, the /login form, /oauth2/token. */
async function hostedUiTokens({ username, password }) {
  const { url, verifier } = authorizeUrl(emulator.url, { client_id: CLIENT_ID, redirect_uri: CALLBACK, scope: 'openid email', state: 's' });
  const authorize = await fetch(url, { redirect: 'manual' });
  assert.equal(authorize.status, 302);
  const loginUrl = new URL(authorize.headers.get('location'), emulator.url);
  const page = await fetch(loginUrl);
  const html = await page.text();
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(name, value.replaceAll('&amp;', '&').replaceAll('&quot;', '"'));
  }
  assert.ok(form.get('_csrf'), html);
  form.set('username', username);
  form.set('password', password);
  const signedIn = await fetch(new URL('/login', emulator.url), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookiesOf(page) },
    body: form.toString(),
  });
  assert.equal(signedIn.status, 302, await signedIn.text());
  const callback = new URL(signedIn.headers.get('location'));
  assert.equal(`${callback.origin}${callback.pathname}`, CALLBACK);
  const code = callback.searchParams.get('code');
  const tokens = await redeemCode(emulator.url, { clientId: CLIENT_ID, code, redirectUri: CALLBACK, verifier });
  return { id: tokens.id_token, access: tokens.access_token };
}

/** Tokens of USER_PASSWORD_AUTH through the JSON API. */
async function initiateAuthTokens({ username, password }) {
  const response = await fetch(`${emulator.url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
    body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT_ID, AuthParameters: { USERNAME: username, PASSWORD: password } }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  const { AuthenticationResult: result } = await response.json();
  return { id: result.IdToken, access: result.AccessToken };
}

/** The entitlements check an API would run: writing reports needs `reports` to include "write". */
function canWriteReports({ payload }) {
  if (!payload.entitlements?.reports?.includes('write')) {
    throw new Error(`${payload.username ?? payload['cognito:username']} may not write reports`);
  }
}

const verifier = (tokenUse) => CognitoJwtVerifier.create({
  userPoolId: POOL_ID,
  tokenUse,
  clientId: CLIENT_ID,
  jwksUri: `${emulator.url}/${POOL_ID}/.well-known/jwks.json`,
  customJwtCheck: canWriteReports,
});

for (const [flow, signIn, baseScope] of [
  ['a hosted-UI sign-in', hostedUiTokens, 'openid email'],
  ['InitiateAuth', initiateAuthTokens, 'aws.cognito.signin.user.admin'],
]) {
  test(`${flow}: the trigger's claims and scope are in both tokens, and the verifier accepts them`, async () => {
    const tokens = await signIn(ADMIN);
    const id = decodePayload(tokens.id);
    const access = decodePayload(tokens.access);
    assert.equal(id.tenant, 'acme');
    assert.deepEqual(id.entitlements, ADMIN_ENTITLEMENTS);
    assert.equal(access.tenant, 'acme');
    assert.deepEqual(access.entitlements, ADMIN_ENTITLEMENTS);
    assert.equal(access.scope, `${baseScope} ${SCOPE}`, 'the custom scope the trigger added');

    const verifiedAccess = await verifier('access').verify(tokens.access, { scope: SCOPE });
    assert.deepEqual(verifiedAccess.entitlements, ADMIN_ENTITLEMENTS);
    assert.equal(verifiedAccess.username, ADMIN.username);
    const verifiedId = await verifier('id').verify(tokens.id);
    assert.equal(verifiedId.tenant, 'acme');
  });

  test(`${flow}: customJwtCheck on the entitlements map refuses a reader's tokens`, async () => {
    const tokens = await signIn(READER);
    const access = decodePayload(tokens.access);
    assert.equal(access.tenant, 'public');
    assert.deepEqual(access.entitlements, READER_ENTITLEMENTS);
    await assert.rejects(verifier('access').verify(tokens.access), { message: 'ann may not write reports' });
    await assert.rejects(verifier('id').verify(tokens.id), { message: 'ann may not write reports' });
    // The same token passes without the entitlements check: only customJwtCheck refused it.
    const plain = CognitoJwtVerifier.create({ userPoolId: POOL_ID, tokenUse: 'access', clientId: CLIENT_ID, jwksUri: `${emulator.url}/${POOL_ID}/.well-known/jwks.json` });
    assert.deepEqual((await plain.verify(tokens.access, { scope: SCOPE })).entitlements, READER_ENTITLEMENTS);
  });
}
