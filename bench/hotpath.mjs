// Where the hot path's time goes in Chromium, part by part (not a test; run after `npm run bench`,
// which installs the package into bench/out/):   node bench/out/hotpath.mjs [package dir]
//
// 1. The synchronous steps of one cognito-wasm verify, each timed alone over 200,000 calls:
//    TextEncoder.encodeInto of the token into wasm memory, RawVerifier.fastStart (every check but
//    the signature), and TextDecoder + JSON.parse of the payload.
// 2. Whether work around crypto.subtle.verify overlaps with it: the floor alone, a busy loop alone,
//    and the loop run before or after starting the verify. If the verify ran off the page's
//    thread, "after" would cost less than "before".
// Best of 5 rounds each, in µs.
import { resolve } from "node:path";
import { withBenchPage } from "./browser.mjs";

const [dir] = process.argv.slice(2);

const figures = await withBenchPage(
  (page) =>
    page.evaluate(async () => {
      const { alg, clientId, makeToken, unb64url, userPoolId } = await import("/bench/core.mjs");
      const glue = await import("/pkg/cognito_wasm.js"); // the instance web.js initialised
      const driver = await import("/pkg/driver.js");
      const { subtle } = crypto;
      const { token, jwks } = await makeToken();
      const best = {};
      const time = (name, n, f) => {
        for (let i = 0; i < n / 10; i += 1) f();
        const start = performance.now();
        for (let i = 0; i < n; i += 1) f();
        best[name] = Math.min(best[name] ?? Infinity, ((performance.now() - start) * 1000) / n);
      };
      const timeAsync = async (name, n, f) => {
        const start = performance.now();
        for (let i = 0; i < n; i += 1) await f();
        best[name] = Math.min(best[name] ?? Infinity, ((performance.now() - start) * 1000) / n);
      };

      // 1. the synchronous steps
      const options = { userPoolId, tokenUse: "access", clientId, jwksUri: "https://jwks.invalid/" };
      const raw = glue.RawVerifier.cognito(options);
      raw.cacheJwks(jwks);
      await driver.verifyWith(driver.driverOf(raw, options), token); // imports the key
      const hot = (started) => started instanceof CryptoKey; // not a RawVerification or an Error
      const memory = glue.wasmMemory();
      const encoder = new TextEncoder();
      const decoder = new TextDecoder();
      const input = () => new Uint8Array(memory.buffer, glue.fastScratch(), glue.fastMaxUnits() * 3);
      let written = encoder.encodeInto(token, input()).written;
      if (!hot(raw.fastStart(written, Date.now()))) throw new Error("fastStart refused the bench token");
      const out = () => new Uint32Array(memory.buffer, glue.fastOut(), 6);
      const view = input();
      for (let round = 0; round < 5; round += 1) {
        time("encodeInto (token into wasm memory)", 200_000, () => {
          written = encoder.encodeInto(token, view).written;
        });
        time("RawVerifier.fastStart (all checks but the signature)", 200_000, () => {
          if (!hot(raw.fastStart(written, Date.now()))) throw new Error("fastStart refused");
        });
        const [, , , , at, length] = out();
        time("TextDecoder + JSON.parse (the payload)", 200_000, () => JSON.parse(decoder.decode(new Uint8Array(memory.buffer, at, length))));
      }

      // 2. overlap around crypto.subtle.verify: a loop of about 4 µs (calibrated here)
      const key = await subtle.importKey("jwk", jwks.keys[0], alg, false, ["verify"]);
      const [h, p, s] = token.split(".");
      const data = encoder.encode(`${h}.${p}`);
      const signature = unb64url(s);
      let sink = 0;
      const spin = (n) => {
        let x = 0;
        for (let i = 0; i < n; i += 1) x = (x * 31 + i) | 0;
        sink ^= x;
      };
      const calibration = 20_000_000;
      const started = performance.now();
      spin(calibration);
      const perUs = calibration / ((performance.now() - started) * 1000);
      const loop = () => spin(4 * perUs);
      for (let round = 0; round < 5; round += 1) {
        await timeAsync("crypto.subtle.verify alone (the floor)", 3000, () => subtle.verify(alg, key, signature, data));
        await timeAsync("busy loop alone", 3000, async () => loop());
        await timeAsync("busy loop, then crypto.subtle.verify", 3000, () => {
          loop();
          return subtle.verify(alg, key, signature, data);
        });
        await timeAsync("crypto.subtle.verify started, then busy loop", 3000, () => {
          const pending = subtle.verify(alg, key, signature, data);
          loop();
          return pending;
        });
      }
      return { best, sink };
    }),
  dir && resolve(dir),
);

console.log("Chromium (headless), µs, best of 5 rounds");
for (const [name, us] of Object.entries(figures.best)) console.log(`  ${name.padEnd(56)} ${us.toFixed(2).padStart(7)}`);
