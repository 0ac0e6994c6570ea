// Correct uses of the public types: this file must compile with zero errors.
import {
  CognitoJwtVerifier,
  JwtVerifier,
  JwtBaseError,
  EdgeAuthError,
  EDGE_AUTH_TRANSACTION_SECONDS,
  createEdgeAuth,
  JwtExpiredError,
  JwtInvalidClaimError,
  errorCatalog,
  type AnyCognitoWasmError,
  type CognitoAccessTokenPayload,
  type CognitoIdTokenPayload,
  type CognitoJwtPayload,
  type CognitoWasmErrorCode,
  type JwtPayload,
} from "cognito-wasm";

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | void {}

const userPoolId = "us-east-1_AbCdEf123";
const token: string = "a.b.c";

export async function narrowing(): Promise<void> {
  // tokenUse fixed at creation: verify narrows the payload, per-call options are optional.
  const access = CognitoJwtVerifier.create({ userPoolId, tokenUse: "access", clientId: "client" });
  const a = await access.verify(token);
  assertType<Equals<typeof a, CognitoAccessTokenPayload>>();
  const scope: string = a.scope;
  const clientId: string = a.client_id;

  const id = CognitoJwtVerifier.create({ userPoolId, tokenUse: "id", clientId: ["one", "two"], groups: "admins" });
  const i = await id.verify(token, { graceSeconds: 5, customJwtCheck: ({ payload }) => void payload.token_use });
  assertType<Equals<typeof i, CognitoIdTokenPayload>>();
  const aud: string = i.aud;
  const username: string = i["cognito:username"];
  const verified: boolean | undefined = i.email_verified;

  // tokenUse null: either payload, discriminated by token_use.
  const either = CognitoJwtVerifier.create({ userPoolId, tokenUse: null, clientId: null });
  const e = await either.verify(token);
  assertType<Equals<typeof e, CognitoJwtPayload>>();
  if (e.token_use === "access") {
    const s: string = e.scope;
  } else {
    const au: string = e.aud;
  }

  // tokenUse and clientId given per call instead.
  const late = CognitoJwtVerifier.create({ userPoolId, jwksUri: "http://127.0.0.1:9/jwks.json" });
  const l = await late.verify(token, { tokenUse: "id", clientId: "client" });
  assertType<Equals<typeof l, CognitoIdTokenPayload>>();

  // Several pools.
  const multi = CognitoJwtVerifier.create([
    { userPoolId, tokenUse: "access", clientId: "a" },
    { userPoolId: "eu-west-1_XyZ", tokenUse: "access", clientId: "b" },
  ]);
  const m = await multi.verify(token);
  assertType<Equals<typeof m, CognitoAccessTokenPayload>>();

  // Claims a pre-token trigger adds, typed per call (type aliases and interfaces alike).
  type Added = { tenant: string; entitlements: { reports: string[]; seats: number } };
  const c = await access.verify<Added>(token);
  assertType<Equals<typeof c, CognitoAccessTokenPayload & Added>>();
  const seats: number = c.entitlements.seats;
  const reports: string[] = c.entitlements.reports;
  const cClient: string = c.client_id;
  interface Tenant {
    tenant: string;
  }
  const t = await id.verify<Tenant>(token, { graceSeconds: 5 });
  assertType<Equals<typeof t, CognitoIdTokenPayload & Tenant>>();
  const tenant: string = t.tenant;
  const tAud: string = t.aud;
  const lt = await late.verify<Tenant>(token, { tokenUse: "access", clientId: "client" });
  const lateTenant: string = lt.tenant;

  // Custom check, fetch override, cache.
  const custom = CognitoJwtVerifier.create({
    userPoolId,
    tokenUse: "access",
    clientId: "c",
    scope: ["read", "write"],
    groups: { allOf: ["admins", "staff"] },
    penaltyBoxSeconds: 1,
    algorithms: ["RS256", "RS512"],
    customJwtCheck: async ({ header, payload, jwk }) => {
      if (header.kid !== jwk.kid || payload.sub === "") throw new Error("nope");
    },
    fetch: (input, init) => fetch(input, init),
    includeRawJwtInErrors: true,
  });
  custom.cacheJwks({ keys: [{ kty: "RSA", kid: "k", n: "AQAB", e: "AQAB" }] });
  await custom.hydrate();

  const generic = JwtVerifier.create({ issuer: "https://idp.example", audience: "api", jwksUri: "https://idp.example/jwks" });
  const g: JwtPayload = await generic.verify(token);
  const sub: string | undefined = g.sub;
}

