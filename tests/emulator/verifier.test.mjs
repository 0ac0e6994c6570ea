// Independent verifiers (aws-jwt-verify and jose) accept the emulator's tokens with the real Cognito
// issuer and the JWKS served on loopback: the wire format is right. After a key rotation, fresh
// tokens are rejected by a verifier that has not refreshed its JWKS.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { KidNotFoundInJwksError } from 'aws-jwt-verify/error';
import { createLocalJWKSet, jwtVerify } from 'jose';

import { authorizeUrl, decodeHeader, redeemCode, REPO_ROOT, startEmulator } from './harness.mjs';

// The default config that ships with the crate.
const POOL_ID = 'us-east-1_EmuPool01';
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`;
const CLIENT_ID = 'spa4emulator0client00000a';
const CALLBACK = 'http://localhost:5173/callback';
const USER = { username: 'jdoe', password: 'Passw0rd!' };

let emulator;

before(async () => {
  emulator = await startEmulator({ configPath: join(REPO_ROOT, 'emulator/config/default.json') });
});
after(() => emulator?.stop());

async function fetchJwks() {
  const response = await fetch(`${emulator.url}/${POOL_ID}/.well-known/jwks.json`);
  assert.equal(response.status, 200);
  return response.json();
}

/** ID + access tokens from the JSON API (USER_PASSWORD_AUTH). */
async function apiTokens() {
  const response = await fetch(`${emulator.url}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth',
    },
    body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT_ID, AuthParameters: { USERNAME: USER.username, PASSWORD: USER.password } }),
  });
  assert.equal(response.status, 200);
  const { AuthenticationResult: result } = await response.json();
  return { id: result.IdToken, access: result.AccessToken };
}

/** ID + access tokens from the OAuth endpoints (code + PKCE, signed in through /_emulator/login). */
async function oauthTokens() {
  const { url, verifier } = authorizeUrl(emulator.url, {
    client_id: CLIENT_ID,
    redirect_uri: CALLBACK,
    scope: 'openid email profile https://api.example.com/read',
    state: 's-1',
  });
  const login = await fetch(`${emulator.url}/_emulator/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ authorize: url, ...USER }),
  });
  assert.equal(login.status, 200);
  const code = new URL((await login.json()).callbackUrl).searchParams.get('code');
  const tokens = await redeemCode(emulator.url, { clientId: CLIENT_ID, code, redirectUri: CALLBACK, verifier });
  return { id: tokens.id_token, access: tokens.access_token };
}

function awsVerifiers(jwks) {
  const id = CognitoJwtVerifier.create({ userPoolId: POOL_ID, tokenUse: 'id', clientId: CLIENT_ID });
  const access = CognitoJwtVerifier.create({ userPoolId: POOL_ID, tokenUse: 'access', clientId: CLIENT_ID });
  id.cacheJwks(jwks);
  access.cacheJwks(jwks);
  return { id, access };
}

for (const [source, getTokens] of [['InitiateAuth', apiTokens], ['the code flow', oauthTokens]]) {
  test(`aws-jwt-verify and jose accept ID and access tokens from ${source} with the real Cognito issuer`, async () => {
    const jwks = await fetchJwks();
    const tokens = await getTokens();
    assert.notEqual(decodeHeader(tokens.id).kid, decodeHeader(tokens.access).kid, 'ID and access tokens use different keys');

    const verifiers = awsVerifiers(jwks);
    const id = verifiers.id.verifySync(tokens.id);
    assert.equal(id.iss, ISSUER);
    assert.equal(id.aud, CLIENT_ID);
    assert.equal(id['cognito:username'], 'jdoe');
    const access = verifiers.access.verifySync(tokens.access);
    assert.equal(access.client_id, CLIENT_ID);
    assert.equal(access.username, 'jdoe');

    const keySet = createLocalJWKSet(jwks);
    const joseId = await jwtVerify(tokens.id, keySet, { issuer: ISSUER, audience: CLIENT_ID, algorithms: ['RS256'] });
    assert.equal(joseId.payload.token_use, 'id');
    const joseAccess = await jwtVerify(tokens.access, keySet, { issuer: ISSUER, algorithms: ['RS256'] });
    assert.equal(joseAccess.payload.token_use, 'access');
    assert.equal(joseAccess.payload.aud, undefined);
  });
}

test('after a key rotation, new tokens are rejected without a JWKS refresh and accepted after one', async () => {
  const staleJwks = await fetchJwks();
  const before = await apiTokens();
  const rotated = await fetch(`${emulator.url}/_emulator/keys/rotate`, { method: 'POST' });
  assert.equal(rotated.status, 200);
  const after = await apiTokens();
  assert.notEqual(decodeHeader(after.id).kid, decodeHeader(before.id).kid);
  assert.notEqual(decodeHeader(after.access).kid, decodeHeader(before.access).kid);

  const stale = awsVerifiers(staleJwks);
  assert.throws(() => stale.id.verifySync(after.id), KidNotFoundInJwksError);
  assert.throws(() => stale.access.verifySync(after.access), KidNotFoundInJwksError);
  const staleKeySet = createLocalJWKSet(staleJwks);
  for (const token of [after.id, after.access]) {
    await assert.rejects(jwtVerify(token, staleKeySet, { issuer: ISSUER }), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
  }
  // Tokens minted before the rotation still verify against the JWKS they were issued under.
  assert.equal(stale.id.verifySync(before.id).token_use, 'id');

  const fresh = awsVerifiers(await fetchJwks());
  assert.equal(fresh.id.verifySync(after.id).token_use, 'id');
  assert.equal(fresh.access.verifySync(after.access).token_use, 'access');
});
