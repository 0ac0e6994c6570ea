// Fault injection on the JWKS endpoint, in Node and in headless Chromium through the installed
// package: 500, garbage, a huge body, a hang (the default timeout fires), a failure that recovers
// after the penalty window, and floods of unknown kids (at most one fetch per penalty window).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import { fixtures, runtimes, startJwksServer } from "./harness.mjs";

let jwks;
before(async () => {
  jwks = await startJwksServer();
});
after(() => jwks.close());

for (const [runtime, start] of runtimes) {
  describe(runtime, () => {
    let env;
    before(async () => {
      env = await start();
    });
    after(() => env.close());
    const faulty = (mode, options) =>
      env.run("faultyJwks", { fixtures, jwksBase: jwks.url, route: `${mode}/${runtime}`, options });

    test("500: FetchError status, then the penalty box without a second request", async () => {
      const r = await faulty("500");
      assert.deepEqual([r.first, r.second, r.hits], ["ERR_FETCH_STATUS", "ERR_JWKS_PENALTY_BOX", 1]);
    });

    test("garbage body: invalid JWKS, then the penalty box", async () => {
      const r = await faulty("garbage");
      assert.deepEqual([r.first, r.second, r.hits], ["ERR_JWKS_INVALID", "ERR_JWKS_PENALTY_BOX", 1]);
    });

    test("8 MiB body: cut at jwksMaxBytes while streaming", async () => {
      const r = await faulty("huge");
      assert.deepEqual([r.first, r.second, r.hits], ["ERR_FETCH_TOO_LARGE", "ERR_JWKS_PENALTY_BOX", 1]);
      assert.ok(r.ms < 2_500, `${r.ms} ms`);
    });

    test("hanging endpoint: the default 3 s timeout fires", async () => {
      const r = await faulty("hang");
      assert.deepEqual([r.first, r.second, r.hits], ["ERR_FETCH_TIMEOUT", "ERR_JWKS_PENALTY_BOX", 1]);
      assert.ok(r.ms >= 2_900 && r.ms < 6_000, `${r.ms} ms`);
    });

    test("a failed fetch is retried after the penalty window", async () => {
      const r = await env.run("recovers", { fixtures, jwksBase: jwks.url, route: `flaky/${runtime}` });
      assert.deepEqual(r, { codes: ["ERR_FETCH_STATUS", "ERR_JWKS_PENALTY_BOX", null], hits: 2 });
    });

    test("unknown-kid floods: one fetch per penalty window, known kids unaffected", async () => {
      const size = 300;
      const r = await env.run("unknownKidFlood", { fixtures, jwksBase: jwks.url, route: `ok/${runtime}`, size });
      assert.equal(r.warm, null);
      assert.equal(r.afterWarm, 1);
      // concurrent: one refetch shared by all, every unknown kid refused, the known one accepted
      const concurrent = (r.concurrent.ERR_JWKS_KID_NOT_FOUND ?? 0) + (r.concurrent.ERR_JWKS_PENALTY_BOX ?? 0);
      assert.deepEqual([concurrent, r.concurrent.null], [size, 1]);
      assert.deepEqual(r.sequential, { ERR_JWKS_PENALTY_BOX: size });
      assert.equal(r.duringWindow, 2);
      assert.equal(r.knownDuringWindow, null);
      // the next window allows exactly one more fetch
      assert.equal(r.total, 3);
      assert.equal((r.nextWindow.ERR_JWKS_KID_NOT_FOUND ?? 0) + (r.nextWindow.ERR_JWKS_PENALTY_BOX ?? 0), size);
    });
  });
}
