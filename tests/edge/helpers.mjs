// Shared helpers of the edge tests and bench: the emulator (default config), tokens from it, and
// the example worker (examples/cloudflare-worker) under Miniflare on loopback.
import { generateKeyPair, exportJWK, SignJWT } from "jose";
import { join } from "node:path";
import { authorizeUrl, decodePayload, postForm, redeemCode, REPO_ROOT, startEmulator } from "../emulator/harness.mjs";

export { decodePayload, startEmulator };
export { startWorker } from "../../examples/cloudflare-worker/dev.mjs";

export const POOL_ID = "us-east-1_EmuPool01";
export const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`;
export const SPA = "spa4emulator0client00000a";
export const M2M = { id: "m2m4emulator0client00000c", secret: "secret4emulator0m2m0client0000000000000000000000c" };
export const API_SCOPE = "https://api.example.com/read";
export const JWKS_PATH = `/${POOL_ID}/.well-known/jwks.json`;

export const defaultEmulator = () => startEmulator({ configPath: join(REPO_ROOT, "emulator/config/default.json") });

/** Tokens of a code-flow sign-in (access, id, refresh) for `username`. */
export async function codeFlowTokens(emulatorUrl, { username = "jdoe", password = "Passw0rd!", scope = `openid email ${API_SCOPE}` } = {}) {
  const callback = "http://localhost:5173/callback";
  const { url, verifier } = authorizeUrl(emulatorUrl, { client_id: SPA, redirect_uri: callback, scope, state: "s" });
  const login = await fetch(`${emulatorUrl}/_emulator/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ authorize: url, username, password }),
  });
  if (login.status !== 200) throw new Error(`login: ${login.status}`);
  const code = new URL((await login.json()).callbackUrl).searchParams.get("code");
  const t = await redeemCode(emulatorUrl, { clientId: SPA, code, redirectUri: callback, verifier });
  return { access: t.access_token, id: t.id_token, refresh: t.refresh_token };
}

/** An access token from InitiateAuth: scope only aws.cognito.signin.user.admin. */
export async function apiAccessToken(emulatorUrl) {
  const response = await fetch(`${emulatorUrl}/`, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityProviderService.InitiateAuth" },
    body: JSON.stringify({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: SPA, AuthParameters: { USERNAME: "jdoe", PASSWORD: "Passw0rd!" } }),
  });
  return (await response.json()).AuthenticationResult.AccessToken;
}

/** A client-credentials (M2M) access token. */
export async function m2mToken(emulatorUrl) {
  const basic = Buffer.from(`${M2M.id}:${M2M.secret}`).toString("base64");
  const response = await postForm(`${emulatorUrl}/oauth2/token`, { grant_type: "client_credentials", scope: API_SCOPE }, { authorization: `Basic ${basic}` });
  return (await response.json()).access_token;
}

/** Shifts the emulator clock by `seconds`. */
export const shiftClock = (emulatorUrl, seconds) =>
  fetch(`${emulatorUrl}/_emulator/clock`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ advanceSeconds: seconds }) });

/** How many times the emulator served its JWKS. */
export async function jwksFetches(emulatorUrl) {
  const response = await fetch(`${emulatorUrl}/_emulator/requests?path=${encodeURIComponent(JWKS_PATH)}`);
  return (await response.json()).count;
}

/** A foreign key (not in the pool's JWKS) that signs Cognito-shaped access tokens. */
export async function foreignSigner(kid = "foreign-key") {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  return {
    jwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" },
    sign: (claims, headerKid = kid) => new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: headerKid }).sign(privateKey),
  };
}

/** Claims of a live access token that only the signature (or kid) can betray. */
export function accessClaims(overrides = {}) {
  const now = Math.floor(Date.now() / 1000);
  return { sub: "u-1", iss: ISSUER, client_id: SPA, token_use: "access", scope: `openid ${API_SCOPE}`, auth_time: now, iat: now, exp: now + 3600, jti: "j", username: "jdoe", ...overrides };
}

/** Flips one character of the payload (the signature no longer matches). */
export function tamper(token) {
  const [h, p, s] = token.split(".");
  const i = Math.floor(p.length / 2);
  return `${h}.${p.slice(0, i)}${p[i] === "A" ? "B" : "A"}${p.slice(i + 1)}.${s}`;
}
