// Type tests (node:test): `node --test-reporter=spec check.mjs DIR`, where DIR holds this folder's
// .ts files and tsconfig.json next to an installed `cognito-wasm` (see scripts/test.sh).
//   1. tsc accepts should-compile.ts and should-not-compile.ts as they are. An unused
//      `@ts-expect-error` is itself an error, so every marked misuse really fails to compile.
//   2. With the directives removed, tsc reports an error on every line that followed one, and
//      nowhere else (so a directive cannot hide an unrelated error).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const dir = resolve(process.argv[2]);
const tsc = fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url));

function compile(project) {
  try {
    execFileSync(process.execPath, [tsc, "-p", project, "--pretty", "false"], { encoding: "utf8" });
    return [];
  } catch (error) {
    if (typeof error.stdout !== "string" || error.stdout === "") throw error;
    return error.stdout.trim().split("\n");
  }
}

test("should-compile.ts and should-not-compile.ts compile as written", () => {
  assert.deepEqual(compile(dir), []);
});

test("each @ts-expect-error marks a real type error, and only there", () => {
  const lines = readFileSync(join(dir, "should-not-compile.ts"), "utf8").split("\n");
  const expected = [];
  const stripped = lines.map((line, index) => {
    if (!line.trim().startsWith("// @ts-expect-error")) return line;
    expected.push(index + 2); // 1-based number of the line after the directive
    return "";
  });
  assert.ok(expected.length >= 10, `only ${expected.length} misuses`);
  const sub = join(dir, "stripped");
  mkdirSync(sub, { recursive: true });
  writeFileSync(join(sub, "should-not-compile.ts"), stripped.join("\n"));
  writeFileSync(join(sub, "tsconfig.json"), JSON.stringify({ extends: "../tsconfig.json", files: ["should-not-compile.ts"] }));
  const errorLines = new Set(
    compile(sub)
      .map((line) => line.match(/should-not-compile\.ts\((\d+),\d+\): error/))
      .filter(Boolean)
      .map((match) => Number(match[1])),
  );
  assert.deepEqual([...errorLines].sort((a, b) => a - b), expected);
});
