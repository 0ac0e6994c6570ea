// Shared helpers for the Node tests that run against the real emulator binary.
//
// The binary comes from $COGNITO_EMULATOR_BIN, else $CARGO_TARGET_DIR/debug/cognito-emulator, else
// target/debug/cognito-emulator (build it first: `cargo build -p cognito-emulator`).
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export const EMULATOR_BIN = process.env.COGNITO_EMULATOR_BIN
  ?? join(resolve(REPO_ROOT, process.env.CARGO_TARGET_DIR ?? 'target'), 'debug', 'cognito-emulator');

/** Reads the first stdout line of a child process (its base URL), failing if it exits first or
 * stays silent for `timeoutMs`. */
export function firstLine(child, what, timeoutMs = 30_000) {
  return new Promise((resolvePromise, reject) => {
    const lines = createInterface({ input: child.stdout });
    const onExit = (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before printing its URL`));
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} printed no URL within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', onExit);
    lines.once('line', (line) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      // Keep draining stdout so a chatty child never blocks on a full pipe.
      lines.on('line', () => {});
      resolvePromise(line.trim());
    });
  });
}

/**
 * Starts the emulator with `config` (an object, written to a temporary JSON file) or with the
 * config file at `configPath`. Returns { url, child, stop() }.
 */
export async function startEmulator({ config, configPath, args = [] } = {}) {
  if (!existsSync(EMULATOR_BIN)) {
    throw new Error(`emulator binary not found at ${EMULATOR_BIN}: run \`cargo build -p cognito-emulator\` or set COGNITO_EMULATOR_BIN`);
  }
  let dir;
  if (config) {
    dir = mkdtempSync(join(tmpdir(), 'cognito-emulator-'));
    configPath = join(dir, 'config.json');
    writeFileSync(configPath, JSON.stringify(config, null, 2));
  }
  const configArgs = configPath ? ['--config', configPath] : [];
  const child = spawn(EMULATOR_BIN, [...configArgs, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolvePromise) => child.once('exit', resolvePromise));
  let url;
  try {
    url = await firstLine(child, 'emulator');
  } catch (error) {
    if (dir) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** POSTs form fields and returns the fetch Response (redirects are not followed). */
export function postForm(url, fields, headers = {}) {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

/**
 * An `/oauth2/authorize` URL for the code flow with a fresh PKCE S256 pair; `params` adds to or
 * overrides the defaults. Returns { url, verifier }.
 */
export function authorizeUrl(baseUrl, params) {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL('/oauth2/authorize', baseUrl);
  const query = {
    response_type: 'code',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...params,
  };
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return { url: url.href, verifier };
}

/** Redeems an authorization code at `/oauth2/token` as a public PKCE client; returns the tokens. */
export async function redeemCode(baseUrl, { clientId, code, redirectUri, verifier }) {
  const response = await postForm(`${baseUrl}/oauth2/token`, {
    grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: redirectUri, code_verifier: verifier,
  });
  if (response.status !== 200) throw new Error(`token endpoint: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Decodes a JWT's payload without verifying it (for assertions on claims). */
export function decodePayload(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

/** Decodes a JWT's protected header. */
export function decodeHeader(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString('utf8'));
}
