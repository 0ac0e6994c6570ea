// Runs tests/faults/scenarios.mjs in Node and in headless Chromium against the installed package
// (tests/e2e/support.mjs: packageDir(), static server, Chromium), with a loopback JWKS server
// that misbehaves on request. Shared by tests/faults/ and tests/leak/.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import { REPO_ROOT, launchChromium, packageDir, startStatic } from "../e2e/support.mjs";
import { runner } from "./scenarios.mjs";

export const fixtures = JSON.parse(readFileSync(join(REPO_ROOT, "tests/fixtures/tokens.json"), "utf8"));

/**
 * A JWKS server on 127.0.0.1 (CORS open, for the page). GET /MODE/ID/jwks.json answers by MODE:
 * ok (the fixture JWKS), 500, garbage (200, not JSON), huge (200, 8 MiB streamed), hang (never
 * answers), flaky (500 the first time, then ok). GET /hits/MODE/ID counts the requests of a route.
 */
export async function startJwksServer() {
  const hits = new Map();
  const jwks = JSON.stringify(fixtures.jwks);
  const server = createServer((request, response) => {
    response.setHeader("access-control-allow-origin", "*");
    const parts = new URL(request.url, "http://x").pathname.split("/").filter(Boolean);
    if (parts[0] === "hits") {
      response.end(JSON.stringify({ hits: hits.get(`${parts[1]}/${parts[2]}`) ?? 0 }));
      return;
    }
    const [mode, id] = parts;
    const route = `${mode}/${id}`;
    hits.set(route, (hits.get(route) ?? 0) + 1);
    const first = hits.get(route) === 1;
    if (mode === "ok" || (mode === "flaky" && !first)) response.end(jwks);
    else if (mode === "500" || mode === "flaky") response.writeHead(500).end("internal error");
    else if (mode === "garbage") response.end("<html>\u0000\uFFFD not json");
    else if (mode === "huge") {
      const chunk = Buffer.alloc(64 * 1024, "[");
      let sent = 0;
      const pump = () => {
        while (sent < 128 && !response.destroyed) {
          sent += 1;
          if (!response.write(chunk)) return response.once("drain", pump);
        }
        response.end();
      };
      response.on("error", () => {});
      pump();
    } else if (mode !== "hang") response.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** `run(name, args)` in this Node process, over the installed package's Node entry. */
export async function nodeRunner() {
  const pkg = packageDir();
  const lib = await import(pathToFileURL(join(pkg, "node.js")).href);
  const glue = await import(pathToFileURL(join(pkg, "cognito_wasm.js")).href);
  return runner({ lib, memory: async () => glue.initSync().memory.buffer.byteLength });
}

/** `run(name, args)` in a headless Chromium page, plus `close()`. */
export async function chromiumRunner() {
  const dir = join(REPO_ROOT, "tests/faults");
  const site = await startStatic({ page: "tests/faults/page.html", mounts: { "/pkg/": packageDir(), "/faults/": dir } });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error));
    await page.goto(`${site.url}/`);
    await page.waitForFunction(() => globalThis.hardening, null, { timeout: 15_000 }).catch((error) => {
      throw errors[0] ?? error;
    });
    return {
      run: (name, args) => page.evaluate(([n, a]) => globalThis.hardening.run(n, a), [name, args]),
      close: async () => {
        await browser.close();
        await site.close();
      },
    };
  } catch (error) {
    await browser.close();
    await site.close();
    throw error;
  }
}

/** Runtimes to run a suite in: [name, () => Promise<{run, close}>]. */
export const runtimes = [
  ["node", async () => ({ run: await nodeRunner(), close: async () => {} })],
  ["chromium", chromiumRunner],
];
