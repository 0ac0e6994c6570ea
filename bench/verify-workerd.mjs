// Verify cost in workerd (run by bench.mjs; figures, not a test): core.mjs's contenders that need
// nothing but WebCrypto (the floor, the reference lines, the minimal WebCrypto verifier) and
// cognito-wasm's workerd entry, in one Miniflare isolate. workerd freezes its clocks while code
// runs, so each batch is one request timed from outside, less the least time the same request
// took running an empty loop of the same length (the HTTP round trip and the loop itself).
//
//   verifyWorkerd({ packageDir, tokenUse, rounds, batchMs })
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { timeRounds } from "./core.mjs";
// run from bench/out/ (scripts/bench.sh copies the benchmarks there)
import { packageModules } from "../../examples/cloudflare-worker/dev.mjs";

// GET /?use=access|id&name=<contender>&count=N: N verifies of that contender ("" = an empty loop);
// GET /?use=...: the contenders' names, the floor first (each set up and checked once).
const worker = `
import * as cognitoWasm from "cognito-wasm";
import { prepare } from "./core.mjs";
const ready = {};
export default {
  async fetch(request) {
    const query = new URL(request.url).searchParams;
    const use = query.get("use");
    const verifies = (ready[use] ??= await prepare({ cognitoWasm }, use));
    if (!query.has("name")) return Response.json(Object.keys(verifies));
    const verify = verifies[query.get("name")] ?? (async () => undefined);
    for (let i = Number(query.get("count")); i > 0; i -= 1) await verify();
    return new Response("done");
  },
};`;

export async function verifyWorkerd({ packageDir, tokenUse = "access", ...options }) {
  const mf = new Miniflare({
    modulesRoot: "/w",
    modules: [
      { type: "ESModule", path: "/w/worker.js", contents: worker },
      { type: "ESModule", path: "/w/core.mjs", contents: readFileSync(fileURLToPath(new URL("./core.mjs", import.meta.url))) },
      ...packageModules(packageDir, "/w"),
    ],
    compatibilityDate: "2025-01-01",
  });
  try {
    const ask = async (query) => {
      const response = await mf.dispatchFetch(`http://worker/?${new URLSearchParams({ use: tokenUse, ...query })}`);
      const body = await response.text();
      if (response.status !== 200) throw new Error(`workerd verify bench: ${response.status} ${body.slice(0, 300)}`);
      return body;
    };
    const batch = async (query) => {
      const start = performance.now();
      await ask(query);
      return performance.now() - start;
    };
    const names = JSON.parse(await ask({}));
    // The empty loop's least time for each batch size so far: one stalled empty request must not
    // make the batch before it look faster (it would if each batch had its own subtrahend).
    const empty = new Map();
    const time = async (name, count) => {
      const ms = await batch({ name, count });
      empty.set(count, Math.min(empty.get(count) ?? Infinity, await batch({ name: "", count })));
      return Math.max(0, ms - empty.get(count));
    };
    return await timeRounds(names, time, { probe: 1000, ...options });
  } finally {
    await mf.dispose();
  }
}
