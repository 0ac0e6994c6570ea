// Benchmark runner (not a test): `npm run bench` / scripts/bench.sh, which installs the packed
// package next to this file first. Runs core.mjs in Node, then in headless Chromium (a page served
// on loopback, driven by playwright-core with the system Chromium), and prints µs per verify, the
// ratio to the floor (crypto.subtle.verify with a cached CryptoKey) and the gzip -9 size of what
// a browser loads.
import { createServer } from "node:http";
import { readFileSync, statSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as cognitoWasm from "cognito-wasm";
import * as jose from "jose";
import * as awsJwtVerify from "aws-jwt-verify";
import { chromium } from "playwright-core";
import { runBench } from "./core.mjs";

const here = dirname(fileURLToPath(import.meta.url));
/** The folder of a package's ES module entry point (for Node.js, resolved from here). */
const entryDir = (name) => dirname(fileURLToPath(import.meta.resolve(name)));
const pkg = entryDir("cognito-wasm");
const options = { rounds: Number(process.env.BENCH_ROUNDS ?? 12), batchMs: Number(process.env.BENCH_BATCH_MS ?? 60) };

function print(runtime, results) {
  console.log(`\n${runtime}: µs per verify (median of ${options.rounds} interleaved rounds), ratio to the floor`);
  for (const { name, us, ratio } of results) {
    console.log(`  ${name.padEnd(30)} ${us.toFixed(1).padStart(8)} µs  ${ratio.toFixed(2).padStart(5)}×`);
  }
}

// Loopback server for the page: the installed package, jose's and aws-jwt-verify's browser builds.
const roots = {
  "/bench/": here,
  "/pkg/": pkg,
  "/jose/": entryDir("jose"),
  "/aws-jwt-verify/": entryDir("aws-jwt-verify"),
};
const types = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm" };
function serve(request, response) {
  const path = new URL(request.url, "http://x").pathname;
  const prefix = Object.keys(roots).find((p) => path.startsWith(p));
  const file = prefix && join(roots[prefix], path.slice(prefix.length));
  if (!file || !file.startsWith(roots[prefix]) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
  response.end(readFileSync(file));
}

async function inChromium() {
  const server = createServer(serve);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error));
    page.on("response", (response) => response.status() >= 400 && errors.push(new Error(`${response.status()} ${response.url()}`)));
    await page.goto(`http://127.0.0.1:${server.address().port}/bench/page.html`);
    await page.waitForFunction(() => typeof globalThis.bench === "function" || null, null, { timeout: 15000 }).catch((error) => {
      throw errors[0] ?? error;
    });
    return await page.evaluate((o) => globalThis.bench(o), options);
  } finally {
    await browser.close();
    server.closeAllConnections();
    server.close();
  }
}

function sizes() {
  const files = { "wasm (cognito_wasm_bg.wasm)": ["cognito_wasm_bg.wasm"], "JS glue (cognito_wasm.js)": ["cognito_wasm.js"],
    "wrapper (web.js, index.js, verifier.js, errors.js)": ["web.js", "index.js", "verifier.js", "errors.js"] };
  console.log("\nsize a browser loads (gzip -9)");
  let total = 0;
  for (const [label, names] of Object.entries(files)) {
    const bytes = names.reduce((sum, name) => sum + gzipSync(readFileSync(join(pkg, name)), { level: 9 }).length, 0);
    total += bytes;
    console.log(`  ${label.padEnd(52)} ${(bytes / 1024).toFixed(1).padStart(6)} KB`);
  }
  console.log(`  ${"total".padEnd(52)} ${(total / 1024).toFixed(1).padStart(6)} KB`);
}

const started = performance.now();
print(`Node.js ${process.version}`, await runBench({ cognitoWasm, jose, awsJwtVerify }, options));
print("Chromium (headless)", await inChromium());
sizes();
console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s)`);
