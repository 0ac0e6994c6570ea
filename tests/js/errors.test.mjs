// The error classes of the packed package against the wasm core's errorCatalog(): every code has
// a class with that name and parent, and both entries share them. (The catalog's copies in the
// Rust core, errors.js, the .d.ts files and the README are written from errors/catalog.json by
// scripts/gen-errors.mjs, and stage_lint checks they are current.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as api from "cognito-wasm";

const catalog = api.errorCatalog();
/** A file of the installed package. */
const packageFile = (name) => readFileSync(createRequire(import.meta.url).resolve("cognito-wasm/package.json").replace(/package\.json$/, name), "utf8");

test("the catalog lists distinct ERR_* codes", () => {
  assert.ok(catalog.length >= 30, `${catalog.length} entries`);
  const codes = catalog.map((entry) => entry.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const code of codes) assert.match(code, /^ERR_[A-Z0-9_]+$/);
});

test("every catalog entry has an exported class with that name and parent", () => {
  for (const { code, name, parent } of catalog) {
    const cls = api[name];
    assert.equal(typeof cls, "function", `${name} (${code}) is exported`);
    assert.equal(api.errorClasses[name], cls);
    assert.equal(cls.name, name);
    assert.equal(cls.prototype.name, name);
    assert.equal(Object.getPrototypeOf(cls), api[parent], `${name} extends ${parent}`);
    assert.ok(cls.prototype instanceof api.JwtBaseError && cls.prototype instanceof Error);
  }
});

test("the three base classes chain to Error like aws-jwt-verify's", () => {
  assert.equal(Object.getPrototypeOf(api.JwtBaseError), Error);
  assert.equal(Object.getPrototypeOf(api.FailedAssertionError), api.JwtBaseError);
  assert.equal(Object.getPrototypeOf(api.JwtInvalidClaimError), api.FailedAssertionError);
});

test("every exported class appears in the catalog (or is one of the base classes)", () => {
  const named = new Set([...catalog.map((entry) => entry.name), ...catalog.map((entry) => entry.parent)]);
  for (const name of Object.keys(api.errorClasses)) assert.ok(named.has(name), `${name} is in the catalog`);
});

test("errors built by hand behave like thrown ones", () => {
  const error = new api.JwtExpiredError("token expired", 1, 2);
  assert.equal(error.name, "JwtExpiredError");
  assert.deepEqual(error.failedAssertion, { actual: 1, expected: 2 });
  assert.ok(error instanceof api.JwtInvalidClaimError && error instanceof Error);
  assert.match(String(error), /^JwtExpiredError: token expired/);
});

test("every error code the package README names is one the package has (no stale codes)", () => {
  const readme = packageFile("README.md");
  const known = new Set(catalog.map(({ code }) => code));
  const named = new Set([...readme.matchAll(/`(ERR_[A-Z0-9_]+)`/g)].map((m) => m[1]));
  for (const code of named) assert.ok(known.has(code), `README.md names ${code}, which errorCatalog() does not have`);
  const rows = [...readme.matchAll(/^\| `(ERR_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
  assert.equal(rows.length, new Set(rows).size, "a code has two rows");
  assert.equal(rows.length, known.size, "one table row per code");
});

test("an error thrown by either entry is an instance of both entries' classes (one errors.js, ESM and CommonJS)", async () => {
  const require = createRequire(import.meta.url);
  const verifyOnly = await import("cognito-wasm/verify");
  for (const [format, full, verify] of [["ESM", api, verifyOnly], ["CommonJS", require("cognito-wasm"), require("cognito-wasm/verify")]]) {
    const thrown = (entry) => {
      try {
        entry.CognitoJwtVerifier.create({ userPoolId: "not a pool id", tokenUse: "id", clientId: null });
      } catch (error) {
        return error;
      }
      assert.fail(`${format}: create accepted an invalid userPoolId`);
    };
    const rejected = (entry) =>
      entry.JwtVerifier.create({ issuer: "https://issuer.example", audience: null }).verify("not.a.jwt").then(
        () => assert.fail(`${format}: verify accepted a malformed token`),
        (error) => error,
      );
    for (const [from, other] of [[verify, full], [full, verify]]) {
      const option = thrown(from);
      assert.equal(option.code, "ERR_PARAM_INVALID_USER_POOL_ID");
      assert.ok(option instanceof other.ParameterValidationError, `${format}: ${option.name} instanceof the other entry's class`);
      assert.ok(option instanceof other.JwtBaseError);
      const parse = await rejected(from);
      assert.ok(parse instanceof other.JwtParseError, `${format}: ${parse.name} (${parse.code}) instanceof the other entry's class`);
    }
    assert.equal(verify.errorClasses, full.errorClasses, `${format}: one table of classes`);
  }
});

test("a core error's message is its catalog template with the core's parameters (made in JS, not in the wasm)", async () => {
  const verifier = api.JwtVerifier.create({ issuer: "https://issuer.example", audience: null, maxTokenLength: 100 });
  const tooLarge = await verifier.verify(`${"a".repeat(60)}.${"b".repeat(60)}.c`).then(assert.fail, (error) => error);
  assert.equal(tooLarge.code, "ERR_JWT_TOO_LARGE");
  assert.equal(tooLarge.message, "jwt is 123 characters long, the maximum is 100");
  assert.equal(tooLarge.messageId, undefined);
  assert.equal(tooLarge.messageArgs, undefined);
  assert.throws(() => api.JwtVerifier.create({ issuer: "https://issuer.example", audience: null, algorithms: ["HS256"] }), {
    code: "ERR_PARAM_UNSUPPORTED_ALGORITHM",
    message: "unsupported algorithm in options: HS256",
  });
});
