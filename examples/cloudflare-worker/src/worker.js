// A module worker: `/api/hello` needs an access token with API_SCOPE, `/api/admin` one of a user
// in ADMIN_GROUP, `/introspect` answers RFC 7662 for the resource servers in INTROSPECTION_CLIENTS.
import { CognitoJwtVerifier, createIntrospectionHandler, kvJwksStore, persistJwksCache, requireAuth } from "cognito-wasm";

let app; // built once per isolate, on its first request

// Without these a route would need no scope or no group: refuse to serve rather than fail open.
const REQUIRED = ["API_SCOPE", "ADMIN_GROUP"];

function setup(env) {
  const missing = REQUIRED.filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`worker: ${missing.join(" and ")} must be set (see wrangler.toml [vars]); refusing to serve`);
  const verifier = CognitoJwtVerifier.create({
    userPoolId: env.USER_POOL_ID,
    tokenUse: "access",
    clientId: env.CLIENT_IDS.split(","),
    ...(env.JWKS_URI ? { jwksUri: env.JWKS_URI } : {}),
    ...(env.PENALTY_BOX_SECONDS ? { penaltyBoxSeconds: Number(env.PENALTY_BOX_SECONDS) } : {}),
  });
  const revocation = {};
  if (env.REVOKED) revocation.denyList = { has: async (originJti) => (await env.REVOKED.get(originJti)) !== null };
  if (env.USER_INFO_ENDPOINT) revocation.userInfoEndpoint = env.USER_INFO_ENDPOINT;
  return {
    verifier,
    jwks: env.JWKS_CACHE ? persistJwksCache(verifier, kvJwksStore(env.JWKS_CACHE)) : undefined,
    introspect: createIntrospectionHandler({
      verifier,
      clients: JSON.parse(env.INTROSPECTION_CLIENTS || "[]"),
      revocation,
    }),
  };
}

async function route(request, env) {
  const { pathname } = new URL(request.url);
  if (pathname === "/introspect") return app.introspect(request);
  if (pathname === "/api/hello" || pathname === "/api/admin") {
    const needs = pathname === "/api/hello" ? { scope: env.API_SCOPE } : { groups: env.ADMIN_GROUP };
    const auth = await requireAuth(request, { verifier: app.verifier, ...needs });
    if (auth instanceof Response) return auth;
    return Response.json({ hello: auth.username ?? auth.sub, path: pathname });
  }
  return new Response("not found", { status: 404 });
}

export default {
  async fetch(request, env, ctx) {
    app ??= setup(env);
    await app.jwks?.load();
    const response = await route(request, env);
    if (app.jwks) ctx.waitUntil(app.jwks.save());
    return response;
  },
};
