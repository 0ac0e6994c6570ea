// The installed package's manifest: what `exports` and `files` name is what the tarball holds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = dirname(fileURLToPath(import.meta.resolve("cognito-wasm")));
const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
const targets = (value) => (typeof value === "string" ? [value] : Object.values(value).flatMap(targets));

// `files` entries ending in "/" are folders: everything in them counts as listed.
const listed = (path) => manifest.files.some((file) => path === file || (file.endsWith("/") && path.startsWith(file)));

test("the tarball holds exactly package.json and the files listed in `files`", () => {
  const held = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
  for (const path of held) assert.ok(path === "package.json" || listed(path), `${path} is not in files`);
  for (const file of manifest.files) assert.ok(held.some((path) => path === file || path.startsWith(file)), `${file} is missing`);
  assert.deepEqual(
    held.filter((path) => path.startsWith("verify/")).sort(),
    ["cognito_wasm.js", "cognito_wasm_bg.wasm", "driver.js", "errors.js", "index.d.ts", "index.js", "node-crypto.js", "node.cjs", "node.js", "verifier.js", "web.js", "workerd.js"].map((f) => `verify/${f}`),
  );
});

test("every exports target, types, main, module and sideEffects entry exists", () => {
  const named = [...targets(manifest.exports), manifest.types, manifest.main, manifest.module, ...manifest.sideEffects];
  for (const path of named) assert.ok(listed(path.replace(/^\.\//, "")) || path === "./package.json", path);
});

test("every runtime gets an entry that instantiates the wasm itself, for the package and for /verify", () => {
  for (const [entry, prefix] of [[".", "./"], ["./verify", "./verify/"]]) {
    const root = manifest.exports[entry];
    assert.deepEqual(Object.keys(root), ["types", "workerd", "worker", "node", "browser", "default"]);
    assert.deepEqual(root.node, { import: `${prefix}node.js`, require: `${prefix}node.cjs` });
    assert.match(readFileSync(join(dir, prefix, "workerd.js"), "utf8"), /import wasmModule from "\.\/cognito_wasm_bg\.wasm";\s+import \{ initSync \}/);
    assert.match(readFileSync(join(dir, prefix, "web.js"), "utf8"), /await init\(\{ module_or_path: new URL\("\.\/cognito_wasm_bg\.wasm", import\.meta\.url\) \}\)/);
  }
  assert.equal(manifest.version, readFileSync(new URL("../../../Cargo.toml", import.meta.url), "utf8").match(/^version = "(.*)"$/m)[1]);
});

test("the runtime exports exactly the values index.d.ts declares (no internal helper leaks)", async () => {
  const dts = readFileSync(join(dir, manifest.types.replace(/^\.\//, "")), "utf8");
  const declared = [...dts.matchAll(/^export declare (?:abstract )?(?:class|function|const) (\w+)/gm)].map((m) => m[1]);
  assert.deepEqual(Object.keys(await import("cognito-wasm")).sort(), [...new Set(declared)].sort());
});

test("cognito-wasm/verify exports exactly the values verify/index.d.ts re-exports: the verifiers and every error class", async () => {
  const dts = readFileSync(join(dir, "verify/index.d.ts"), "utf8");
  const declared = dts.match(/^export \{([^}]*)\} from "\.\.\/index\.js";/m)[1].split(",").map((name) => name.trim()).filter(Boolean);
  const verifyOnly = await import("cognito-wasm/verify");
  assert.deepEqual(Object.keys(verifyOnly).sort(), [...declared].sort());
  const full = await import("cognito-wasm");
  for (const name of ["CognitoAuth", "requireAuth", "TokenCache"]) assert.equal(verifyOnly[name], undefined, name);
  // its own wasm instance: a verifier from one entry is not the other's
  assert.notEqual(verifyOnly.CognitoJwtVerifier, full.CognitoJwtVerifier);
  assert.deepEqual(verifyOnly.errorCatalog(), full.errorCatalog());
});

test("the verify-only module is smaller than the whole one", () => {
  const size = (path) => readFileSync(join(dir, path)).length;
  assert.ok(size("verify/cognito_wasm_bg.wasm") < size("cognito_wasm_bg.wasm") * 0.75);
});
