// cognito-wasm/verify throws the package's own error classes (../errors.js, one copy for both
// entries), so `instanceof` holds whichever entry threw.
export * from "../errors.js";
