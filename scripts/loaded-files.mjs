// What a browser loads for one entry of the built package (used by scripts/size.sh and
// bench/bench.mjs, so both count the same files): the .wasm, and every module its web.js reaches
// through relative imports and re-exports (the glue, index.js, the wrapper and driver, and
// ../errors.js for cognito-wasm/verify), as paths relative to `dir`.
import { readFileSync } from "node:fs";
import { posix } from "node:path";

export function loadedFiles(dir) {
  const files = ["cognito_wasm_bg.wasm"];
  const visit = (file) => {
    if (files.includes(file)) return;
    files.push(file);
    // static imports and re-exports, as written or minified (`import{a}from"./x.js"`)
    for (const [, spec] of readFileSync(`${dir}/${file}`, "utf8").matchAll(/\b(?:import|export)\b[^;"'`]*?\bfrom\s*"(\.\.?\/[^"]+)"/g)) {
      visit(posix.normalize(posix.join(posix.dirname(file), spec)));
    }
  };
  visit("web.js");
  return files;
}
