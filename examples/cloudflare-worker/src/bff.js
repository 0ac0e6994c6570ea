// The backend-for-frontend mode (`wrangler deploy --env bff`): the worker signs users in at the
// edge with createEdgeAuth and keeps the tokens in encrypted HttpOnly cookies; the pages below
// `/app` need a session and their JavaScript never sees a token. The origin gets the verified
// claims in x-auth-* headers. With ORIGIN_URL set, requests go on to that origin; without it this
// file's small app answers (so the example runs alone).
import { createEdgeAuth, kvJwksStore } from "cognito-wasm";

const html = (body, status = 200) =>
  new Response(`<!doctype html><meta charset="utf-8"><title>cognito-wasm edge sign-in</title>${body}`, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });

// What the app page's script shows: who the edge says is signed in, and what the page itself can see.
const APP_PAGE = `<h1>Signed in at the edge</h1>
<p>User: <b id="user">…</b></p>
<p>Cookies visible to this page's JavaScript: <code id="cookies"></code></p>
<p><a href="/auth/logout" id="logout">Sign out</a></p>
<script>
  document.getElementById("cookies").textContent = JSON.stringify(document.cookie);
  fetch("/app/whoami").then((r) => r.json()).then((me) => {
    document.getElementById("user").textContent = me.username;
    document.body.dataset.ready = "yes";
  });
</script>`;

/** The origin of this example: reads the claims the gateway put in the headers. */
function app(request) {
  const { pathname } = new URL(request.url);
  const h = request.headers;
  if (pathname === "/app/whoami" || pathname === "/app/echo" || pathname === "/whoami") {
    return Response.json({
      method: request.method,
      sub: h.get("x-auth-sub"),
      username: h.get("x-auth-username"),
      groups: h.get("x-auth-groups"),
      email: h.get("x-auth-email"),
      // what the origin would see of the cookies (the gateway removes its own)
      cookie: h.get("cookie"),
      authorization: h.get("authorization"),
    });
  }
  if (pathname === "/app" || pathname.startsWith("/app/")) return html(APP_PAGE);
  if (pathname === "/") return html(`<h1>Public page</h1><p><a href="/app" id="enter">Open the app</a></p>`);
  return html("<h1>Not found</h1>", 404);
}

const list = (text, separator) => (text ? text.split(separator).map((s) => s.trim()).filter(Boolean) : undefined);

export default {
  fetch: createEdgeAuth((env) => ({
    userPoolId: env.USER_POOL_ID,
    clientId: env.CLIENT_ID,
    clientSecret: env.CLIENT_SECRET || undefined,
    domain: env.COGNITO_DOMAIN,
    ...(env.JWKS_URI ? { jwksUri: env.JWKS_URI } : {}),
    // the JWKS cache shared by all isolates (a fresh isolate verifies without fetching the JWKS)
    ...(env.JWKS_CACHE ? { jwksStore: kvJwksStore(env.JWKS_CACHE) } : {}),
    scopes: list(env.SCOPES, " "),
    // `wrangler secret put COOKIE_SECRETS` (comma-separated: the first seals, all open)
    cookie: { secret: list(env.COOKIE_SECRETS, ","), ...(env.COOKIE_NAME ? { name: env.COOKIE_NAME } : {}) },
    protect: ["/app", "/app/*"],
    claimHeaders: { "x-auth-sub": "sub", "x-auth-username": "username", "x-auth-groups": "cognito:groups", "x-auth-email": "email" },
    ...(env.REFRESH_MARGIN_SECONDS ? { refreshMarginSeconds: Number(env.REFRESH_MARGIN_SECONDS) } : {}),
    origin: env.ORIGIN_URL
      ? (request) => {
          // the path replaces the origin's own: `//evil.example/x` must not become another host
          const { pathname, search } = new URL(request.url);
          const target = new URL(env.ORIGIN_URL);
          target.pathname = pathname;
          target.search = search;
          return fetch(new Request(target, request));
        }
      : app,
  })),
};
