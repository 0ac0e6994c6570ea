// CognitoAuth outside a browser (Node.js, the packed package): options, storage adapters, the
// authorize URL and callback errors. No network: a fake fetch answers the token endpoint.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { packageDir } from './support.mjs';

const lib = await import(pathToFileURL(join(packageDir(), 'node.js')).href);
const { CognitoAuth } = lib;

/** An async adapter over a Map, like one backed by IndexedDB. */
function asyncStore() {
  const map = new Map();
  return {
    map,
    getItem: async (key) => map.get(key) ?? null,
    setItem: async (key, value) => void map.set(key, value),
    removeItem: async (key) => void map.delete(key),
  };
}

function create(extra = {}) {
  const store = asyncStore();
  const auth = CognitoAuth.create({
    userPoolId: 'us-east-1_AbCdEf123',
    clientId: 'client1',
    domain: 'auth.example.com/',
    redirectUri: 'https://app.example.com/callback',
    logoutUri: 'https://app.example.com/',
    storage: store,
    transactionStorage: store,
    navigate: () => assert.fail('no navigation expected'),
    ...extra,
  });
  return { auth, store };
}

test('options are checked: unknown storage, sessionStorage missing in Node, missing domain', () => {
  for (const storage of ['cookie', 'session', { getItem() {} }]) {
    assert.throws(() => create({ storage }), (e) => e.code === 'ERR_PARAM_INVALID_OPTIONS' && e.name === 'ParameterValidationError');
  }
  assert.throws(() => CognitoAuth.create({ clientId: 'c', redirectUri: 'r' }), (e) => e.code === 'ERR_PARAM_INVALID_OPTIONS');
});

test('buildSignInUrl: S256, 256-bit state and nonce, optional parameters only when given; transaction stored', async () => {
  const { auth, store } = create({ scopes: ['openid', 'https://api.example.com/read'] });
  const url = new URL(await auth.buildSignInUrl({ idpIdentifier: 'corp.example.com', lang: 'fr', loginHint: 'a@b', prompt: 'login', customState: 'x' }));
  assert.equal(url.origin + url.pathname, 'https://auth.example.com/oauth2/authorize');
  const q = Object.fromEntries(url.searchParams);
  assert.equal(q.response_type, 'code');
  assert.equal(q.client_id, 'client1');
  assert.equal(q.scope, 'openid https://api.example.com/read');
  assert.equal(q.code_challenge_method, 'S256');
  assert.match(q.code_challenge, /^[A-Za-z0-9_-]{43}$/);
  assert.match(q.state, /^[A-Za-z0-9_-]{43}$/);
  assert.match(q.nonce, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(q.state, q.nonce);
  assert.deepEqual(
    Object.keys(q).filter((k) => !['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method'].includes(k)),
    ['idp_identifier', 'lang', 'login_hint', 'prompt'],
  );
  const [key, saved] = [...store.map][0];
  assert.equal(key, 'cognito-wasm.client1.transaction');
  assert.ok(!url.href.includes(JSON.parse(saved).transaction.split('.')[2]), 'the verifier is not in the URL');
  const plain = new URL(await auth.buildSignInUrl());
  assert.equal(plain.searchParams.get('identity_provider'), null);
  assert.notEqual(plain.searchParams.get('state'), q.state, 'a fresh state per sign-in');
  await assert.rejects(auth.buildSignInUrl({ identityProvider: 'A', idpIdentifier: 'b' }), (e) => e.code === 'ERR_PARAM_INVALID_OPTIONS');
  await assert.rejects(auth.buildSignInUrl({ scope: 'x' }), (e) => e.code === 'ERR_PARAM_INVALID_OPTIONS');
});

test('callback errors are typed and the transaction is gone afterwards', async () => {
  let calls = 0;
  const { auth, store } = create({
    fetch: async () => {
      calls += 1;
      return new Response('{"error":"invalid_grant"}', { status: 400 });
    },
  });
  const state = new URL(await auth.buildSignInUrl()).searchParams.get('state');
  await assert.rejects(
    auth.handleRedirectCallback(`https://app.example.com/callback?error=access_denied&error_description=denied&state=${state}`),
    (e) => e instanceof lib.OAuthError && e.code === 'ERR_AUTH_OAUTH_ERROR' && e.oauthError === 'access_denied' && e.errorDescription === 'denied',
  );
  assert.equal(store.map.size, 0);
  await assert.rejects(
    auth.handleRedirectCallback(`https://app.example.com/callback?code=c&state=${state}`),
    (e) => e instanceof lib.AuthNoTransactionError && e.code === 'ERR_AUTH_NO_TRANSACTION',
  );
  const again = new URL(await auth.buildSignInUrl()).searchParams.get('state');
  await assert.rejects(
    auth.handleRedirectCallback(`https://app.example.com/callback?code=c&state=${again}`),
    (e) => e instanceof lib.InvalidGrantError && e instanceof lib.OAuthError && e.code === 'ERR_AUTH_INVALID_GRANT',
  );
  assert.equal(calls, 1);
  assert.equal(store.map.size, 0, 'nothing stored');
  assert.equal(await auth.getSession(), null);
});

test('a fetch that throws is AuthNetworkError; the helpers for API-issued tokens', async () => {
  const { auth } = create({ fetch: () => { throw new TypeError('offline'); } });
  const state = new URL(await auth.buildSignInUrl()).searchParams.get('state');
  await assert.rejects(auth.handleRedirectCallback(`https://app.example.com/callback?code=c&state=${state}`), (e) => e.code === 'ERR_AUTH_NETWORK');
  assert.equal(lib.isApiIssuedAccessToken({ scope: 'aws.cognito.signin.user.admin' }), true);
  assert.equal(lib.isApiIssuedAccessToken('openid aws.cognito.signin.user.admin'), false);
  // An InitiateAuth token after a V2 trigger added a custom scope is still API-issued.
  assert.equal(lib.isApiIssuedAccessToken('aws.cognito.signin.user.admin https://api/write'), true);
  assert.equal(lib.isApiIssuedAccessToken('https://api/write'), false);
  assert.throws(() => lib.assertScopes({ scope: 'aws.cognito.signin.user.admin' }, ['https://api/read']), lib.ApiIssuedTokenScopeError);
  assert.throws(() => lib.assertScopes({ scope: 'openid' }, 'https://api/read'), lib.JwtInvalidScopeError);
  lib.assertScopes({ scope: 'openid https://api/read' }, 'https://api/read');
  assert.equal(CognitoAuth.isCallback('https://app/cb?code=1&state=2'), true);
  assert.equal(CognitoAuth.isCallback('https://app/cb?x=1'), false);
});
