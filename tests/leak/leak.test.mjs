// Leak check: 100,000 verifications (valid and rejected tokens mixed, one verifier, JWKS
// injected) in Node and in headless Chromium through the installed package. The wasm memory is
// reported before (after a warm-up) and after; growing by more than a small constant fails.
import { describe, test } from "node:test";
import assert from "node:assert/strict";

import { fixtures, runtimes } from "../faults/harness.mjs";

const N = Number(process.env.LEAK_VERIFICATIONS ?? 100_000);
// Linear memory grows in 64 KiB pages: allow a few for allocator slack, far below what even
// 16 bytes kept per verification would cost (N * 16 = 1.6 MB).
const MAX_GROWTH = 4 * 64 * 1024;

for (const [runtime, start] of runtimes) {
  describe(runtime, () => {
    test(`${N} verifications keep wasm memory flat`, async () => {
      const env = await start();
      try {
        const r = await env.run("leak", { fixtures, n: N });
        console.log(
          `leak ${runtime}: ${r.n} verifications in ${r.ms} ms, wasm memory ${r.before} -> ${r.after} bytes (${r.after - r.before >= 0 ? "+" : ""}${r.after - r.before})`,
        );
        // the first 2 of the 6 tokens in rotation are valid: every verification really ran
        assert.equal(r.valid, 2 * Math.floor(N / 6) + Math.min(N % 6, 2));
        assert.ok(r.after - r.before <= MAX_GROWTH, `wasm memory grew by ${r.after - r.before} bytes`);
      } finally {
        await env.close();
      }
    });
  });
}
