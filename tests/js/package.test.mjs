// The installed package's manifest: what `exports` and `files` name is what the tarball holds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = dirname(fileURLToPath(import.meta.resolve("cognito-wasm")));
const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
const targets = (value) => (typeof value === "string" ? [value] : Object.values(value).flatMap(targets));

test("the tarball holds exactly package.json and the files listed in `files`", () => {
  assert.deepEqual(readdirSync(dir).sort(), [...manifest.files, "package.json"].sort());
});

test("every exports target, types, main, module and sideEffects entry exists", () => {
  const named = [...targets(manifest.exports), manifest.types, manifest.main, manifest.module, ...manifest.sideEffects];
  for (const path of named) assert.ok(manifest.files.includes(path.replace(/^\.\//, "")) || path === "./package.json", path);
});

test("every runtime gets an entry that instantiates the wasm itself", () => {
  const root = manifest.exports["."];
  assert.deepEqual(Object.keys(root), ["types", "workerd", "worker", "node", "browser", "default"]);
  assert.deepEqual(root.node, { import: "./node.js", require: "./node.cjs" });
  assert.match(readFileSync(join(dir, "workerd.js"), "utf8"), /import wasmModule from "\.\/cognito_wasm_bg\.wasm";\s+import \{ initSync \}/);
  assert.match(readFileSync(join(dir, "web.js"), "utf8"), /await init\(\{ module_or_path: new URL\("\.\/cognito_wasm_bg\.wasm", import\.meta\.url\) \}\)/);
  assert.equal(manifest.version, readFileSync(new URL("../../../Cargo.toml", import.meta.url), "utf8").match(/^version = "(.*)"$/m)[1]);
});

test("the runtime exports exactly the values index.d.ts declares (no internal helper leaks)", async () => {
  const dts = readFileSync(join(dir, manifest.types.replace(/^\.\//, "")), "utf8");
  const declared = [...dts.matchAll(/^export declare (?:abstract )?(?:class|function|const) (\w+)/gm)].map((m) => m[1]);
  assert.deepEqual(Object.keys(await import("cognito-wasm")).sort(), [...new Set(declared)].sort());
});
