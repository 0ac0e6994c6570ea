// Bench wrapper around the example's bff worker (examples/cloudflare-worker/src/bff.js): every
// route of it (the gateway in front of its small app), plus two routes outside the gateway for
// comparison: /_bench/none (the app's answer, no auth work) and /_bench/bare (a bare verify of
// `Authorization: Bearer`: requireAuth with its default verified-token cache, as the gateway has).
import bff from "./bff.js";
import { CognitoJwtVerifier, requireAuth } from "cognito-wasm";

let verifier;

async function bare(request, env) {
  verifier ??= CognitoJwtVerifier.create({ userPoolId: env.USER_POOL_ID, tokenUse: "access", clientId: env.CLIENT_ID, jwksUri: env.JWKS_URI });
  const auth = await requireAuth(request, { verifier });
  if (auth instanceof Response) return auth;
  return Response.json({ sub: auth.sub, username: auth.username, groups: auth["cognito:groups"] });
}

/** /_bench/loop?mode=gateway|bare|none&n=N: N requests handled in this isolate without HTTP
 * (the request's cookie and authorization headers reused): the gateway for /app/whoami, a bare
 * verify, or the app's answer alone. workerd freezes clocks while code runs, so bench/edge-auth.mjs
 * times these from outside. */
async function loop(request, env, ctx) {
  const url = new URL(request.url);
  const n = Number(url.searchParams.get("n") ?? 1000);
  const mode = url.searchParams.get("mode");
  const target = new URL(mode === "gateway" ? "/app/whoami" : mode === "bare" ? "/_bench/bare" : "/_bench/none", url);
  const headers = { cookie: request.headers.get("cookie") ?? "", authorization: request.headers.get("authorization") ?? "" };
  let ok = 0;
  for (let i = 0; i < n; i++) {
    const response = await handle(new Request(target, { headers }), env, ctx);
    ok += response.status === 200 ? 1 : 0;
    await response.body?.cancel();
  }
  return Response.json({ mode, n, ok });
}

function handle(request, env, ctx) {
  const { pathname } = new URL(request.url);
  if (pathname === "/_bench/none") return Response.json({ sub: null, username: null, groups: null });
  if (pathname === "/_bench/bare") return bare(request, env);
  if (pathname === "/_bench/loop") return loop(request, env, ctx);
  return bff.fetch(request, env, ctx);
}

export default { fetch: handle };
