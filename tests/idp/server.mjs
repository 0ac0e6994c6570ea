// A real OpenID Provider (npm `oidc-provider` 9.x) on loopback, used as the external IdP that the
// Cognito emulator federates to. Reusable as a module (tests, demo) and as a CLI:
//
//   node tests/idp/server.mjs [--port 0] [--config idp.json] [--client-id ID] [--client-secret S]
//                             [--redirect-uri URI]... [--any-loopback-port] [--id-token-padding N]
//
// The CLI prints the issuer URL as its first stdout line, then serves until SIGINT/SIGTERM.
// Test-only endpoint (on by default): GET /_test/drive?url=<authorize URL>&account=<id>[&cancel]
// completes (or cancels) a sign-in headlessly and answers {"url": "<first redirect outside the IdP
// and the start origin>"}.
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, get as httpGet } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';
import { createMemoryAdapter } from 'oidc-provider/lib/adapters/memory_adapter.js';

/** The claim that `idTokenPadding` fills, so an IdP ID token can exceed Cognito's 2,048 limit. */
export const PADDING_CLAIM = 'pad';

export const DEFAULT_ACCOUNTS = {
  alice: {
    email: 'alice@corp.example',
    email_verified: true,
    name: 'Alice Liddell',
    given_name: 'Alice',
    family_name: 'Liddell',
    preferred_username: 'alice',
  },
  bob: {
    email: 'bob@corp.example',
    email_verified: false,
    name: 'Bob Builder',
    given_name: 'Bob',
    family_name: 'Builder',
    preferred_username: 'bob',
  },
};

export const DEFAULT_CLIENT = {
  client_id: 'cognito-emulator',
  client_secret: 'corp-idp-secret',
  redirect_uris: ['http://127.0.0.1/oauth2/idpresponse'],
};

/** The pool's custom attributes that hold this IdP's tokens (`custom:id_token`, `custom:access_token`). */
export const TOKEN_ATTRIBUTES = ['id_token', 'access_token'].map((Name) => ({
  Name,
  AttributeDataType: 'String',
  Mutable: true,
  StringAttributeConstraints: { MaxLength: '2048' },
}));

/**
 * The emulator's `IdentityProviders` entry (Cognito's shape) for this IdP as `client`, at `issuer`:
 * an OIDC provider read with `method`, mapping `mapping` and, unless `mapping` is given, the
 * username, email and both tokens.
 */
export function cognitoProvider(name, issuer, client, { scopes = 'openid email profile', method = 'GET', mapping, identifiers } = {}) {
  return {
    ProviderName: name,
    ProviderType: 'OIDC',
    ProviderDetails: {
      client_id: client.client_id,
      client_secret: client.client_secret,
      authorize_scopes: scopes,
      oidc_issuer: issuer,
      attributes_request_method: method,
    },
    AttributeMapping: mapping ?? { username: 'sub', email: 'email', 'custom:id_token': 'id_token', 'custom:access_token': 'access_token' },
    ...(identifiers && { IdpIdentifiers: identifiers }),
  };
}

const SCOPE_CLAIMS = {
  openid: ['sub', PADDING_CLAIM],
  email: ['email', 'email_verified'],
  profile: ['name', 'given_name', 'family_name', 'preferred_username', 'locale', 'picture'],
};

/** Client metadata for oidc-provider: a confidential web client that authenticates like Cognito. */
function clientMetadata(client, anyLoopbackPort) {
  return {
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: client.redirect_uris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    // RFC 8252 loopback rule: with `native`, http://127.0.0.1/... matches any port.
    application_type: anyLoopbackPort ? 'native' : 'web',
  };
}

function signingJwk() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return { ...jwk, kid: randomBytes(12).toString('base64url'), alg: 'RS256', use: 'sig' };
}

/** How long one asynchronous start-up step of startIdp may take before it fails, naming the step. */
const STARTUP_STEP_TIMEOUT_MS = 20_000;

