// The idiomatic API over the wasm core's RawVerifier: `CognitoJwtVerifier.create(...)` and
// `JwtVerifier.create(...)`, with errors rethrown as the classes of ./errors.js. Loading and
// instantiating the wasm module is the entry point's job (node.js, web.js, workerd.js).
import { RawVerification, RawVerifier, errorCatalog, fastMaxUnits, fastOut, fastScratch, invalidSignatureError, wasmMemory } from "./cognito_wasm.js";
import { callerErrors, drive, driverOf, fetchWithin, hydrate, rsa, signatureCheck, verifyWith } from "./driver.js";
import { FailedAssertionError, errorClasses } from "./errors.js";

export { fetchWithin };
export { useSignatureCheck } from "./driver.js";

const ownFields = new Set(["name", "code", "message", "stack", "messageId", "messageArgs"]);
let classByCode;

// The core's error messages by id: the wasm passes `messageId` and `messageArgs` (`{name}` in the
// template), and the text is made here, so that the texts are not in the wasm.
// BEGIN generated: error-messages (scripts/gen-errors.mjs from errors/catalog.json; do not edit)
const messages = [
  "invalid options: {detail}",
  "invalid cognito user pool id",
  "tokenUse must be provided or set to null explicitly",
  "clientId must be provided or set to null explicitly",
  "audience must be provided or set to null explicitly",
  "unsupported algorithm in options: {alg}",
  "issuer not configured",
  "jwt is {actual} characters long, the maximum is {max}",
  "jwt header is {actual} characters long, the maximum is {max}",
  "jwt json nests deeper than {max} levels",
  "jwt is not three base64url segments",
  "jwt segment is not valid base64url",
  "jwt {part} is not a json object",
  "jwt {part} has a duplicate key",
  "jwt {part} has a field of the wrong type",
  "jwt header has unsupported crit extensions",
  "jwt signature algorithm not allowed",
  "jwt signature algorithm does not match the jwk",
  "jwt header has no valid kid",
  "jwks is not valid",
  "oidc discovery document is not valid",
  "jwk is not a valid rsa public key",
  "jwk modulus is {bits} bits, at least 2048 required",
  "jwk use is not sig, or its key_ops lack verify",
  "jwk kty is not RSA",
  "kid not found in jwks",
  "jwks refetch is not allowed yet after a recent miss",
  "invalid signature",
  "crypto operation failed",
  "token expired",
  "token has no exp claim",
  "token not valid yet",
  "token issued in the future",
  "issuer not allowed",
  "audience not allowed",
  "scope not allowed",
  "cognito group not allowed",
  "token use not allowed",
  "client id not allowed",
  "fetch failed",
  "fetch timed out after {ms} ms",
  "fetch returned status {status}",
  "fetched document is larger than {max} bytes",
  "invalid {what}",
  "oauth error: {error}",
  "oauth error: invalid_grant (code or refresh token expired, reused or revoked)",
  "the cognito endpoint could not be reached",
  "no sign-in is pending in this tab (callback replayed, or started elsewhere)",
  "callback state does not match",
  "id token nonce does not match",
  "id token at_hash does not match the access token",
  "the id token has no custom:id_token or custom:access_token: map the identity provider's id_token/access_token to these custom attributes (attribute mapping), make them readable by this app client, and sign in through that identity provider",
  "access token from the user pool api (InitiateAuth, scope aws.cognito.signin.user.admin) lacks {missing}: only the oauth endpoints (hosted ui / managed login) or a pre token generation v2 trigger (scopesToAdd) add custom scopes",
];
// END generated: error-messages

/** The message of an error from the core (its code when the id is not one of ours). */
const messageOf = ({ messageId, messageArgs, message }) =>
  typeof messageId === "number" && messageId < messages.length
    ? messages[messageId].replace(/\{(\w+)\}/g, (_, name) => String(messageArgs?.[name]))
    : message;

/**
 * Rebuilds an error thrown by the wasm core as an instance of the class that errorCatalog() names
 * for its code. Anything else (not an object, or not one of the core's codes) is returned unchanged.
 */
export function fromWasmError(error) {
  classByCode ??= new Map(errorCatalog().map(({ code, name }) => [code, errorClasses[name]]));
  const cls = error !== null && typeof error === "object" ? classByCode.get(error.code) : undefined;
  if (cls === undefined || cls.prototype.name !== error.name) return error;
  const options = error.cause === undefined ? undefined : { cause: error.cause };
  const converted =
    cls.prototype instanceof FailedAssertionError
      ? new cls(messageOf(error), error.failedAssertion?.actual, error.failedAssertion?.expected, options)
      : new cls(messageOf(error), options);
  converted.code = error.code;
  for (const key of Object.keys(error)) {
    if (!ownFields.has(key)) converted[key] = error[key];
  }
  return converted;
}

const thrown = (error) => (callerErrors.has(error) ? error : fromWasmError(error));

function rethrow(error) {
  throw thrown(error);
}

function call(fn) {
  try {
    return fn();
  } catch (error) {
    return rethrow(error);
  }
}

// The hot path (a verification without overrides): the core parses the token in shared wasm
// memory and checks it up to the signature (RawVerifier.fastStart), and JS checks the signature
// on views of that memory and parses the payload, with no promise but the one it returns. A token
// that needs more (a key to fetch, a claim error to report, a customJwtCheck) goes on in the
// driver (./driver.js) from the parse fastStart did, so no token is parsed twice; only a throw of
// the installed signature check starts again from the token.
const encoder = new TextEncoder();
const decoder = new TextDecoder();
let fast;

/**
 * The fast path's views of wasm memory, made again when the memory has grown (growing detaches
 * the old buffer, which empties every view of it).
 */
