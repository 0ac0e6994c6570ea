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

export default {
  fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    if (pathname === "/_bench/none") return Response.json({ sub: null, username: null, groups: null });
    if (pathname === "/_bench/bare") return bare(request, env);
    return bff.fetch(request, env, ctx);
  },
};
