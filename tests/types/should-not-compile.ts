// Misuses of the public types. Each misuse line is preceded by `// @ts-expect-error`: tsc must
// accept the file as is (every directive is used), and check.mjs also removes the directives and
// asserts that tsc then reports an error on each of those lines.
import { CognitoJwtVerifier, JwtVerifier, JwtExpiredError, createEdgeAuth, type CognitoIdTokenPayload } from "cognito-wasm";

const userPoolId = "us-east-1_AbCdEf123";
const token = "a.b.c";

export async function misuse(): Promise<void> {
  // @ts-expect-error userPoolId is required
  CognitoJwtVerifier.create({ tokenUse: "id", clientId: "c" });
  // @ts-expect-error tokenUse must be "id", "access" or null
  CognitoJwtVerifier.create({ userPoolId, tokenUse: "refresh", clientId: "c" });
  // @ts-expect-error clientId must be strings
  CognitoJwtVerifier.create({ userPoolId, tokenUse: "id", clientId: 42 });
  // @ts-expect-error unknown option names are typos
  CognitoJwtVerifier.create({ userPoolId, tokenUse: "id", clientId: "c", graceSecond: 5 });
  // @ts-expect-error a typo inside one pool of several
  CognitoJwtVerifier.create([{ userPoolId, tokenUse: "id", clientId: "c", clientID: "d" }]);
  // @ts-expect-error scope requirements are anyOf or allOf, nothing else
  CognitoJwtVerifier.create({ userPoolId, tokenUse: "access", clientId: "c", scope: { oneOf: ["a"] } });
  // @ts-expect-error RS256/384/512 only
  CognitoJwtVerifier.create({ userPoolId, tokenUse: "id", clientId: "c", algorithms: ["HS256"] });
  // @ts-expect-error limits are creation-time options, not per call
  await CognitoJwtVerifier.create({ userPoolId, tokenUse: "id", clientId: "c" }).verify(token, { maxTokenLength: 10 });
  // @ts-expect-error graceSeconds is a number
  CognitoJwtVerifier.create({ userPoolId, tokenUse: "id", clientId: "c", graceSeconds: "5" });

  // @ts-expect-error the constructor is private: use create()
  new CognitoJwtVerifier();

  const noTokenUse = CognitoJwtVerifier.create({ userPoolId, clientId: "c" });
  // @ts-expect-error tokenUse was not given at creation, so verify needs it
  await noTokenUse.verify(token);
  // @ts-expect-error ... and giving only clientId is not enough
  await noTokenUse.verify(token, { clientId: "c" });

  const access = CognitoJwtVerifier.create({ userPoolId, tokenUse: "access", clientId: "c" });
  const payload = await access.verify(token);
  // @ts-expect-error access tokens have no cognito:username (that is an ID-token claim) typed as string
  const username: string = payload["cognito:username"];
  // @ts-expect-error an access-token payload is not an ID-token payload
  const id: CognitoIdTokenPayload = payload;
  // @ts-expect-error token must be a string
  await access.verify(42);
  // @ts-expect-error a custom claim is typed as given: tenant is a string, not a number
  const tenantNumber: number = (await access.verify<{ tenant: string }>(token)).tenant;
  // @ts-expect-error without the type argument a custom claim is any JSON, not a string
  const tenantJson: string = (await access.verify(token)).tenant;
  // @ts-expect-error custom claims are an object type
  await access.verify<string>(token);
  // @ts-expect-error with custom claims, a verifier without tokenUse still needs it per call
  await noTokenUse.verify<{ tenant: string }>(token, { clientId: "c" });

  // @ts-expect-error the generic verifier needs an audience (or null)
  JwtVerifier.create({ issuer: "https://idp.example" });

  const err = new Error("x") as unknown;
  if (err instanceof JwtExpiredError) {
    // @ts-expect-error an expired error's code is exactly ERR_JWT_EXPIRED
    const code: "ERR_JWT_INVALID_ISSUER" = err.code;
  }

  // @ts-expect-error the verify-only entry has no sign-in
  const { CognitoAuth } = await import("cognito-wasm/verify");
  // @ts-expect-error nor the edge helpers
  const { requireAuth } = await import("cognito-wasm/verify");
  void CognitoAuth;
  void requireAuth;
}

export async function idpMisuse(auth: import("cognito-wasm").CognitoAuth): Promise<void> {
  // @ts-expect-error a provider needs its audience (null to skip the check)
  await auth.idpTokens({ verify: { providers: { Corp: { issuer: "https://corp.example" } } } });
  // @ts-expect-error the token's own iss is no longer trusted: issuer is per provider
  await auth.idpTokens({ verify: true, issuer: "https://corp.example" });
}

export function edgeMisuse(): void {
  const base = { userPoolId: "us-east-1_AbCdEf123", clientId: "c", domain: "auth.example.com", protect: ["/app/*"] };
  // @ts-expect-error the cookie secret is required
  createEdgeAuth({ ...base, cookie: {} });
  // @ts-expect-error SameSite=None is not offered (CSRF rests on SameSite plus the Origin check)
  createEdgeAuth({ ...base, cookie: { secret: "s", sameSite: "None" } });
  // @ts-expect-error tokenHeaders names the access or ID token only
  createEdgeAuth({ ...base, cookie: { secret: "s" }, tokenHeaders: { refreshToken: "x-refresh" } });
}