function fastViews() {
  fast ??= { memory: wasmMemory(), scratch: fastScratch(), max: fastMaxUnits(), out: fastOut(), buffer: null, input: null, result: null };
  if (!(fast.input?.length > 0)) {
    const { buffer } = fast.memory;
    fast.buffer = buffer;
    fast.input = new Uint8Array(buffer, fast.scratch, fast.max * 3);
    fast.result = new Uint32Array(buffer, fast.out, 6);
  }
  return fast;
}

/**
 * Starts a fast verification: a promise of the payload, or `undefined` when the token is not for
 * the fast path (too long, or not ASCII: such a token is refused by the full path's parse, done
 * once). `fallback()` verifies again when the signature check itself failed (threw or rejected).
 */
function fastVerify(host, token, fallback) {
  let views = fastViews();
  if (token.length > views.max) return undefined;
  const { read, written } = encoder.encodeInto(token, views.input);
  if (read !== token.length || written !== read) return undefined;
  const started = host.raw.fastStart(written, Date.now());
  if (started instanceof Error) return Promise.reject(thrown(started));
  if (started instanceof RawVerification) return drive(host, started).then(undefined, rethrow);
  views = fastViews(); // the core may have grown the memory
  const { buffer, result } = views;
  const text = decoder.decode(new Uint8Array(buffer, result[4], result[5]));
  const signature = new Uint8Array(buffer, result[0], result[1]);
  const data = new Uint8Array(buffer, result[2], result[3]);
  if (signatureCheck === undefined) {
    // WebCrypto copies the views at the call, so the next verify may reuse the memory.
    return globalThis.crypto.subtle
      .verify(rsa, started, signature, data)
      .then((valid) => (valid ? JSON.parse(text) : rethrow(invalidSignatureError())), fallback);
  }
  let valid;
  try {
    valid = signatureCheck(started, signature, data);
  } catch {
    return fallback();
  }
  // Settled at once, with no WebCrypto round trip. The core's reader has accepted the payload
  // JSON already, so JSON.parse does not throw here.
  return valid ? Promise.resolve(JSON.parse(text)) : Promise.reject(thrown(invalidSignatureError()));
}

/**
 * The method under which a verifier tells how many times its JWKS changed (a symbol of the global
 * registry, so that the edge module recognises verifiers of every entry point): a token cache
 * stamps entries with it and drops those stamped before a change.
 */
export const jwksGeneration = Symbol.for("cognito-wasm.jwksGeneration");

/**
 * A token longer than the hot path takes but within `max`, as UTF-8 bytes when it is ASCII (as
 * every well-formed token is): one copy into wasm memory instead of a character-by-character one.
 */
function longAscii(token, max) {
  if (typeof token !== "string" || token.length <= fastViews().max || token.length > max) return undefined;
  const bytes = encoder.encode(token);
  return bytes.length === token.length ? bytes : undefined;
}

class Verifier {
  #host;

  /** @internal Use `create`. */
  constructor(raw, options) {
    if (!(raw instanceof RawVerifier)) throw new TypeError("use the static create() method");
    this.#host = driverOf(raw, options);
  }

  // Not `async`: no extra promise or await on the hot path.
  verify(token, overrides) {
    if (overrides === undefined && typeof token === "string") {
      const pending = fastVerify(this.#host, token, () => this.#verify(token));
      if (pending !== undefined) return pending;
    }
    return this.#verify(token, overrides);
  }

  #verify(token, overrides) {
    return verifyWith(this.#host, longAscii(token, this.#host.raw.maxTokenLength) ?? token, overrides).then(undefined, rethrow);
  }

  [jwksGeneration]() {
    return this.#host.raw.jwksGeneration();
  }

  async hydrate() {
    try {
      await hydrate(this.#host);
    } catch (error) {
      rethrow(error);
    }
  }

  cacheJwks(jwks, issuer) {
    call(() => this.#host.raw.cacheJwks(jwks, issuer));
  }

  /** The JWKS cache as JSON-safe data, for importJwksCache() in another isolate. */
  exportJwksCache() {
    return this.#host.raw.exportJwksCache();
  }

  /** Merges what exportJwksCache() returned: newer keys win, a penalty box is kept. */
  importJwksCache(state) {
    call(() => this.#host.raw.importJwksCache(state));
  }
}

/** Verifies Amazon Cognito user pool tokens (one pool, or several given as an array). */
export class CognitoJwtVerifier extends Verifier {
  static create(options) {
    return new CognitoJwtVerifier(call(() => RawVerifier.cognito(options)), options);
  }
}

/** Verifies tokens of any OIDC issuer (issuer, audience, jwksUri). */
export class JwtVerifier extends Verifier {
  static create(options) {
    return new JwtVerifier(call(() => RawVerifier.generic(options)), options);
  }
}

export { errorCatalog };

/** `fetchWithin` reading the body as text: `{ status, body }`, or a rejection with `failure()`
 * when the exchange failed or timed out (the sign-in clients' calls to Cognito's endpoints). */
export function fetchText(fetchFn, url, init, ms, failure) {
  return fetchWithin(fetchFn, url, init, ms, async (response) => ({ status: response.status, body: await response.text() })).catch(() => {
    throw failure();
  });
}

/** The verifier of a sign-in client's user pool: either token use, the client's ID, the options'
 * `jwksUri` and `verifierOptions`. */
export function poolVerifier({ userPoolId, clientId, jwksUri, verifierOptions }) {
  return CognitoJwtVerifier.create({
    userPoolId,
    clientId,
    tokenUse: null,
    ...(jwksUri === undefined ? {} : { jwksUri }),
    ...verifierOptions,
  });
}
