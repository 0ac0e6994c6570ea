// Edge sign-in benchmark (figures printed, not asserted): the example's bff worker in workerd
// (Miniflare) on loopback, signed in against the Cognito emulator, under autocannon.
//
//   node bench/edge-auth.mjs       (EDGE_BENCH_SECONDS=5 per run; COGNITO_WASM_PKG, else pkg/)
//
// Prints req/s and latency p50/p99 of the same small JSON answer three ways: no auth work
// (baseline), a bare verify of a bearer access token (requireAuth, verified-token cache), and
// through the gateway with a valid session cookie (AES-GCM open of two chunks, session checks,
// verified-token cache, claim headers, the origin call); then the p99 the gateway adds over each.
import autocannon from "autocannon";
import { fileURLToPath } from "node:url";
import { bffStack, clientTokens, Jar, signIn } from "../tests/edge/bff.mjs";

const seconds = Number(process.env.EDGE_BENCH_SECONDS ?? 5);
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
  console.log(`edge sign-in bench: bff worker in workerd (Miniflare), ${connections} connections, ${seconds} s per run`);
  const results = [];
  for (const [name, url, headers] of routes) {
    const r = await load(url, headers);
    show(name, r);
    results.push(r);
  }
  const [none, bare, gateway] = results;
  console.log(
    `gateway p99 added: ${(gateway.latency.p99 - none.latency.p99).toFixed(1)} ms over no auth, ${(gateway.latency.p99 - bare.latency.p99).toFixed(1)} ms over a bare verify; ` +
      `throughput ${(gateway.requests.average / bare.requests.average).toFixed(2)}× a bare verify`,
  );
} finally {
  await worker?.dispose();
  await stack.emulator.stop();
}
