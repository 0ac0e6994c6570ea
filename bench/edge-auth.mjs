// Edge sign-in benchmark (figures printed, not asserted): the example's bff worker in workerd
// (Miniflare) on loopback, signed in against the Cognito emulator, under autocannon.
//
//   node bench/edge-auth.mjs       (EDGE_BENCH_SECONDS=5 per run, EDGE_BENCH_ROUNDS=3; COGNITO_WASM_PKG, else pkg/)
//
// Prints req/s and latency p50/p99 of the same small JSON answer three ways: no auth work
// (baseline), a bare verify of a bearer access token (requireAuth, verified-token cache), and
// through the gateway with a valid session cookie (AES-GCM open of two chunks, session checks,
// verified-token cache, claim headers, the origin call); then the p99 the gateway adds over each.
// The three run in turn for EDGE_BENCH_ROUNDS rounds; the figures are the medians. About 50 s.
import autocannon from "autocannon";
import { fileURLToPath } from "node:url";
import { bffStack, clientTokens, Jar, signIn } from "../tests/edge/bff.mjs";

const seconds = Number(process.env.EDGE_BENCH_SECONDS ?? 5);
const rounds = Number(process.env.EDGE_BENCH_ROUNDS ?? 3);
const connections = 10;
const here = (p) => fileURLToPath(new URL(p, import.meta.url));

const load = (url, headers) => autocannon({ url, connections, duration: seconds, headers });

const show = (name, r) =>
  console.log(
    `${name.padEnd(40)} ${String(Math.round(r.requests.average)).padStart(7)} req/s   p50 ${String(r.latency.p50).padStart(3)} ms   p99 ${String(r.latency.p99).padStart(3)} ms   (${r.non2xx} non-2xx, ${r.errors} errors)`,
  );

const stack = await bffStack();
let worker;
try {
  worker = await stack.start({}, { script: here("./edge-auth-worker.js"), also: [here("../examples/cloudflare-worker/src/bff.js")] });
  const jar = new Jar();
  const callback = await signIn(stack.origin, stack.emulator.url, jar);
  if (callback.status !== 302) throw new Error(`sign-in: ${callback.status}`);
  // the bare verify's access token: the session's is sealed, so a code flow of its own
  const access = (await clientTokens(stack)).access_token;
  const routes = [
    ["no auth (baseline)", `${stack.origin}/_bench/none`, {}],
    ["bare verify (Bearer, requireAuth)", `${stack.origin}/_bench/bare`, { authorization: `Bearer ${access}` }],
    ["gateway, valid session cookie", `${stack.origin}/app/whoami`, { cookie: jar.header() }],
  ];
  for (const [, url, headers] of routes) {
    const r = await fetch(url, { headers });
    const body = await r.json();
    if (r.status !== 200 || (url.includes("/_bench/none") ? false : body.username !== "jdoe")) throw new Error(`${url}: ${r.status} ${JSON.stringify(body)}`);
  }
  console.log(`edge sign-in bench: bff worker in workerd (Miniflare), ${connections} connections, ${seconds} s per run, ${rounds} rounds interleaved (medians)`);
  // Interleaved rounds, medians: a shared machine's load drifts over a run.
  const runs = routes.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, [, url, headers]] of routes.entries()) runs[i].push(await load(url, headers));
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const results = runs.map((rs) => ({
    requests: { average: median(rs.map((r) => r.requests.average)) },
    latency: { p50: median(rs.map((r) => r.latency.p50)), p99: median(rs.map((r) => r.latency.p99)) },
    non2xx: rs.reduce((n, r) => n + r.non2xx, 0),
    errors: rs.reduce((n, r) => n + r.errors, 0),
  }));
  for (const [i, [name]] of routes.entries()) show(name, results[i]);
  const [none, bare, gateway] = results;

  // The same three in the isolate, without HTTP: the cost of one request, timed from outside.
  const timed = async (mode, n) => {
    let best = Infinity;
    for (let k = 0; k < 5; k++) {
      const begin = process.hrtime.bigint();
      const r = await fetch(`${stack.origin}/_bench/loop?mode=${mode}&n=${n}`, { headers: { cookie: jar.header(), authorization: `Bearer ${access}` } });
      const body = await r.json();
      if (body.ok !== n) throw new Error(`${mode}: ${JSON.stringify(body)}`);
      best = Math.min(best, Number(process.hrtime.bigint() - begin) / 1e6);
    }
    return best;
  };
  const n = 2000;
  for (const mode of ["none", "bare", "gateway"]) await timed(mode, 50); // warm up
  const [loopNone, loopBare, loopGateway] = [await timed("none", n), await timed("bare", n), await timed("gateway", n)];
  const per = (ms) => ((ms * 1000) / n).toFixed(1);
  console.log(
    `per request in the isolate (best of 5 × ${n}): app alone ${per(loopNone)} µs, bare verify ${per(loopBare)} µs, gateway ${per(loopGateway)} µs: the gateway adds ${per(loopGateway - loopNone)} µs (${per(loopGateway - loopBare)} µs more than a bare verify)`,
  );
  console.log(
    `gateway p99 added: ${(gateway.latency.p99 - none.latency.p99).toFixed(1)} ms over no auth, ${(gateway.latency.p99 - bare.latency.p99).toFixed(1)} ms over a bare verify; ` +
      `throughput ${(gateway.requests.average / bare.requests.average).toFixed(2)}× a bare verify`,
  );
} finally {
  await worker?.dispose();
  await stack.emulator.stop();
}
