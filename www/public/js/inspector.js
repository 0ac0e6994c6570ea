// Inspector: paste any JWT (plus, optionally, a user pool ID or JWKS URL and what you expect) and
// see it decoded, verified against the pool's JWKS, and every failure explained with its fix.
// Nothing pasted leaves the page: the only request is the JWKS fetch (by the package's verifier).
import { diagnose } from './checks.js';
import { apiSignIn, expiredApiTokens } from './emulator.js';
import { cleanToken, decodeJwt, poolIdFromIssuer } from './jwt.js';
import { checklist, claimsTable, el, problemList } from './ui.js';

let pending; // a token handed over by another page (never through the URL)

/** Opens the Inspector with `token` and `fields` ({tokenUse, clientId, scope, group}) filled in. */
export function inspectToken(navigate, token, fields = {}) {
  pending = { token, fields };
  return navigate('/inspector');
}

const field = (id, label, hint, control) => el('div', {}, el('label', { for: id }, label, hint && el('span', { class: 'hint' }, ` ${hint}`)), control);

export async function renderInspector(main, { demo, cognito }) {
  const token = el('textarea', { id: 'jwt', name: 'jwt', spellcheck: 'false', autocomplete: 'off', required: true,
    placeholder: 'eyJraWQiOi…  (an ID or access token; a "Bearer " prefix is fine)' });
  const pool = el('input', { id: 'pool', name: 'pool', autocomplete: 'off', placeholder: 'from the token\'s iss (else the demo pool)' });
  const jwks = el('input', { id: 'jwks', name: 'jwks', type: 'url', autocomplete: 'off',
    placeholder: 'the pool\'s JWKS (the emulator\'s for the demo pool)' });
  const tokenUse = el('select', { id: 'token-use', name: 'tokenUse' },
    el('option', { value: '' }, 'either (id or access)'), el('option', { value: 'id' }, 'ID token'),
    el('option', { value: 'access' }, 'access token'));
  const clientId = el('input', { id: 'client-id', name: 'clientId', autocomplete: 'off', placeholder: 'not checked' });
  const scope = el('input', { id: 'scope', name: 'scope', autocomplete: 'off', placeholder: 'not checked' });
  const group = el('input', { id: 'group', name: 'group', autocomplete: 'off', placeholder: 'not checked' });
  const result = el('section', { id: 'result', 'aria-live': 'polite', 'aria-label': 'Result' });
  const inspectButton = el('button', { type: 'submit' }, 'Inspect');

  const fill = (value, fields = {}) => {
    token.value = value;
    tokenUse.value = fields.tokenUse ?? '';
    clientId.value = fields.clientId ?? '';
    scope.value = fields.scope ?? '';
    group.value = fields.group ?? '';
  };
  const run = async () => {
    inspectButton.disabled = true;
    try {
      result.replaceChildren(await inspect(cognito, demo, {
        token: cleanToken(token.value), pool: pool.value.trim(), jwks: jwks.value.trim(),
        tokenUse: tokenUse.value, clientId: clientId.value.trim(), scope: scope.value.trim(), group: group.value.trim(),
      }));
    } finally {
      inspectButton.disabled = false;
    }
  };
  const sample = (label, make) => el('button', { type: 'button', class: 'secondary', onclick: async () => {
    try {
      const [value, fields] = await make();
      fill(value, fields);
      await run();
    } catch (error) {
      result.replaceChildren(el('p', { class: 'problem', role: 'alert' }, error.message));
    }
  } }, label);

  main.append(
    el('h1', {}, 'Token inspector'),
    el('p', {}, 'Paste a Cognito (or any OIDC) JWT: it is decoded, verified against its pool\'s JWKS by the ',
      el('code', {}, 'cognito-wasm'), ' package, and every failed check is explained with the fix.'),
    el('p', { class: 'privacy' }, 'Nothing you paste leaves this page: decoding and verification run here, in WebAssembly. ',
      'The only request is the download of the public keys (JWKS).'),
    el('form', { id: 'inspect-form', onsubmit: (event) => { event.preventDefault(); run(); } },
      field('jwt', 'JWT', undefined, token),
      el('div', { class: 'row' },
        field('pool', 'User pool ID', '(optional)', pool),
        field('jwks', 'JWKS URL', '(optional)', jwks)),
      el('fieldset', {}, el('legend', {}, 'What you expect (optional)'),
        el('div', { class: 'row' },
          field('token-use', 'Token use', undefined, tokenUse),
          field('client-id', 'App client ID', undefined, clientId),
          field('scope', 'Required scope', undefined, scope),
          field('group', 'Required group', undefined, group))),
      el('div', { class: 'actions' }, inspectButton)),
    el('div', { class: 'actions', role: 'group', 'aria-label': 'Demo tokens' },
      sample('Demo: API sign-in token (InitiateAuth)', async () => {
        const tokens = await apiSignIn(demo);
        return [tokens.AccessToken, { tokenUse: 'access', clientId: demo.clientId, scope: 'https://api.example.com/read' }];
      }),
      sample('Demo: expired ID token', async () => {
        const tokens = await expiredApiTokens();
        return [tokens.IdToken, { tokenUse: 'id', clientId: demo.apiClientId }];
      }),
      sample('Demo: tampered token (one claim edited)', async () => {
        const tokens = await apiSignIn(demo);
        return [tamper(tokens.IdToken), { tokenUse: 'id' }];
      })),
    result,
  );
  if (pending) {
    fill(pending.token, pending.fields);
    pending = undefined;
    await run();
  }
}

