// The idiomatic API over the wasm core's RawVerifier: `CognitoJwtVerifier.create(...)` and
// `JwtVerifier.create(...)`, with errors rethrown as the classes of ./errors.js. Loading and
// instantiating the wasm module is the entry point's job (node.js, web.js, workerd.js).
import { RawVerifier, errorCatalog } from "./cognito_wasm.js";
import { FailedAssertionError, errorClasses } from "./errors.js";

const ownFields = new Set(["name", "code", "message", "stack"]);
let classByCode;

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
      ? new cls(error.message, error.failedAssertion?.actual, error.failedAssertion?.expected, options)
      : new cls(error.message, options);
  converted.code = error.code;
  for (const key of Object.keys(error)) {
    if (!ownFields.has(key)) converted[key] = error[key];
  }
  return converted;
}

// Errors thrown by a caller's customJwtCheck travel through the core unchanged; this set
// remembers them so that they are never mistaken for (and converted into) our own errors.
const callerErrors = new WeakSet();

function guardCustomCheck(options) {
  if (options === null || typeof options !== "object" || typeof options.customJwtCheck !== "function") {
    return options;
  }
  const check = options.customJwtCheck;
  const customJwtCheck = async (jwt) => {
    try {
      return await check(jwt);
    } catch (error) {
      if (error !== null && (typeof error === "object" || typeof error === "function")) callerErrors.add(error);
      throw error;
    }
  };
  return { ...options, customJwtCheck };
}

const guardOptions = (options) => (Array.isArray(options) ? options.map(guardCustomCheck) : guardCustomCheck(options));

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

class Verifier {
  #raw;

  /** @internal Use `create`. */
  constructor(raw) {
    if (!(raw instanceof RawVerifier)) throw new TypeError("use the static create() method");
    this.#raw = raw;
  }

  // Not `async`: one promise (the core's) instead of two, and no extra await on the hot path.
  verify(token, overrides) {
    try {
      return this.#raw.verify(token, guardOptions(overrides)).then(undefined, rethrow);
    } catch (error) {
      return Promise.reject(thrown(error));
    }
  }

  async hydrate() {
    try {
      await this.#raw.hydrate();
    } catch (error) {
      rethrow(error);
    }
  }

  cacheJwks(jwks, issuer) {
    call(() => this.#raw.cacheJwks(jwks, issuer));
  }

  /** The JWKS cache as JSON-safe data, for importJwksCache() in another isolate. */
  exportJwksCache() {
    return this.#raw.exportJwksCache();
  }

  /** Merges what exportJwksCache() returned: newer keys win, a penalty box is kept. */
  importJwksCache(state) {
    call(() => this.#raw.importJwksCache(state));
  }
}

/** Verifies Amazon Cognito user pool tokens (one pool, or several given as an array). */
export class CognitoJwtVerifier extends Verifier {
  static create(options) {
    return new CognitoJwtVerifier(call(() => RawVerifier.cognito(guardOptions(options))));
  }
}

/** Verifies tokens of any OIDC issuer (issuer, audience, jwksUri). */
export class JwtVerifier extends Verifier {
  static create(options) {
    return new JwtVerifier(call(() => RawVerifier.generic(guardOptions(options))));
  }
}

export { errorCatalog };
