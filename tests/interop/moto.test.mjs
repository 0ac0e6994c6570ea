// The packed package against an independent Cognito stand-in: moto (PyPI moto[server]) issues
// real-format tokens through InitiateAuth; our CognitoJwtVerifier verifies them with moto's JWKS
// and isApiIssuedAccessToken classifies them. Then the same API calls go to moto and to our
// emulator, and the response shapes must match except for the differences listed (issue 12).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';

import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';

import { decodeHeader, decodePayload, REPO_ROOT, startEmulator } from '../emulator/harness.mjs';
import { startMoto } from './moto.mjs';
import { PKG_DIR } from './pkg.mjs';
import { sdkClient, sdkError } from './sdk.mjs';

const { CognitoJwtVerifier, isApiIssuedAccessToken, JwtInvalidClaimError, JwtInvalidSignatureError } = await import(pathToFileURL(join(PKG_DIR, 'node.js')).href);

const USER = { USERNAME: 'jdoe', PASSWORD: 'Passw0rd!' };

let moto;
let emulator;
/** Per side: { name, url, cognito, poolId, clientId }. */
const sides = {};

before(async () => {
  [moto, emulator] = await Promise.all([
    startMoto(),
    startEmulator({ configPath: join(REPO_ROOT, 'emulator/config/default.json') }),
  ]);
  // moto starts empty: the pool, client and user are made through its API with the same SDK.
  const cognito = sdkClient(moto.url);
  const pool = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'interop' }))).UserPool;
  const client = (await cognito.send(new CreateUserPoolClientCommand({
    UserPoolId: pool.Id,
    ClientName: 'spa',
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  }))).UserPoolClient;
  await cognito.send(new AdminCreateUserCommand({
    UserPoolId: pool.Id, Username: USER.USERNAME, UserAttributes: [{ Name: 'email', Value: 'jdoe@example.com' }, { Name: 'name', Value: 'Jane Doe' }],
  }));
  await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.Id, Username: USER.USERNAME, Password: USER.PASSWORD, Permanent: true }));
  // jdoe is in group admins in the emulator's default config: the same here.
  await cognito.send(new CreateGroupCommand({ UserPoolId: pool.Id, GroupName: 'admins', Precedence: 1 }));
  await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: pool.Id, Username: USER.USERNAME, GroupName: 'admins' }));
  sides.moto = { name: 'moto', url: moto.url, cognito, poolId: pool.Id, clientId: client.ClientId };
  sides.emulator = { name: 'emulator', url: emulator.url, cognito: sdkClient(emulator.url), poolId: 'us-east-1_EmuPool01', clientId: 'spa4emulator0client00000a' };
});
after(async () => {
  for (const side of Object.values(sides)) side.cognito.destroy();
  await Promise.all([moto?.stop(), emulator?.stop()]);
});

const signIn = (side) => side.cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: side.clientId, AuthParameters: USER }));

function verifier(side, tokenUse, clientId = side.clientId) {
  // Tokens keep the real-format issuer (https://cognito-idp.us-east-1.amazonaws.com/{pool});
  // only the JWKS is fetched from moto (its `/{poolId}/.well-known/jwks.json`).
  return CognitoJwtVerifier.create({ userPoolId: side.poolId, tokenUse, clientId, jwksUri: `${side.url}/${side.poolId}/.well-known/jwks.json` });
}

test("CognitoJwtVerifier verifies moto's ID and access tokens with moto's JWKS and real-format issuer", async () => {
  const side = sides.moto;
  const { AccessToken, IdToken } = (await signIn(side)).AuthenticationResult;
  const issuer = `https://cognito-idp.us-east-1.amazonaws.com/${side.poolId}`;
  // moto signs with one fixed key for every pool: kid "dummy".
  assert.equal(decodeHeader(AccessToken).kid, 'dummy');
  const access = await verifier(side, 'access').verify(AccessToken);
  assert.equal(access.iss, issuer);
  assert.equal(access.client_id, side.clientId);
  assert.equal(access.username, USER.USERNAME);
  const id = await verifier(side, 'id').verify(IdToken);
  assert.equal(id.aud, side.clientId);
  assert.equal(id['cognito:username'], USER.USERNAME);
  // The checks still bite on moto's tokens: another client ID, or an ID token where access is due.
  await assert.rejects(verifier(side, 'access', 'someotherclient').verify(AccessToken), JwtInvalidClaimError);
  await assert.rejects(verifier(side, 'access').verify(IdToken), JwtInvalidClaimError);
  const [h, , s] = AccessToken.split('.');
  const forged = Buffer.from(JSON.stringify({ ...decodePayload(AccessToken), username: 'admin' })).toString('base64url');
  await assert.rejects(verifier(side, 'access').verify(`${h}.${forged}.${s}`), JwtInvalidSignatureError);
});

