// The demo's helpers that talk to the Cognito emulator directly: the user-pool JSON API
// (InitiateAuth, as an app without the hosted UI would sign in), and expired tokens for the Inspector.

/** USER_PASSWORD_AUTH through InitiateAuth: resolves to the AuthenticationResult (tokens). */
export async function apiSignIn(demo, { clientId = demo.apiClientId, user = demo.users[0] } = {}) {
  const response = await fetch(`${demo.emulatorUrl}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth',
    },
    body: JSON.stringify({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: clientId,
      AuthParameters: { USERNAME: user.username, PASSWORD: user.password },
    }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`InitiateAuth: ${body.__type}: ${body.message}`);
  return body.AuthenticationResult;
}

/**
 * Tokens that expired an hour ago, from the demo server (it moves the emulator's test clock back,
 * signs in through InitiateAuth, and puts the clock back: /_emulator/ controls have no CORS).
 */
export async function expiredApiTokens() {
  const response = await fetch('/demo-api/expired-tokens', { method: 'POST' });
  if (!response.ok) throw new Error(`demo server: ${response.status} ${await response.text()}`);
  return response.json();
}
