// The packed package, imported as a user would (`import ... from "cognito-wasm"`), verifying tokens
// signed by jose with the JWKS served from a loopback HTTP server.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { decodeProtectedHeader } from "jose";
import {
  CognitoJwtVerifier,
  JwtVerifier,
  JwtBaseError,
  FailedAssertionError,
  FetchError,
  JwkInvalidUseError,
  JwkValidationError,
  JwtInvalidClaimError,
  JwtExpiredError,
  JwtInvalidSignatureError,
  KidNotFoundInJwksError,
  NonRetryableFetchError,
  ParameterValidationError,
  WaitPeriodNotYetEndedJwkError,
} from "cognito-wasm";
import {
  claims,
  clientId,
  errorText,
  issuer,
  jwksServer,
  withJwksServer,
  makeKey,
  now,
  rejection,
  sign,
  spyOnVerifies,
  tamperSignature,
  thrown,
  tokenPieces,
  userPoolId,
} from "./helpers.mjs";

const keys = {};
let server;

before(async () => {
  [keys.a, keys.b, keys.ghost] = await Promise.all([makeKey("key-a"), makeKey("key-b"), makeKey("key-ghost")]);
  server = await jwksServer([keys.a]);
});
after(() => server.close());

/** Wraps `object[name]` for the test `t`, calling `seen(result)` after each call. */
function spyOn(t, object, name, seen) {
  const original = object[name];
  object[name] = function (...args) {
    const result = original.apply(this, args);
    seen(result);
    return result;
  };
  t.after(() => {
    object[name] = original;
  });
}

const accessVerifier = (extra = {}) =>
  CognitoJwtVerifier.create({ userPoolId, tokenUse: "access", clientId, jwksUri: server.url, ...extra });

