// What the tests that run the README's code blocks as written share (tests/js/readme.test.mjs,
// tests/e2e/readme.test.mjs, tests/edge/readme-bff.test.mjs), and the Miniflare set-up of a
// module worker that imports the installed package by path (also tests/js/workerd.test.mjs).
import assert from "node:assert/strict";

/** The first ```lang block after the line `heading` of `readme` (a whole line, e.g. "### Node.js"). */
export function readmeBlock(readme, heading, lang = "js") {
  const lines = readme.split("\n");
  const at = lines.indexOf(heading);
  assert.ok(at >= 0, `the README has no heading ${heading}`);
  const block = new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\`$`, "m").exec(lines.slice(at + 1).join("\n"));
  assert.ok(block, `no ${lang} block under ${heading}`);
  return block[1];
}

/**
 * `source` (a README worker, which imports "cognito-wasm") importing `entry` instead: workerd has
 * no package resolution, so the README tells workerd users without a bundler to import the
 * installed package's workerd.js by path.
 */
export function forWorkerd(source, entry) {
  assert.match(source, /from "cognito-wasm";/);
  return source.replace(/from "cognito-wasm";/, `from "${entry}";`);
}

/** Miniflare options for module workers below `root`, with the CompiledWasm rule the README names. */
export const workerdModules = (root) => ({
  modules: true,
  modulesRoot: root,
  modulesRules: [
    { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
    { type: "CompiledWasm", include: ["**/*.wasm"] },
  ],
  compatibilityDate: "2025-01-01",
});
