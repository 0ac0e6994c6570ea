// Cold start in workerd (run by bench.mjs; figures, not a test): one fresh Miniflare per sample, with
// a worker that imports the library, creates a verifier, gives it the JWKS (cached, no fetch) and
// verifies the token its first request carries. workerd freezes its clocks while code runs, so the
// times are taken from outside: start (new Miniflare → ready: the isolate loads the modules,
// compiling the .wasm) and first request (→ the verified payload's client_id). A worker without
// any library gives the runtime's own cost, subtracted in the last column.
//
//   coldStartWorkerd({ token, jwks, packageDir, samples })
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { clientId, median, userPoolId } from "./core.mjs";
// run from bench/out/ (scripts/bench.sh copies the benchmarks there)
import { packageModules } from "../../examples/cloudflare-worker/dev.mjs";

const worker = (library) => `
${library ? `import { CognitoJwtVerifier } from "${library}";` : ""}
export default {
  async fetch(request, env) {
    const token = await request.text();
    ${
      library
        ? `const verifier = CognitoJwtVerifier.create({ userPoolId: env.POOL, tokenUse: "access", clientId: env.CLIENT });
    verifier.cacheJwks(JSON.parse(env.JWKS));
    return new Response((await verifier.verify(token)).client_id);`
        : "return new Response(env.CLIENT);"
    }
  },
};`;

/** The modules of each worker: cognito-wasm's workerd entry and files as wrangler would load them
 * (the whole package, and the verify-only module with the package's errors.js it re-exports),
 * aws-jwt-verify bundled by esbuild for the browser (its WebCrypto build), and no library at all. */
async function workers(packageDir) {
  const pkgModules = packageModules(packageDir, "/w");
  const verifyModules = [
    ...packageModules(join(packageDir, "verify"), "/w/verify"),
    { type: "ESModule", path: "/w/errors.js", contents: readFileSync(join(packageDir, "errors.js")) },
  ];
  const bundled = await build({
    stdin: { contents: worker("aws-jwt-verify"), resolveDir: fileURLToPath(new URL(".", import.meta.url)) },
    bundle: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "silent",
  });
  return {
    "no library (the runtime)": [{ type: "ESModule", path: "/w/worker.js", contents: worker(null) }],
    "cognito-wasm": [{ type: "ESModule", path: "/w/worker.js", contents: worker("cognito-wasm") }, ...pkgModules],
    "cognito-wasm/verify": [{ type: "ESModule", path: "/w/worker.js", contents: worker("./verify/cognito-wasm") }, ...verifyModules],
    "aws-jwt-verify": [{ type: "ESModule", path: "/w/worker.js", contents: bundled.outputFiles[0].text }],
  };
}

async function sample(modules, { token, jwks }) {
  const t0 = performance.now();
  const mf = new Miniflare({
    modulesRoot: "/w",
    modules,
    compatibilityDate: "2025-01-01",
    bindings: { POOL: userPoolId, CLIENT: clientId, JWKS: JSON.stringify(jwks) },
  });
  try {
    await mf.ready;
    const t1 = performance.now();
    const response = await mf.dispatchFetch("http://worker/", { method: "POST", body: token });
    const text = await response.text();
    if (text !== clientId) throw new Error(`workerd cold start: the worker answered ${response.status} ${text.slice(0, 200)}`);
    const t2 = performance.now();
    return { start: t1 - t0, first: t2 - t1 };
  } finally {
    await mf.dispose();
  }
}

export async function coldStartWorkerd({ token, jwks, packageDir, samples = 7 }) {
  const all = await workers(packageDir);
  const runs = Object.fromEntries(Object.keys(all).map((name) => [name, []]));
  for (let i = 0; i < samples; i += 1) {
    const names = Object.keys(all);
    for (const name of i % 2 ? names.reverse() : names) runs[name].push(await sample(all[name], { token, jwks }));
  }
  const total = (values) => median(values.map((v) => v.start + v.first));
  const runtime = total(runs["no library (the runtime)"]);
  console.log(`\nworkerd (Miniflare) cold start: ms, median of ${samples} fresh instances (cached JWKS)`);
  console.log(`  ${"".padEnd(26)} ${"start".padStart(9)} ${"1st request".padStart(12)} ${"total".padStart(9)} ${"− runtime".padStart(10)}`);
  for (const [name, values] of Object.entries(runs)) {
    const ms = (v) => `${v.toFixed(1)}`.padStart(9);
    const own = name.startsWith("no library") ? "" : ms(total(values) - runtime);
    console.log(`  ${name.padEnd(26)} ${ms(median(values.map((v) => v.start)))} ${`${median(values.map((v) => v.first)).toFixed(1)}`.padStart(12)} ${ms(total(values))} ${own.padStart(10)}`);
  }
}
