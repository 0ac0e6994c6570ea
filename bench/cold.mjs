// Cold start (run by bench.mjs, one fresh Node process per sample): import the library, create a
// verifier, give it the JWKS (cached, no fetch) and verify one token; prints the milliseconds from
// the import to the verified payload, and from the process start (performance.timeOrigin).
import { clientId, userPoolId } from "./core.mjs";

const { library, token, jwks } = JSON.parse(process.env.BENCH_COLD);
const start = performance.now();
const { CognitoJwtVerifier } = await import(library);
const verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: "access", clientId });
verifier.cacheJwks(jwks);
const payload = await verifier.verify(token);
if (payload.client_id !== clientId) throw new Error(`${library}: wrong payload`);
const end = performance.now();
process.stdout.write(JSON.stringify({ fromImport: end - start, fromProcessStart: end }));
