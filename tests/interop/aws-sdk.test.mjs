// The AWS SDK for JavaScript v3 (@aws-sdk/client-cognito-identity-provider), unmodified, with its
// `endpoint` at the emulator: the SDK's own serialisers and deserialisers read every response, so a
// wrong content type, error header or body shape fails here (issue 12).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import {
  AdminInitiateAuthCommand,
  CognitoIdentityProviderServiceException,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  InvalidParameterException,
  NotAuthorizedException,
  ResourceNotFoundException,
  RevokeTokenCommand,
  UpdateUserAttributesCommand,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';

import { decodePayload, REPO_ROOT, startEmulator } from '../emulator/harness.mjs';
import { attributeMap, sdkClient, sdkError } from './sdk.mjs';

const POOL_ID = 'us-east-1_EmuPool01';
const SPA = 'spa4emulator0client00000a';
const USER = { USERNAME: 'jdoe', PASSWORD: 'Passw0rd!' };

let emulator;
let cognito;

before(async () => {
  // The shipped config, with the SPA client's PreventUserExistenceErrors at LEGACY (the
  // CreateUserPoolClient API's default when the field is not given) so UserNotFoundException shows.
  const config = JSON.parse(readFileSync(join(REPO_ROOT, 'emulator/config/default.json'), 'utf8'));
  config.UserPoolClients.find((c) => c.ClientId === SPA).PreventUserExistenceErrors = 'LEGACY';
  emulator = await startEmulator({ config });
  cognito = sdkClient(emulator.url);
});
after(async () => {
  cognito?.destroy();
  await emulator?.stop();
});

const signIn = () => cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: SPA, AuthParameters: USER }));

function assertException(error, Class, name, message) {
  assert.ok(error instanceof Class, `${error?.name}: ${error?.message} is not a ${Class.name}`);
  assert.ok(error instanceof CognitoIdentityProviderServiceException);
  assert.equal(error.name, name);
  assert.equal(error.$fault, 'client');
  assert.equal(error.$metadata.httpStatusCode, 400);
  assert.match(error.$metadata.requestId, /^[0-9a-f-]{36}$/);
  if (message) assert.equal(error.message, message);
}

test('InitiateAuth USER_PASSWORD_AUTH: the SDK parses AuthenticationResult and the request id', async () => {
  const out = await signIn();
  assert.equal(out.$metadata.httpStatusCode, 200);
  assert.match(out.$metadata.requestId, /^[0-9a-f-]{36}$/);
  assert.deepEqual(out.ChallengeParameters, {});
  const result = out.AuthenticationResult;
  assert.equal(result.TokenType, 'Bearer');
  assert.equal(result.ExpiresIn, 3600);
  assert.equal(typeof result.RefreshToken, 'string');
  const access = decodePayload(result.AccessToken);
  assert.equal(access.scope, 'aws.cognito.signin.user.admin');
  assert.equal(access.client_id, SPA);
  assert.equal(access.iss, `https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`);
  assert.equal(decodePayload(result.IdToken).email, 'jdoe@example.com');
});

test('InitiateAuth REFRESH_TOKEN_AUTH: new ID and access tokens, no refresh token (rotation off)', async () => {
  const first = (await signIn()).AuthenticationResult;
  const out = await cognito.send(new InitiateAuthCommand({
    AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: SPA, AuthParameters: { REFRESH_TOKEN: first.RefreshToken },
  }));
  const result = out.AuthenticationResult;
  assert.equal(result.RefreshToken, undefined);
  assert.equal(decodePayload(result.AccessToken).username, 'jdoe');
  assert.equal(decodePayload(result.IdToken).aud, SPA);
});

test('GetTokensFromRefreshToken returns fresh tokens for a live refresh token', async () => {
  const first = (await signIn()).AuthenticationResult;
  const out = await cognito.send(new GetTokensFromRefreshTokenCommand({ ClientId: SPA, RefreshToken: first.RefreshToken }));
  assert.equal(out.$metadata.httpStatusCode, 200);
  const result = out.AuthenticationResult;
  assert.equal(result.TokenType, 'Bearer');
  assert.equal(decodePayload(result.AccessToken).origin_jti, decodePayload(first.AccessToken).origin_jti);
  assert.equal(decodePayload(result.IdToken)['cognito:username'], 'jdoe');
  const bad = await sdkError(() => cognito.send(new GetTokensFromRefreshTokenCommand({ ClientId: SPA, RefreshToken: 'not-a-token' })));
  assertException(bad, NotAuthorizedException, 'NotAuthorizedException', 'Invalid Refresh Token');
});

test('GetTokensFromRefreshToken with ClientSecret rotates the refresh token of a rotation client', async () => {
  const WEB = 'web4emulator0client00000b';
  const secret = 'secret4emulator0web0client0000000000000000000000b';
  const SECRET_HASH = createHmac('sha256', secret).update(`${USER.USERNAME}${WEB}`).digest('base64');
  const first = (await cognito.send(new InitiateAuthCommand({
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: WEB, AuthParameters: { ...USER, SECRET_HASH },
  }))).AuthenticationResult;
  const out = await cognito.send(new GetTokensFromRefreshTokenCommand({ ClientId: WEB, ClientSecret: secret, RefreshToken: first.RefreshToken }));
  const rotated = out.AuthenticationResult.RefreshToken;
  assert.equal(typeof rotated, 'string');
  assert.notEqual(rotated, first.RefreshToken);
  const noSecret = await sdkError(() => cognito.send(new GetTokensFromRefreshTokenCommand({ ClientId: WEB, RefreshToken: rotated })));
  assertException(noSecret, NotAuthorizedException, 'NotAuthorizedException');
});

