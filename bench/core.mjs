// The benchmark itself, shared by Node (bench.mjs) and the Chromium page (page.html): one token
// (an access token, or a ~4 KB ID token), the verifiers and reference lines, interleaved timed
// rounds. Runtime-neutral: WebCrypto via globalThis only (Node passes node:crypto in `modules` for
// one more reference line).
const { subtle } = globalThis.crypto;
const enc = new TextEncoder();
export const userPoolId = "us-east-1_BenchPool1";
export const clientId = "benchclient000000000000001";
const issuer = `https://cognito-idp.us-east-1.amazonaws.com/${userPoolId}`;
export const alg = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };

const b64url = (bytes) => btoa(Array.from(new Uint8Array(bytes), (b) => String.fromCharCode(b)).join("")).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
export const unb64url = (text) => Uint8Array.from(atob(text.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0));

// The minimal verifier's base64url decoder: a table and one pass, four characters to three bytes
// (what a careful hand-written verifier does; atob and a per-character callback cost 3× more).
const sextets = new Uint8Array(128);
[..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"].forEach((c, i) => (sextets[c.charCodeAt(0)] = i));
function decodeB64url(text) {
  const out = new Uint8Array((text.length * 3) >> 2);
  let o = 0;
  let i = 0;
  for (; i + 4 <= text.length; i += 4) {
    const v = (sextets[text.charCodeAt(i)] << 18) | (sextets[text.charCodeAt(i + 1)] << 12) | (sextets[text.charCodeAt(i + 2)] << 6) | sextets[text.charCodeAt(i + 3)];
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
    out[o++] = v & 255;
  }
  if (text.length - i >= 2) {
    const v = (sextets[text.charCodeAt(i)] << 18) | (sextets[text.charCodeAt(i + 1)] << 12) | ((sextets[text.charCodeAt(i + 2)] ?? 0) << 6);
    out[o++] = v >> 16;
    if (text.length - i === 3) out[o++] = (v >> 8) & 255;
  }
  return out;
}

/** A Cognito-shaped access or ID token (~4 KB) signed with a fresh RS256 key, and the JWKS that verifies it. */
export async function makeToken(tokenUse = "access", { extra = {}, pair: given } = {}) {
  const pair = given ?? (await subtle.generateKey({ ...alg, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, ["sign", "verify"]));
  const { kty, n, e } = await subtle.exportKey("jwk", pair.publicKey);
  const jwk = { kty, n, e, kid: "bench-key", alg: "RS256", use: "sig" };
  const t = Math.floor(Date.now() / 1000);
  const common = {
    sub: "5ba213ed-be85-41d3-9bb1-9250e4a8c2f0", "cognito:groups": ["admins"], iss: issuer, origin_jti: "4a1f7f5e-8b0e-4c3c-9d7d-1f3e2a6b9c10",
    event_id: "64f513be-32db-42b0-b78e-b02127b4f463", token_use: tokenUse, auth_time: t, iat: t, exp: t + 3600,
    jti: "7a2fda5b-4aa2-4399-b29a-f030e4881f4e",
  };
  const payload =
    tokenUse === "id"
      ? { ...common, aud: clientId, "cognito:username": "jdoe", email: "jdoe@example.com", email_verified: true, name: "Jane Doe",
          // a federated user with profile attributes: what makes Cognito ID tokens ~4 KB
          identities: [{ userId: "1234567890", providerName: "Google", providerType: "Google", issuer: null, primary: "true", dateCreated: `${t}000` }],
          ...Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`custom:attribute_${i}`, `value-${i}-`.padEnd(96, "x")])) }
      : { ...common, version: 2, client_id: clientId, scope: "openid email https://api.example.com/read", username: "jdoe" };
  Object.assign(payload, extra);
  const input = `${b64url(enc.encode(JSON.stringify({ kid: jwk.kid, alg: "RS256" })))}.${b64url(enc.encode(JSON.stringify(payload)))}`;
  const signature = await subtle.sign(alg, pair.privateKey, enc.encode(input));
  return { token: `${input}.${b64url(signature)}`, jwks: { keys: [jwk] }, pair };
}

