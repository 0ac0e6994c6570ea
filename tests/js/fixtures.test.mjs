// The shared fixture set (tests/fixtures/tokens.json, made by tests/fixtures/generate.mjs with
// Node's WebCrypto): valid tokens verify to their payload, and every hostile token is rejected
// with its expected code, as the class errorCatalog() names for that code, without token text.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { CognitoJwtVerifier, JwtBaseError, errorCatalog, errorClasses } from "cognito-wasm";
import { errorText, jwksServer, rejection, tokenPieces } from "./helpers.mjs";

const fixtures = JSON.parse(readFileSync(new URL("../../fixtures/tokens.json", import.meta.url), "utf8"));
const classOf = new Map(errorCatalog().map(({ code, name }) => [code, name]));
let server;

before(async () => {
  server = await jwksServer(fixtures.jwks.keys.map((jwk) => ({ jwk })));
});
after(() => server.close());

test("the fixture set covers the hostile cases of the issue", () => {
  const codes = new Set(fixtures.cases.map((c) => c.expectCode));
  for (const code of ["ERR_JWT_ALG_NOT_ALLOWED", "ERR_JWKS_KID_NOT_FOUND", "ERR_JWT_MISSING_KID", "ERR_JWK_WEAK_KEY",
    "ERR_JWT_INVALID_ISSUER", "ERR_JWT_INVALID_TOKEN_USE", "ERR_JWT_INVALID_CLIENT_ID", "ERR_JWT_EXPIRED",
    "ERR_JWT_INVALID_SIGNATURE", "ERR_JWT_BASE64", "ERR_JWT_MALFORMED"]) {
    assert.ok(codes.has(code), code);
  }
});

for (const fixture of fixtures.cases) {
  test(`${fixture.name}: ${fixture.expectCode ?? "verifies"}`, async () => {
    // A fresh verifier per case: a shared one's penalty box would change later unknown-kid cases.
    const verifier = CognitoJwtVerifier.create({ ...fixtures.verifier, jwksUri: server.url });
    if (fixture.expectCode === null) {
      const payload = await verifier.verify(fixture.token);
      assert.deepEqual(payload, fixture.expectPayload);
      return;
    }
    const error = await rejection(verifier.verify(fixture.token));
    assert.equal(error.code, fixture.expectCode);
    const name = classOf.get(fixture.expectCode);
    assert.equal(error.name, name);
    assert.ok(error instanceof errorClasses[name] && error instanceof JwtBaseError);
    for (const piece of tokenPieces(fixture.token)) assert.ok(!errorText(error).includes(piece), "token text in the error");
  });
}
