// Session and IdP tokens pages, on the package's CognitoAuth client: sign-in through the hosted UI
// (local user, or federated through the Corp IdP), the tokens verified and shown claim by claim
// beside userInfo, a validity timeline, refresh and sign-out; and the upstream IdP's tokens that
// attribute mapping copied into custom:id_token / custom:access_token.
import { diagnose } from './checks.js';
import { inspectToken } from './inspector.js';
import { decodeJwt, scopesOf } from './jwt.js';
import { checklist, claimText, claimsTable, el, isoTime, problemList, relative, tags, timeline } from './ui.js';

let auth; // one client per page load

function client(cognito, demo) {
  auth ??= cognito.CognitoAuth.create({
    userPoolId: demo.userPoolId,
    clientId: demo.clientId,
    domain: demo.emulatorUrl,
    redirectUri: demo.redirectUri,
    logoutUri: demo.logoutUri,
    scopes: demo.scopes,
    jwksUri: demo.jwksUri,
    apiEndpoint: `${demo.emulatorUrl}/`,
    storage: 'session',
  });
  return auth;
}

/** Claims Cognito writes itself; any other token claim that userInfo lacks came from the trigger. */
const PROTOCOL_CLAIMS = new Set(['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nbf', 'token_use', 'at_hash', 'nonce',
  'jti', 'origin_jti', 'event_id', 'client_id', 'username', 'scope', 'version', 'cognito:username', 'cognito:groups',
  'cognito:roles', 'cognito:preferred_role', 'identities', 'device_key']);

function signInPanel(demo, signIn) {
  const local = demo.users[0];
  const idp = demo.identityProviders[0];
  return el('div', { class: 'grid' },
    el('div', { class: 'panel' }, el('h2', {}, 'Local user'),
      el('p', {}, 'Signs in on the emulator\'s hosted UI (authorization code + PKCE).'),
      el('p', {}, 'User ', el('code', {}, local.username), ', password ', el('code', {}, local.password),
        ` (groups ${local.groups.join(', ')}).`),
      el('div', { class: 'actions' }, el('button', { type: 'button', onclick: () => signIn({ identityProvider: 'COGNITO' }) }, 'Sign in as a local user'))),
    idp && el('div', { class: 'panel' }, el('h2', {}, `Federated: ${idp.name}`),
      el('p', {}, `Cognito sends you to the ${idp.name} IdP (oidc-provider), which sends you back; its tokens are mapped into custom:id_token and custom:access_token.`),
      el('p', {}, 'Accounts ', el('code', {}, 'alice'), ' or ', el('code', {}, 'bob'), ' (no password).'),
      el('div', { class: 'actions' }, el('button', { type: 'button', onclick: () => signIn({ identityProvider: idp.name }) }, `Sign in with ${idp.name}`))));
}

/** Loads the session (finishing a hosted-UI callback first); renders the sign-in panel when there is none. */
async function loadSession(main, { demo, cognito, navigate }, title) {
  const auth = client(cognito, demo);
  main.append(el('h1', {}, title));
  if (cognito.CognitoAuth.isCallback(location.href)) {
    try {
      await auth.handleRedirectCallback(location.href);
    } finally {
      history.replaceState(null, '', '/session');
    }
  }
  const session = await auth.getSession();
  if (!session) {
    main.append(el('p', {}, 'Not signed in.'), signInPanel(demo, (options) => auth.signInWithRedirect(options)));
    return undefined;
  }
  return { auth, session, navigate };
}

async function verifyAll(cognito, demo, tokens) {
  const verifier = cognito.CognitoJwtVerifier.create({ userPoolId: demo.userPoolId, jwksUri: demo.jwksUri });
  return Promise.all(tokens.map(([token, tokenUse, payload]) => diagnose(verifier, token, {
    cognito: true, expectations: { tokenUse, clientId: demo.clientId }, header: decodeJwt(token).header, payload, jwksUri: demo.jwksUri,
  })));
}