/** name -> async setup returning a verify function (each call verifies the token once). */
function contenders({ cognitoWasm, cognitoWasmBaseline, awsJwtVerify, jose, nodeCrypto }, { token, jwks }, tokenUse) {
  const result = { token_use: tokenUse };
  const references = {
    "crypto.subtle.verify (floor)": async () => {
      const key = await subtle.importKey("jwk", jwks.keys[0], alg, false, ["verify"]);
      const [h, p, s] = token.split(".");
      const data = enc.encode(`${h}.${p}`);
      const signature = unb64url(s);
      return async () => {
        if (!(await subtle.verify(alg, key, signature, data))) throw new Error("floor: bad signature");
        return result;
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
    // The "minimal WebCrypto verifier": what a verifier written in a few lines of JS does on
    // every call (split, base64url-decode the signature and payload, encode the signing input,
    // crypto.subtle.verify, JSON.parse). It reads no header and checks no claim.
    "  minimal WebCrypto verifier": async () => {
      const key = await subtle.importKey("jwk", jwks.keys[0], alg, false, ["verify"]);
      const decoder = new TextDecoder();
      return async () => {
        const [h, p, s] = token.split(".");
        if (!(await subtle.verify(alg, key, decodeB64url(s), enc.encode(`${h}.${p}`)))) throw new Error("minimal: bad signature");
        return JSON.parse(decoder.decode(decodeB64url(p)));
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
  };
  // Node only: the least a node:crypto verifier does (the bound of the Node target).
  if (nodeCrypto) {
    references["  node:crypto.verify + JSON.parse"] = async () => {
      const key = nodeCrypto.createPublicKey({ key: jwks.keys[0], format: "jwk" });
      const [h, p, s] = token.split(".");
      const data = enc.encode(`${h}.${p}`);
      const signature = unb64url(s);
      const text = new TextDecoder().decode(unb64url(p));
      return async () => {
        if (!nodeCrypto.verify("sha256", data, key, signature)) throw new Error("node:crypto: bad signature");
        return JSON.parse(text);
      };
    };
  }
  return {
    ...references,
    "cognito-wasm": async () => {
      const verifier = cognitoWasm.CognitoJwtVerifier.create({ userPoolId, tokenUse, clientId, jwksUri: "https://jwks.invalid/" });
      verifier.cacheJwks(jwks);
      return () => verifier.verify(token);
    },
    // BENCH_BASELINE (bench.mjs): the same package built from another commit, for before/after in one run.
    ...(cognitoWasmBaseline && {
      "cognito-wasm (baseline)": async () => {
        const verifier = cognitoWasmBaseline.CognitoJwtVerifier.create({ userPoolId, tokenUse, clientId, jwksUri: "https://jwks.invalid/" });
        verifier.cacheJwks(jwks);
        return () => verifier.verify(token);
      },
    }),
    // the other libraries where the runtime has them (not in the workerd run: verify-workerd.mjs)
    ...(awsJwtVerify && {
      "aws-jwt-verify": async () => {
        const verifier = awsJwtVerify.CognitoJwtVerifier.create({ userPoolId, tokenUse, clientId });
        verifier.cacheJwks(jwks);
        return () => verifier.verify(token);
      },
    }),
    ...(jose && {
      jose: async () => {
        const keySet = jose.createLocalJWKSet(jwks);
        return async () => (await jose.jwtVerify(token, keySet, { issuer, algorithms: ["RS256"] })).payload;
      },
    }),
  };
}

/** Sets every contender up for one fresh token; returns name -> verify function, each checked once. */
export async function prepare(modules, tokenUse = "access") {
  const ready = {};
  for (const [name, setup] of Object.entries(contenders(modules, await makeToken(tokenUse), tokenUse))) {
    const verify = await setup();
    const result = await verify();
    if (result.token_use !== tokenUse) throw new Error(`${name}: wrong payload`);
    ready[name] = verify;
  }
  return ready;
}

async function timeBatch(verify, count) {
  const start = performance.now();
  for (let i = 0; i < count; i += 1) await verify();
  return performance.now() - start;
}

export const median = (values) => {
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
export async function runBench(modules, { tokenUse = "access", ...options } = {}) {
  const ready = await prepare(modules, tokenUse);
  return timeRounds(Object.keys(ready), (name, count) => timeBatch(ready[name], count), options);
}

/**
 * The rounds of `runBench` for contenders `names` (the floor first), with `time(name, count)`
 * giving the ms that `count` verifies of `name` took: timed in place, or from outside a runtime
 * whose clocks stand still while code runs (workerd: verify-workerd.mjs, with a larger `probe`
 * so that the batch size is not set by the noise of an HTTP round trip).
 */
export async function timeRounds(names, time, { rounds = 12, batchMs = 60, probe = 50 } = {}) {
  const entries = [];
  for (const name of names) {
    await time(name, 200); // warm-up (JIT, key caches)
    // `probe` verifies size the batches (at least 20, at most 100,000 verifies)
    const sample = await time(name, probe);
    entries.push({ name, count: Math.max(20, Math.min(100_000, Math.round((batchMs * probe) / sample))), samples: [] });
  }
  for (let round = 0; round < rounds; round += 1) {
    for (let i = 0; i < entries.length; i += 1) {
      const entry = entries[(i + round) % entries.length];
      entry.samples.push(((await time(entry.name, entry.count)) * 1000) / entry.count);
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
