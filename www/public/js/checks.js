// Every verification step as a checklist, driven only by the package's verifier: one verify() call,
// and after a claim failure another with that one check relaxed (a per-call override), so the page
// can list every failing claim, not only the first. Steps after a hard failure (parse, key,
// signature, issuer) are "not reached". Plus the plain-words explanation of each failure.
import { isApiIssued, scopesOf } from './jwt.js';
import { isoTime, relative } from './ui.js';

const FAR = 10 * 365 * 86400; // seconds: enough slack to step over a time check
const ATTRIBUTE_LIMIT = 2048; // characters in a Cognito custom attribute (custom:id_token)

const PARSE = ['ERR_JWT_TOO_LARGE', 'ERR_JWT_JSON_TOO_DEEP', 'ERR_JWT_MALFORMED', 'ERR_JWT_BASE64', 'ERR_JWT_JSON',
  'ERR_JWT_DUPLICATE_KEY', 'ERR_JWT_CLAIM_TYPE', 'ERR_JWT_CRIT'];
const KEY = ['ERR_JWT_MISSING_KID', 'ERR_JWKS_INVALID', 'ERR_DISCOVERY_INVALID', 'ERR_JWK_INVALID', 'ERR_JWK_WEAK_KEY',
  'ERR_JWK_INVALID_USE', 'ERR_JWK_INVALID_KTY', 'ERR_JWKS_KID_NOT_FOUND', 'ERR_JWKS_PENALTY_BOX', 'ERR_FETCH',
  'ERR_FETCH_TIMEOUT', 'ERR_FETCH_STATUS', 'ERR_FETCH_TOO_LARGE'];

/**
 * The steps in the verifier's own order (docs/verifier-api.md). `relax`: the override that steps
 * over this check; `expects`: the expectation without which the step is not checked; `detail`:
 * what a passed step found.
 */
const STEPS = [
  { id: 'settings', label: 'Verifier settings valid', codes: (c) => c.startsWith('ERR_PARAM_') && c !== 'ERR_PARAM_ISSUER_NOT_CONFIGURED' },
  { id: 'structure', label: 'Structure: three base64url parts, JSON header and payload, claim types', codes: PARSE },
  { id: 'algorithm', label: 'Algorithm allowed (RS256)', codes: ['ERR_JWT_ALG_NOT_ALLOWED', 'ERR_JWT_ALG_JWK_MISMATCH'],
    detail: ({ header }) => `alg ${header.alg}` },
  { id: 'key', label: 'Signing key (kid) found in the JWKS', codes: KEY,
    detail: ({ header, jwksUri }) => `kid ${header.kid}${jwksUri ? ` in ${jwksUri}` : ''}` },
  { id: 'signature', label: 'Signature valid (WebCrypto RSASSA-PKCS1-v1_5)', codes: ['ERR_JWT_INVALID_SIGNATURE', 'ERR_CRYPTO'] },
  { id: 'exp', label: 'Not expired (exp)', codes: ['ERR_JWT_EXPIRED', 'ERR_JWT_MISSING_EXP'], relax: { graceSeconds: FAR },
    detail: ({ payload }) => `expires ${relative(payload.exp)} (${isoTime(payload.exp)})` },
  { id: 'nbf', label: 'Already valid (nbf, when present)', codes: ['ERR_JWT_NOT_BEFORE'], relax: { graceSeconds: FAR },
    detail: ({ payload }) => (payload.nbf === undefined ? 'no nbf claim' : `valid since ${isoTime(payload.nbf)}`) },
  { id: 'iat', label: 'Not issued in the future (iat)', codes: ['ERR_JWT_IAT_IN_FUTURE'], relax: { clockSkewSeconds: FAR },
    detail: ({ payload }) => (payload.iat === undefined ? 'no iat claim' : `issued ${relative(payload.iat)}`) },
  { id: 'issuer', label: 'Issuer (iss) is the expected user pool / issuer', codes: ['ERR_JWT_INVALID_ISSUER', 'ERR_PARAM_ISSUER_NOT_CONFIGURED'],
    detail: ({ payload }) => payload.iss },
  { id: 'audience', label: 'Audience (aud)', codes: ['ERR_JWT_INVALID_AUDIENCE'], relax: { audience: null }, expects: 'audience',
    detail: ({ payload }) => `aud ${JSON.stringify(payload.aud)}` },
  { id: 'scope', label: 'Required scope present', codes: ['ERR_JWT_INVALID_SCOPE'], relax: { scope: null }, expects: 'scope',
    detail: ({ payload }) => `scope "${payload.scope}"` },
  { id: 'groups', label: 'Required group (cognito:groups)', codes: ['ERR_JWT_INVALID_GROUP'], relax: { groups: null }, expects: 'groups', cognito: true,
    detail: ({ payload }) => `cognito:groups ${JSON.stringify(payload['cognito:groups'] ?? [])}` },
  { id: 'token_use', label: 'Token use (id / access)', codes: ['ERR_JWT_INVALID_TOKEN_USE'], relax: { tokenUse: null }, cognito: true,
    detail: ({ payload, expectations }) => `token_use ${payload.token_use}${expectations.tokenUse ? '' : ' (either accepted)'}` },
  { id: 'client', label: 'App client (aud of ID tokens, client_id of access tokens)', codes: ['ERR_JWT_INVALID_CLIENT_ID'],
    relax: { clientId: null }, expects: 'clientId', cognito: true,
    detail: ({ payload }) => `client ${payload.token_use === 'access' ? payload.client_id : payload.aud}` },
];

