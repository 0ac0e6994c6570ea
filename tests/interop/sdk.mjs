// The AWS SDK for JavaScript v3 Cognito client as the interop tests use it, for the emulator and
// for moto alike.
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

/** A client whose `endpoint` is `url`. Static fake credentials: the SDK signs admin calls (SigV4);
 * neither the emulator nor moto checks the signature. */
export function sdkClient(url) {
  return new CognitoIdentityProviderClient({
    region: 'us-east-1',
    endpoint: url,
    credentials: { accessKeyId: 'AKIAEMULATOR00000000', secretAccessKey: 'emulator-secret' },
    maxAttempts: 1,
  });
}

/** Runs `send` and returns the exception it threw (throwing if it resolved). */
export async function sdkError(send) {
  let value;
  try {
    value = await send();
  } catch (error) {
    return error;
  }
  // the result's member names only: a successful sign-in's result holds tokens
  throw new Error(`the call succeeded: ${JSON.stringify(Object.keys(value ?? {}))}`);
}

/** Attributes list (`[{Name, Value}]`) as an object. */
export const attributeMap = (list) => Object.fromEntries(list.map((a) => [a.Name, a.Value]));
