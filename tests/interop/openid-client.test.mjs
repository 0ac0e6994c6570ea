// openid-client v6 (an OpenID-certified relying party), unmodified, against the emulator's OAuth
// endpoints: discovery from the real-format issuer, authorization code + PKCE through the hosted
// UI form, state and nonce, refresh, userInfo, revocation (issue 12). Configuration is the
// client's own documented options: `allowInsecureRequests` (the emulator speaks http on
// loopback) and `customFetch`, which resolves the AWS regional host to the emulator the way a
// hosts-file entry would (the issuer stays https://cognito-idp.us-east-1.amazonaws.com/{pool},
// which openid-client checks against the discovery document).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import * as client from 'openid-client';

import { decodePayload, REPO_ROOT, startEmulator } from '../emulator/harness.mjs';
import { hostedUiSignIn } from './hosted-ui.mjs';

const POOL_ID = 'us-east-1_EmuPool01';
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`;
const SPA = 'spa4emulator0client00000a';
const WEB = { id: 'web4emulator0client00000b', secret: 'secret4emulator0web0client0000000000000000000000b' };
const USER = { username: 'jdoe', password: 'Passw0rd!' };

let emulator;

before(async () => {
  emulator = await startEmulator({ configPath: join(REPO_ROOT, 'emulator/config/default.json') });
});
after(() => emulator?.stop());

/** fetch, with the regional Cognito host resolved to the emulator. */
function viaEmulator(url, options) {
  const target = new URL(url);
  if (target.host === 'cognito-idp.us-east-1.amazonaws.com') {
    const local = new URL(emulator.url);
    target.protocol = local.protocol;
    target.host = local.host;
  }
  return fetch(target, options);
}

async function discover(clientId, metadata, auth) {
  return client.discovery(new URL(ISSUER), clientId, metadata, auth, {
    execute: [client.allowInsecureRequests],
    [client.customFetch]: viaEmulator,
  });
}

/** Signs in through the hosted UI; resolves to openid-client's token response. */
async function codeFlow(config, { redirectUri, scope }) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const { callbackUrl } = await hostedUiSignIn(url.href, USER);
  assert.equal(callbackUrl.origin + callbackUrl.pathname, redirectUri);
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
  });
  return { tokens, state, nonce, verifier, callbackUrl };
}

test('discovery: the document served for the real-format issuer is accepted', async () => {
  const config = await discover(SPA, undefined, client.None());
  const meta = config.serverMetadata();
  assert.equal(meta.issuer, ISSUER);
  assert.equal(new URL(meta.authorization_endpoint).pathname, '/oauth2/authorize');
  assert.equal(new URL(meta.token_endpoint).pathname, '/oauth2/token');
  assert.equal(new URL(meta.userinfo_endpoint).pathname, '/oauth2/userInfo');
  assert.equal(new URL(meta.revocation_endpoint).pathname, '/oauth2/revoke');
  // Cognito does not advertise PKCE (docs/cognito.md#discovery-document); it supports S256 all the
  // same.
  assert.equal(meta.supportsPKCE(), false);
});

test('code + PKCE through the hosted UI: state and nonce checked, ID token claims validated', async () => {
  const config = await discover(SPA, undefined, client.None());
  const { tokens, nonce } = await codeFlow(config, { redirectUri: 'http://localhost:5173/callback', scope: 'openid email profile' });
  assert.equal(tokens.token_type.toLowerCase(), 'bearer');
  assert.equal(tokens.expires_in, 3600);
  const claims = tokens.claims();
  assert.equal(claims.iss, ISSUER);
  assert.equal(claims.aud, SPA);
  assert.equal(claims.nonce, nonce);
  assert.equal(claims.email, 'jdoe@example.com');
  assert.equal(claims.email_verified, true, 'ID token booleans are JSON booleans');
  assert.equal(decodePayload(tokens.access_token).scope.split(' ').sort().join(' '), 'email openid profile');
});

test('a callback whose state does not match is refused by openid-client', async () => {
  const config = await discover(SPA, undefined, client.None());
  const verifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: 'http://localhost:5173/callback', scope: 'openid', state: 'the-state-sent',
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const { callbackUrl } = await hostedUiSignIn(url.href, USER);
  assert.equal(callbackUrl.searchParams.get('state'), 'the-state-sent', 'the emulator returns state unchanged');
  await assert.rejects(
    client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: verifier, expectedState: 'another-state' }),
    (error) => error instanceof client.ClientError && /"state"/.test(error.cause?.message),
  );
});

test('a wrong PKCE verifier is refused by the emulator (invalid_grant, as a ResponseBodyError)', async () => {
  const config = await discover(SPA, undefined, client.None());
  const verifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: 'http://localhost:5173/callback', scope: 'openid', state: 's',
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const { callbackUrl } = await hostedUiSignIn(url.href, USER);
  await assert.rejects(
    client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: client.randomPKCECodeVerifier(), expectedState: 's' }),
    (error) => error instanceof client.ResponseBodyError && error.error === 'invalid_grant' && error.status === 400,
  );
});

test('userInfo: the stored attribute strings, and the subject checked by openid-client', async () => {
  const config = await discover(SPA, undefined, client.None());
  const { tokens } = await codeFlow(config, { redirectUri: 'http://localhost:5173/callback', scope: 'openid email profile' });
  const sub = tokens.claims().sub;
  const info = await client.fetchUserInfo(config, tokens.access_token, sub);
  assert.equal(info.sub, sub);
  assert.equal(info.username, 'jdoe');
  assert.equal(info.email, 'jdoe@example.com');
  // Cognito's userInfo returns booleans as the stored strings (docs/cognito.md#userinfo-endpoint, a
  // real capture: {"email_verified":"true", ...}); openid-client passes the value through
  // unchanged.
  assert.equal(info.email_verified, 'true');
  await assert.rejects(client.fetchUserInfo(config, tokens.access_token, 'another-sub'),
    (error) => error instanceof client.ClientError && /"sub"/.test(error.cause?.message));
});

test('refresh (public client, no rotation) and revocation: the revoked refresh token and its access tokens die', async () => {
  const config = await discover(SPA, undefined, client.None());
  const { tokens } = await codeFlow(config, { redirectUri: 'http://localhost:5173/callback', scope: 'openid email' });
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  assert.equal(refreshed.refresh_token, undefined, 'no rotation: Cognito returns no new refresh token');
  assert.equal(refreshed.claims().sub, tokens.claims().sub);
  assert.equal(decodePayload(refreshed.access_token).origin_jti, decodePayload(tokens.access_token).origin_jti);

  await client.tokenRevocation(config, tokens.refresh_token, { token_type_hint: 'refresh_token' });
  await assert.rejects(client.refreshTokenGrant(config, tokens.refresh_token),
    (error) => error instanceof client.ResponseBodyError && error.error === 'invalid_grant');
  // Cognito's userInfo 401 carries `WWW-Authenticate: error="invalid_token", ...` with no `Bearer`
  // scheme (AWS "The user attributes endpoint", error responses;
  // docs/cognito.md#userinfo-endpoint). openid-client cannot read that as an RFC 6750 challenge, so
  // it reports the bare 401.
  await assert.rejects(client.fetchUserInfo(config, refreshed.access_token, client.skipSubjectCheck),
    (error) => error instanceof client.ClientError && error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' && error.cause.status === 401
      && error.cause.headers.get('www-authenticate').startsWith('error="invalid_token"'));
  // Revoking an access token is unsupported_token_type (docs/cognito.md#revoke-endpoint).
  await assert.rejects(client.tokenRevocation(config, tokens.access_token),
    (error) => error instanceof client.ResponseBodyError && error.error === 'unsupported_token_type');
});

test('confidential client (client_secret_basic): code flow, and a refresh that rotates the refresh token', async () => {
  const config = await discover(WEB.id, WEB.secret, client.ClientSecretBasic(WEB.secret));
  const { tokens } = await codeFlow(config, { redirectUri: 'http://localhost:8080/callback', scope: 'openid email' });
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  assert.equal(typeof refreshed.refresh_token, 'string', 'rotation on: a new refresh token');
  assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
  await client.tokenRevocation(config, refreshed.refresh_token);
  await assert.rejects(client.refreshTokenGrant(config, refreshed.refresh_token), (error) => error.error === 'invalid_grant');
  const wrong = await discover(WEB.id, 'not-the-secret', client.ClientSecretBasic('not-the-secret'));
  // invalid_client is HTTP 400 in Cognito's token-endpoint docs (docs/cognito.md#token-errors).
  await assert.rejects(client.refreshTokenGrant(wrong, tokens.refresh_token),
    (error) => error instanceof client.ResponseBodyError && error.error === 'invalid_client' && error.status === 400);
});

test('end session: buildEndSessionUrl with Cognito /logout parameters signs the browser out', async () => {
  const config = await discover(SPA, undefined, client.None());
  const verifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: 'http://localhost:5173/callback', scope: 'openid', state: 's',
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const { cookies } = await hostedUiSignIn(url.href, USER);
  const session = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  // Cognito's /logout takes client_id + logout_uri, not OIDC's post_logout_redirect_uri
  // (docs/cognito.md#logout-endpoint); openid-client puts client_id in by itself.
  const logout = client.buildEndSessionUrl(config, { logout_uri: 'http://localhost:5173/' });
  assert.equal(logout.searchParams.get('client_id'), SPA);
  const response = await fetch(logout, { redirect: 'manual', headers: { cookie: session } });
  assert.equal(response.status, 302);
  assert.equal(response.headers.get('location'), 'http://localhost:5173/');
  // The hosted-UI session cookie is cleared.
  const cleared = response.headers.getSetCookie().join('\n');
  assert.match(cleared, /(Max-Age=0|Expires=Thu, 01 Jan 1970)/i);
});
