// Federation end to end: a real oidc-provider (tests/idp) on loopback as the external IdP, the
// emulator federating to it, and the app receiving Cognito tokens
// (docs/cognito.md#federation-endpoints, #the-identities-claim, #federation-with-oidc-providers).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { createLocalJWKSet, jwtVerify } from 'jose';

import { cognitoProvider, startIdp, TOKEN_ATTRIBUTES } from '../idp/server.mjs';
import { authorizeUrl, decodePayload, redeemCode, startEmulator } from './harness.mjs';

const POOL_ID = 'us-east-1_FedPool1';
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`;
const CLIENT_ID = 'fed4spa0client';
const CALLBACK = 'http://localhost:5173/callback';
const IDP_CLIENT = { client_id: 'cognito-emulator', client_secret: 'idp-secret', redirect_uris: [] };
const TOO_LONG = 'String attributes cannot have a length of more than 2048';

function config(idpIssuer) {
  return {
    UserPool: {
      UserPoolId: POOL_ID,
      Schema: [...TOKEN_ATTRIBUTES, { Name: 'first_name', AttributeDataType: 'String', Mutable: false }],
    },
    UserPoolClients: [{
      ClientId: CLIENT_ID,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      CallbackURLs: [CALLBACK],
      SupportedIdentityProviders: ['COGNITO', 'Corp', 'CorpPost', 'Down'],
    }],
    IdentityProviders: [
      cognitoProvider('Corp', idpIssuer, IDP_CLIENT, {
        mapping: {
          username: 'sub',
          email: 'email',
          email_verified: 'email_verified',
          name: 'name',
          'custom:first_name': 'name',
          'custom:id_token': 'id_token',
          'custom:access_token': 'access_token',
        },
        identifiers: ['corp.example.com'],
      }),
      // The same IdP, userInfo read with POST.
      cognitoProvider('CorpPost', idpIssuer, IDP_CLIENT, { scopes: 'openid email', method: 'POST', mapping: { email: 'email' } }),
      {
        // Nothing listens here: discovery fails.
        ProviderName: 'Down',
        ProviderDetails: { client_id: 'x', client_secret: 'y', authorize_scopes: 'openid', oidc_issuer: 'http://127.0.0.1:9' },
      },
    ],
  };
}

let idp;
let emulator;
let jwks;

before(async () => {
  idp = await startIdp({ clients: [IDP_CLIENT] });
  emulator = await startEmulator({ config: config(idp.issuer) });
  idp.setRedirectUris(IDP_CLIENT.client_id, [`${emulator.url}/oauth2/idpresponse`]);
  jwks = createLocalJWKSet(await (await fetch(`${emulator.url}/${POOL_ID}/.well-known/jwks.json`)).json());
});
after(async () => {
  await emulator?.stop();
  await idp?.close();
});

/** Starts a code + PKCE sign-in at the emulator with `params`, walks it through the IdP as `account`. */
async function federatedSignIn(params, account = 'alice', driveOptions = {}) {
  const { url, verifier } = authorizeUrl(emulator.url, {
    client_id: CLIENT_ID,
    redirect_uri: CALLBACK,
    scope: 'openid email profile',
    state: 'app-state',
    ...params,
  });
  const { url: landed } = await idp.drive(url, { account, ...driveOptions });
  const callback = new URL(landed);
  assert.equal(`${callback.origin}${callback.pathname}`, CALLBACK, landed);
  assert.equal(callback.searchParams.get('state'), 'app-state');
  return { callback, verifier };
}

function redeem({ callback, verifier }) {
  const code = callback.searchParams.get('code');
  assert.ok(code, `no code in ${callback.href}`);
  return redeemCode(emulator.url, { clientId: CLIENT_ID, code, redirectUri: CALLBACK, verifier });
}

async function verifiedIdToken(tokens) {
  const { payload } = await jwtVerify(tokens.id_token, jwks, { issuer: ISSUER, audience: CLIENT_ID });
  return payload;
}

test('identity_provider=Corp: the app gets Cognito tokens for Corp_alice with the IdP tokens in custom attributes', async () => {
  const tokens = await redeem(await federatedSignIn({ identity_provider: 'Corp' }, 'alice'));
  const issued = idp.issued.at(-1);
  const claims = await verifiedIdToken(tokens);

  assert.equal(claims['cognito:username'], 'Corp_alice');
  assert.deepEqual(claims['cognito:groups'], [`${POOL_ID}_Corp`]);
  assert.equal(claims.identities.length, 1);
  const [identity] = claims.identities;
  assert.deepEqual({ ...identity, dateCreated: undefined }, {
    userId: 'alice', providerName: 'Corp', providerType: 'OIDC', issuer: null, primary: 'true', dateCreated: undefined,
  });
  assert.match(identity.dateCreated, /^\d{13}$/);
  assert.equal(claims['custom:id_token'], issued.id_token);
  assert.equal(claims['custom:access_token'], issued.access_token);
  assert.equal(claims.email, 'alice@corp.example');
  assert.equal(claims.email_verified, true);
  assert.equal(claims.name, 'Alice Liddell');
  // No app nonce: Cognito supplies its own, the one the IdP echoed.
  assert.equal(claims.nonce, decodePayload(issued.id_token).nonce);
  assert.notEqual(claims.sub, 'alice');

  const access = decodePayload(tokens.access_token);
  assert.equal(access.username, 'Corp_alice');
  assert.equal(access.client_id, CLIENT_ID);
});

test('idp_identifier routes to the same IdP; a second sign-in updates mutable attributes only', async () => {
  const first = await verifiedIdToken(await redeem(await federatedSignIn({ identity_provider: 'Corp' }, 'bob')));
  assert.equal(first.email_verified, false);
  idp.accounts.bob.name = 'Robert Builder';
  try {
    const tokens = await redeem(await federatedSignIn({ idp_identifier: 'corp.example.com', nonce: 'app-nonce' }, 'bob'));
    const claims = await verifiedIdToken(tokens);
    assert.equal(claims['cognito:username'], 'Corp_bob');
    assert.equal(claims.sub, first.sub);
    assert.equal(claims.nonce, 'app-nonce');
    assert.equal(claims.name, 'Robert Builder');
    assert.equal(claims['custom:first_name'], 'Bob Builder', 'an immutable attribute keeps its first value');
    assert.equal(claims['custom:id_token'], idp.issued.at(-1).id_token);
    assert.notEqual(claims['custom:id_token'], first['custom:id_token']);
    assert.equal(claims.identities[0].dateCreated, first.identities[0].dateCreated);
  } finally {
    idp.accounts.bob.name = 'Bob Builder';
  }
});

test('attributes_request_method POST reads userInfo with POST', async () => {
  idp.requests.length = 0;
  const claims = await verifiedIdToken(await redeem(await federatedSignIn({ identity_provider: 'CorpPost', scope: 'openid email' }, 'alice')));
  assert.equal(claims['cognito:username'], 'CorpPost_alice');
  assert.deepEqual(claims['cognito:groups'], [`${POOL_ID}_CorpPost`]);
  assert.equal(claims.email, 'alice@corp.example');
  assert.equal(claims['custom:id_token'], undefined, 'not mapped for this provider');
  const userinfoPath = new URL((await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()).userinfo_endpoint).pathname;
  assert.deepEqual(idp.requests.filter((r) => r.path === userinfoPath).map((r) => r.method), ['POST']);
  assert.deepEqual(idp.requests.filter((r) => r.path === '/token').map((r) => r.method), ['POST']);
});

test('an IdP ID token longer than 2,048 characters fails the sign-in with Cognito\'s text', async () => {
  idp.idTokenPadding = 2100;
  try {
    const { callback } = await federatedSignIn({ identity_provider: 'Corp' }, 'alice');
    assert.ok(idp.issued.at(-1).id_token.length > 2048);
    assert.equal(callback.searchParams.get('code'), null);
    assert.equal(callback.searchParams.get('error'), 'invalid_request');
    assert.equal(callback.searchParams.get('error_description'), TOO_LONG);
  } finally {
    idp.idTokenPadding = 0;
  }
});

test('IdP faults come back to the app as error redirects, never as a 500', async () => {
  const down = await federatedSignIn({ identity_provider: 'Down' });
  assert.equal(down.callback.searchParams.get('error'), 'invalid_request');
  assert.match(down.callback.searchParams.get('error_description'), /^Down Error - /);

  const cancelled = await federatedSignIn({ identity_provider: 'Corp' }, undefined, { cancel: true });
  assert.equal(cancelled.callback.searchParams.get('error'), 'invalid_request');
  assert.equal(cancelled.callback.searchParams.get('error_description'), 'Corp Error - access_denied');

  // The IdP leg by hand: the emulator's own state and nonce go to the IdP.
  const { url } = authorizeUrl(emulator.url, { client_id: CLIENT_ID, redirect_uri: CALLBACK, state: 'app-state', identity_provider: 'Corp' });
  const toIdp = await fetch(url, { redirect: 'manual' });
  assert.equal(toIdp.status, 302);
  const idpAuthorize = new URL(toIdp.headers.get('location'));
  assert.equal(idpAuthorize.origin, idp.issuer);
  assert.equal(idpAuthorize.searchParams.get('redirect_uri'), `${emulator.url}/oauth2/idpresponse`);
  const state = idpAuthorize.searchParams.get('state');
  assert.notEqual(state, 'app-state', 'the IdP sees the emulator\'s own state');
  assert.ok(idpAuthorize.searchParams.get('nonce'));

  // A forged code for a real pending state: the IdP's token endpoint refuses it.
  const forged = await fetch(`${emulator.url}/oauth2/idpresponse?code=forged&state=${encodeURIComponent(state)}`, { redirect: 'manual' });
  assert.equal(forged.status, 302);
  const back = new URL(forged.headers.get('location'));
  assert.equal(`${back.origin}${back.pathname}`, CALLBACK);
  assert.equal(back.searchParams.get('state'), 'app-state');
  assert.equal(back.searchParams.get('error'), 'invalid_request');
  assert.equal(back.searchParams.get('error_description'), 'Corp Error - 400 error getting token');

  // The state is single use, and an unknown state ends on the error page.
  for (const query of [`code=x&state=${encodeURIComponent(state)}`, 'code=x&state=unknown', '']) {
    const response = await fetch(`${emulator.url}/oauth2/idpresponse?${query}`);
    assert.equal(response.status, 400, query);
    assert.equal(new URL(response.url).pathname, '/error');
    assert.match(await response.text(), /Invalid state/);
  }
});