test('GetUser and UpdateUserAttributes: the attribute list round-trips through the SDK', async () => {
  const { AccessToken } = (await signIn()).AuthenticationResult;
  const before = await cognito.send(new GetUserCommand({ AccessToken }));
  assert.equal(before.Username, 'jdoe');
  const attributes = attributeMap(before.UserAttributes);
  assert.equal(attributes.email, 'jdoe@example.com');
  assert.match(attributes.sub, /^[0-9a-f-]{36}$/);

  const update = await cognito.send(new UpdateUserAttributesCommand({
    AccessToken, UserAttributes: [{ Name: 'name', Value: 'Jane Q. Doe' }, { Name: 'custom:tenant_id', Value: '43' }],
  }));
  assert.equal(update.$metadata.httpStatusCode, 200);
  assert.equal(update.CodeDeliveryDetailsList, undefined, 'nothing to verify');
  const after = await cognito.send(new GetUserCommand({ AccessToken }));
  const updated = attributeMap(after.UserAttributes);
  assert.equal(updated.name, 'Jane Q. Doe');
  assert.equal(updated['custom:tenant_id'], '43');
  // The next tokens carry the new values.
  assert.equal(decodePayload((await signIn()).AuthenticationResult.IdToken).name, 'Jane Q. Doe');

  // `sub` is immutable; an attribute missing from the schema is rejected.
  const immutable = await sdkError(() => cognito.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'sub', Value: 'x' }] })));
  assertException(immutable, InvalidParameterException, 'InvalidParameterException');
  const unknown = await sdkError(() => cognito.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'custom:nope', Value: 'x' }] })));
  assertException(unknown, InvalidParameterException, 'InvalidParameterException');
});

test('RevokeToken kills the refresh token and the access tokens it issued', async () => {
  const { AccessToken, RefreshToken } = (await signIn()).AuthenticationResult;
  const out = await cognito.send(new RevokeTokenCommand({ ClientId: SPA, Token: RefreshToken }));
  assert.equal(out.$metadata.httpStatusCode, 200);
  const refresh = await sdkError(() => cognito.send(new InitiateAuthCommand({
    AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: SPA, AuthParameters: { REFRESH_TOKEN: RefreshToken },
  })));
  assertException(refresh, NotAuthorizedException, 'NotAuthorizedException', 'Refresh Token has been revoked');
  const user = await sdkError(() => cognito.send(new GetUserCommand({ AccessToken })));
  assertException(user, NotAuthorizedException, 'NotAuthorizedException', 'Access Token has been revoked');
});

test('GlobalSignOut: the access token and every refresh token of the user stop working', async () => {
  const { AccessToken, RefreshToken } = (await signIn()).AuthenticationResult;
  const out = await cognito.send(new GlobalSignOutCommand({ AccessToken }));
  assert.equal(out.$metadata.httpStatusCode, 200);
  const user = await sdkError(() => cognito.send(new GetUserCommand({ AccessToken })));
  assertException(user, NotAuthorizedException, 'NotAuthorizedException');
  const refresh = await sdkError(() => cognito.send(new GetTokensFromRefreshTokenCommand({ ClientId: SPA, RefreshToken })));
  assertException(refresh, NotAuthorizedException, 'NotAuthorizedException');
});

test('AdminInitiateAuth (SigV4-signed with fake credentials) returns tokens; a wrong pool is ResourceNotFoundException', async () => {
  const out = await cognito.send(new AdminInitiateAuthCommand({
    UserPoolId: POOL_ID, ClientId: SPA, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: USER,
  }));
  assert.equal(decodePayload(out.AuthenticationResult.AccessToken).username, 'jdoe');
  const pool = await sdkError(() => cognito.send(new AdminInitiateAuthCommand({
    UserPoolId: 'us-east-1_NoSuchPool', ClientId: SPA, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: USER,
  })));
  assertException(pool, ResourceNotFoundException, 'ResourceNotFoundException');
});

test('errors arrive as the SDK exception classes with name, message and HTTP status', async () => {
  const wrong = await sdkError(() => cognito.send(new InitiateAuthCommand({
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: SPA, AuthParameters: { ...USER, PASSWORD: 'wrong' },
  })));
  assertException(wrong, NotAuthorizedException, 'NotAuthorizedException', 'Incorrect username or password.');

  // PreventUserExistenceErrors LEGACY: an unknown user is UserNotFoundException (with ENABLED, the
  // emulator's default, it is the wrong-password NotAuthorizedException).
  const missing = await sdkError(() => cognito.send(new InitiateAuthCommand({
    AuthFlow: 'USER_PASSWORD_AUTH', ClientId: SPA, AuthParameters: { USERNAME: 'nobody', PASSWORD: 'x' },
  })));
  assertException(missing, UserNotFoundException, 'UserNotFoundException', 'User does not exist.');

  const flow = await sdkError(() => cognito.send(new InitiateAuthCommand({ AuthFlow: 'CUSTOM_AUTH_X', ClientId: SPA, AuthParameters: USER })));
  assertException(flow, InvalidParameterException, 'InvalidParameterException');

  const client = await sdkError(() => cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'nosuchclient', AuthParameters: USER })));
  assertException(client, ResourceNotFoundException, 'ResourceNotFoundException');

  const token = await sdkError(() => cognito.send(new GetUserCommand({ AccessToken: 'eyJ.not.a-token' })));
  assertException(token, NotAuthorizedException, 'NotAuthorizedException', 'Invalid Access Token');
});
