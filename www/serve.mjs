// The demo's web server: serves the SPA in www/public/ on loopback, the installed npm package under
// /node_modules/ (from www/deps/, where scripts/demo.sh installs the packed tarball exactly as a
// user would), /demo-config.json (where the emulator and the IdP run, and the demo users), and one
// demo helper, POST /demo-api/expired-tokens.
//
//   node www/serve.mjs --port 5173 --config target/demo/config.json \
//     --emulator http://127.0.0.1:9090 --idp http://127.0.0.1:4000
//
// Prints its base URL as the first stdout line, then serves until SIGINT/SIGTERM. Unknown paths
// without a file extension get index.html (the SPA routes: /session, /callback, /inspector...).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = fileURLToPath(new URL('.', import.meta.url));
const roots = [
  { prefix: '/node_modules/', dir: join(here, 'deps', 'node_modules') },
  { prefix: '/', dir: join(here, 'public') },
];
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '5173' },
    config: { type: 'string' },
    emulator: { type: 'string' },
    idp: { type: 'string' },
  },
});
if (!values.config || !values.emulator) {
  console.error('usage: node www/serve.mjs --config <emulator config> --emulator <url> [--idp <url>] [--port 5173]');
  process.exit(2);
}

/** What the SPA needs to know about the stack, taken from the emulator config it runs with. */
function demoConfig(emulatorConfig) {
  const pool = emulatorConfig.UserPool;
  const clients = emulatorConfig.UserPoolClients;
  const spa = clients.find((c) => c.AllowedOAuthFlowsUserPoolClient !== false && c.AllowedOAuthFlows?.includes('code'));
  const api = clients.find((c) => c.AllowedOAuthFlowsUserPoolClient === false);
  // the example worker's edge sign-in (bff) mode: the confidential code-flow client
  const edge = clients.find((c) => c.ClientSecret && c.AllowedOAuthFlows?.includes('code') && c.CallbackURLs?.length);
  return {
    emulatorUrl: values.emulator,
    idpUrl: values.idp ?? null,
    userPoolId: pool.UserPoolId,
    jwksUri: `${values.emulator}/${pool.UserPoolId}/.well-known/jwks.json`,
    clientId: spa.ClientId,
    scopes: spa.AllowedOAuthScopes,
    redirectUri: spa.CallbackURLs[0],
    logoutUri: spa.LogoutURLs[0],
    apiClientId: api?.ClientId ?? null,
    edgeUrl: edge ? new URL('/app', edge.CallbackURLs[0]).href : null,
    identityProviders: (emulatorConfig.IdentityProviders ?? []).map((idp) => ({
      name: idp.ProviderName, clientId: idp.ProviderDetails.client_id, identifiers: idp.IdpIdentifiers ?? [],
    })),
    users: emulatorConfig.Users.map((u) => ({ username: u.Username, password: u.Password, groups: u.Groups ?? [] })),
  };
}
const demo = demoConfig(JSON.parse(readFileSync(values.config, 'utf8')));
const configJson = JSON.stringify(demo, null, 2);

// The only inline script is the import map; the CSP allows exactly it (by hash) and nothing else
// inline. connect-src stays open: the Inspector fetches whatever JWKS URL the user names.
const indexHtml = readFileSync(join(here, 'public', 'index.html'), 'utf8');
const importMap = indexHtml.match(/<script type="importmap">([\s\S]*?)<\/script>/)[1];
const importMapHash = createHash('sha256').update(importMap).digest('base64');
const HEADERS = {
  'content-security-policy': [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' 'sha256-${importMapHash}'`,
    "connect-src *",
    "img-src 'self' data:",
    "style-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

async function fileFor(pathname) {
  const root = roots.find((r) => pathname.startsWith(r.prefix));
  let path;
  try {
    path = normalize(join(root.dir, decodeURIComponent(pathname.slice(root.prefix.length))));
  } catch {
    return undefined; // malformed %-escape (a URIError here used to end the server)
  }
  if (path !== root.dir && !path.startsWith(root.dir + sep)) return undefined;
  try {
    return { body: await readFile(path), type: TYPES[extname(path)] ?? 'application/octet-stream' };
  } catch {
    return undefined;
  }
}

/** POSTs JSON to the emulator; resolves to the parsed answer or throws with its error. */
async function emulatorCall(path, body, headers = {}) {
  const response = await fetch(`${values.emulator}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

/**
 * POST /demo-api/expired-tokens: the Inspector's "expired token" sample. Moves the emulator's test
 * clock two hours back, signs the first demo user in through InitiateAuth, and moves it forward
 * again (the browser cannot: /_emulator/ controls answer no CORS preflight).
 */
async function expiredTokens() {
  const user = demo.users[0];
  await emulatorCall('/_emulator/clock', { advanceSeconds: -7200 });
  try {
    const answer = await emulatorCall('/', {
      AuthFlow: 'USER_PASSWORD_AUTH', ClientId: demo.apiClientId,
      AuthParameters: { USERNAME: user.username, PASSWORD: user.password },
    }, { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' });
    return JSON.stringify(answer.AuthenticationResult);
  } finally {
    await emulatorCall('/_emulator/clock', { advanceSeconds: 7200 });
  }
}

const server = createServer(async (req, res) => {
  const { pathname } = new URL(req.url, 'http://localhost');
  if (req.method === 'POST' && pathname === '/demo-api/expired-tokens') {
    try {
      res.writeHead(200, { ...HEADERS, 'content-type': TYPES['.json'] }).end(await expiredTokens());
    } catch (error) {
      res.writeHead(502, { ...HEADERS, 'content-type': 'text/plain' }).end(`${error.message}\n`);
    }
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, HEADERS).end();
    return;
  }
  let file;
  if (pathname === '/demo-config.json') file = { body: configJson, type: TYPES['.json'] };
  else if (pathname === '/') file = { body: indexHtml, type: TYPES['.html'] };
  else file = await fileFor(pathname);
  if (!file && extname(pathname) === '') file = { body: indexHtml, type: TYPES['.html'] };
  if (!file) {
    res.writeHead(404, { ...HEADERS, 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  res.writeHead(200, { ...HEADERS, 'content-type': file.type });
  res.end(req.method === 'HEAD' ? undefined : file.body);
});

server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${server.address().port}\n`);
});
const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