describe("valid tokens", () => {
  test("an access token verifies to its payload; the JWKS is fetched once for many verifies", async () => {
    const verifier = accessVerifier();
    const payload = claims("access");
    const token = await sign(keys.a, payload);
    const before = server.state.hits;
    for (let i = 0; i < 5; i += 1) assert.deepEqual(await verifier.verify(token), payload);
    assert.equal(server.state.hits - before, 1);
  });

  test("an ID token verifies, with clientId as a list and groups any-of", async () => {
    const verifier = CognitoJwtVerifier.create({
      userPoolId,
      tokenUse: "id",
      clientId: ["other-client", clientId],
      groups: ["nobody", "admins"],
      jwksUri: server.url,
    });
    const payload = claims("id", { "custom:tenant_id": "42" });
    assert.deepEqual(await verifier.verify(await sign(keys.a, payload)), payload);
  });

  test("tokenUse and clientId may come per call instead of at creation", async () => {
    const verifier = CognitoJwtVerifier.create({ userPoolId, jwksUri: server.url });
    const payload = claims("id");
    assert.deepEqual(await verifier.verify(await sign(keys.a, payload), { tokenUse: "id", clientId }), payload);
    const error = await rejection(verifier.verify(await sign(keys.a, payload)));
    assert.ok(error instanceof ParameterValidationError);
    assert.equal(error.code, "ERR_PARAM_MISSING_TOKEN_USE");
  });

  test("hydrate() fetches the JWKS up front; verify then needs no fetch", async () => {
    const verifier = accessVerifier();
    const before = server.state.hits;
    await verifier.hydrate();
    assert.equal(server.state.hits - before, 1);
    await verifier.verify(await sign(keys.a, claims("access")));
    assert.equal(server.state.hits - before, 1);
  });

  test("hydrate() resolves when one of a pool's two issuer hosts is unreachable, and rejects when both are", async () => {
    const requested = [];
    /** Serves keys.a for the pools in `serving` on the original issuer host; every other URL fails. */
    const fetchFor = (serving) => async (url) => {
      requested.push(String(url));
      const pool = serving.find((id) => String(url) === `https://cognito-idp.${id.split("_")[0]}.amazonaws.com/${id}/.well-known/jwks.json`);
      if (pool === undefined) throw new TypeError("egress denied");
      return new Response(JSON.stringify({ keys: [keys.a.jwk] }));
    };
    const verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: "access", clientId, fetch: fetchFor([userPoolId]) });
    await verifier.hydrate();
    assert.deepEqual(requested.sort(), [`${issuer}/.well-known/jwks.json`, `${issuer.replace("//cognito-idp.", "//issuer-cognito-idp.")}/.well-known/jwks.json`]);
    const payload = claims("access");
    assert.deepEqual(await verifier.verify(await sign(keys.a, payload)), payload);
    assert.equal(requested.length, 2);

    const blocked = await rejection(CognitoJwtVerifier.create({ userPoolId, tokenUse: "access", clientId, fetch: fetchFor([]) }).hydrate());
    assert.ok(blocked instanceof FetchError);
    assert.equal(blocked.code, "ERR_FETCH");
    assert.equal(blocked.cause.message, "egress denied");

    // several pools: each needs one of its key sets; a pool with none fails hydrate()
    const other = "eu-west-1_OtherPool2";
    const pools = (serving) =>
      CognitoJwtVerifier.create(
        [userPoolId, other].map((id) => ({ userPoolId: id, tokenUse: "access", clientId, fetch: fetchFor(serving) })),
      );
    await pools([userPoolId, other]).hydrate();
    const half = await rejection(pools([userPoolId]).hydrate());
    assert.ok(half instanceof FetchError);
    assert.equal(half.code, "ERR_FETCH");
  });

  test("cacheJwks() preloads keys: no fetch at all", async () => {
    const verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: "access", clientId, jwksUri: "http://127.0.0.1:9/unused" });
    verifier.cacheJwks({ keys: [keys.b.jwk] });
    const payload = claims("access");
    assert.deepEqual(await verifier.verify(await sign(keys.b, payload)), payload);
  });

  test("a custom fetch function is used instead of globalThis.fetch", async () => {
    const urls = [];
    const fetch = async (url) => {
      urls.push(String(url));
      return new Response(JSON.stringify({ keys: [keys.b.jwk] }), { headers: { "content-type": "application/json" } });
    };
    const verifier = accessVerifier({ jwksUri: "https://jwks.invalid/keys", fetch });
    await verifier.verify(await sign(keys.b, claims("access")));
    assert.deepEqual(urls, ["https://jwks.invalid/keys"]);
  });

  test("graceSeconds tolerates a recently expired token", async () => {
    const token = await sign(keys.a, claims("access", { exp: now() - 5 }));
    assert.ok((await rejection(accessVerifier().verify(token))) instanceof JwtExpiredError);
    assert.equal((await accessVerifier({ graceSeconds: 60 }).verify(token)).token_use, "access");
    assert.equal((await accessVerifier().verify(token, { graceSeconds: 60 })).token_use, "access");
  });

  test("scope allOf requires every scope", async () => {
    const token = await sign(keys.a, claims("access", { scope: "a b c" }));
    assert.equal((await accessVerifier({ scope: { allOf: ["a", "c"] } }).verify(token)).scope, "a b c");
    const error = await rejection(accessVerifier({ scope: { allOf: ["a", "d"] } }).verify(token));
    assert.equal(error.name, "JwtInvalidScopeError");
    assert.equal(error.code, "ERR_JWT_INVALID_SCOPE");
  });

  test("several pools: the token's iss selects the pool", async () => {
    const otherPool = "eu-west-1_OtherPool";
    await withJwksServer(async (other) => {
      const verifier = CognitoJwtVerifier.create([
        { userPoolId, tokenUse: "access", clientId, jwksUri: server.url },
        { userPoolId: otherPool, tokenUse: "id", clientId: "other", jwksUri: other.url },
      ]);
      const mine = claims("access");
      const theirs = claims("id", { iss: `https://cognito-idp.eu-west-1.amazonaws.com/${otherPool}`, aud: "other" });
      assert.deepEqual(await verifier.verify(await sign(keys.a, mine)), mine);
      assert.deepEqual(await verifier.verify(await sign(keys.b, theirs)), theirs);
      const stranger = claims("access", { iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Stranger" });
      const error = await rejection(verifier.verify(await sign(keys.a, stranger)));
      assert.ok(error instanceof ParameterValidationError);
      assert.equal(error.code, "ERR_PARAM_ISSUER_NOT_CONFIGURED");
    }, [keys.b], `/${otherPool}/.well-known/jwks.json`);
  });

  test("JwtVerifier verifies any issuer's tokens (issuer, audience, jwksUri)", async () => {
    await withJwksServer(async (idp) => {
      const verifier = JwtVerifier.create({ issuer: "https://idp.example", audience: "api://default", jwksUri: idp.url });
      const payload = { iss: "https://idp.example", aud: "api://default", sub: "u1", iat: now(), exp: now() + 60 };
      assert.deepEqual(await verifier.verify(await sign(keys.b, payload)), payload);
      const error = await rejection(verifier.verify(await sign(keys.b, { ...payload, aud: "api://other" })));
      assert.equal(error.name, "JwtInvalidAudienceError");
      assert.ok(error instanceof JwtInvalidClaimError);
    }, [keys.b], "/idp/jwks");
  });
});

