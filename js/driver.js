// The package's one verification driver. The wasm core (RawVerifier / RawVerification,
// src/bindings/verifier.rs) decides every step of a verification and does no I/O; this file
// executes the steps it returns: a signature check, a key import, a JWKS fetch (shared by every
// verification that waits for it), then customJwtCheck (docs/decisions/0008-one-driver.md).
// It imports nothing, so the wasm tests (tests/common/mod.rs) drive the core with it as well.

const STEP_VERIFY = 0;
const STEP_IMPORT = 1;
const STEP_FETCH = 2;
const STEP_WAIT = 3;
// the fetch errors RawVerifier.fetchError makes
const FETCH_FAILED = 0;
const FETCH_TIMEOUT = 1;
const FETCH_STATUS = 2;
const FETCH_TOO_LARGE = 3;

/** The signature algorithm of RS256/384/512 in WebCrypto (the hash is the key's). */
export const rsa = { name: "RSASSA-PKCS1-v1_5" };

/**
 * The runtime's synchronous signature check, when an entry point installed one with
 * `useSignatureCheck` (the Node entries: node:crypto, ./node-crypto.js): `(cryptoKey, signature,
 * data)` returns whether the signature is valid. Without one, or when it throws, WebCrypto checks.
 */
export let signatureCheck;

/** @internal For the entry points only: the signature step of every verification. */
export function useSignatureCheck(check) {
  signatureCheck = check;
}

/** The signature step: the installed check, else (or when it throws) `crypto.subtle.verify`. */
function checkSignature(key, signature, data) {
  if (signatureCheck !== undefined) {
    try {
      return signatureCheck(key, signature, data);
    } catch {
      // WebCrypto decides
    }
  }
  return globalThis.crypto.subtle.verify(rsa, key, signature, data);
}

/**
 * Errors thrown by a caller's customJwtCheck: they travel unchanged, and this set tells them
 * apart from the core's (which the wrapper converts into its error classes).
 */
export const callerErrors = new WeakSet();

/**
 * What the driver keeps per verifier: the core's `raw` verifier, each options entry's `fetch` and
 * `customJwtCheck` (in the order of `options`, one entry or an array of them) and the JWKS
 * fetches in flight, by URI (a promise of the fetch's outcome: `undefined` or its error).
 */
export function driverOf(raw, options) {
  const entries = Array.isArray(options) ? options : [options];
  return { raw, hooks: entries.map((o) => ({ fetch: o?.fetch, customJwtCheck: o?.customJwtCheck })), inFlight: new Map() };
}

/**
 * Verifies `token` with the verifier of `host` (`driverOf`) and verify-time `overrides`: the
 * payload, or a rejection with the core's error as the wasm made it (the wrapper converts it), a
 * fetch's error, or what customJwtCheck threw.
 */