/** Rewrites one claim of a signed token without re-signing it (the tampering an attacker would try). */
function tamper(jwt) {
  const [header, payload, signature] = jwt.split('.');
  const claims = decodeJwt(jwt).payload;
  claims['cognito:groups'] = [...(claims['cognito:groups'] ?? []), 'superusers'];
  const bytes = new TextEncoder().encode(JSON.stringify(claims));
  const encoded = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return [header, encoded, signature].join('.');
}

/** Builds the verifier the inputs describe (Cognito pool, or generic issuer) and diagnoses the token. */
async function inspect({ CognitoJwtVerifier, JwtVerifier }, demo, input) {
  const decoded = decodeJwt(input.token);
  const header = decoded.header ?? {};
  const payload = decoded.payload ?? {};
  // Without a pool ID, the token's own Cognito issuer names it; a token without any iss is checked
  // against the demo pool (so that what is wrong with it still shows).
  const poolId = input.pool || poolIdFromIssuer(payload.iss) || (typeof payload.iss === 'string' ? undefined : demo.userPoolId);
  const cognito = Boolean(poolId);
  let jwksUri = input.jwks || (poolId && poolId === demo.userPoolId ? demo.jwksUri : undefined);
  const options = jwksUri ? { jwksUri } : {};
  let verifier;
  let expectations;
  try {
    if (cognito) {
      expectations = { tokenUse: input.tokenUse || null, clientId: input.clientId || null, scope: input.scope || null, groups: input.group || null };
      verifier = CognitoJwtVerifier.create({ userPoolId: poolId, ...options });
      jwksUri ??= `https://cognito-idp.${poolId.split('_')[0]}.amazonaws.com/${poolId}/.well-known/jwks.json`;
    } else {
      expectations = { audience: input.clientId || null, scope: input.scope || null };
      verifier = JwtVerifier.create({ issuer: payload.iss, ...options });
      jwksUri ??= `${payload.iss}/.well-known/openid-configuration → jwks_uri`;
    }
  } catch (error) {
    verifier = { verify: () => Promise.reject(error) };
  }
  const report = await diagnose(verifier, input.token, { cognito, expectations, header, payload, jwksUri, apiClientId: demo.apiClientId });
  const failures = report.problems.filter((p) => !p.code.startsWith('NOTE_')).length;
  return el('div', {},
    el('h2', {}, 'Result'),
    el('p', { class: `verdict ${report.ok ? 'ok' : 'bad'}`, 'data-verdict': report.ok ? 'valid' : 'invalid' },
      report.ok ? '✓ Valid: the signature and every checked claim pass'
        : `✗ Not valid: ${failures} problem${failures === 1 ? '' : 's'}`),
    el('p', { class: 'privacy' }, jwksUri ? `Keys from ${jwksUri}.` : 'No JWKS was needed.',
      cognito ? '' : ' Not a Cognito issuer: verified as a generic OIDC token of its own iss (give a user pool ID to pin the issuer).'),
    el('div', { class: 'grid' },
      el('div', { class: 'panel' }, el('h3', {}, 'Checks'), checklist(report.steps)),
      report.problems.length > 0 && el('div', { class: 'panel' },
        el('h3', {}, failures ? 'What went wrong, and the fix' : 'Notes'), problemList(report.problems))),
    decoded.error
      ? el('p', { class: 'notice' }, `Cannot decode: ${decoded.error}.`)
      : el('div', { class: 'grid' },
        el('div', { class: 'panel' }, el('h3', {}, 'Header'), claimsTable(header, { caption: 'Header' })),
        el('div', { class: 'panel' }, el('h3', {}, 'Payload'), claimsTable(payload, { caption: 'Payload' }))),
    !decoded.error && el('details', {}, el('summary', {}, 'Raw JSON'),
      el('pre', {}, `${JSON.stringify(header, null, 2)}\n${JSON.stringify(payload, null, 2)}`)));
}
