// Hostile-input benchmark (not a test; `npm run bench:junk`, after `npm run bench` or
// scripts/bench.sh installed the packed package into bench/out/): the worst junk tokens we can build
// at the default maxTokenLength (65,536 characters), each with a real header (`kid` of the cached
// key) and a garbage signature, verified by cognito-wasm and by aws-jwt-verify in the same run.
// Prints each one's cost per verify() as a ratio to a valid verify of the same library, and the
// worst. Issue 11's target: our worst ≤ 10× a valid verify, and below aws-jwt-verify's worst.
import * as cognitoWasm from "cognito-wasm";
import * as awsJwtVerify from "aws-jwt-verify";
import { clientId, makeToken, userPoolId } from "./core.mjs";

const MAX_TOKEN = 65_536;
const b64url = (text) => Buffer.from(text).toString("base64url");

/** A payload JSON text whose token (header + payload + 342-char signature) fits MAX_TOKEN. */
function fill(prefix, unit, suffix, header) {
  const room = Math.floor(((MAX_TOKEN - header.length - 2 - 342) * 3) / 4) - prefix.length - suffix.length;
  const count = Math.max(1, Math.floor(room / unit.length));
  return prefix + unit.repeat(count).replace(/,$/, "") + suffix;
}

/** `{"m0":0,"m1":0,…}` (after `prefix`'s members, if any) in at most `room` characters. */
function members(room, prefix = "") {
  const list = [];
  for (let i = 0, used = prefix.length + 2; used + `"m${i}":0,`.length <= room; used += `"m${i}":0,`.length, i += 1) list.push(`"m${i}":0`);
  return { json: `{${prefix}${list.join(",")}}`, count: list.length };
}

function junkPayloads(header) {
  const room = Math.floor(((MAX_TOKEN - header.length - 2 - 342) * 3) / 4);
  const many = members(room);
  return {
    "numbers 1e308": fill('{"x":[', "1e308,", "]}", header),
    "long decimals": fill('{"x":[', `0.${"7".repeat(300)}e-300,`, "]}", header),
    "huge integers": fill('{"x":[', `${"9".repeat(400)},`, "]}", header),
    [`many members (${many.count})`]: many.json,
    "nested arrays (depth 120, repeated)": fill('{"x":[', `${"[".repeat(120)}${"]".repeat(120)},`, "]}", header),
    "thousands of nested arrays": `{"x":${"[".repeat(20_000)}${"]".repeat(20_000)}}`,
    "escapes": fill('{"x":"', "\\u00e9\\n", '"}', header),
    "empty objects": fill('{"x":[', "{},", "]}", header),
  };
}

/**
 * Junk that moves the cost elsewhere: an unknown kid (no key to check the signature with), junk in
 * the header (read before the signature; its segment is capped at 8,192 characters), and a token of
 * 8,192 characters, the longest whose payload is read before the signature (aws-jwt-verify's order).
 */
function junkElsewhere(header, kid) {
  const headerJson = (room) => members(room, `"alg":"RS256","kid":"${kid}",`).json;
  const bigHeader = b64url(headerJson(Math.floor((8192 * 3) / 4)));
  const payloadRoom = (h, max) => Math.floor(((max - h.length - 2 - 342) * 3) / 4);
  const unknownKid = b64url(JSON.stringify({ alg: "RS256", kid: "not-in-the-jwks" }));
  return {
    "many members, unknown kid": [unknownKid, members(payloadRoom(unknownKid, MAX_TOKEN)).json],
    "many members in header and payload": [bigHeader, members(payloadRoom(bigHeader, MAX_TOKEN)).json],
    "many members, 8,192-char token": [header, members(payloadRoom(header, 8192)).json],
  };
}

/** µs per call of `fn` (awaited) over one batch of at least `batchMs`. */
async function batch(fn, batchMs) {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < batchMs) {
    await fn();
    n += 1;
  }
  return ((performance.now() - start) * 1000) / n;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * `junk` against `valid`, in alternating batches so that a change in the machine's load hits both
 * alike: the median µs of each, and the median of the per-round ratios.
 */
async function versus(valid, junk, { rounds = 7, batchMs = 60 } = {}) {
  const v = [];
  const j = [];
  for (let r = 0; r < rounds; r += 1) {
    v.push(await batch(valid, batchMs));
    j.push(await batch(junk, batchMs));
  }
  return { validUs: median(v), junkUs: median(j), ratio: median(j.map((us, r) => us / v[r])) };
}

