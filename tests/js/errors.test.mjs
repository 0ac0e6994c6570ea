// The error classes of the packed package against the wasm core's errorCatalog(): every code has
// a class with that name and parent, and the hand-written index.d.ts types that code on that class.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as api from "cognito-wasm";

const catalog = api.errorCatalog();
/** A file of the installed package. */
const packageFile = (name) => readFileSync(createRequire(import.meta.url).resolve("cognito-wasm/package.json").replace(/package\.json$/, name), "utf8");
const declarations = packageFile("index.d.ts");

/** The text of `declare class NAME ... { ... }` in index.d.ts. */
function declaration(name) {
  const match = declarations.match(new RegExp(`declare (?:abstract )?class ${name} extends (\\w+) \\{([^}]*)\\}`));
  assert.ok(match, `index.d.ts declares ${name}`);
  return { parent: match[1], body: match[2] };
}

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

test("index.d.ts declares each class with its parent and each code on its class", () => {
  for (const { code, name, parent } of catalog) {
    const decl = declaration(name);
    assert.equal(decl.parent, parent, `${name} extends ${parent} in index.d.ts`);
    assert.ok(decl.body.includes(`"${code}"`), `index.d.ts types ${code} on ${name}`);
  }
});

test("errors built by hand behave like thrown ones", () => {
  const error = new api.JwtExpiredError("token expired", 1, 2);
  assert.equal(error.name, "JwtExpiredError");
  assert.deepEqual(error.failedAssertion, { actual: 1, expected: 2 });
  assert.ok(error instanceof api.JwtInvalidClaimError && error instanceof Error);
  assert.match(String(error), /^JwtExpiredError: token expired/);
});

test("the package README documents every error code", () => {
  const readme = packageFile("README.md");
  for (const { code, name } of catalog) {
    assert.ok(readme.includes(`| \`${code}\` | \`${name}\``), `README.md lists ${code} as ${name}`);
  }
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