/** What keeps this process busy (timers, sockets, fs requests...): for messages about a stall. */
export function activeResources() {
  const resources = process.getActiveResourcesInfo();
  return resources.length > 0 ? resources.join(', ') : 'none';
}

/**
 * Runs one start-up step, appending "name N ms" to `trace`. An asynchronous step that does not
 * settle within `timeoutMs` rejects with what was done so far and the process's active resources,
 * so a stalled start fails with a message that says where, instead of hanging the caller.
 */
async function startupStep(trace, name, run, timeoutMs = STARTUP_STEP_TIMEOUT_MS) {
  const started = performance.now();
  let timer;
  try {
    return await Promise.race([
      run(),
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`startIdp: step "${name}" did not finish within ${timeoutMs} ms `
          + `(done: ${trace.join(', ') || 'nothing'}; active resources: ${activeResources()})`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    trace.push(`${name} ${Math.round(performance.now() - started)} ms`);
  }
}

/** GETs `url` on a fresh connection (no keep-alive pool) and resolves with its status. */
function probe(url) {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { agent: false, headers: { connection: 'close' } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, accounts, hint) {
  const options = Object.keys(accounts)
    .map((id) => `<option value="${escapeHtml(id)}"${id === hint ? ' selected' : ''}>${escapeHtml(id)}</option>`)
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Test IdP sign-in</title></head>
<body><h1>Test IdP</h1>
<form method="post" action="/interaction/${uid}/login">
<label>Account <select name="login">${options}</select></label>
<button type="submit">Sign in</button></form>
<form method="post" action="/interaction/${uid}/abort"><button type="submit">Cancel</button></form>
</body></html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** A tiny cookie jar keyed by origin + path, enough to walk oidc-provider's interaction cookies. */
class CookieJar {
  #cookies = new Map(); // `${origin} ${path} ${name}` -> { origin, path, name, value }

  store(url, response) {
    const { origin } = new URL(url);
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = '/';
      let expired = value === '';
      for (const attribute of attributes) {
        const [key, attrValue = ''] = attribute.split('=');
        const lower = key.toLowerCase();
        if (lower === 'path') path = attrValue;
        if (lower === 'max-age' && Number(attrValue) <= 0) expired = true;
        if (lower === 'expires' && Date.parse(attrValue) <= Date.now()) expired = true;
      }
      const key = `${origin} ${path} ${name}`;
      if (expired) this.#cookies.delete(key);
      else this.#cookies.set(key, { origin, path, name, value });
    }
  }

  header(url) {
    const { origin, pathname } = new URL(url);
    return [...this.#cookies.values()]
      .filter((c) => c.origin === origin && (pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }
}

/**
 * Starts the IdP.
 * @param {object} [options]
 * @param {number} [options.port=0]
 * @param {string} [options.host='127.0.0.1']
 * @param {Array<{client_id: string, client_secret: string, redirect_uris: string[]}>} [options.clients]
 * @param {Record<string, object>} [options.accounts] account id (= `sub`) -> claims
 * @param {number} [options.idTokenPadding=0] length of the `pad` claim added to every ID token
 * @param {boolean} [options.anyLoopbackPort=false] accept redirect URIs on 127.0.0.1 with any port
 * @param {boolean} [options.testEndpoints=true] serve GET /_test/drive
 */
export async function startIdp(options = {}) {
  const {
    port = 0,
    host = '127.0.0.1',
    accounts = DEFAULT_ACCOUNTS,
    anyLoopbackPort = false,
    testEndpoints = true,
  } = options;
  const clients = new Map((options.clients ?? [DEFAULT_CLIENT]).map((c) => [c.client_id, { ...c }]));
  const issued = [];
  let handler = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => handler(req, res));
  // Start-up steps with their durations ("listen 2 ms", ...); kept as idp.startup for diagnostics.
  const trace = [];
  try {
    await startupStep(trace, 'listen', () => new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    }));
  } catch (error) {
    server.close();
    throw error;
  }
  const issuer = `http://${host}:${server.address().port}`;

  const memory = createMemoryAdapter();
  const clientStore = {
    async find(id) {
      const client = clients.get(id);
      return client && clientMetadata(client, anyLoopbackPort);
    },
  };

  const idp = {
    issuer,
    server,
    /** Every successful token response: { client_id, id_token, access_token, ... }. */
    issued,
    /** Every request received: { method, path } (no query: it may carry codes). */
    requests: [],
    /** The start-up steps and their durations, e.g. ["listen 1 ms", "signing key 80 ms", ...]. */
    startup: trace,
    idTokenPadding: options.idTokenPadding ?? 0,
    accounts,
    setRedirectUris(clientId, redirectUris) {
      const client = clients.get(clientId);
      if (!client) throw new Error(`unknown client ${clientId}`);
      client.redirect_uris = redirectUris;
    },
    drive: (url, driveOptions) => drive(idp, url, driveOptions),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };

  let started = performance.now();
  const signingKey = signingJwk();
  trace.push(`signing key ${Math.round(performance.now() - started)} ms`);
  started = performance.now();
  const provider = new Provider(issuer, {
    adapter: (model) => (model === 'Client' ? clientStore : memory(model)),
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: SCOPE_CLAIMS,
    scopes: ['openid', 'email', 'profile'],
    responseTypes: ['code'],
    // Put scope claims into the ID token even for the code flow, as most real IdPs do.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => false },
    ttl: { AccessToken: 3600, AuthorizationCode: 300, IdToken: 3600, Interaction: 600, Grant: 3600, Session: 3600 },
    async findAccount(_ctx, sub) {
      if (!Object.hasOwn(accounts, sub)) return undefined;
      return {
        accountId: sub,
        async claims() {
          const padding = idp.idTokenPadding > 0 ? { [PADDING_CLAIM]: 'x'.repeat(idp.idTokenPadding) } : {};
          return { ...padding, ...accounts[sub], sub };
        },
      };
    },
    // The emulator is a first-party client: consent is implied, never prompted.
    async loadExistingGrant(ctx) {
      const { Grant } = ctx.oidc.provider;
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) {
        const existing = await Grant.find(grantId);
        if (existing) return existing;
      }
      const grant = new Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope(ctx.oidc.requestParamScopes ? [...ctx.oidc.requestParamScopes].join(' ') : 'openid');
      await grant.save();
      ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId, grant.jti);
      return grant;
    },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>IdP error</title><pre>${escapeHtml(JSON.stringify(out))}</pre>`;
    },
  });
  trace.push(`provider ${Math.round(performance.now() - started)} ms`);
  provider.on('grant.success', (ctx) => {
    issued.push({ client_id: ctx.oidc.client?.clientId, ...ctx.body });
  });

  const oidc = provider.callback();
  handler = async (req, res) => {
    try {
      const url = new URL(req.url, issuer);
      idp.requests.push({ method: req.method, path: url.pathname });
      const interaction = url.pathname.match(/^\/interaction\/([^/]+)(?:\/(login|abort))?$/);
      if (interaction) {
        await handleInteraction(provider, accounts, req, res, interaction[2]);
      } else if (testEndpoints && url.pathname === '/_test/drive' && req.method === 'GET') {
        const result = await idp.drive(url.searchParams.get('url'), {
          account: url.searchParams.get('account') ?? undefined,
          cancel: url.searchParams.has('cancel'),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
      } else {
        oidc(req, res);
      }
    } catch (error) {
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'bad_request', error_description: error.message }));
    }
  };
  // One request through the whole stack (koa, oidc-provider's first response) on a fresh
  // connection, time-boxed: a start that cannot serve fails here, naming the step, not in a caller.
  try {
    const status = await startupStep(trace, 'first request', () => probe(`${issuer}/.well-known/openid-configuration`));
    if (status !== 200) throw new Error(`startIdp: discovery answered ${status} (${trace.join(', ')})`);
  } catch (error) {
    await idp.close();
    throw error;
  }
  idp.requests.length = 0;
  return idp;
}

async function handleInteraction(provider, accounts, req, res, action) {
  const details = await provider.interactionDetails(req, res);
  if (action === 'abort' && req.method === 'POST') {
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'sign-in cancelled' }, { mergeWithLastSubmission: false });
    return;
  }
  if (action === 'login' && req.method === 'POST') {
    const accountId = (await readForm(req)).get('login');
    if (!Object.hasOwn(accounts, accountId ?? '')) throw new Error('unknown account');
    await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
    return;
  }
  if (action === undefined && req.method === 'GET' && details.prompt.name === 'consent') {
    // Consent is implied (native clients are always asked; see loadExistingGrant for the rest).
    const { missingOIDCScope = [], missingOIDCClaims = [], missingResourceScopes = {} } = details.prompt.details;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    grant.addOIDCScope(missingOIDCScope.join(' '));
    grant.addOIDCClaims(missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missingResourceScopes)) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }
  if (action === undefined && req.method === 'GET' && details.prompt.name === 'login') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(loginPage(details.uid, accounts, details.params.login_hint));
    return;
  }
  throw new Error(`unexpected interaction ${req.method} ${action ?? ''} (${details.prompt.name})`);
}

/**
 * Walks a sign-in without a browser: follows redirects (with cookies) from `url` while they stay on
 * the IdP or on the start URL's origin, answers the IdP login form with `account` (or cancels it
 * with `cancel: true`), and returns the first redirect target outside those origins (the app's
 * callback), or the last response's details.
 */
export async function drive(idp, url, { account = Object.keys(idp.accounts)[0], cancel = false, maxHops = 20 } = {}) {
  const jar = new CookieJar();
  const followed = new Set([new URL(idp.issuer).origin, new URL(url).origin]);
  let next = { url, init: { method: 'GET' } };
  for (let hop = 0; hop < maxHops; hop += 1) {
    const headers = { ...next.init.headers, cookie: jar.header(next.url) };
    const response = await fetch(next.url, { ...next.init, headers, redirect: 'manual' });
    jar.store(next.url, response);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const target = new URL(location, next.url);
      if (!followed.has(target.origin)) return { url: target.href };
      next = { url: target.href, init: { method: 'GET' } };
    } else if (response.status === 200 && new URL(next.url).origin === new URL(idp.issuer).origin
      && /^\/interaction\/[^/]+$/.test(new URL(next.url).pathname)) {
      await response.arrayBuffer();
      next = {
        url: `${next.url}/${cancel ? 'abort' : 'login'}`,
        init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ login: account }).toString() },
      };
    } else {
      return { url: next.url, status: response.status, body: await response.text() };
    }
  }
  throw new Error(`drive: more than ${maxHops} redirects`);
}

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      config: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'any-loopback-port': { type: 'boolean' },
      'id-token-padding': { type: 'string' },
    },
  });
  const config = values.config ? JSON.parse(readFileSync(values.config, 'utf8')) : {};
  const client = {
    ...DEFAULT_CLIENT,
    ...(values['client-id'] && { client_id: values['client-id'] }),
    ...(values['client-secret'] && { client_secret: values['client-secret'] }),
    ...(values['redirect-uri'] && { redirect_uris: values['redirect-uri'] }),
  };
  const idp = await startIdp({
    clients: [client],
    ...config,
    port: Number(values.port),
    ...(values['any-loopback-port'] && { anyLoopbackPort: true }),
    ...(values['id-token-padding'] && { idTokenPadding: Number(values['id-token-padding']) }),
  });
  process.stdout.write(`${idp.issuer}\n`);
  const stop = () => idp.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