describe("JWKS cache", () => {
  test("an unknown kid triggers one refetch (key rotation); known kids never do", async () => {
    await withJwksServer(async (rotating) => {
      const verifier = accessVerifier({ jwksUri: rotating.url });
      await verifier.verify(await sign(keys.a, claims("access")));
      assert.equal(rotating.state.hits, 1);
      rotating.state.keys = [keys.a, keys.b];
      await verifier.verify(await sign(keys.b, claims("access")));
      assert.equal(rotating.state.hits, 2);
      await verifier.verify(await sign(keys.a, claims("access")));
      await verifier.verify(await sign(keys.b, claims("access")));
      assert.equal(rotating.state.hits, 2);
    }, [keys.a]);
  });

  test("a kid missing even after a refetch puts the URI in the penalty box", async () => {
    await withJwksServer(async (box) => {
      const verifier = accessVerifier({ jwksUri: box.url, penaltyBoxSeconds: 1 });
      const ghost = await sign(keys.ghost, claims("access"));
      const missing = await rejection(verifier.verify(ghost));
      assert.ok(missing instanceof KidNotFoundInJwksError);
      assert.equal(missing.code, "ERR_JWKS_KID_NOT_FOUND");
      assert.equal(box.state.hits, 1);

      // Inside the window: refused at once, no fetch; known keys keep verifying.
      const waiting = await rejection(verifier.verify(ghost));
      assert.ok(waiting instanceof WaitPeriodNotYetEndedJwkError);
      assert.equal(waiting.code, "ERR_JWKS_PENALTY_BOX");
      assert.equal((await verifier.verify(await sign(keys.a, claims("access")))).token_use, "access");
      assert.equal(box.state.hits, 1);

      // After the window the kid is looked up again, and found once the JWKS lists it.
      box.state.keys = [keys.a, keys.ghost];
      await new Promise((resolve) => setTimeout(resolve, 1100));
      assert.equal((await verifier.verify(ghost)).token_use, "access");
      assert.equal(box.state.hits, 2);
    }, [keys.a]);
  });

  test("concurrent verifies of a cold cache share one fetch", async () => {
    await withJwksServer(async (cold) => {
      const verifier = accessVerifier({ jwksUri: cold.url });
      const tokens = await Promise.all([1, 2, 3, 4].map(() => sign(keys.a, claims("access"))));
      const payloads = await Promise.all(tokens.map((token) => verifier.verify(token)));
      assert.equal(payloads.length, 4);
      assert.equal(cold.state.hits, 1);
    }, [keys.a]);
  });

  test("jwksMaxAgeSeconds makes a cached JWKS expire", async () => {
    await withJwksServer(async (aging) => {
      const verifier = accessVerifier({ jwksUri: aging.url, jwksMaxAgeSeconds: 1 });
      await verifier.verify(await sign(keys.a, claims("access")));
      await verifier.verify(await sign(keys.a, claims("access")));
      assert.equal(aging.state.hits, 1);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await verifier.verify(await sign(keys.a, claims("access")));
      assert.equal(aging.state.hits, 2);
    }, [keys.a]);
  });

  test("an unreachable JWKS is a FetchError", async () => {
    const error = await rejection(accessVerifier({ jwksUri: "http://127.0.0.1:9/jwks.json" }).verify(await sign(keys.a, claims("access"))));
    assert.ok(error instanceof FetchError);
    assert.equal(error.code, "ERR_FETCH");
  });

  test("a non-200 JWKS response is a NonRetryableFetchError", async () => {
    await withJwksServer(async (broken) => {
      broken.state.status = 500;
      const error = await rejection(accessVerifier({ jwksUri: broken.url }).verify(await sign(keys.a, claims("access"))));
      assert.ok(error instanceof NonRetryableFetchError);
      assert.equal(error.code, "ERR_FETCH_STATUS");
      assert.equal(error.name, "NonRetryableFetchError");
    }, [keys.a]);
  });
});

describe("hostile keys in a JWKS", () => {
  // With e = 1, s^e mod n = s: a token whose "signature" is its own EMSA-PKCS1-v1_5 encoded
  // SHA-256 hash verifies under a key nobody holds a private half of (WebCrypto accepts e = 1).
  const b64url = (bytes) => Buffer.from(bytes).toString("base64url");
  const selfSigned = (payload) => {
    const input = `${b64url(JSON.stringify({ alg: "RS256", kid: "e-one" }))}.${b64url(JSON.stringify(payload))}`;
    const digestInfo = Buffer.from("3031300d060960864801650304020105000420", "hex");
    const hash = createHash("sha256").update(input).digest();
    const em = Buffer.alloc(256, 0xff);
    em[0] = 0;
    em[1] = 1;
    em[256 - hash.length - digestInfo.length - 1] = 0;
    Buffer.concat([digestInfo, hash]).copy(em, 256 - hash.length - digestInfo.length);
    return `${input}.${b64url(em)}`;
  };
  const modulus = b64url(Buffer.alloc(256, 0xff));

  for (const e of ["AQ", "Ag", "AAAB"]) {
    test(`a key with e = ${e} (${Buffer.from(e, "base64url").readUIntBE(0, Buffer.from(e, "base64url").length)}) is refused`, async () => {
      const verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: "access", clientId, jwksUri: "http://127.0.0.1:9/unused" });
      verifier.cacheJwks({ keys: [{ kty: "RSA", kid: "e-one", alg: "RS256", use: "sig", n: modulus, e }] });
      const error = await rejection(verifier.verify(selfSigned(claims("access"))));
      assert.ok(error instanceof JwkValidationError, errorText(error));
      assert.equal(error.code, "ERR_JWK_INVALID");
    });
  }

  test("a key whose key_ops lack verify is refused; with verify it is used", async () => {
    const token = await sign(keys.a, claims("access"));
    const withOps = (key_ops) => {
      const verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: "access", clientId, jwksUri: "http://127.0.0.1:9/unused" });
      verifier.cacheJwks({ keys: [{ ...keys.a.jwk, key_ops }] });
      return verifier.verify(token);
    };
    const error = await rejection(withOps(["encrypt"]));
    assert.ok(error instanceof JwkInvalidUseError, errorText(error));
    assert.equal(error.code, "ERR_JWK_INVALID_USE");
    assert.equal((await withOps(["verify"])).token_use, "access");
  });
});