test("isApiIssuedAccessToken classifies moto's InitiateAuth access token as API-issued", async () => {
  for (const side of Object.values(sides)) {
    const { AccessToken } = (await signIn(side)).AuthenticationResult;
    const payload = await verifier(side, 'access').verify(AccessToken);
    assert.equal(payload.scope, 'aws.cognito.signin.user.admin', side.name);
    assert.equal(isApiIssuedAccessToken(payload), true, side.name);
    assert.equal(isApiIssuedAccessToken('openid https://api.example.com/read'), false);
  }
});

/** The structure of a JSON value: leaves become their type, arrays the shape of their first item. */
function shape(value) {
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : [];
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== '$metadata').sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, shape(v)]));
  }
  return typeof value;
}

/** `shape` with the keys in `allowed` (dotted paths: a difference we accept, with its reason) removed. */
function comparable(value, allowed) {
  const s = structuredClone(shape(value));
  for (const path of Object.keys(allowed)) {
    const parts = path.split('.');
    const last = parts.pop();
    const parent = parts.reduce((o, k) => o?.[k], s);
    if (parent) delete parent[last];
  }
  return s;
}

async function sameShape(call, allowed = {}) {
  const [m, e] = [await call(sides.moto), await call(sides.emulator)];
  assert.deepEqual(comparable(e, allowed), comparable(m, allowed));
  return { moto: m, emulator: e };
}

// Differences accepted between moto and the emulator, each with its reason.
const ALLOWED = {
  // InitiateAuth with tokens: real Cognito sends "ChallengeParameters": {} beside
  // AuthenticationResult (the InitiateAuth API reference's example response); moto leaves it out.
  initiateAuth: { ChallengeParameters: 'Cognito sends an empty object; moto omits it' },
  // Access-token claims: the emulator follows real Cognito (docs/cognito.md#access-token-claims,
  // #example-payloads captured tokens); moto omits these two.
  accessClaims: { event_id: 'Cognito puts an event_id in user tokens; moto does not', version: 'Cognito access tokens carry version 2; moto does not' },
  // ID-token claims: moto puts no user attributes in its ID token; Cognito does.
  idClaims: {
    event_id: 'as in access tokens', email: 'moto puts no user attributes in ID tokens (Cognito does, docs/cognito.md#id-token-claims)', email_verified: 'as email', name: 'as email',
    'custom:tenant_id': 'emulator user only', 'cognito:groups': 'emulator user only (group member)',
    'cognito:roles': 'emulator user only', 'cognito:preferred_role': 'emulator user only', at_hash: 'as email',
  },
  // USER_SRP_AUTH: moto adds a Session; the emulator keeps the challenge under SECRET_BLOCK and
  // sends none. Whether Cognito sends one here is not known (open); Amplify passes a
  // Session back only when it got one, so either works with it.
  srpChallenge: { Session: 'moto returns one; the emulator none' },
  // GetUser: moto adds MFA fields that real Cognito returns only once MFA is set up (GetUser API
  // reference: UserMFASettingList / PreferredMfaSetting are the user's MFA settings; MFAOptions is
  // deprecated).
  getUser: { MFAOptions: 'moto extra', PreferredMfaSetting: 'moto extra', UserMFASettingList: 'moto extra' },
};

