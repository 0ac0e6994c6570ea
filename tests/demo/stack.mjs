// Test helpers for the demo: runs the demo command's stack (`scripts/demo.sh --no-build`: the
// emulator with the demo config, oidc-provider, the www/ server) on free loopback ports, and a
// headless Chromium (tests/e2e/support.mjs) whose pages report errors and save screenshots as test
// artifacts.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { Socket, createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before } from 'node:test';

import { REPO_ROOT, launchChromium } from '../e2e/support.mjs';

export { countRequests } from '../e2e/support.mjs';
export const ARTIFACTS = join(REPO_ROOT, 'target', 'test-artifacts', 'demo');

async function freePort() {
  const server = createServer();
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

/**
 * Starts `scripts/demo.sh --no-build` in its own process group on free ports. Resolves, once it
 * printed its banner, to {app, emulator, idp, edge (the worker's /app), output(), stop(signal)}.
 */
export async function startDemo() {
  const ports = { DEMO_PORT: await freePort(), DEMO_EMULATOR_PORT: await freePort(), DEMO_IDP_PORT: await freePort(), DEMO_EDGE_PORT: await freePort() };
  const child = spawn(join(REPO_ROOT, 'scripts', 'demo.sh'), ['--no-build'], {
    cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])) },
  });
  const exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
  let output = '';
  child.stderr.on('data', (chunk) => { output += chunk; });
  const urls = await new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`demo.sh printed no banner in 60 s:\n${output}`)), 60_000);
    const found = {};
    createInterface({ input: child.stdout }).on('line', (line) => {
      output += `${line}\n`;
      const match = line.match(/^\s+(App|Emulator|IdP|Edge):\s+(http:\/\/\S+?)\/?(\s|$)/);
      if (match) found[match[1].toLowerCase()] = match[2];
      if (/Ctrl-C stops everything/.test(line)) {
        clearTimeout(timer);
        done(found);
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); fail(new Error(`demo.sh exited (${code}):\n${output}`)); });
  });
  return {
    ...urls,
    ports,
    output: () => output,
    /** Sends `signal` to demo.sh alone (as a terminal's Ctrl-C reaches it) and waits for its exit. */
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, signal);
      const result = await exited;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* the group is gone: nothing left over */ }
      return result;
    },
  };
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function listening(port) {
  return new Promise((done) => {
    const socket = new Socket();
    socket.once('connect', () => { socket.destroy(); done(true); });
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1');
  });
}

/**
 * A page (in a fresh browser context) that records into `errors` every uncaught page error,
 * console error and HTTP error answer, except the favicon the emulator's and the IdP's own pages
 * ask for.
 */
export async function newPage(browser, errors) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // "Failed to load resource" carries no URL; the response handler below reports those.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && new URL(response.url()).pathname !== '/favicon.ico') {
      errors.push(`HTTP ${response.status()}: ${response.url()}`);
    }
  });
  return page;
}

/** Saves a PNG of the page (`fullPage: false`: only the 1280x900 viewport) as a test artifact. */
export async function screenshot(page, name, { fullPage = true } = {}) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** Opens an SPA route and waits until the page rendered it. */
export async function open(page, app, path) {
  await page.goto(`${app}${path}`);
  await page.waitForSelector(`main[data-ready="${path}"]`);
}

/**
 * Registers before/after hooks that start the demo stack and a browser for this test file; the
 * returned object gets {demo, browser, config (the app's /demo-config.json)} once they run.
 */
export function useDemo() {
  const ctx = {};
  before(async () => {
    ctx.demo = await startDemo();
    ctx.browser = await launchChromium();
    ctx.config = await (await fetch(`${ctx.demo.app}/demo-config.json`)).json();
  });
  after(async () => {
    await ctx.browser?.close();
    await ctx.demo?.stop('SIGTERM');
  });
  return ctx;
}