export async function renderSession(main, context) {
  const { demo, cognito } = context;
  const loaded = await loadSession(main, context, 'Session');
  if (!loaded) return;
  const { auth, session, navigate } = loaded;
  const id = session.idTokenPayload;
  const access = session.accessTokenPayload;
  const info = await auth.fetchUserInfo();
  const [idReport, accessReport] = await verifyAll(cognito, demo, [[session.idToken, 'id', id], [session.accessToken, 'access', access]]);
  const scopes = scopesOf(access);
  const triggerScopes = new Set(scopes.filter((s) => !demo.scopes.includes(s)));
  const triggerClaims = new Set(Object.keys(id).concat(Object.keys(access))
    .filter((c) => !PROTOCOL_CLAIMS.has(c) && !(c in info.raw)));
  const provider = Array.isArray(id.identities) ? id.identities[0]?.providerName : undefined;
  const notes = Object.fromEntries([...triggerClaims].map((c) => [c, 'added by the pre-token-generation trigger: not in userInfo']));
  const rerender = async (work) => {
    await work();
    main.replaceChildren();
    await renderSession(main, context);
  };

  main.append(
    el('p', { class: 'verdict ok', 'data-user': id['cognito:username'] },
      `Signed in as ${id['cognito:username']}${id.email ? ` (${id.email})` : ''}${provider ? ` through ${provider}` : ' (local user)'}`),
    el('div', { class: 'actions' },
      el('button', { type: 'button', onclick: () => rerender(() => auth.getSession({ forceRefresh: true })) }, 'Refresh tokens'),
      el('button', { type: 'button', class: 'secondary', onclick: () => auth.signOut({ revoke: true }) }, 'Sign out'),
      el('button', { type: 'button', class: 'secondary', onclick: () => inspectToken(navigate, session.accessToken, { tokenUse: 'access', clientId: demo.clientId }) }, 'Inspect the access token'),
      el('button', { type: 'button', class: 'secondary', onclick: () => inspectToken(navigate, session.idToken, { tokenUse: 'id', clientId: demo.clientId }) }, 'Inspect the ID token')),
    el('div', { class: 'grid' },
      el('div', { class: 'panel', id: 'scopes' }, el('h2', {}, 'Scopes'), tags(scopes, triggerScopes),
        triggerScopes.size > 0 && el('p', { class: 'privacy' }, `Highlighted: added by the V2 pre-token-generation trigger (${[...triggerScopes].join(', ')}), not requested at sign-in.`)),
      el('div', { class: 'panel', id: 'groups' }, el('h2', {}, 'Groups'),
        id['cognito:groups']?.length ? tags(id['cognito:groups']) : el('p', {}, 'None (cognito:groups is absent).'))),
    el('h2', {}, 'Validity'),
    el('div', { class: 'grid' },
      el('div', { class: 'panel', id: 'id-timeline' }, el('h3', {}, 'ID token'), timeline(id),
        el('p', { class: 'privacy' }, `Signed in ${relative(id.auth_time)}; issued ${relative(id.iat)}; expires ${relative(id.exp)} (${isoTime(id.exp)}).`)),
      el('div', { class: 'panel', id: 'access-timeline' }, el('h3', {}, 'Access token'), timeline(access),
        el('p', { class: 'privacy' }, `Issued ${relative(access.iat)}; expires ${relative(access.exp)} (${isoTime(access.exp)}). getSession() refreshes it from 60 s before exp.`))),
    el('h2', {}, 'Verification'),
    el('div', { class: 'grid' },
      el('div', { class: 'panel', id: 'id-checks' }, el('h3', {}, 'ID token'), checklist(idReport.steps), problemList(idReport.problems),
        el('p', { class: 'privacy' }, 'Also checked by CognitoAuth when the tokens arrived: state, nonce, and at_hash (the ID token is bound to this access token).')),
      el('div', { class: 'panel', id: 'access-checks' }, el('h3', {}, 'Access token'), checklist(accessReport.steps), problemList(accessReport.problems))),
    el('h2', {}, 'Claims and userInfo'),
    el('p', {}, 'userInfo reads the user\'s stored attributes: claims that the pre-token-generation trigger adds (★) live only in the tokens, never in userInfo.'),
    el('div', { class: 'grid wide' },
      el('div', { class: 'panel', id: 'id-claims' }, el('h3', {}, 'ID token beside userInfo (/oauth2/userInfo)'),
        compareTable(id, info.attributes, triggerClaims)),
      el('div', { class: 'panel', id: 'access-claims' }, el('h3', {}, 'Access token'),
        claimsTable(access, { caption: 'Access token claims', notes, added: triggerClaims }))),
  );
}

