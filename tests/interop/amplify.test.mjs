// Amplify JS v6 (aws-amplify), unmodified, in Node against the emulator's JSON API through its
// documented `userPoolEndpoint`: the default `signIn({ username, password })`, which is
// USER_SRP_AUTH (Cognito's SRP: PASSWORD_VERIFIER, SECRET_BLOCK, the TIMESTAMP format), then
// fetchAuthSession (tokens verified by the packed package), fetchUserAttributes, a forced refresh,
// and signOut (local: RevokeToken; global: GlobalSignOut). Tokens from Amplify's sign-in are
// API-issued, so they lack custom scopes (the seed scenario), which the package reports
// (issue 12).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';

import { Amplify } from 'aws-amplify';
import { fetchAuthSession, fetchUserAttributes, getCurrentUser, signIn, signOut } from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import { GetUserCommand, InitiateAuthCommand, NotAuthorizedException } from '@aws-sdk/client-cognito-identity-provider';

import { decodePayload, REPO_ROOT, startEmulator } from '../emulator/harness.mjs';
import { PKG_DIR } from './pkg.mjs';
import { sdkClient, sdkError } from './sdk.mjs';

const { ApiIssuedTokenScopeError, assertScopes, CognitoJwtVerifier, isApiIssuedAccessToken } = await import(pathToFileURL(join(PKG_DIR, 'node.js')).href);

const POOL_ID = 'us-east-1_EmuPool01';
const SPA = 'spa4emulator0client00000a';
const USER = { username: 'jdoe', password: 'Passw0rd!' };

let emulator;
let cognito;
/** Amplify's token storage (its documented setKeyValueStorage), so the test can read the refresh token. */
const stored = new Map();

before(async () => {
  emulator = await startEmulator({ configPath: join(REPO_ROOT, 'emulator/config/default.json') });
  cognito = sdkClient(emulator.url);
  Amplify.configure({ Auth: { Cognito: { userPoolId: POOL_ID, userPoolClientId: SPA, userPoolEndpoint: emulator.url } } });
  cognitoUserPoolsTokenProvider.setKeyValueStorage({
    setItem: async (key, value) => { stored.set(key, value); },
    getItem: async (key) => stored.get(key) ?? null,
    removeItem: async (key) => { stored.delete(key); },
    clear: async () => { stored.clear(); },
  });
});
after(async () => {
  cognito?.destroy();
  await emulator?.stop();
});

const refreshToken = () => [...stored].find(([key]) => key.endsWith('.refreshToken'))?.[1];
const verifier = (tokenUse) => CognitoJwtVerifier.create({ userPoolId: POOL_ID, tokenUse, clientId: SPA, jwksUri: `${emulator.url}/${POOL_ID}/.well-known/jwks.json` });

test('signIn (USER_SRP_AUTH) → fetchAuthSession: tokens the package verifies; getCurrentUser, fetchUserAttributes', async () => {
  const result = await signIn(USER);
  assert.deepEqual(result, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  const { tokens } = await fetchAuthSession();
  const access = await verifier('access').verify(tokens.accessToken.toString());
  assert.equal(access.username, 'jdoe');
  const id = await verifier('id').verify(tokens.idToken.toString());
  assert.equal(id.email, 'jdoe@example.com');
  const current = await getCurrentUser();
  assert.equal(current.username, 'jdoe');
  assert.equal(current.userId, id.sub);
  assert.equal(current.signInDetails.authFlowType, 'USER_SRP_AUTH');
  const attributes = await fetchUserAttributes();
  assert.equal(attributes.email, 'jdoe@example.com');
  assert.equal(attributes['custom:tenant_id'], '42');
  assert.equal(attributes.sub, id.sub);
  await signOut();
});

test("Amplify's sign-in tokens lack custom scopes: the package says API-issued, not merely missing a scope", async () => {
  await signIn(USER);
  const { tokens } = await fetchAuthSession();
  const access = await verifier('access').verify(tokens.accessToken.toString());
  assert.equal(access.scope, 'aws.cognito.signin.user.admin');
  assert.equal(isApiIssuedAccessToken(access), true);
  assert.throws(() => assertScopes(access, 'https://api.example.com/read'), ApiIssuedTokenScopeError);
  await signOut();
});

test('fetchAuthSession({ forceRefresh }) refreshes with the refresh token (same origin_jti, new access token)', async () => {
  await signIn(USER);
  const before = (await fetchAuthSession()).tokens.accessToken;
  await new Promise((resolve) => setTimeout(resolve, 1100)); // a new iat
  const after = (await fetchAuthSession({ forceRefresh: true })).tokens.accessToken;
  assert.notEqual(after.toString(), before.toString());
  assert.equal(after.payload.origin_jti, before.payload.origin_jti);
  assert.ok(after.payload.iat > before.payload.iat);
  await signOut();
});

test('signOut() revokes the refresh token (RevokeToken); signOut({ global: true }) kills the access token (GlobalSignOut)', async () => {
  await signIn(USER);
  const refresh = refreshToken();
  assert.equal(typeof refresh, 'string');
  await signOut();
  assert.equal((await fetchAuthSession()).tokens, undefined);
  const revoked = await sdkError(() => cognito.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: SPA, AuthParameters: { REFRESH_TOKEN: refresh } })));
  assert.ok(revoked instanceof NotAuthorizedException);
  assert.equal(revoked.message, 'Refresh Token has been revoked');

  await signIn(USER);
  const access = (await fetchAuthSession()).tokens.accessToken.toString();
  await signOut({ global: true });
  const dead = await sdkError(() => cognito.send(new GetUserCommand({ AccessToken: access })));
  assert.ok(dead instanceof NotAuthorizedException, dead.message);
});

test('a wrong password, and an unknown user (PreventUserExistenceErrors ENABLED), fail the SRP proof the same way', async () => {
  for (const credentials of [{ ...USER, password: 'not-the-password' }, { username: 'nobody', password: 'Passw0rd!' }]) {
    await assert.rejects(signIn(credentials), (error) => error.name === 'NotAuthorizedException' && error.message === 'Incorrect username or password.');
  }
  assert.equal(decodePayload((await sdkClient(emulator.url).send(new InitiateAuthCommand({
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: SPA, AuthParameters: { USERNAME: 'jdoe', PASSWORD: 'Passw0rd!' },
  }))).AuthenticationResult.AccessToken).username, 'jdoe', 'the emulator still works for other flows');
});
