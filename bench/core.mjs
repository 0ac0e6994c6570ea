// The benchmark itself, shared by Node (node.mjs) and the Chromium page (page.html): one token,
// four verifiers, interleaved timed rounds. Runtime-neutral: WebCrypto via globalThis only.
const { subtle } = globalThis.crypto;
const enc = new TextEncoder();
export const userPoolId = "us-east-1_BenchPool1";
export const clientId = "benchclient000000000000001";
const issuer = `https://cognito-idp.us-east-1.amazonaws.com/${userPoolId}`;
export const alg = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };

const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
export const unb64url = (text) => Uint8Array.from(atob(text.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0));

/** A Cognito-shaped access token signed with a fresh RS256 key, and the JWKS that verifies it. */
export async function makeToken() {
  const pair = await subtle.generateKey({ ...alg, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, ["sign", "verify"]);
  const { kty, n, e } = await subtle.exportKey("jwk", pair.publicKey);
  const jwk = { kty, n, e, kid: "bench-key", alg: "RS256", use: "sig" };
  const t = Math.floor(Date.now() / 1000);
  const payload = {
    sub: "5ba213ed-be85-41d3-9bb1-9250e4a8c2f0", "cognito:groups": ["admins"], iss: issuer, version: 2, client_id: clientId,
    origin_jti: "4a1f7f5e-8b0e-4c3c-9d7d-1f3e2a6b9c10", event_id: "64f513be-32db-42b0-b78e-b02127b4f463", token_use: "access",
    scope: "openid email https://api.example.com/read", auth_time: t, iat: t, exp: t + 3600,
    jti: "7a2fda5b-4aa2-4399-b29a-f030e4881f4e", username: "jdoe",
  };
  const input = `${b64url(enc.encode(JSON.stringify({ kid: jwk.kid, alg: "RS256" })))}.${b64url(enc.encode(JSON.stringify(payload)))}`;
  const signature = await subtle.sign(alg, pair.privateKey, enc.encode(input));
  return { token: `${input}.${b64url(signature)}`, jwks: { keys: [jwk] } };
}

/** name -> async setup returning a verify function (each call verifies the token once). */
function contenders({ cognitoWasm, awsJwtVerify, jose }, { token, jwks }) {
  return {
    "crypto.subtle.verify (floor)": async () => {
      const key = await subtle.importKey("jwk", jwks.keys[0], alg, false, ["verify"]);
      const [h, p, s] = token.split(".");
      const data = enc.encode(`${h}.${p}`);
      const signature = unb64url(s);
      return async () => {
        if (!(await subtle.verify(alg, key, signature, data))) throw new Error("floor: bad signature");
        return { client_id: clientId };
      };
    },
    // Reference lines, not verifiers: the floor plus the least any verifier returning the payload
    // does (JSON.parse), and plus what a wasm verifier must also move (the token into wasm
    // memory, views for WebCrypto, the payload text out). Their ratios bound what is reachable.
    "  floor + JSON.parse(payload)": async () => {
      const key = await subtle.importKey("jwk", jwks.keys[0], alg, false, ["verify"]);
      const [h, p, s] = token.split(".");
      const data = enc.encode(`${h}.${p}`);
      const signature = unb64url(s);
      const text = new TextDecoder().decode(unb64url(p));
      return async () => {
        if (!(await subtle.verify(alg, key, signature, data))) throw new Error("floor: bad signature");
        return JSON.parse(text);
      };
    },
    "  floor + wasm memory traffic": async () => {
      const key = await subtle.importKey("jwk", jwks.keys[0], alg, false, ["verify"]);
      const [h, p, s] = token.split(".");
      const payload = enc.encode(new TextDecoder().decode(unb64url(p)));
      const memory = new WebAssembly.Memory({ initial: 1 });
      const bytes = new Uint8Array(memory.buffer);
      const [input, signatureAt, payloadAt] = [0, 16384, 20480];
      bytes.set(unb64url(s), signatureAt);
      bytes.set(payload, payloadAt);
      const decoder = new TextDecoder();
      return async () => {
        enc.encodeInto(token, bytes.subarray(input, signatureAt));
        const text = decoder.decode(new Uint8Array(memory.buffer, payloadAt, payload.length));
        const data = new Uint8Array(memory.buffer, input, h.length + 1 + p.length);
        if (!(await subtle.verify(alg, key, new Uint8Array(memory.buffer, signatureAt, 256), data))) throw new Error("floor: bad signature");
        return JSON.parse(text);
      };
    },
    "cognito-wasm": async () => {
      const verifier = cognitoWasm.CognitoJwtVerifier.create({ userPoolId, tokenUse: "access", clientId, jwksUri: "https://jwks.invalid/" });
      verifier.cacheJwks(jwks);
      return () => verifier.verify(token);
    },
    "aws-jwt-verify": async () => {
      const verifier = awsJwtVerify.CognitoJwtVerifier.create({ userPoolId, tokenUse: "access", clientId });
      verifier.cacheJwks(jwks);
      return () => verifier.verify(token);
    },
    jose: async () => {
      const keySet = jose.createLocalJWKSet(jwks);
      return async () => (await jose.jwtVerify(token, keySet, { issuer, algorithms: ["RS256"] })).payload;
    },
  };
}

/** Sets every contender up for one fresh token; returns name -> verify function, each checked once. */
export async function prepare(modules) {
  const ready = {};
  for (const [name, setup] of Object.entries(contenders(modules, await makeToken()))) {
    const verify = await setup();
    const result = await verify();
    if (result.client_id !== clientId) throw new Error(`${name}: wrong payload`);
    ready[name] = verify;
  }
  return ready;
}

async function timeBatch(verify, count) {
  const start = performance.now();
  for (let i = 0; i < count; i += 1) await verify();
  return performance.now() - start;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Runs `rounds` interleaved rounds (the order rotates each round) of about `batchMs` per
 * contender, after a warm-up. Returns [{ name, us, ratio, best, bestRatio }]: µs per verify (the
 * median round, and the best round, which a busy machine disturbs least) and the ratios to the
 * floor's.
 */
export async function runBench(modules, { rounds = 12, batchMs = 60 } = {}) {
  const entries = [];
  for (const [name, verify] of Object.entries(await prepare(modules))) {
    await timeBatch(verify, 200); // warm-up (JIT, key caches)
    const sample = await timeBatch(verify, 50);
    entries.push({ name, verify, count: Math.max(20, Math.round((batchMs * 50) / sample)), samples: [] });
  }
  for (let round = 0; round < rounds; round += 1) {
    for (let i = 0; i < entries.length; i += 1) {
      const entry = entries[(i + round) % entries.length];
      entry.samples.push(((await timeBatch(entry.verify, entry.count)) * 1000) / entry.count);
    }
  }
  const floor = median(entries[0].samples);
  const floorBest = Math.min(...entries[0].samples);
  return entries.map(({ name, samples }) => ({
    name,
    us: median(samples),
    ratio: median(samples) / floor,
    best: Math.min(...samples),
    bestRatio: Math.min(...samples) / floorBest,
  }));
}