describe("a JWKS change while a key is being imported", () => {
  test("the key whose import outlived the change is not cached (the old key no longer verifies)", async () => {
    // Two keys published under one kid, one after the other (a rotation that reuses the kid).
    const [before, after] = [keys.a, keys.b].map((k) => ({ ...k, kid: "reused", jwk: { ...k.jwk, kid: "reused" } }));
    const verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: "access", clientId, jwksUri: "http://127.0.0.1:9/unused" });
    const [oldToken, newToken] = await Promise.all([sign(before, claims("access")), sign(after, claims("access"))]);
    // WebCrypto's importKey, slowed down so that the JWKS surely changes while it runs.
    const { subtle } = globalThis.crypto;
    assert.ok(!Object.hasOwn(subtle, "importKey"));
    const original = subtle.importKey;
    let importing;
    const started = new Promise((resolve) => (importing = resolve));
    subtle.importKey = function (...args) {
      importing();
      return new Promise((resolve) => setTimeout(resolve, 50)).then(() => original.apply(this, args));
    };
    try {
      verifier.cacheJwks({ keys: [before.jwk] });
      const first = verifier.verify(oldToken);
      await started; // the old key is being imported
      verifier.cacheJwks({ keys: [after.jwk] });
      assert.equal((await first).token_use, "access", "began under the old JWKS");
    } finally {
      delete subtle.importKey;
    }
    assert.equal(subtle.importKey, original);
    const error = await rejection(verifier.verify(oldToken));
    assert.ok(error instanceof JwtInvalidSignatureError, errorText(error));
    assert.equal((await verifier.verify(newToken)).token_use, "access");
  });
});

describe("rejected tokens", () => {
  // [what, claims or token maker, verifier options, expected class name, expected code]
  const t = now();
  const cases = [
    ["expired", () => claims("access", { exp: t - 120 }), {}, "JwtExpiredError", "ERR_JWT_EXPIRED"],
    ["no exp", () => claims("access", { exp: undefined }), {}, "JwtMissingExpirationError", "ERR_JWT_MISSING_EXP"],
    ["not yet valid", () => claims("access", { nbf: t + 600 }), {}, "JwtNotBeforeError", "ERR_JWT_NOT_BEFORE"],
    ["issued in the future", () => claims("access", { iat: t + 600 }), {}, "JwtIssuedInFutureError", "ERR_JWT_IAT_IN_FUTURE"],
    ["wrong issuer", () => claims("access", { iss: `${issuer}x` }), {}, "JwtInvalidIssuerError", "ERR_JWT_INVALID_ISSUER"],
    ["ID token where access is required", () => claims("id"), {}, "CognitoJwtInvalidTokenUseError", "ERR_JWT_INVALID_TOKEN_USE"],
    ["wrong client", () => claims("access", { client_id: "someone-else" }), {}, "CognitoJwtInvalidClientIdError", "ERR_JWT_INVALID_CLIENT_ID"],
    ["missing scope", () => claims("access"), { scope: "admin" }, "JwtInvalidScopeError", "ERR_JWT_INVALID_SCOPE"],
    ["missing group", () => claims("access"), { groups: ["staff"] }, "CognitoJwtInvalidGroupError", "ERR_JWT_INVALID_GROUP"],
  ];

  for (const [what, make, options, name, code] of cases) {
    test(`${what}: ${name} (${code}), a real Error subclass; rawJwt only on request`, async () => {
      const payload = JSON.parse(JSON.stringify(make()));
      const token = await sign(keys.a, payload);
      const error = await rejection(accessVerifier(options).verify(token));
      assert.equal(error.name, name);
      assert.equal(error.code, code);
      assert.equal(error.constructor.name, name);
      for (const cls of [JwtInvalidClaimError, FailedAssertionError, JwtBaseError, Error]) assert.ok(error instanceof cls);
      assert.ok("actual" in error.failedAssertion && "expected" in error.failedAssertion);
      assert.equal(error.rawJwt, undefined);
      for (const piece of tokenPieces(token)) assert.ok(!errorText(error).includes(piece), `token text in ${name}`);

      const withRaw = await rejection(accessVerifier({ ...options, includeRawJwtInErrors: true }).verify(token));
      assert.equal(withRaw.code, code);
      assert.deepEqual(withRaw.rawJwt, { header: decodeProtectedHeader(token), payload });
    });
  }

  test("failedAssertion carries the actual and the accepted values", async () => {
    const error = await rejection(accessVerifier().verify(await sign(keys.a, claims("access", { iss: "https://evil.example" }))));
    assert.equal(error.failedAssertion.actual, "https://evil.example");
    assert.deepEqual([error.failedAssertion.expected].flat(), [issuer]);
  });

  test("a tampered signature is a JwtInvalidSignatureError, never with rawJwt", async () => {
    const token = await sign(keys.a, claims("access"));
    const tampered = tamperSignature(token);
    const error = await rejection(accessVerifier({ includeRawJwtInErrors: true }).verify(tampered));
    assert.ok(error instanceof JwtInvalidSignatureError);
    assert.equal(error.code, "ERR_JWT_INVALID_SIGNATURE");
    assert.equal(error.rawJwt, undefined);
    for (const piece of tokenPieces(tampered)) assert.ok(!errorText(error).includes(piece));
  });

  test("a payload signed by another key (same kid) fails the signature check", async () => {
    const forged = await sign({ ...keys.ghost, kid: keys.a.kid }, claims("access"));
    assert.ok((await rejection(accessVerifier().verify(forged))) instanceof JwtInvalidSignatureError);
  });

  test("errors of a customJwtCheck reach the caller unchanged, even when they look like ours", async () => {
    const mine = Object.assign(new Error("tenant not allowed"), { name: "JwtExpiredError", code: "ERR_JWT_EXPIRED" });
    const seen = [];
    const verifier = accessVerifier({
      customJwtCheck: async ({ header, payload, jwk }) => {
        seen.push([header.kid, payload.username, jwk.kid]);
        if (payload.username !== "jdoe") throw mine;
      },
    });
    const ok = await verifier.verify(await sign(keys.a, claims("access")));
    assert.equal(ok.username, "jdoe");
    assert.deepEqual(seen, [["key-a", "jdoe", "key-a"]]);
    const error = await rejection(verifier.verify(await sign(keys.a, claims("access", { username: "mallory" }))));
    assert.equal(error, mine);
    assert.ok(!(error instanceof JwtBaseError));
  });
});

