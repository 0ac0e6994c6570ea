// Bench wrapper around the example worker (examples/cloudflare-worker/src/worker.js): every route of
// the example, plus /_bench/verify?mode=wasm|raw|none&n=N, which runs N verifications of the bearer
// token in this isolate: `wasm` = CognitoJwtVerifier.verify (no token cache), `raw` =
// crypto.subtle.verify of the same signature with an imported key, `none` = the empty loop. workerd
// freezes clocks while code runs, so bench/edge.mjs times these requests from outside.
import example from "./worker.js";
import { CognitoJwtVerifier } from "cognito-wasm";

let setup;

const bytes = (b64url) => Uint8Array.from(atob(b64url.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

async function prepare(env, token) {
  const jwks = await (await fetch(env.JWKS_URI)).json();
  const verifier = CognitoJwtVerifier.create({ userPoolId: env.USER_POOL_ID, tokenUse: "access", clientId: env.CLIENT_IDS.split(",") });
  verifier.cacheJwks(jwks);
  const [header, payload, signature] = token.split(".");
  const { kid } = JSON.parse(new TextDecoder().decode(bytes(header)));
  const jwk = jwks.keys.find((k) => k.kid === kid);
  const key = await crypto.subtle.importKey("jwk", jwk, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]);
  return { verifier, key, data: new TextEncoder().encode(`${header}.${payload}`), signature: bytes(signature) };
}

async function benchVerify(request, env) {
  const url = new URL(request.url);
  const n = Number(url.searchParams.get("n") ?? 1000);
  const mode = url.searchParams.get("mode");
  const token = request.headers.get("authorization").slice("Bearer ".length);
  setup ??= await prepare(env, token);
  const { verifier, key, data, signature } = setup;
  let ok = 0;
  for (let i = 0; i < n; i++) {
    if (mode === "wasm") ok += (await verifier.verify(token)).token_use === "access" ? 1 : 0;
    else if (mode === "raw") ok += (await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, signature, data)) ? 1 : 0;
    else ok += (await Promise.resolve(1)) === 1 ? 1 : 0;
  }
  return Response.json({ mode, n, ok });
}

export default {
  fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/_bench/verify") return benchVerify(request, env);
    return example.fetch(request, env, ctx);
  },
};