test('InitiateAuth (password, refresh) and AdminInitiateAuth: the same response shapes and token claims', async () => {
  const { moto: m, emulator: e } = await sameShape(signIn, ALLOWED.initiateAuth);
  const claimNames = (token, allowed) => Object.keys(decodePayload(token)).filter((k) => !(k in allowed)).sort();
  assert.deepEqual(claimNames(e.AuthenticationResult.AccessToken, ALLOWED.accessClaims), claimNames(m.AuthenticationResult.AccessToken, ALLOWED.accessClaims));
  assert.deepEqual(claimNames(e.AuthenticationResult.IdToken, ALLOWED.idClaims), claimNames(m.AuthenticationResult.IdToken, ALLOWED.idClaims));
  assert.deepEqual(decodeHeader(e.AuthenticationResult.AccessToken).alg, decodeHeader(m.AuthenticationResult.AccessToken).alg);

  const refreshed = await sameShape(async (side) => {
    const { RefreshToken } = (await signIn(side)).AuthenticationResult;
    return side.cognito.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: side.clientId, AuthParameters: { REFRESH_TOKEN: RefreshToken } }));
  }, ALLOWED.initiateAuth);
  assert.equal(refreshed.emulator.AuthenticationResult.RefreshToken, undefined, 'no rotation: no new refresh token');

  await sameShape((side) => side.cognito.send(new AdminInitiateAuthCommand({
    UserPoolId: side.poolId, ClientId: side.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: USER,
  })), ALLOWED.initiateAuth);
});

test('GetUser, UpdateUserAttributes, GlobalSignOut: the same shapes, and both refuse a signed-out token', async () => {
  const tokens = {};
  for (const side of Object.values(sides)) tokens[side.name] = (await signIn(side)).AuthenticationResult.AccessToken;
  const user = await sameShape((side) => side.cognito.send(new GetUserCommand({ AccessToken: tokens[side.name] })), ALLOWED.getUser);
  assert.equal(user.moto.Username, user.emulator.Username);
  await sameShape((side) => side.cognito.send(new UpdateUserAttributesCommand({ AccessToken: tokens[side.name], UserAttributes: [{ Name: 'name', Value: 'Jane Q. Doe' }] })));
  for (const side of Object.values(sides)) {
    const got = await side.cognito.send(new GetUserCommand({ AccessToken: tokens[side.name] }));
    assert.equal(got.UserAttributes.find((a) => a.Name === 'name').Value, 'Jane Q. Doe', side.name);
  }
  await sameShape((side) => side.cognito.send(new GlobalSignOutCommand({ AccessToken: tokens[side.name] })));
  const errors = await sameShape((side) => sdkError(() => side.cognito.send(new GetUserCommand({ AccessToken: tokens[side.name] }))));
  assert.equal(errors.moto.name, 'NotAuthorizedException');
  assert.equal(errors.emulator.name, errors.moto.name);
});

test('InitiateAuth USER_SRP_AUTH: the same PASSWORD_VERIFIER challenge shape', async () => {
  // Any SRP_A that is not 0 mod N starts the challenge; the proof itself is Amplify's test.
  const challenge = await sameShape((side) => side.cognito.send(new InitiateAuthCommand({
    AuthFlow: 'USER_SRP_AUTH', ClientId: side.clientId, AuthParameters: { USERNAME: USER.USERNAME, SRP_A: 'ab'.repeat(384) },
  })), ALLOWED.srpChallenge);
  for (const side of ['moto', 'emulator']) {
    assert.equal(challenge[side].ChallengeName, 'PASSWORD_VERIFIER', side);
    assert.equal(challenge[side].ChallengeParameters.USERNAME, USER.USERNAME, side);
  }
});

// Not compared: an unknown user. moto answers UserNotFoundException (PreventUserExistenceErrors
// LEGACY, the CreateUserPoolClient API's default); the emulator's default is ENABLED
// (NotAuthorizedException), and its LEGACY answer is checked in aws-sdk.test.mjs.
test('errors: the same exception names and HTTP status from moto and the emulator', async () => {
  const cases = [
    ['wrong password', (side) => ({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: side.clientId, AuthParameters: { ...USER, PASSWORD: 'wrong-Passw0rd!' } }), 'NotAuthorizedException'],
    ['unknown client', () => ({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'nosuchclient0000000000000', AuthParameters: USER }), 'ResourceNotFoundException'],
    ['bad refresh token', (side) => ({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: side.clientId, AuthParameters: { REFRESH_TOKEN: 'not-a-refresh-token' } }), 'NotAuthorizedException'],
  ];
  for (const [what, input, name] of cases) {
    for (const side of Object.values(sides)) {
      const error = await sdkError(() => side.cognito.send(new InitiateAuthCommand(input(side))));
      assert.equal(error.name, name, `${what} (${side.name}): ${error.message}`);
      assert.equal(error.$metadata.httpStatusCode, 400, `${what} (${side.name})`);
    }
  }
});