describe("warm cache (the hot path: the signature check started from JS)", () => {
  test("interleaved verifies of two verifiers each settle with their own payload or error", async () => {
    const access = accessVerifier({ includeRawJwtInErrors: true });
    const id = CognitoJwtVerifier.create({ userPoolId, tokenUse: "id", clientId, jwksUri: server.url });
    access.cacheJwks({ keys: [keys.a.jwk] });
    id.cacheJwks({ keys: [keys.a.jwk] });
    const t = now();
    const cases = await Promise.all(
      [
        [access, claims("access", { username: "u0" }), null],
        [id, claims("id", { email: "u1@example.com" }), null],
        [access, claims("access"), "JwtInvalidSignatureError", async (payload) => tamperSignature(await sign(keys.a, payload))],
        [access, claims("access", { username: "u3" }), null],
        [access, claims("access", { exp: t - 60 }), "JwtExpiredError"],
        // signed by another key under key-a's kid
        [id, claims("id"), "JwtInvalidSignatureError", (payload) => sign({ ...keys.ghost, kid: keys.a.kid }, payload)],
        [access, claims("access", { client_id: "someone-else" }), "CognitoJwtInvalidClientIdError"],
        [id, claims("id", { email: "u7@example.com" }), null],
      ].map(async ([verifier, payload, error, make = (p) => sign(keys.a, p)]) => [verifier, payload, error, await make(payload)]),
    );
    for (let round = 0; round < 3; round += 1) {
      const outcomes = await Promise.allSettled(cases.map(([verifier, , , token]) => verifier.verify(token)));
      outcomes.forEach((outcome, i) => {
        const [, payload, error] = cases[i];
        if (error === null) {
          assert.equal(outcome.status, "fulfilled", `case ${i}`);
          assert.deepEqual(outcome.value, payload, `case ${i}`);
        } else {
          assert.equal(outcome.status, "rejected", `case ${i}`);
          assert.equal(outcome.reason.name, error, `case ${i}`);
          // rawJwt only after the signature verified
          assert.equal(outcome.reason.rawJwt === undefined, error === "JwtInvalidSignatureError" || cases[i][0] === id, `case ${i}`);
        }
      });
    }
  });

  test("a tampered token from a warm cache is refused with no token text in the error", async () => {
    const verifier = accessVerifier({ includeRawJwtInErrors: true });
    verifier.cacheJwks({ keys: [keys.a.jwk] });
    const token = await sign(keys.a, claims("access"));
    assert.equal((await verifier.verify(token)).client_id, clientId);
    const tampered = tamperSignature(token);
    const error = await rejection(verifier.verify(tampered));
    assert.ok(error instanceof JwtInvalidSignatureError);
    assert.equal(error.code, "ERR_JWT_INVALID_SIGNATURE");
    for (const piece of tokenPieces(tampered)) assert.ok(!errorText(error).includes(piece));
    // and the verifier still accepts the genuine token afterwards
    assert.equal((await verifier.verify(token)).client_id, clientId);
  });

  test("each token is parsed once per verify: what the hot path cannot finish goes on from its parse", async (t) => {
    const glue = await import(new URL("cognito_wasm.js", import.meta.resolve("cognito-wasm")).href);
    const calls = { fastStart: 0, verify: 0 };
    for (const name of Object.keys(calls)) spyOn(t, glue.RawVerifier.prototype, name, () => (calls[name] += 1));
    const verifier = accessVerifier();
    verifier.cacheJwks({ keys: [keys.a.jwk] });
    const good = await sign(keys.a, claims("access"));
    assert.equal((await verifier.verify(good)).client_id, clientId); // imports the key
    const cases = [
      ["a good token", good, null],
      ["a bad signature", tamperSignature(good), "JwtInvalidSignatureError"],
      ["an expired token", await sign(keys.a, claims("access", { exp: now() - 60 })), "JwtExpiredError"],
      ["an unknown kid", await sign({ ...keys.a, kid: "not-in-the-jwks" }, claims("access")), "KidNotFoundInJwksError"],
      ["a payload that is not JSON", `${good.split(".")[0]}.bm90IGpzb24.${good.split(".")[2]}`, "JwtParseError"],
    ];
    for (const [what, token, error] of cases) {
      calls.fastStart = calls.verify = 0;
      const outcome = await verifier.verify(token).then((payload) => payload, (e) => e);
      assert.equal(error === null ? outcome.client_id : outcome.name, error ?? clientId, what);
      assert.deepEqual(calls, { fastStart: 1, verify: 0 }, `${what}: parsed by fastStart only`);
    }
  });

  test("after the wasm memory grew, the hot path reads the new memory", async (t) => {
    // the package's own glue module (same URL, so the same instance): the memory's size, and a
    // count of the verifies the hot path started
    const glue = await import(new URL("cognito_wasm.js", import.meta.resolve("cognito-wasm")).href);
    let started = 0;
    spyOn(t, glue.RawVerifier.prototype, "fastStart", (key) => {
      started += Number(key instanceof CryptoKey); // a CryptoKey: JS runs the signature check
    });
    const verifier = accessVerifier();
    verifier.cacheJwks({ keys: [keys.a.jwk] });
    const small = claims("access", { username: "before" });
    const smallToken = await sign(keys.a, small);
    assert.deepEqual(await verifier.verify(smallToken), small); // imports the key (full path)
    assert.equal(started, 0);
    assert.deepEqual(await verifier.verify(smallToken), small);
    assert.equal(started, 1);
    const size = glue.wasmMemory().buffer.byteLength;
    // concurrent full-path verifies of ~60 KB tokens hold their copies in wasm memory at once
    const big = claims("access", { blob: "y".repeat(44_000) });
    const bigToken = await sign(keys.a, big);
    const results = await Promise.all(Array.from({ length: 64 }, () => verifier.verify(bigToken)));
    assert.ok(glue.wasmMemory().buffer.byteLength > size, "the memory did not grow: the test proves nothing");
    for (const payload of results) assert.equal(payload.blob.length, 44_000);
    assert.equal(started, 1, "a 60 KB token is not for the hot path");
    const after = claims("access", { username: "after" });
    assert.deepEqual(await verifier.verify(await sign(keys.a, after)), after);
    assert.equal(started, 2, "the hot path was not taken after the memory grew");
  });

  test("the wasm memory stays bounded over thousands of driven verifications (each frees its state)", async () => {
    // Every verification the hot path cannot finish is a wasm object holding the token's decoded
    // parts; the garbage collector does not see wasm memory, so each must be freed when it ends.
    const glue = await import(new URL("cognito_wasm.js", import.meta.resolve("cognito-wasm")).href);
    const verifier = accessVerifier();
    verifier.cacheJwks({ keys: [keys.a.jwk] });
    const expired = await sign(keys.a, claims("access", { exp: now() - 60, blob: "e".repeat(6_000) }));
    const big = await sign(keys.a, claims("access", { blob: "b".repeat(40_000) }));
    const junk = `${big.split(".")[0]}.${"A".repeat(60_000)}.${big.split(".")[2]}`;
    assert.equal((await verifier.verify(big)).blob.length, 40_000);
    const before = glue.wasmMemory().buffer.byteLength;
    for (let i = 0; i < 1_500; i += 1) {
      assert.equal((await rejection(verifier.verify(expired))).code, "ERR_JWT_EXPIRED");
      assert.equal((await rejection(verifier.verify(junk))).code, "ERR_JWT_INVALID_SIGNATURE");
      if (i % 100 === 0) assert.equal((await verifier.verify(big)).blob.length, 40_000);
    }
    // without the frees: 1,500 × (~8 KB + ~60 KB + …) ≈ 100 MB more
    const grown = glue.wasmMemory().buffer.byteLength - before;
    assert.ok(grown < 8 * 1024 * 1024, `the wasm memory grew by ${grown} bytes`);
  });

  test("tokens longer than the hot path takes, and non-ASCII input, still verify or fail properly", async () => {
    const verifier = accessVerifier();
    verifier.cacheJwks({ keys: [keys.a.jwk] });
    const big = claims("access", { blob: "x".repeat(12_000) });
    assert.deepEqual(await verifier.verify(await sign(keys.a, big)), big);
    const token = await sign(keys.a, claims("access"));
    const error = await rejection(verifier.verify(`${token.slice(0, -4)}é${token.slice(-3)}`));
    assert.ok(error instanceof JwtBaseError);
    assert.notEqual(error.code, undefined);
  });
});

