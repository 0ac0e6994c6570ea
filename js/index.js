// The public surface, shared by every entry point (node.js, web.js, workerd.js).
export * from "./errors.js";
export * from "./verifier.js";
export * from "./edge.js";
export * from "./auth.js";
