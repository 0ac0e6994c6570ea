// Shared helpers of the package tests: RSA keys and tokens made with jose (an independent
// implementation; keys generated at test time), and a loopback JWKS server that counts requests.
import { createServer } from "node:http";
import { createRequire, syncBuiltinESMExports } from "node:module";
import { randomUUID } from "node:crypto";
import { SignJWT, exportJWK, generateKeyPair } from "jose";

export const region = "us-east-1";
export const userPoolId = `${region}_TestPool1`;
export const issuer = `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
export const clientId = "3k9testclient0example0id";
export const now = () => Math.floor(Date.now() / 1000);

/** A fresh RSA key pair for `alg` (RS256 unless told); `jwk` is the public half as a user pool's JWKS lists it. */
export async function makeKey(kid, { modulusLength = 2048, alg = "RS256" } = {}) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { modulusLength, extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

/** Signs `payload` with `key` (header `{alg: key.alg, kid}` plus `header`). */
export function sign(key, payload, header = {}) {
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg ?? "RS256", kid: key.kid, ...header }).sign(key.privateKey);
}

/**
 * Records the calls of the test `t` to `crypto.subtle.verify` (their count) and to node:crypto's
 * `verify` (the hash of each), for both entries: the builtin's exports object is patched and its
 * ES module namespace synced. `nodeFails` makes node:crypto's verify throw (a crypto failure).
 */
export function spyOnVerifies(t, { nodeFails = false } = {}) {
  const calls = { subtle: 0, node: [] };
  const { subtle } = globalThis.crypto;
  const subtleVerify = subtle.verify;
  subtle.verify = function (...args) {
    calls.subtle += 1;
    return subtleVerify.apply(this, args);
  };
  const nodeCrypto = createRequire(import.meta.url)("node:crypto");
  const nodeVerify = nodeCrypto.verify;
  nodeCrypto.verify = function (...args) {
    calls.node.push(args[0]);
    if (nodeFails) throw new Error("node:crypto failed");
    return nodeVerify.apply(this, args);
  };
  syncBuiltinESMExports();
  t.after(() => {
    delete subtle.verify;
    nodeCrypto.verify = nodeVerify;
    syncBuiltinESMExports();
  });
  return calls;
}

/** Cognito-shaped claims (docs/cognito.md#id-token-claims, #access-token-claims) for an ID or access token, valid for an hour. */
export function claims(tokenUse, extra = {}) {
  const t = now();
  const common = { sub: randomUUID(), iss: issuer, token_use: tokenUse, auth_time: t, iat: t, exp: t + 3600, jti: randomUUID() };
  const specific =
    tokenUse === "id"
      ? { aud: clientId, "cognito:username": "jdoe", email: "jdoe@example.com", email_verified: true }
      : { client_id: clientId, scope: "openid email https://api.example.com/read", username: "jdoe", version: 2 };
  return { ...common, ...specific, "cognito:groups": ["admins"], ...extra };
}

/**
 * A JWKS on 127.0.0.1 (random port) serving `keys`. `state.keys` and `state.status` may be changed
 * between requests; `state.hits` counts requests.
 */
export async function jwksServer(keys, path = `/${userPoolId}/.well-known/jwks.json`) {
  const state = { keys, status: 200, hits: 0 };
  const server = createServer((request, response) => {
    state.hits += 1;
    response.writeHead(state.status, { "content-type": "application/json" });
    response.end(JSON.stringify({ keys: state.keys.map((key) => key.jwk) }));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}${path}`;
  const close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    });
  return { state, url, close };
}

/** `token` with one character of its signature changed (still valid base64url). */
export function tamperSignature(token) {
  const [header, payload, signature] = token.split(".");
  return `${header}.${payload}.${signature.slice(0, 10)}${signature[10] === "A" ? "B" : "A"}${signature.slice(11)}`;
}

/** Awaits `promise`, expecting a rejection; returns the rejection reason. */
export async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection, but it resolved");
}

/** Calls `fn`, expecting it to throw; returns what it threw. */
export function thrown(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw, but it returned");
}

/** Every piece of `token` long enough to be recognisable (the whole and each segment). */
export function tokenPieces(token) {
  return [token, ...token.split(".")].filter((piece) => piece.length >= 8);
}

/** Everything an error exposes as text, except the opt-in `rawJwt`. */
export function errorText(error) {
  const { rawJwt, ...fields } = error;
  return [String(error.message), String(error.stack), JSON.stringify(fields)].join("\n");
}

/** Runs `fn(server)` with a JWKS server (see jwksServer) that is closed afterwards. */
export async function withJwksServer(fn, keys, path) {
  const server = await jwksServer(keys, path);
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}