describe("a long token's signature is checked before its payload is read", () => {
  const b64 = (text) => Buffer.from(text).toString("base64url");
  // a payload that costs a parse the most (thousands of members), over 8,192 bytes
  const junk = b64(`{${Array.from({ length: 3000 }, (_, i) => `"m${i}":0`).join(",")}}`);
  const header = (kid = keys.a.kid) => b64(JSON.stringify({ alg: "RS256", kid }));
  const signature = async () => (await sign(keys.a, claims("access"))).split(".")[2];

  test("junk with a signature that fails is refused as a bad signature: no parse error, one signature check", async (t) => {
    const verifier = accessVerifier();
    verifier.cacheJwks({ keys: [keys.a.jwk] });
    const sig = await signature();
    const calls = spyOnVerifies(t);
    for (const payload of [junk, `${"!".repeat(9000)}`, b64(`[${"0,".repeat(5000)}0]`)]) {
      const error = await rejection(verifier.verify(`${header()}.${payload}.${sig}`));
      assert.ok(error instanceof JwtInvalidSignatureError, errorText(error));
      assert.equal(error.code, "ERR_JWT_INVALID_SIGNATURE");
    }
    assert.equal(calls.node.length, 3);
    // a short token keeps aws-jwt-verify's order: the payload is read first
    const short = await rejection(verifier.verify(`${header()}.${"!".repeat(100)}.${sig}`));
    assert.equal(short.code, "ERR_JWT_BASE64");
    assert.equal(calls.node.length, 3);
  });

  test("a signed long token is still read after its signature: its payload's errors and its claims", async (t) => {
    const verifier = accessVerifier();
    verifier.cacheJwks({ keys: [keys.a.jwk] });
    const big = claims("access", { blob: "z".repeat(9000) });
    const calls = spyOnVerifies(t);
    assert.deepEqual(await verifier.verify(await sign(keys.a, big)), big);
    assert.equal(calls.node.length, 1, "the signature is checked once, not again after the parse");
    const expired = await rejection(verifier.verify(await sign(keys.a, { ...big, exp: now() - 60 })));
    assert.ok(expired instanceof JwtExpiredError, errorText(expired));
    const wrongUse = await rejection(verifier.verify(await sign(keys.a, { ...big, token_use: "id" })));
    assert.equal(wrongUse.code, "ERR_JWT_INVALID_TOKEN_USE");
    assert.equal(calls.node.length, 3);
  });

  test("an unknown kid asks each of the pool's JWKS once per penalty window, never parsing the payload", async () => {
    const urls = [];
    const fetch = async (url) => {
      urls.push(String(url));
      return new Response(JSON.stringify({ keys: [keys.a.jwk] }), { headers: { "content-type": "application/json" } });
    };
    // no jwksUri: the pool's two issuer formats, two JWKS URIs
    const verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: "access", clientId, fetch });
    const token = `${header("not-a-kid")}.${junk}.${await signature()}`;
    const errors = [];
    for (let i = 0; i < 5; i += 1) errors.push(await rejection(verifier.verify(token)));
    assert.deepEqual(urls.sort(), [
      `https://cognito-idp.${userPoolId.split("_")[0]}.amazonaws.com/${userPoolId}/.well-known/jwks.json`,
      `https://issuer-cognito-idp.${userPoolId.split("_")[0]}.amazonaws.com/${userPoolId}/.well-known/jwks.json`,
    ]);
    assert.ok(errors[0] instanceof KidNotFoundInJwksError, errorText(errors[0]));
    for (const error of errors.slice(1)) assert.ok(error instanceof WaitPeriodNotYetEndedJwkError, errorText(error));
  });

  test("a token of the pool's other issuer format verifies with the key the pool's JWKS holds", async (t) => {
    const urls = [];
    const fetch = async (url) => {
      urls.push(String(url));
      return new Response(JSON.stringify({ keys: [keys.a.jwk] }), { headers: { "content-type": "application/json" } });
    };
    const verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: "access", clientId, fetch });
    const original = claims("access", { blob: "o".repeat(9000) });
    assert.equal((await verifier.verify(await sign(keys.a, original))).blob, original.blob);
    assert.equal(urls.length, 1);
    const updated = { ...original, iss: original.iss.replace("https://cognito-idp.", "https://issuer-cognito-idp.") };
    const calls = spyOnVerifies(t);
    assert.deepEqual(await verifier.verify(await sign(keys.a, updated)), updated);
    assert.equal(calls.node.length, 1);
    assert.equal(urls.length, 1, "no second JWKS fetched for a key the pool holds");
  });

  test("a header segment over 8,192 characters is refused before anything else is decoded", async () => {
    const verifier = accessVerifier();
    verifier.cacheJwks({ keys: [keys.a.jwk] });
    const big = b64(JSON.stringify({ alg: "RS256", kid: keys.a.kid, pad: "p".repeat(7000) }));
    const error = await rejection(verifier.verify(`${big}.${junk}.${await signature()}`));
    assert.equal(error.code, "ERR_JWT_TOO_LARGE");
    assert.match(error.message, /^jwt header is 9\d{3} characters long, the maximum is 8192$/);
  });

  test("a verifier of several pools reads the payload first (its iss picks the JWKS)", async () => {
    const verifier = CognitoJwtVerifier.create([
      { userPoolId, tokenUse: "access", clientId, jwksUri: server.url },
      { userPoolId: "us-east-1_OtherPool", tokenUse: "access", clientId, jwksUri: server.url },
    ]);
    verifier.cacheJwks({ keys: [keys.a.jwk] }, userPoolId);
    const error = await rejection(verifier.verify(`${header()}.${"!".repeat(9000)}.${await signature()}`));
    assert.equal(error.code, "ERR_JWT_BASE64");
  });
});