export function verifyWith(host, token, overrides) {
  try {
    return drive(host, host.raw.verify(token, overrides), overrides?.customJwtCheck);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Runs the steps of verification `v` (a RawVerification) to the end, then frees it: its wasm
 * memory (the token, its decoded parts) is returned at once, never left to the garbage collector,
 * which does not see wasm memory and could let junk tokens pile up in it.
 */
export async function drive(host, v, customJwtCheck) {
  try {
    return await steps(host, v, customJwtCheck);
  } finally {
    v.free();
  }
}

async function steps(host, v, customJwtCheck) {
  let input;
  for (;;) {
    switch (v.next(input, Date.now())) {
      case STEP_VERIFY:
        input = await settled(() => checkSignature(v.key, v.signature, v.data));
        break;
      case STEP_IMPORT:
        input = await settled(() => globalThis.crypto.subtle.importKey("jwk", v.jwk, { ...rsa, hash: v.hash }, false, ["verify"]));
        break;
      case STEP_FETCH:
        input = await fetchJwks(host, v.config);
        break;
      case STEP_WAIT:
        input = await host.inFlight.get(v.uri);
        break;
      default:
        return done(host, v, customJwtCheck);
    }
  }
}

/** What `step()` gave (a value or a promise of one), or `null` when it threw or rejected. */
async function settled(step) {
  try {
    return await step();
  } catch {
    return null;
  }
}

/** A verified token: its payload, once the customJwtCheck of the call or of its pool passed. */
async function done(host, v, customJwtCheck) {
  const payload = JSON.parse(v.payload);
  const check = customJwtCheck ?? host.hooks[v.pool]?.customJwtCheck;
  if (check !== undefined) {
    try {
      await check({ header: JSON.parse(v.header), payload, jwk: v.jwk });
    } catch (error) {
      if (error !== null && (typeof error === "object" || typeof error === "function")) callerErrors.add(error);
      throw error;
    }
  }
  return payload;
}

/**
 * Fetches the JWKS of every configured issuer at once (`hydrate()`). Settles when all are over:
 * resolves when each pool has at least one JWKS loaded (a Cognito pool has two issuer hosts, and a
 * network may let only one through), else rejects with the first failure of the first pool that
 * has none.
 */
export async function hydrate(host) {
  const { raw, inFlight } = host;
  const fetches = Array.from(raw.jwksTargets(), (config) => {
    const { pool, uri } = raw.fetchPlan(config);
    return { pool, outcome: raw.startFetch(config) ? fetchJwks(host, config) : inFlight.get(uri) };
  });
  const failures = new Map();
  const loaded = new Set();
  for (const { pool, outcome } of fetches) {
    const error = await outcome;
    if (error === undefined) loaded.add(pool);
    else if (!failures.has(pool)) failures.set(pool, error);
  }
  for (const [pool, error] of failures) if (!loaded.has(pool)) throw error;
}

/**
 * Runs the fetch of configuration `config`'s JWKS that the core marked in flight, registered for
 * its waiters until it is over: the outcome, `undefined` or the error (the core has recorded it:
 * new keys, or the penalty box).
 */
function fetchJwks(host, config) {
  const { raw, hooks, inFlight } = host;
  const plan = raw.fetchPlan(config);
  let settle;
  const outcome = new Promise((resolve) => (settle = resolve));
  inFlight.set(plan.uri, outcome);
  (async () => {
    try {
      const fetchFn = hooks[plan.pool]?.fetch ?? globalThis.fetch;
      const body = await getDocument(raw, fetchFn, plan.uri, plan);
      const jwks = plan.discover ? await getDocument(raw, fetchFn, raw.discovered(config, body), plan) : body;
      raw.fetched(config, jwks, Date.now());
      return undefined;
    } catch (error) {
      raw.fetchFailed(config, Date.now());
      return error;
    }
  })().then((result) => {
    inFlight.delete(plan.uri);
    settle(result);
  });
  return outcome;
}

/**
 * GETs `url` with `fetchFn` within `timeoutMs`, and returns a 200 body of at most `maxBytes` (the
 * cap holds while the body streams in). Rejects with the core's fetch error: timed out, a status,
 * too large, or failed with the exception as its `cause`.
 */
async function getDocument(raw, fetchFn, url, { timeoutMs, maxBytes }) {
  let failure;
  const fail = (kind, value) => {
    failure = raw.fetchError(kind, value);
    return failure;
  };
  try {
    return await fetchWithin(
      fetchFn,
      url,
      {},
      timeoutMs,
      (response) => {
        const { status } = response;
        if (status !== 200) throw fail(FETCH_STATUS, typeof status === "number" ? status : 0);
        return readCapped(response, maxBytes, () => fail(FETCH_TOO_LARGE, maxBytes));
      },
      () => fail(FETCH_TIMEOUT, timeoutMs),
    );
  } catch (cause) {
    if (failure !== undefined) throw failure;
    const error = fail(FETCH_FAILED, 0);
    error.cause = cause;
    throw error;
  }
}

/** The body of `response` as bytes; throws `tooLarge()` once it passes `max` bytes. */
async function readCapped(response, max, tooLarge) {
  const { body } = response;
  if (body === null || typeof body !== "object") {
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length > max) throw tooLarge();
    return bytes;
  }
  const reader = body.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!(value instanceof Uint8Array)) throw new TypeError("the body is not bytes");
    total += value.length;
    if (total > max) {
      Promise.resolve()
        .then(() => reader.cancel())
        .catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/**
 * `fetchFn(url, init)` then `read(response)`, both within `ms`: on expiry the request is aborted
 * and the promise rejects with `timeoutError()` (a timer is raced as well, in case a custom fetch
 * ignores the signal, or headers arrive with a body that never ends).
 */
export function fetchWithin(fetchFn, url, init, ms, read, timeoutError = () => new Error("timeout")) {
  const controller = new AbortController();
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(timeoutError());
    }, ms);
  });
  const exchange = Promise.resolve()
    .then(() => fetchFn(url, { ...init, signal: controller.signal }))
    .then(read);
  return Promise.race([exchange, timeout]).finally(() => clearTimeout(timer));
}