/** ID token claims and userInfo attributes side by side, one row per name. */
function compareTable(claims, userInfo, added) {
  const names = [...new Set([...Object.keys(claims), ...Object.keys(userInfo)])];
  const cell = (source, name) => (name in source
    ? el('td', { class: typeof source[name] === 'string' ? undefined : 'mono' }, claimText(source[name]))
    : el('td', { class: 'absent' }, '—'));
  return el('table', { 'aria-label': 'ID token claims beside userInfo' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'claim'), el('th', { scope: 'col' }, 'ID token'), el('th', { scope: 'col' }, 'userInfo'))),
    el('tbody', {}, names.map((name) => el('tr', { class: added.has(name) ? 'added' : undefined, 'data-claim': name },
      el('th', { scope: 'row' }, name, added.has(name) && el('span', { class: 'note' }, 'added by the trigger: tokens only')),
      cell(claims, name), cell(userInfo, name)))));
}

/** One upstream token: flags (truncated, expiry), the verification checklist, and its claims. */
async function idpTokenPanel({ cognito, demo, navigate }, label, token, verify) {
  const idp = demo.identityProviders[0];
  const flags = el('p', {},
    el('span', { class: `flag ${token.truncated ? 'bad' : 'ok'}`, 'data-flag': 'truncated' },
      token.truncated ? `truncated (${token.token.length} of 2,048 characters)` : `complete (${token.token.length} of 2,048 characters)`),
    ' ',
    token.expired === undefined
      ? el('span', { class: 'flag', 'data-flag': 'expiry' }, 'expiry unknown (opaque token)')
      : el('span', { class: `flag ${token.expired ? 'bad' : 'ok'}`, 'data-flag': 'expiry' },
        token.expired ? `expired ${relative(token.expiresAt)}` : `valid, expires ${relative(token.expiresAt)}`));
  const panel = el('div', { class: 'panel', id: `idp-${label.toLowerCase().replace(/ /g, '-')}` }, el('h2', {}, label), flags);
  if (!token.payload) {
    panel.append(el('p', {}, token.truncated
      ? 'It does not decode: Cognito cut it at 2,048 characters. Raise the attribute\'s limit? You cannot: 2,048 is Cognito\'s maximum, so map fewer or smaller claims.'
      : 'Not a JWT: an opaque token that only the IdP can check (its userInfo or introspection endpoint).'),
    el('pre', {}, token.token));
    return panel;
  }
  if (verify) {
    // The demo knows its IdP: its issuer is pinned, and the audience is Cognito's client at the IdP.
    const verifier = cognito.JwtVerifier.create({ issuer: demo.idpUrl ?? token.payload.iss });
    const report = await diagnose(verifier, token.token, {
      cognito: false, expectations: { audience: idp?.clientId ?? null }, header: token.header, payload: token.payload,
      jwksUri: `${demo.idpUrl ?? token.payload.iss}/.well-known/openid-configuration → jwks_uri`,
    });
    panel.append(el('h3', {}, `Verified against ${demo.idpUrl ?? token.payload.iss}`), checklist(report.steps), problemList(report.problems));
  }
  panel.append(el('div', { class: 'actions' }, el('button', { type: 'button', class: 'secondary',
    onclick: () => inspectToken(navigate, token.token, { clientId: idp?.clientId }) }, `Inspect the ${label}`)));
  panel.append(el('h3', {}, 'Header'), claimsTable(token.header, { caption: `${label} header` }),
    el('h3', {}, 'Payload'), claimsTable(token.payload, { caption: `${label} payload` }));
  return panel;
}

export async function renderIdpTokens(main, context) {
  const loaded = await loadSession(main, context, 'IdP tokens');
  if (!loaded) return;
  main.append(el('p', {}, 'The federated IdP\'s own tokens, copied by attribute mapping into the Cognito ID token\'s custom:id_token and custom:access_token (each at most 2,048 characters), decoded and verified against the IdP.'));
  let tokens;
  try {
    tokens = await loaded.auth.idpTokens();
  } catch (error) {
    main.append(el('p', { class: 'notice', role: 'status', 'data-code': error.code }, error.message));
    return;
  }
  main.append(el('div', { class: 'grid' },
    tokens.idToken && await idpTokenPanel(context, 'IdP ID token', tokens.idToken, true),
    tokens.accessToken && await idpTokenPanel(context, 'IdP access token', tokens.accessToken, true)));
}
