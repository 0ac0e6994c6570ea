// The packed package beside aws-jwt-verify on the same tokens (issue 11, parity): a claim of the
// wrong type is refused with the error class aws-jwt-verify throws for it (so `err instanceof …`
// takes the same branch after a migration), and a kid missing from a fetched JWKS is
// KidNotFoundInJwksError.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as ours from "cognito-wasm";
import * as theirs from "aws-jwt-verify";
import * as theirsJwk from "aws-jwt-verify/jwk";
import { claims, clientId, jwksServer, makeKey, rejection, sign, userPoolId } from "./helpers.mjs";

let key;
let server;
before(async () => {
  key = await makeKey("parity-key");
  server = await jwksServer([key]);
});
after(() => server.close());

/** The class name each library refuses `token` with (`null`: accepted). */
async function outcome(verifier, token) {
  try {
    await verifier.verify(token);
    return null;
  } catch (error) {
    return error.constructor.name;
  }
}

const both = (options) => {
  const a = ours.CognitoJwtVerifier.create({ userPoolId, ...options, jwksUri: server.url });
  const b = theirs.CognitoJwtVerifier.create({ userPoolId, ...options });
  a.cacheJwks({ keys: [key.jwk] });
  b.cacheJwks({ keys: [key.jwk] });
  return [a, b];
};

const cases = [
  // [what, verifier options, token use, claims to change, the class both must throw (null: accepted)]
  ["token_use a number", { tokenUse: "access", clientId }, "access", { token_use: 5 }, "CognitoJwtInvalidTokenUseError"],
  ["token_use an array", { tokenUse: null, clientId }, "access", { token_use: ["access"] }, "CognitoJwtInvalidTokenUseError"],
  ["client_id a number", { tokenUse: "access", clientId }, "access", { client_id: 5 }, "CognitoJwtInvalidClientIdError"],
  ["client_id an object, no client check", { tokenUse: "access", clientId: null }, "access", { client_id: {} }, null],
  ["cognito:groups a number, a group required", { tokenUse: "access", clientId, groups: "admins" }, "access", { "cognito:groups": 5 }, "CognitoJwtInvalidGroupError"],
  ["cognito:groups a number, no group required", { tokenUse: "access", clientId }, "access", { "cognito:groups": 5 }, null],
  ["iss a number", { tokenUse: "access", clientId }, "access", { iss: 5 }, "JwtParseError"],
  ["exp a string", { tokenUse: "id", clientId }, "id", { exp: "4070908800" }, "JwtParseError"],
  ["scope a number", { tokenUse: "access", clientId }, "access", { scope: 5 }, "JwtParseError"],
  ["an ID token's aud an array", { tokenUse: "id", clientId }, "id", { aud: [clientId] }, "CognitoJwtInvalidClientIdError"],
];

for (const [what, options, tokenUse, extra, expected] of cases) {
  test(`${what}: ${expected ?? "accepted"} in both`, async () => {
    const token = await sign(key, claims(tokenUse, extra));
    const [a, b] = both(options);
    assert.equal(await outcome(b, token), expected, "aws-jwt-verify (the case itself is wrong)");
    assert.equal(await outcome(a, token), expected, "cognito-wasm");
  });
}

test("a kid missing from a JWKS fetched for it is KidNotFoundInJwksError, also for a concurrent waiter", async () => {
  const verifier = ours.CognitoJwtVerifier.create({ userPoolId, tokenUse: "access", clientId, jwksUri: server.url });
  const token = await sign({ ...key, kid: "rotated-away" }, claims("access"));
  const hits = server.state.hits;
  const errors = await Promise.all([rejection(verifier.verify(token)), rejection(verifier.verify(token))]);
  assert.equal(server.state.hits - hits, 1, "one fetch for both");
  for (const error of errors) {
    assert.ok(error instanceof ours.KidNotFoundInJwksError, error.name);
    assert.ok(!(error instanceof ours.FetchError));
    assert.equal(error.code, "ERR_JWKS_KID_NOT_FOUND");
  }
});

// One of the README's "Where we deliberately differ" rows: a token whose iss is another pool's,
// signed by a key of this pool's JWKS. aws-jwt-verify looks its configuration up by that iss and
// finds none (ParameterValidationError, before the signature); here the iss chooses nothing, so
// the token is checked as this pool's and fails the issuer claim after its signature verified.
test("a token naming another pool's issuer: JwtInvalidIssuerError here, ParameterValidationError in aws-jwt-verify", async () => {
  const foreign = `https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool9`;
  const token = await sign(key, claims("access", { iss: foreign }));
  const [a, b] = both({ tokenUse: "access", clientId });
  assert.equal(await outcome(b, token), "ParameterValidationError", "aws-jwt-verify (the case itself is wrong)");
  const error = await rejection(a.verify(token));
  assert.ok(error instanceof ours.JwtInvalidIssuerError, error.name);
  assert.deepEqual([error.code, error.failedAssertion.actual], ["ERR_JWT_INVALID_ISSUER", foreign]);
});

// The README's note on hydrate() beside its "Where we deliberately differ" table: two pools, the
// second one's key sets unreachable on both issuer hosts. aws-jwt-verify resolves (one issuer of
// all loaded); here each pool needs one key set, so hydrate() rejects.
test("hydrate() of two pools, one unreachable: rejects here, resolves in aws-jwt-verify", async () => {
  const body = JSON.stringify({ keys: [key.jwk] });
  const reachable = (uri) => String(uri).endsWith(`/${userPoolId}/.well-known/jwks.json`);
  const pools = [userPoolId, "eu-west-1_OtherPool2"].map((id) => ({ userPoolId: id, tokenUse: "access", clientId }));
  const requested = [];
  const fetcher = {
    fetch: async (uri) => {
      requested.push(uri);
      if (!reachable(uri)) throw new Error("unreachable");
      return new TextEncoder().encode(body).buffer;
    },
  };
  const theirVerifier = theirs.CognitoJwtVerifier.create(pools, { jwksCache: new theirsJwk.SimpleJwksCache({ fetcher }) });
  await theirVerifier.hydrate();
  assert.equal(requested.length, 4, "aws-jwt-verify asked both issuer hosts of both pools");
  const fetch = async (url) => (reachable(url) ? new Response(body) : Promise.reject(new TypeError("unreachable")));
  const error = await rejection(ours.CognitoJwtVerifier.create(pools.map((pool) => ({ ...pool, fetch }))).hydrate());
  assert.ok(error instanceof ours.FetchError, error.name);
  assert.equal(error.code, "ERR_FETCH");
});
