// Benchmark runner (not a test): `npm run bench` / scripts/bench.sh, which installs the packed
// package next to this file first. Runs core.mjs in Node, then in headless Chromium (a page served
// on loopback, driven by playwright-core with the system Chromium), and prints µs per verify, the
// ratio to the floor (crypto.subtle.verify with a cached CryptoKey) and the gzip -9 size of what
// a browser loads.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import * as cognitoWasm from "cognito-wasm";
import * as jose from "jose";
import * as awsJwtVerify from "aws-jwt-verify";
import { runBench } from "./core.mjs";
import { entryDir, withBenchPage } from "./browser.mjs";

const pkg = entryDir("cognito-wasm");
const options = { rounds: Number(process.env.BENCH_ROUNDS ?? 30), batchMs: Number(process.env.BENCH_BATCH_MS ?? 60) };

function print(runtime, results) {
  console.log(`\n${runtime}: µs per verify and ratio to the floor, over ${options.rounds} interleaved rounds`);
  console.log(`  ${"".padEnd(30)} ${"median round".padStart(19)}  ${"best round".padStart(19)}`);
  const cell = (us, ratio) => `${us.toFixed(1).padStart(8)} µs ${ratio.toFixed(2).padStart(5)}×`;
  for (const { name, us, ratio, best, bestRatio } of results) {
    console.log(`  ${name.padEnd(30)} ${cell(us, ratio)}  ${cell(best, bestRatio)}`);
  }
}

const inChromium = () => withBenchPage((page) => page.evaluate((o) => globalThis.bench(o), options));

/** gzip -9 of what a browser loads for one entry: its web.js, index.js, the modules index.js re-exports, the .wasm and glue. */
function sizes(entry) {
  const dir = join(pkg, entry);
  const modules = [...readFileSync(join(dir, "index.js"), "utf8").matchAll(/^export (?:\*|\{[^}]*\}) from "\.\/([^"]+)";/gm)].map((m) => m[1]);
  const wrapper = ["web.js", "index.js", ...modules];
  const files = { "wasm (cognito_wasm_bg.wasm)": ["cognito_wasm_bg.wasm"], "JS glue (cognito_wasm.js)": ["cognito_wasm.js"],
    [`wrapper (${wrapper.join(", ")})`]: wrapper };
  console.log(`\nsize a browser loads for ${entry === "." ? "cognito-wasm" : `cognito-wasm/${entry}`} (gzip -9)`);
  let total = 0;
  for (const [label, names] of Object.entries(files)) {
    const bytes = names.reduce((sum, name) => sum + gzipSync(readFileSync(join(dir, name)), { level: 9 }).length, 0);
    total += bytes;
    console.log(`  ${label.padEnd(60)} ${(bytes / 1024).toFixed(1).padStart(6)} KB`);
  }
  console.log(`  ${"total".padEnd(60)} ${(total / 1024).toFixed(1).padStart(6)} KB`);
}

const started = performance.now();
print(`Node.js ${process.version}`, await runBench({ cognitoWasm, jose, awsJwtVerify }, options));
print("Chromium (headless)", await inChromium());
sizes(".");
sizes("verify");
console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s)`);
