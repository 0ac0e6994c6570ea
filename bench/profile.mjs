// Where a verify's time goes in Chromium: runs one contender (default cognito-wasm) in a loop under
// the CDP sampling profiler and prints self time per function, in µs per verify.
//   node bench/out/profile.mjs [contender] [package dir]
// For readable wasm frames, pass a package dir whose .wasm keeps its name section (e.g. built with
// `cargo build --release --target wasm32-unknown-unknown` + `wasm-bindgen --target web`, no wasm-opt).
import { resolve } from "node:path";
import { withBenchPage } from "./browser.mjs";

const [contender = "cognito-wasm", dir] = process.argv.slice(2);
const seconds = Number(process.env.PROFILE_SECONDS ?? 3);

const report = await withBenchPage(async (page) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 25 });
  await page.evaluate(async (name) => {
    globalThis.verifyOnce = (await globalThis.prepare())[name];
    for (let i = 0; i < 2000; i += 1) await globalThis.verifyOnce(); // warm-up
  }, contender);
  await cdp.send("Profiler.start");
  const count = await page.evaluate(async (ms) => {
    let n = 0;
    for (const end = performance.now() + ms; performance.now() < end; n += 1) await globalThis.verifyOnce();
    return n;
  }, seconds * 1000);
  const { profile } = await cdp.send("Profiler.stop");
  return { profile, count };
}, dir && resolve(dir));

const { profile, count } = report;
const selfUs = new Map();
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const deltas = profile.timeDeltas;
profile.samples.forEach((id, i) => {
  const { functionName, url } = byId.get(id).callFrame;
  const key = `${functionName || "(anonymous)"}  ${url.split("/").pop()}`;
  selfUs.set(key, (selfUs.get(key) ?? 0) + (deltas[i + 1] ?? 0));
});
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
console.log(`${contender}: ${count} verifies in ${seconds} s = ${((seconds * 1e6) / count).toFixed(1)} µs per verify`);
console.log("self time per verify (µs), top 30:");
for (const [key, us] of [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
  console.log(`  ${(us / count).toFixed(2).padStart(7)}  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
}