const { token, jwks, pair } = await makeToken();
// The fairer second floor: a valid token as long as the junk (a 46,000-character claim), signed by
// the same key, so the ratio shows what junk costs beyond its size.
const { token: bigToken } = await makeToken("access", { extra: { blob: "x".repeat(46_000) }, pair });
const [header, , signature] = token.split(".");
const ours = cognitoWasm.CognitoJwtVerifier.create({ userPoolId, tokenUse: "access", clientId, jwksUri: "https://jwks.invalid/" });
ours.cacheJwks(jwks);
const theirs = awsJwtVerify.CognitoJwtVerifier.create({ userPoolId, tokenUse: "access", clientId });
theirs.cacheJwks(jwks);
const verifiers = { "cognito-wasm": ours, "aws-jwt-verify": theirs };

const refuse = (verifier, jwt) => async () => {
  try {
    await verifier.verify(jwt);
  } catch {
    return;
  }
  throw new Error("a junk token verified");
};
const valid = {};
const validBig = {};
for (const [name, verifier] of Object.entries(verifiers)) {
  await verifier.verify(token);
  await verifier.verify(bigToken);
  valid[name] = () => verifier.verify(token);
  validBig[name] = () => verifier.verify(bigToken);
}
console.log(`junk tokens (≤ ${MAX_TOKEN} chars, garbage signature): µs per verify, and the ratio to the same library's`);
console.log(`valid verify (median of per-round ratios; valid and junk batches alternate, so load hits both alike);`);
console.log(`"same size": the ratio to a valid ${bigToken.length}-char token instead`);
const head = (name) => `${name} (µs, ×valid, ×same size)`;
console.log(`  ${"".padEnd(50)} ${head("cognito-wasm").padStart(34)} ${head("aws-jwt-verify").padStart(34)}`);
const names = Object.keys(verifiers);
const worst = Object.fromEntries(names.map((n) => [n, 0]));
const worstBig = Object.fromEntries(names.map((n) => [n, 0]));
const worstUs = Object.fromEntries(names.map((n) => [n, 0]));
const validUs = Object.fromEntries(names.map((n) => [n, []]));
const bigUs = Object.fromEntries(names.map((n) => [n, []]));
// A well-formed signature of the right length that does not verify (one character changed), so
// nothing refuses the token for its shape.
const forged = `${signature.slice(0, 100)}${signature[100] === "A" ? "B" : "A"}${signature.slice(101)}`;
const { kid } = JSON.parse(Buffer.from(header, "base64url").toString());
const junkTokens = [
  ...Object.entries(junkPayloads(header)).map(([label, json]) => [label, `${header}.${b64url(json)}.${forged}`]),
  ...Object.entries(junkElsewhere(header, kid)).map(([label, [h, json]]) => [label, `${h}.${b64url(json)}.${forged}`]),
];
for (const [label, jwt] of junkTokens) {
  const cells = [];
  for (const name of names) {
    const junk = refuse(verifiers[name], jwt);
    const small = await versus(valid[name], junk);
    const big = await versus(validBig[name], junk);
    validUs[name].push(small.validUs);
    bigUs[name].push(big.validUs);
    worst[name] = Math.max(worst[name], small.ratio);
    worstBig[name] = Math.max(worstBig[name], big.ratio);
    worstUs[name] = Math.max(worstUs[name], small.junkUs);
    cells.push(`${small.junkUs.toFixed(0).padStart(8)} µs ${small.ratio.toFixed(1).padStart(6)}× ${big.ratio.toFixed(1).padStart(6)}×`);
  }
  console.log(`  ${`${label} (${jwt.length} chars)`.padEnd(50)} ${cells.map((c) => c.padStart(34)).join(" ")}`);
}
const us = (list, name) => median(list[name]).toFixed(1);
for (const name of names) {
  console.log(`\n${name}: valid verify ${us(validUs, name)} µs, valid ${bigToken.length}-char token ${us(bigUs, name)} µs (medians over the rounds)`);
  console.log(`  worst junk: ${worstUs[name].toFixed(0)} µs, ${worst[name].toFixed(1)}× a valid verify, ${worstBig[name].toFixed(1)}× a valid token of the same size`);
}
console.log(`\ntarget (issue 11): ours ≤ 10× a valid verify, and below aws-jwt-verify's worst`);
