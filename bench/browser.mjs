// Serves page.html with the installed cognito-wasm, jose and aws-jwt-verify on loopback and opens
// it in headless Chromium (playwright-core driving the system Chromium; nothing is downloaded).
import { createServer } from "node:http";
import { readFileSync, statSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

/** The folder of a package's ES module entry point (resolved from here). */
export const entryDir = (name) => dirname(fileURLToPath(import.meta.resolve(name)));

const types = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm" };

/**
 * Runs `fn(page)` with page.html loaded and its module evaluated (globalThis.bench/prepare set).
 * `pkg` is the cognito-wasm folder served as /pkg/ (default: the installed package); `baseline`,
 * another build of it served as /baseline/ (the page then benches it too).
 */
export async function withBenchPage(fn, pkg = entryDir("cognito-wasm"), baseline = undefined) {
  const roots = {
    "/bench/": dirname(fileURLToPath(import.meta.url)),
    "/pkg/": pkg,
    ...(baseline && { "/baseline/": baseline }),
    "/jose/": entryDir("jose"),
    "/aws-jwt-verify/": entryDir("aws-jwt-verify"),
  };
  const server = createServer((request, response) => {
    const path = new URL(request.url, "http://x").pathname;
    const prefix = Object.keys(roots).find((p) => path.startsWith(p));
    const file = prefix && join(roots[prefix], path.slice(prefix.length));
    if (!file || !file.startsWith(roots[prefix]) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
    response.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error));
    page.on("response", (response) => response.status() >= 400 && errors.push(new Error(`${response.status()} ${response.url()}`)));
    await page.goto(`http://127.0.0.1:${server.address().port}/bench/page.html${baseline ? "?baseline" : ""}`);
    await page.waitForFunction(() => typeof globalThis.bench === "function" || null, null, { timeout: 15000 }).catch((error) => {
      throw errors[0] ?? error;
    });
    return await fn(page);
  } finally {
    await browser.close();
    server.closeAllConnections();
    server.close();
  }
}
