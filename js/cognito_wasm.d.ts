// The part of the wasm-bindgen glue (cognito_wasm.js, written by wasm-pack at build time) that the
// wrapper imports, for `tsc --checkJs` over js/ before anything is built (hand-written). Its raw
// classes are not public; `TokenCache` is (js/edge.js re-exports it), so it is declared here with
// its documentation and bundled into the package's index.d.ts.
import type { CognitoWasmErrorCode } from "./errors.js";
import type { JwtPayload } from "./types.js";

/** Bounded LRU of verified tokens (keyed by the whole token, each entry until the token's `exp`). */
export declare class TokenCache {
  /** At most `maxEntries` tokens, and at most `maxBytes` of tokens plus payloads (as JSON) in all
   * (`0` caches nothing; default: docs/verifier-api.md, "Defaults of the other APIs"). */
  constructor(maxEntries: number, maxBytes?: number);
  /** The payload cached for `token` as the verifier with id `owner` verified it while its JWKS
   * was at generation `jwks` (an entry from an earlier generation is dropped). */
  get(token: string, owner: number, jwks: number): JwtPayload | undefined;
  insert(token: string, owner: number, jwks: number, payload: JwtPayload): void;
  readonly size: number;
  /** Bytes the cached tokens and payloads count against `maxBytes`. */
  readonly bytes: number;
  free(): void;
}

// The raw classes and functions below mirror src/bindings/*.rs; their values are JSON-like
// objects the wrapper reads field by field, hence `any`.
export declare class BearerGuard {
  constructor(options: any);
  check(payload: any): any;
  invalid(code?: string | null): any;
  token(authorization?: string | null): any;
}
export declare class Introspector {
  constructor(clients: any, bearer: boolean);
  checkHeaders(method: string, contentType?: string | null, authorization?: string | null): any;
  parse(method: string, contentType: string | null | undefined, authorization: string | null | undefined, body: string): any;
  respond(payload: any): string;
}
export declare class RawAuth {
  private constructor();
  callback(url: string, transaction: string): string;
  static checkIdToken(idToken: string, accessToken: string, transaction?: string | null): void;
  static create(options: any): RawAuth;
  endpoint(path: string): string;
  static idpProvider(verifiable: boolean, iss: string | null | undefined, identities: string[], names: string[], issuers: string[]): any;
  static idpTokens(idToken: string, now: number): any;
  static isCallback(url: string): boolean;
  logoutUrl(): string;
  static networkError(): any;
  static basicAuthorization(clientId: string, clientSecret: string): string;
  refreshBody(refreshToken: string): string;
  static refreshDue(session: string, now: number, marginSeconds: number): boolean;
  static refreshDueAt(expiresAt: unknown, now: number, marginSeconds: number): boolean;
  revokeBody(refreshToken: string): string;
  static session(status: number, body: string, previous: string | null | undefined, now: number): string;
  signIn(params: any): any;
  static stripCallback(url: string): string;
  static userInfo(status: number, body: string): any;
}
export declare function edgeSessionCookies(name: string, version: number, sealed: Uint8Array | number[]): any[] | undefined;
export declare function edgeSessionFramed(cookieHeader: string, name: string): string | undefined;
export declare function edgeSessionUnframe(framed: string): any;
export declare function edgeSessionChunks(cookieHeader: string, name: string): Uint32Array;
export declare function edgeSessionStrip(cookieHeader: string, name: string, txName: string): string;
export declare function isApiIssued(scope: string): boolean;
export declare function requireScopes(scope: string | null | undefined, required: string[]): void;

// The verifier's (js/verifier.js, js/driver.js).
export declare const RawVerifier: any;
export declare const RawVerification: any;
/** One entry of the core's error catalogue: a code, its class name and that class's parent. */
export interface ErrorCatalogEntry {
  code: CognitoWasmErrorCode;
  name: string;
  parent: string;
}
/** Every error code with the class that carries it (js/verifier.js re-exports it). */
export declare function errorCatalog(): ErrorCatalogEntry[];
export declare function fastMaxUnits(): number;
export declare function fastOut(): number;
export declare function fastScratch(): number;
export declare function invalidSignatureError(): any;
export declare function wasmMemory(): any;

// The loaders (js/entry/*.js).
export declare function initSync(module: { module: BufferSource | WebAssembly.Module }): unknown;
export default function init(options: { module_or_path: RequestInfo | URL | Response | BufferSource | WebAssembly.Module }): Promise<unknown>;