describe("the signature step in Node (node:crypto on the hot path)", () => {
  const warmVerifier = (jwk) => {
    const verifier = accessVerifier({ algorithms: ["RS256", "RS384", "RS512"] });
    verifier.cacheJwks({ keys: [jwk] });
    return verifier;
  };

  for (const alg of ["RS256", "RS384", "RS512"]) {
    test(`${alg}: cold and warm verifies check the signature with node:crypto (sha${alg.slice(2)}, OpenSSL's name), never crypto.subtle.verify`, async (t) => {
      const key = alg === "RS256" ? keys.a : await makeKey(`key-${alg}`, { alg });
      const verifier = warmVerifier(key.jwk);
      const payload = claims("access");
      const token = await sign(key, payload);
      const calls = spyOnVerifies(t);
      const hash = `sha${alg.slice(2)}`;
      assert.deepEqual(await verifier.verify(token), payload); // imports the key: the core's full path
      assert.deepEqual(calls, { subtle: 0, node: [hash] });
      assert.deepEqual(await verifier.verify(token), payload); // the hot path
      assert.deepEqual(calls, { subtle: 0, node: [hash, hash] });
      const error = await rejection(verifier.verify(tamperSignature(token)));
      assert.ok(error instanceof JwtInvalidSignatureError, errorText(error));
      assert.equal(error.code, "ERR_JWT_INVALID_SIGNATURE");
      assert.deepEqual(calls, { subtle: 0, node: [hash, hash, hash] });
    });
  }

  test("a token signed with another key under the same kid is refused by node:crypto", async (t) => {
    const verifier = warmVerifier(keys.a.jwk);
    const good = await sign(keys.a, claims("access"));
    await verifier.verify(good);
    const calls = spyOnVerifies(t);
    const error = await rejection(verifier.verify(await sign({ ...keys.b, kid: keys.a.kid }, claims("access"))));
    assert.ok(error instanceof JwtInvalidSignatureError, errorText(error));
    assert.deepEqual(calls, { subtle: 0, node: ["sha256"] });
  });

  test("a node:crypto failure sends the token to the full path, which falls back to WebCrypto, with the same outcome", async (t) => {
    const verifier = warmVerifier(keys.a.jwk);
    const payload = claims("access");
    const token = await sign(keys.a, payload);
    await verifier.verify(token);
    const calls = spyOnVerifies(t, { nodeFails: true });
    // the hot path's check throws, then the core's: WebCrypto decides
    assert.deepEqual(await verifier.verify(token), payload);
    assert.deepEqual(calls, { subtle: 1, node: ["sha256", "sha256"] });
    const error = await rejection(verifier.verify(tamperSignature(token)));
    assert.ok(error instanceof JwtInvalidSignatureError, errorText(error));
    assert.deepEqual(calls, { subtle: 2, node: ["sha256", "sha256", "sha256", "sha256"] });
  });

  test("the node:crypto key does not outlive its JWKS: a rotation that reuses the kid", async (t) => {
    const [before, after] = [keys.a, keys.b].map((k) => ({ ...k, kid: "reused", jwk: { ...k.jwk, kid: "reused" } }));
    const verifier = warmVerifier(before.jwk);
    const [oldToken, newToken] = await Promise.all([sign(before, claims("access")), sign(after, claims("access"))]);
    await verifier.verify(oldToken);
    const calls = spyOnVerifies(t);
    assert.equal((await verifier.verify(oldToken)).token_use, "access");
    assert.deepEqual(calls, { subtle: 0, node: ["sha256"] }, "the old key was warm");
    verifier.cacheJwks({ keys: [after.jwk] });
    const error = await rejection(verifier.verify(oldToken));
    assert.ok(error instanceof JwtInvalidSignatureError, errorText(error));
    assert.deepEqual(calls, { subtle: 0, node: ["sha256", "sha256"] }, "the new key was imported and refused the old token");
    for (const token of [newToken, newToken, oldToken]) calls.node.push(await verifier.verify(token).then(() => "ok", (e) => e.name));
    assert.deepEqual(calls, { subtle: 0, node: ["sha256", "sha256", "sha256", "ok", "sha256", "ok", "sha256", "JwtInvalidSignatureError"] });
  });
});