const stepFor = (code) => STEPS.find((s) => (typeof s.codes === 'function' ? s.codes(code) : s.codes.includes(code)));

/**
 * Runs `verifier.verify(token, ...)` until it passes or fails for good. `expectations` are the
 * per-call options ({tokenUse, clientId, scope, groups} or {audience, scope}); null = not checked.
 * `ctx` ({header, payload, jwksUri, apiClientId}) feeds the details and explanations.
 * Returns {ok, payload (verified, or undefined), steps: [{id, label, status, detail}], problems}.
 */
export async function diagnose(verifier, token, { cognito, expectations, ...ctx }) {
  const failed = new Map(); // step id -> error
  let relax = {};
  let payload;
  let stop;
  for (;;) {
    try {
      payload = await verifier.verify(token, { ...expectations, ...relax });
      break;
    } catch (error) {
      const step = stepFor(error?.code) ?? STEPS[0];
      const again = failed.has(step.id); // relaxing it did not help: stop rather than loop
      failed.set(step.id, error);
      if (!step.relax || again) {
        stop = step;
        break;
      }
      relax = { ...relax, ...step.relax };
    }
  }
  const context = { ...ctx, expectations, tokenLength: token.length };
  const stopIndex = stop ? STEPS.indexOf(stop) : Infinity;
  const steps = STEPS.filter((s) => cognito || !s.cognito)
    .filter((s) => s.id !== 'audience' || !cognito)
    .map((s) => {
      const index = STEPS.indexOf(s);
      let status = 'pass';
      let detail;
      if (failed.has(s.id)) {
        status = 'fail';
        detail = failed.get(s.id).message;
      } else if (index > stopIndex) {
        status = 'unreached';
        detail = 'not reached: an earlier check failed';
      } else if (s.expects && (expectations[s.expects] === null || expectations[s.expects] === undefined)) {
        status = 'skipped';
        detail = 'not checked: no expected value given';
      } else if (s.detail && context.header && context.payload) {
        detail = s.detail(context);
      }
      return { id: s.id, label: s.label, status, detail };
    });
  const problems = [...failed.values()].map((error) => explain(error, context));
  if (!failed.size && isApiIssued(context.payload)) problems.push(apiIssuedNote(context.payload));
  return { ok: failed.size === 0, payload, steps, problems };
}

const list = (values) => values.map((v) => `"${v}"`).join(', ');
const expectedText = (expected) => {
  const values = [expected].flat();
  return values.length > 1 ? `one of ${list(values)}` : `"${values[0]}"`;
};

function apiIssuedNote(payload) {
  return {
    code: 'NOTE_API_ISSUED',
    title: 'This access token came from the user-pool API (InitiateAuth), not from the hosted UI',
    why: `Its scope is "${payload.scope}": aws.cognito.signin.user.admin and no openid. API sign-ins never get the custom scopes an OAuth authorize request asks for; only a V2/V3 pre-token-generation trigger (scopesToAdd) adds scopes to them.`,
    fix: 'If an API needs a custom scope, sign in through the OAuth endpoints (hosted UI, code + PKCE) or add the scope in the trigger.',
  };
}

