// Edge benchmark (figures printed, not asserted): the example worker in workerd (Miniflare) on
// loopback, with tokens from the Cognito emulator, under autocannon for a bounded time.
//
//   node bench/edge.mjs            (EDGE_BENCH_SECONDS=5 per load run; COGNITO_WASM_PKG, else pkg/)
//
// Prints: req/s and latency p50/p99 of GET /api/hello with one repeated token (verified-token cache
// hits) and with 2,000 distinct tokens in rotation (more than the 1,000-entry cache: every request
// verifies); the cost of one verification in workerd as a ratio to raw crypto.subtle.verify in the
// same worker; the workerd process's memory (RSS) before and after 100k requests, next to the same
// for a route without auth (the runtime's own growth). About four minutes.
import autocannon from "autocannon";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { apiAccessToken, codeFlowTokens, defaultEmulator, startWorker } from "../tests/edge/helpers.mjs";

const seconds = Number(process.env.EDGE_BENCH_SECONDS ?? 5);
const connections = 10;
const here = (p) => fileURLToPath(new URL(p, import.meta.url));

function workerdPids() {
  const out = execFileSync("ps", ["-eo", "pid=,ppid=,comm="], { encoding: "utf8" });
  const rows = out.trim().split("\n").map((l) => l.trim().split(/\s+/));
  const mine = new Set([String(process.pid)]);
  // descendants of this process named workerd
  for (let changed = true; changed; ) {
    changed = false;
    for (const [pid, ppid] of rows) if (mine.has(ppid) && !mine.has(pid)) (mine.add(pid), (changed = true));
  }
  return rows.filter(([pid, , comm]) => mine.has(pid) && comm === "workerd").map(([pid]) => pid);
}

const rssMb = () =>
  workerdPids().reduce((sum, pid) => sum + Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)[1]), 0) / 1024;

function load(url, tokens, { duration, amount, path = "/api/admin" } = {}) {
  let i = 0;
  return autocannon({
    url: `${url}${path}`,
    connections,
    ...(amount ? { amount } : { duration }),
    requests: [{ setupRequest: (req) => ({ ...req, headers: { authorization: `Bearer ${tokens[i++ % tokens.length]}` } }) }],
  });
}

const show = (name, r) =>
  console.log(
    `${name.padEnd(34)} ${String(Math.round(r.requests.average)).padStart(7)} req/s   p50 ${String(r.latency.p50).padStart(3)} ms   p99 ${String(r.latency.p99).padStart(3)} ms   (${r.non2xx} non-2xx, ${r.errors} errors)`,
  );

const emulator = await defaultEmulator();
const workerOptions = { emulator: emulator.url, script: here("./edge-worker.js"), also: [here("../examples/cloudflare-worker/src/worker.js")] };
let worker;
try {
  worker = await startWorker(workerOptions);
  const token = (await codeFlowTokens(emulator.url)).access;
  const fresh = [];
  while (fresh.length < 2000) fresh.push(...(await Promise.all(Array.from({ length: 50 }, () => apiAccessToken(emulator.url)))));
  const check = await fetch(`${worker.url}/api/admin`, { headers: { authorization: `Bearer ${fresh[0]}` } });
  if (check.status !== 200) throw new Error(`worker answered ${check.status}`);

  console.log(`edge bench: example worker in workerd (Miniflare), ${connections} connections, ${seconds} s per run, GET /api/admin`);
  show("repeated token (cache hits)", await load(worker.url, [token], { duration: seconds }));
  show("fresh tokens (2,000 in rotation)", await load(worker.url, fresh, { duration: seconds }));

  const timed = async (mode, n) => {
    let best = Infinity;
    for (let k = 0; k < 5; k++) {
      const start = process.hrtime.bigint();
      const r = await fetch(`${worker.url}/_bench/verify?mode=${mode}&n=${n}`, { headers: { authorization: `Bearer ${token}` } });
      const body = await r.json();
      if (body.ok !== n) throw new Error(`${mode}: ${JSON.stringify(body)}`);
      best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
    }
    return best;
  };
  const n = 2000;
  await timed("wasm", 50); // warm up: JWKS import, key import
  const none = await timed("none", n);
  const wasm = await timed("wasm", n);
  const raw = await timed("raw", n);
  const perWasm = ((wasm - none) * 1000) / n;
  const perRaw = ((raw - none) * 1000) / n;
  console.log(
    `verify in workerd: CognitoJwtVerifier.verify ${perWasm.toFixed(1)} µs, raw crypto.subtle.verify ${perRaw.toFixed(1)} µs per call: ratio ${(perWasm / perRaw).toFixed(2)}`,
  );

  await worker.dispose();

  // Memory: a fresh worker (the only workerd running) per run; the first run, on a route that does
  // no auth work, is the runtime's own baseline.
  for (const [label, path] of [["no auth (404 route, baseline)", "/nothing"], ["fresh tokens (/api/admin)", "/api/admin"]]) {
    const w = await startWorker(workerOptions);
    try {
      await fetch(`${w.url}${path}`, { headers: { authorization: `Bearer ${fresh[0]}` } });
      const before = rssMb();
      const r = await load(w.url, fresh, { amount: 100_000, path });
      console.log(`workerd RSS, ${label}: ${before.toFixed(1)} MB before, ${rssMb().toFixed(1)} MB after 100k requests (${r.errors} errors)`);
    } finally {
      await w.dispose();
    }
  }
} finally {
  await worker?.dispose();
  await emulator.stop();
}
