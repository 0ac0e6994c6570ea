// The verified-token cache of requireAuth (packed package, Node): a hit is served only while the
// verifier's JWKS is the one the token was verified with (issue 11, finding 3).
import { test } from "node:test";
import assert from "node:assert/strict";
import { CognitoJwtVerifier, TokenCache, requireAuth } from "cognito-wasm";
import { claims, clientId, jwksServer, makeKey, sign, userPoolId } from "./helpers.mjs";

const bearer = (token) => new Request("https://api.example/orders", { headers: { authorization: `Bearer ${token}` } });

test("a JWKS change that drops the signing key evicts the tokens that key signed", async (t) => {
  const [a, b] = await Promise.all([makeKey("cache-key-a"), makeKey("cache-key-b")]);
  const server = await jwksServer([a]);
  t.after(() => server.close());
  const verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: "access", clientId, jwksUri: server.url });
  const verify = verifier.verify.bind(verifier);
  let verified = 0;
  verifier.verify = (token) => {
    verified += 1;
    return verify(token);
  };
  const cache = new TokenCache(10);
  const options = { verifier, tokenCache: cache };
  const signedByA = await sign(a, claims("access", { username: "by-a" }));
  for (let i = 0; i < 4; i += 1) assert.equal((await requireAuth(bearer(signedByA), options)).username, "by-a");
  // the first verification fetched the JWKS (a change while it ran: its entry is stale), the
  // second was cached, the rest were hits
  assert.equal(verified, 2);
  assert.equal(server.state.hits, 1);

  // the pool rotates: key a leaves the JWKS, and the first token signed by b makes the verifier
  // fetch it again
  server.state.keys = [b];
  const signedByB = await sign(b, claims("access", { username: "by-b" }));
  assert.equal((await requireAuth(bearer(signedByB), options)).username, "by-b");
  assert.equal(server.state.hits, 2);

  // a's token is no longer served from the cache: verified again, and refused
  const before = verified;
  const refused = await requireAuth(bearer(signedByA), options);
  assert.equal(verified - before, 1, "the cached entry was not used");
  assert.ok(refused instanceof Response);
  assert.equal(refused.status, 401);
  assert.match(refused.headers.get("www-authenticate"), /invalid_token/);
});

test("a verifier that is not this package's keeps its hits (its JWKS changes cannot be seen)", async () => {
  let verified = 0;
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const verifier = { verify: async () => (verified += 1, { sub: "s", token_use: "access", scope: "", exp }) };
  const cache = new TokenCache(10);
  for (let i = 0; i < 3; i += 1) assert.equal((await requireAuth(bearer("a.b.c"), { verifier, tokenCache: cache })).sub, "s");
  assert.equal(verified, 1);
});
