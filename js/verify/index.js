// The public surface of `cognito-wasm/verify`, shared by its entry points: the verifiers and the
// error classes, over a wasm module built without the sign-in and edge code (a smaller download).
export * from "./errors.js";
export { CognitoJwtVerifier, JwtVerifier, errorCatalog } from "./verifier.js";