/** A failure in plain words: {code, title, why, fix}. */
export function explain(error, { header = {}, payload = {}, jwksUri, apiClientId, tokenLength }) {
  const code = error?.code ?? 'ERROR';
  const actual = error?.failedAssertion?.actual;
  const expected = error?.failedAssertion?.expected;
  const p = (title, why, fix) => ({ code, title, why, fix });
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return p('The token has expired',
        `It expired ${relative(payload.exp)} (exp ${isoTime(payload.exp)}). Cognito ID and access tokens live between 5 minutes and 1 day (the app client decides); after that only the refresh token can get new ones.`,
        'Refresh the session (a refresh_token grant) before calling the API, or sign in again. If a fresh token looks expired, the clock of the machine that verifies is wrong (graceSeconds allows a little slack).');
    case 'ERR_JWT_MISSING_EXP':
      return p('The token has no expiry (exp)', 'Every Cognito token carries exp; a token without one never expires, so the verifier refuses it.',
        'Use a token issued by Cognito, not one built by hand.');
    case 'ERR_JWT_NOT_BEFORE':
    case 'ERR_JWT_IAT_IN_FUTURE':
      return p('The token is from the future',
        `It says it was issued ${relative(payload.iat ?? payload.nbf)}: the clocks of the issuer and of this machine disagree.`,
        'Sync the clocks (NTP). The verifier allows clockSkewSeconds (default 30 s) for iat.');
    case 'ERR_JWT_INVALID_ISSUER':
    case 'ERR_PARAM_ISSUER_NOT_CONFIGURED':
      return p('The token comes from another user pool or issuer',
        `Its iss is "${payload.iss}"${expected ? `, the verifier expects ${expectedText(expected)}` : ', which is not one of the configured issuers'}.`,
        'Verify with the user pool ID of the pool that issued the token (the last part of iss), in the right region, or add that pool to the verifier.');
    case 'ERR_JWT_INVALID_TOKEN_USE': {
      const wanted = [expected].flat()[0];
      return p(`This is ${actual === 'id' ? 'an ID' : 'an access'} token, but ${wanted === 'id' ? 'an ID' : 'an access'} token is expected`,
        'ID tokens tell the app who signed in (name, email, groups; aud is the app client). Access tokens authorize API calls (scope, client_id; no aud). Each is checked for its own job.',
        wanted === 'access'
          ? 'Send the access token (not the ID token) in the Authorization header to your API.'
          : 'Use the ID token to show who signed in, or verify with tokenUse: "access" if this is an API call.');
    }
    case 'ERR_JWT_INVALID_CLIENT_ID':
      return p('The token was issued to another app client',
        `It belongs to app client "${actual}"${actual === apiClientId ? ' (the demo\'s API sign-in client)' : ''}; the verifier expects ${expectedText(expected)}. ${payload.token_use === 'access' ? 'Access tokens name their client in client_id.' : 'ID tokens name their client in aud.'}`,
        'Get the token through the app client your API trusts, or list every client that may call it (clientId: ["…", "…"]).');
    case 'ERR_JWT_INVALID_SCOPE': {
      const why = `The token's scope is "${payload.scope ?? ''}"; ${expectedText(expected)} is required.`;
      if (isApiIssued(payload)) {
        return p('Missing custom scope: this access token came from InitiateAuth (API sign-in)',
          `${why} Access tokens from the user-pool API (InitiateAuth / AdminInitiateAuth) carry aws.cognito.signin.user.admin and never the custom scopes an OAuth authorize request asks for${scopesOf(payload).length > 1 ? `; the others here (${list(scopesOf(payload).filter((s) => s !== 'aws.cognito.signin.user.admin'))}) were added by a pre-token-generation trigger` : ''}.`,
          'Sign in through the OAuth endpoints (hosted UI, code + PKCE) asking for the scope, or add it with scopesToAdd in a V2/V3 pre-token-generation trigger.');
      }
      return p('A required scope is missing', why,
        'Ask for the scope at sign-in (the app client must allow it), or add it with a V2/V3 pre-token-generation trigger.');
    }
    case 'ERR_JWT_INVALID_GROUP':
      return p('The user is not in the required group',
        `cognito:groups is ${JSON.stringify(payload['cognito:groups'] ?? [])}; ${expectedText(expected)} is required.`,
        'Add the user to the group; tokens show the change at the next sign-in or refresh.');
    case 'ERR_JWT_INVALID_AUDIENCE':
      return p('The token is meant for another audience', `Its aud is ${JSON.stringify(payload.aud)}; expected ${expectedText(expected)}.`,
        'Verify with the audience (client ID) the issuer put in the token, or get a token for this audience.');
    case 'ERR_JWKS_KID_NOT_FOUND':
    case 'ERR_JWKS_PENALTY_BOX':
      return p('Unknown signing key (kid)',
        `The JWKS${jwksUri ? ` at ${jwksUri}` : ''} has no key with kid "${header.kid}". The token was signed by another user pool or environment (say a local emulator vs. AWS), or the keys were replaced.`,
        `Verify against the JWKS of the pool that issued the token (iss ${payload.iss ?? 'unknown'}): check the user pool ID and the JWKS URL.`);
    case 'ERR_JWT_MISSING_KID':
      return p('The header has no kid', 'Cognito names the signing key in every token header; without a kid the key cannot be chosen.',
        'Use a token issued by Cognito.');
    case 'ERR_JWT_INVALID_SIGNATURE':
      return p('The signature does not match',
        'The header or payload was changed after signing (even one character), or another key with the same kid signed it. The claims cannot be trusted.',
        'Use the token exactly as Cognito issued it. To change claims, change them in Cognito (attributes, groups, a pre-token-generation trigger).');
    case 'ERR_JWT_ALG_NOT_ALLOWED':
    case 'ERR_JWT_ALG_JWK_MISMATCH':
      return p('Signature algorithm not allowed',
        `The header says alg "${header.alg}". Cognito signs with RS256 only; "none" and HS256 tokens are forgeries.`,
        'Use a token issued by Cognito (or allow the algorithm with the algorithms option, if your issuer uses RS384/RS512).');
    case 'ERR_FETCH':
    case 'ERR_FETCH_TIMEOUT':
    case 'ERR_FETCH_STATUS':
    case 'ERR_FETCH_TOO_LARGE':
      return p('The JWKS could not be downloaded',
        `Fetching ${jwksUri ?? 'the JWKS'} failed: ${error.message}. From a browser the server must also allow this page's origin (CORS).`,
        'Check the JWKS URL (for Cognito: https://cognito-idp.{region}.amazonaws.com/{userPoolId}/.well-known/jwks.json), the network and CORS.');
    case 'ERR_JWKS_INVALID':
    case 'ERR_DISCOVERY_INVALID':
    case 'ERR_JWK_INVALID':
    case 'ERR_JWK_WEAK_KEY':
    case 'ERR_JWK_INVALID_USE':
    case 'ERR_JWK_INVALID_KTY':
      return p('The JWKS is not a usable key set', `${jwksUri ?? 'The JWKS'}: ${error.message}.`,
        'Point the verifier at the JWKS of the issuer (a JSON {"keys": [...]} of RSA keys of 2048 bits or more).');
    case 'ERR_JWT_MALFORMED':
    case 'ERR_JWT_BASE64':
    case 'ERR_JWT_JSON':
    case 'ERR_JWT_DUPLICATE_KEY':
    case 'ERR_JWT_CLAIM_TYPE':
    case 'ERR_JWT_TOO_LARGE':
    case 'ERR_JWT_JSON_TOO_DEEP':
    case 'ERR_JWT_CRIT':
      if (tokenLength === ATTRIBUTE_LIMIT) {
        return p('This token was cut at 2,048 characters',
          `${error.message}. It is exactly 2,048 characters long: the limit of a Cognito custom attribute, so it is probably an IdP token that attribute mapping copied into custom:id_token or custom:access_token and Cognito truncated.`,
          'Keep the IdP token short (fewer claims in it), or call the IdP itself for its tokens; the copy in the Cognito token cannot be verified.');
      }
      return p('This is not a well-formed JWT', `${error.message}. A JWT is three base64url parts (header.payload.signature) of JSON.`,
        'Copy the whole token (no line breaks, nothing cut off; a "Bearer " prefix is removed for you). Tokens stored in a 2,048-character attribute may be truncated.');
    case 'ERR_PARAM_INVALID_USER_POOL_ID':
      return p('That user pool ID is not valid', `${error.message}. A pool ID looks like us-east-1_AbCdEf123 (region, underscore, ID).`,
        'Copy the pool ID from the token\'s iss (its last part) or from the Cognito console.');
    default:
      return p(error?.name ?? 'Verification failed', error?.message ?? String(error), undefined);
  }
}