describe("per-call overrides", () => {
  test("customJwtCheck given to verify runs for that call only", async () => {
    const verifier = accessVerifier();
    const token = await sign(keys.a, claims("access"));
    const refusal = new Error("not today");
    const error = await rejection(verifier.verify(token, { customJwtCheck: () => Promise.reject(refusal) }));
    assert.equal(error, refusal);
    assert.equal((await verifier.verify(token)).token_use, "access");
  });

  test("limits are creation-time options: verify refuses them", async () => {
    const error = await rejection(accessVerifier().verify(await sign(keys.a, claims("access")), { maxTokenLength: 10 }));
    assert.ok(error instanceof ParameterValidationError);
    assert.equal(error.code, "ERR_PARAM_INVALID_OPTIONS");
  });
});

describe("invalid options", () => {
  test("create() throws ParameterValidationError synchronously", () => {
    for (const [options, code] of [
      [{ userPoolId: "not-a-pool", tokenUse: "id", clientId }, "ERR_PARAM_INVALID_USER_POOL_ID"],
      [{ userPoolId, tokenUse: "refresh", clientId }, "ERR_PARAM_INVALID_OPTIONS"],
      [{ userPoolId, tokenUse: "id", clientId, graceSecond: 5 }, "ERR_PARAM_INVALID_OPTIONS"],
      [{ userPoolId, tokenUse: "id", clientId, graceSeconds: -1 }, "ERR_PARAM_INVALID_OPTIONS"],
    ]) {
      const error = thrown(() => CognitoJwtVerifier.create(options));
      assert.ok(error instanceof ParameterValidationError, JSON.stringify(options));
      assert.equal(error.code, code);
      assert.equal(error.name, "ParameterValidationError");
    }
  });

  test("the constructor is not public", () => {
    assert.throws(() => new CognitoJwtVerifier({}), TypeError);
  });
});
