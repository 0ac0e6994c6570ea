// The test IdP harness on its own: a headless code flow with client_secret_post, like Cognito's.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { activeResources, PADDING_CLAIM, startIdp } from '../idp/server.mjs';
import { decodePayload, postForm } from './harness.mjs';

const CALLBACK = 'http://127.0.0.1:9/oauth2/idpresponse';
const client = { client_id: 'cognito', client_secret: 'shh', redirect_uris: [CALLBACK] };
let idp;
let discovery;

// Hooks have no default timeout: a start or stop that never settles must fail the file, not stall the run.
// startIdp time-boxes its own steps and names the one that stalls; so does the discovery fetch.
before(async () => {
  idp = await startIdp({ clients: [client] });
  try {
    const response = await fetch(`${idp.issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(20_000) });
    discovery = await response.json();
  } catch (error) {
    throw new Error(`discovery fetch: ${error.message} (IdP start-up: ${idp.startup.join(', ')}; active resources: ${activeResources()})`, { cause: error });
  }
}, { timeout: 60_000 });
after(() => idp?.close(), { timeout: 30_000 });

function authorizeUrl(extra = {}) {
  const url = new URL(discovery.authorization_endpoint);
  const params = { response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid email profile', state: 'st-1', nonce: 'n-1', ...extra };
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.href;
}

async function signIn(account, extra) {
  const { url } = await idp.drive(authorizeUrl(extra), { account });
  const callback = new URL(url);
  assert.equal(`${callback.origin}${callback.pathname}`, CALLBACK);
  assert.equal(callback.searchParams.get('state'), 'st-1');
  const response = await postForm(discovery.token_endpoint, {
    grant_type: 'authorization_code',
    code: callback.searchParams.get('code'),
    redirect_uri: CALLBACK,
    client_id: client.client_id,
    client_secret: client.client_secret,
  });
  assert.equal(response.status, 200);
  return response.json();
}

test('discovery advertises the endpoints and client_secret_post', () => {
  assert.equal(discovery.issuer, idp.issuer);
  assert.match(idp.issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(discovery.token_endpoint_auth_methods_supported.includes('client_secret_post'));
  assert.ok(discovery.userinfo_endpoint.startsWith(idp.issuer));
});

test('a headless sign-in yields an ID token with the account claims and the nonce', async () => {
  const tokens = await signIn('bob');
  const claims = decodePayload(tokens.id_token);
  assert.equal(claims.iss, idp.issuer);
  assert.equal(claims.aud, client.client_id);
  assert.equal(claims.sub, 'bob');
  assert.equal(claims.nonce, 'n-1');
  assert.equal(claims.email, 'bob@corp.example');
  assert.equal(claims.email_verified, false);
  assert.equal(claims[PADDING_CLAIM], undefined);
  assert.deepEqual(idp.issued.at(-1).id_token, tokens.id_token);

  const userinfo = await fetch(discovery.userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  assert.equal(userinfo.status, 200);
  assert.equal((await userinfo.json()).name, 'Bob Builder');
});

test('idTokenPadding makes the ID token longer than 2,048 characters', async () => {
  idp.idTokenPadding = 2100;
  try {
    const { id_token: idToken } = await signIn('alice');
    assert.ok(idToken.length > 2048, `length ${idToken.length}`);
    assert.equal(decodePayload(idToken)[PADDING_CLAIM].length, 2100);
  } finally {
    idp.idTokenPadding = 0;
  }
});

test('an unregistered redirect URI is refused, and setRedirectUris changes it at run time', async () => {
  const other = 'http://127.0.0.1:10/oauth2/idpresponse';
  const refused = await idp.drive(authorizeUrl({ redirect_uri: other }), { account: 'alice' });
  assert.equal(refused.status, 400);
  assert.match(refused.body, /redirect_uri did not match/);

  idp.setRedirectUris(client.client_id, [other]);
  try {
    const { url } = await idp.drive(authorizeUrl({ redirect_uri: other }), { account: 'alice' });
    assert.ok(url.startsWith(`${other}?code=`), url);
  } finally {
    idp.setRedirectUris(client.client_id, [CALLBACK]);
  }
});

test('cancelling at the IdP returns access_denied to the client', async () => {
  const { url } = await idp.drive(authorizeUrl(), { cancel: true });
  const callback = new URL(url);
  assert.equal(callback.searchParams.get('error'), 'access_denied');
  assert.equal(callback.searchParams.get('state'), 'st-1');
  assert.equal(callback.searchParams.get('code'), null);
});

test('GET /_test/drive completes a sign-in over HTTP', async () => {
  const drive = new URL('/_test/drive', idp.issuer);
  drive.searchParams.set('url', authorizeUrl());
  drive.searchParams.set('account', 'alice');
  const { url } = await (await fetch(drive)).json();
  assert.ok(url.startsWith(`${CALLBACK}?code=`), url);
});

test('anyLoopbackPort accepts the registered loopback redirect URI on any port (consent implied)', async () => {
  const loose = await startIdp({ anyLoopbackPort: true, clients: [{ ...client, redirect_uris: ['http://127.0.0.1/cb'] }] });
  try {
    const url = new URL('/auth', loose.issuer);
    const redirectUri = 'http://127.0.0.1:5555/cb';
    for (const [key, value] of Object.entries({ response_type: 'code', client_id: client.client_id, redirect_uri: redirectUri, scope: 'openid email', state: 's' })) {
      url.searchParams.set(key, value);
    }
    const { url: landed } = await loose.drive(url.href, { account: 'alice' });
    assert.ok(landed.startsWith(`${redirectUri}?code=`), landed);
  } finally {
    await loose.close();
  }
});

test('the CLI prints its issuer first, serves the configured client, and stops on SIGTERM', { timeout: 30_000 }, async () => {
  const cli = fileURLToPath(new URL('../idp/server.mjs', import.meta.url));
  const redirectUri = 'http://127.0.0.1:7/cb';
  const child = spawn(process.execPath, [cli, '--port', '0', '--client-id', 'cli-client', '--client-secret', 'cli-secret',
    '--redirect-uri', redirectUri, '--id-token-padding', '5'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = once(child, 'exit');
  try {
    // A CLI that dies before printing fails the test at once instead of waiting for the timeout.
    const [issuer] = await Promise.race([
      once(createInterface({ input: child.stdout }), 'line'),
      exited.then(([code, signal]) => [`the CLI exited (${code ?? signal}) before printing its issuer`]),
    ]);
    assert.match(issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
    const authorize = new URL('/auth', issuer);
    for (const [key, value] of Object.entries({ response_type: 'code', client_id: 'cli-client', redirect_uri: redirectUri, scope: 'openid', nonce: 'n' })) {
      authorize.searchParams.set(key, value);
    }
    const drive = new URL('/_test/drive', issuer);
    drive.searchParams.set('url', authorize.href);
    drive.searchParams.set('account', 'bob');
    const { url } = await (await fetch(drive)).json();
    const response = await postForm(`${issuer}/token`, {
      grant_type: 'authorization_code', code: new URL(url).searchParams.get('code'), redirect_uri: redirectUri,
      client_id: 'cli-client', client_secret: 'cli-secret',
    });
    assert.equal(response.status, 200);
    const claims = decodePayload((await response.json()).id_token);
    assert.equal(claims.sub, 'bob');
    assert.equal(claims[PADDING_CLAIM], 'xxxxx');
  } finally {
    child.kill('SIGTERM');
  }
  const [code] = await exited;
  assert.equal(code, 0);
});
