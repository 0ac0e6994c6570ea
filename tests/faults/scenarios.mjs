// JWKS fault scenarios and the leak workload. Runs unchanged in Node and in a Chromium page (no
// Node APIs): `runner({ lib, memory })` returns `run(name, args)`, which resolves to plain
// observations (codes, request counts, times, memory sizes) that the node:test files assert on.

/** `{code}` of a rejection, or `{code: null}` on success. */
async function outcome(promise) {
  try {
    await promise;
    return { code: null };
  } catch (error) {
    return { code: error.code ?? `uncoded ${error.name}: ${error.message}` };
  }
}

const b64url = (text) => btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

/** `token` with its header's kid replaced (signature left as is: the kid lookup comes first). */
function withKid(token, kid) {
  const [, payload, signature] = token.split(".");
  return `${b64url(JSON.stringify({ kid, alg: "RS256" }))}.${payload}.${signature}`;
}

const tokenNamed = (fixtures, name) => fixtures.cases.find((c) => c.name === name).token;
const hits = async (jwksBase, route) => (await (await fetch(`${jwksBase}/hits/${route}`)).json()).hits;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function runner({ lib, memory }) {
  const create = (fixtures, options) => lib.CognitoJwtVerifier.create({ ...fixtures.verifier, ...options });

  /** One verification against a faulty JWKS route; the second one must not fetch again. */
  async function faultyJwks({ fixtures, jwksBase, route, options = {} }) {
    const verifier = create(fixtures, { jwksUri: `${jwksBase}/${route}/jwks.json`, ...options });
    const token = tokenNamed(fixtures, "valid access token");
    const started = Date.now();
    const first = await outcome(verifier.verify(token));
    const ms = Date.now() - started;
    const second = await outcome(verifier.verify(token));
    return { first: first.code, second: second.code, ms, hits: await hits(jwksBase, route) };
  }

  /** A JWKS that fails once, then recovers: rejected in the penalty window, accepted after it. */
  async function recovers({ fixtures, jwksBase, route }) {
    const verifier = create(fixtures, { jwksUri: `${jwksBase}/${route}/jwks.json`, penaltyBoxSeconds: 1 });
    const token = tokenNamed(fixtures, "valid access token");
    const codes = [(await outcome(verifier.verify(token))).code, (await outcome(verifier.verify(token))).code];
    await sleep(1100);
    codes.push((await outcome(verifier.verify(token))).code);
    return { codes, hits: await hits(jwksBase, route) };
  }

  /** Floods of unknown kids (concurrent, then sequential) around one penalty window. */
  async function unknownKidFlood({ fixtures, jwksBase, route, size }) {
    const verifier = create(fixtures, { jwksUri: `${jwksBase}/${route}/jwks.json`, penaltyBoxSeconds: 1 });
    const valid = tokenNamed(fixtures, "valid access token");
    const flood = (round) =>
      Array.from({ length: size }, (_, i) => outcome(verifier.verify(withKid(valid, `flood-${round}-${i}`))));
    const count = (results) => {
      const byCode = {};
      for (const { code } of results) byCode[code] = (byCode[code] ?? 0) + 1;
      return byCode;
    };
    const warm = (await outcome(verifier.verify(valid))).code;
    const afterWarm = await hits(jwksBase, route);
    const concurrent = count(await Promise.all([...flood(1), outcome(verifier.verify(valid))]));
    const sequential = [];
    for (const pending of flood(2)) sequential.push(await pending);
    const duringWindow = await hits(jwksBase, route);
    const knownDuringWindow = (await outcome(verifier.verify(valid))).code;
    await sleep(1100);
    const nextWindow = count(await Promise.all(flood(3)));
    return {
      warm,
      afterWarm,
      concurrent,
      sequential: count(sequential),
      duringWindow,
      knownDuringWindow,
      nextWindow,
      total: await hits(jwksBase, route),
    };
  }

  /** `n` verifications (valid and rejected, mixed) on one verifier; wasm memory before/after. */
  async function leak({ fixtures, n, batch = 200 }) {
    const verifier = create(fixtures, {});
    verifier.cacheJwks(fixtures.jwks);
    const names = ["valid access token", "valid id token", "expired", "tampered signature", "alg none, empty signature", "payload not json"];
    const tokens = names.map((name) => tokenNamed(fixtures, name));
    const round = async (count) => {
      let ok = 0;
      for (let done = 0; done < count; done += batch) {
        const results = await Promise.all(
          Array.from({ length: Math.min(batch, count - done) }, (_, i) => outcome(verifier.verify(tokens[(done + i) % tokens.length]))),
        );
        ok += results.filter((r) => r.code === null).length;
      }
      return ok;
    };
    await round(5_000); // warm-up: key import, caches, allocator high-water mark
    const before = await memory();
    const started = Date.now();
    const valid = await round(n);
    return { n, valid, before, after: await memory(), ms: Date.now() - started };
  }

  const scenarios = { faultyJwks, recovers, unknownKidFlood, leak };
  return (name, args) => scenarios[name](args);
}