export function errors(err: unknown): string | undefined {
  if (err instanceof JwtExpiredError) {
    const code: "ERR_JWT_EXPIRED" = err.code;
    const actual: unknown = err.failedAssertion.actual;
    return err.rawJwt?.payload.sub ?? code;
  }
  if (err instanceof JwtInvalidClaimError) return err.rawJwt?.header.kid;
  if (err instanceof JwtBaseError) {
    const e = err as AnyCognitoWasmError;
    switch (e.code) {
      case "ERR_JWKS_PENALTY_BOX":
        assertType<Equals<typeof e, import("cognito-wasm").WaitPeriodNotYetEndedJwkError>>();
        return e.message;
      case "ERR_JWT_INVALID_CLIENT_ID":
        return String(e.failedAssertion.expected);
      default:
        return e.code;
    }
  }
  const codes: CognitoWasmErrorCode[] = errorCatalog().map((entry) => entry.code);
  return codes[0];
}

// The verify-only entry has the same verifier and error types.
export async function verifyOnly(token: string): Promise<string> {
  const { CognitoJwtVerifier: Verifier, JwtExpiredError: Expired } = await import("cognito-wasm/verify");
  const verifier = Verifier.create({ userPoolId: "us-east-1_AbCdEf123", tokenUse: "access", clientId: "c" });
  const payload = await verifier.verify(token);
  assertType<Equals<typeof payload, CognitoAccessTokenPayload>>();
  const error: unknown = new Error("x");
  if (error instanceof Expired) assertType<Equals<typeof error.code, "ERR_JWT_EXPIRED">>();
  const fromVerify: import("cognito-wasm/verify").CognitoIdTokenPayload | undefined = undefined;
  return fromVerify ?? payload.client_id;
}

// idpTokens: verification needs each IdP's issuer and audience; the reason is a typed string.
export async function idpTokens(auth: import("cognito-wasm").CognitoAuth): Promise<string | undefined> {
  const providers = { Corp: { issuer: "https://corp.example", audience: "cognito-client" } };
  const tokens = await auth.idpTokens({ verify: { providers } });
  const reason: import("cognito-wasm").IdpUnverifiedReason | undefined = tokens?.idToken?.unverifiedReason;
  return reason ?? tokens?.idToken?.verifiedPayload?.sub;
}

// createEdgeAuth: options or a factory of env; the handler is a module worker's fetch.
interface Env {
  CLIENT_SECRET: string;
  COOKIE_SECRETS: string;
}
export function edgeWorker(): { fetch: (request: Request, env: Env) => Promise<Response> } {
  const edgeAuth = createEdgeAuth<Env>((env) => ({
    userPoolId: "us-east-1_AbCdEf123",
    clientId: "c",
    clientSecret: env.CLIENT_SECRET,
    domain: "auth.example.com",
    cookie: { secret: env.COOKIE_SECRETS.split(","), sameSite: "Strict", maxAgeSeconds: 3600 },
    protect: ["/app/*", /^\/api\//, (path) => path === "/me"],
    claimHeaders: { "x-auth-sub": "sub" },
    tokenHeaders: { accessToken: "x-access-token" },
    jwksStore: { get: async () => null, put: async () => undefined },
    origin: (request, e) => fetch(request, { headers: { "x-secret-len": String(e.CLIENT_SECRET.length) } }),
  }));
  const verifier: CognitoJwtVerifier | undefined = edgeAuth.verifier;
  void verifier;
  const seconds: number = EDGE_AUTH_TRANSACTION_SECONDS;
  void seconds;
  return { fetch: (request, env) => edgeAuth(request, env) };
}
export function edgeErrorCode(error: unknown): string | undefined {
  if (error instanceof EdgeAuthError) {
    assertType<Equals<typeof error.code, "ERR_EDGE_UNAUTHENTICATED" | "ERR_EDGE_CSRF" | "ERR_EDGE_SESSION_TOO_LARGE" | "ERR_EDGE_INTERNAL">>();
    return error.code;
  }
  return undefined;
}
