// The public surface, shared by every entry point (node.js, web.js, workerd.js).
export * from "./errors.js";
export { CognitoJwtVerifier, JwtVerifier, errorCatalog } from "./verifier.js"; // not fromWasmError: internal
export * from "./edge.js";
export * from "./auth.js";
export * from "./edge-auth.js";
