// CognitoAuth end to end in headless Chromium: the packed package in a small app page, the Cognito
// emulator (hosted UI, token endpoint, V2 trigger, clock, request log) and a real oidc-provider IdP
// for federation. Every attack must fail with a typed error and leave nothing in storage.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  advanceEmulatorClock,
  authorizeUrl,
  cognitoProvider,
  countRequests,
  emulatorLogin,
  launchChromium,
  packageDir,
  postForm,
  redeemCode,
  resetRequests,
  startEmulator,
  startIdp,
  startStatic,
  TOKEN_ATTRIBUTES,
} from './support.mjs';

const POOL_ID = 'us-east-1_E2ePool01';
const OTHER_POOL_ID = 'us-east-1_E2ePool02';
const CLIENT = 'spa0e2e0client0000000000a';
const ROTATING = 'spa0e2e0rotating00000000b';
const OTHER_CLIENT = 'spa0e2e0other000000000000c';
const USER = { username: 'jdoe', password: 'Passw0rd!' };
const SCOPES = ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin', 'https://api.example.com/read'];
const IDP_CLIENT = { client_id: 'cognito-emulator', client_secret: 'corp-idp-secret', redirect_uris: [] };
const ENTITLEMENTS = { plans: ['pro', 'team'], limits: { seats: 5, trial: false } };
const TX_KEY = (client) => `cognito-wasm.${client}.transaction`;
const SESSION_KEY = (client) => `cognito-wasm.${client}.session`;

function client(id, app, rotation) {
  return {
    ClientId: id,
    AllowedOAuthFlows: ['code'],
    AllowedOAuthScopes: [...SCOPES, 'https://api.example.com/write'],
    CallbackURLs: [`${app}/callback`],
    LogoutURLs: [`${app}/signed-out`],
    SupportedIdentityProviders: ['COGNITO', 'Corp'],
    RefreshTokenRotation: { Feature: rotation ? 'ENABLED' : 'DISABLED', RetryGracePeriodSeconds: 0 },
  };
}

function poolConfig(poolId, app, idpIssuer) {
  return {
    UserPool: {
      UserPoolId: poolId,
      FeaturePlan: 'ESSENTIALS',
      Schema: TOKEN_ATTRIBUTES,
      ResourceServers: [{
        Identifier: 'https://api.example.com',
        Name: 'API',
        Scopes: [{ ScopeName: 'read', ScopeDescription: 'r' }, { ScopeName: 'write', ScopeDescription: 'w' }],
      }],
      // A V2 trigger: a custom scope and a complex claim in every access token.
      PreTokenGenerationConfig: {
        LambdaVersion: 'V2_0',
        Response: {
          claimsAndScopeOverrideDetails: {
            accessTokenGeneration: {
              claimsToAddOrOverride: { entitlements: ENTITLEMENTS },
              scopesToAdd: ['https://api.example.com/write'],
            },
          },
        },
      },
    },
    UserPoolClients: [client(CLIENT, app, false), client(ROTATING, app, true), client(OTHER_CLIENT, app, false)],
    Users: [{
      Username: USER.username,
      Password: USER.password,
      UserAttributes: [
        { Name: 'email', Value: 'jdoe@example.com' },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'name', Value: 'Jane Doe' },
      ],
    }],
    IdentityProviders: [cognitoProvider('Corp', idpIssuer, IDP_CLIENT, { identifiers: ['corp.example.com'] })],
  };
}

let app;
let idp;
let emulator;
let otherPool;
let browser;

before(async () => {
  app = await startStatic({ page: 'tests/e2e/app/index.html', mounts: { '/pkg/': packageDir() } });
  idp = await startIdp({ clients: [IDP_CLIENT] });
  emulator = await startEmulator({ config: poolConfig(POOL_ID, app.url, idp.issuer) });
  otherPool = await startEmulator({ config: poolConfig(OTHER_POOL_ID, app.url, idp.issuer) });
  idp.setRedirectUris(IDP_CLIENT.client_id, [`${emulator.url}/oauth2/idpresponse`]);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await emulator?.stop();
  await otherPool?.stop();
  await idp?.close();
  await app?.close();
});

/** A fresh browser context (its own storage and cookies) with the app configured for `clientId`. */
async function openApp({ clientId = CLIENT, storage, clock = false, emu = emulator } = {}) {
  const context = await browser.newContext();
  if (clock) await context.clock.install();
  const auth = {
    userPoolId: POOL_ID,
    clientId,
    domain: emu.url,
    redirectUri: `${app.url}/callback`,
    logoutUri: `${app.url}/signed-out`,
    scopes: SCOPES,
    jwksUri: `${emu.url}/${POOL_ID}/.well-known/jwks.json`,
    apiEndpoint: `${emu.url}/`,
    ...(storage ? { storage } : {}),
  };
  await context.addInitScript((config) => {
    window.__E2E = config;
  }, { auth });
  const page = await context.newPage();
  await gotoApp(page, app.url);
  return { context, page };
}

/** Runs `fn({ context, page })` in a fresh app context (see openApp), closed afterwards. */
async function withApp(options, fn) {
  const { context, page } = await openApp(options);
  try {
    await fn({ context, page });
  } finally {
    await context.close();
  }
}

async function gotoApp(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => window.appReady === true);
}

/** The callback outcome the app page recorded. */
const callbackResult = (page) => page.evaluate(() => window.callbackResult);

/** Storage as the app sees it: { session, local } key → value. */
const storageOf = (page) =>
  page.evaluate(() => ({ session: { ...sessionStorage }, local: { ...localStorage } }));

const sessionOf = (page, options) => page.evaluate((o) => auth.getSession(o), options);

/** Calls `method` on the app's auth and returns its error as { name, code, ... } (or fails). */
async function errorOf(page, method, ...args) {
  return page.evaluate(
    async ([m, a]) => {
      try {
        await auth[m](...a);
      } catch (e) {
        return describeError(e);
      }
      return null;
    },
    [method, args],
  );
}

/** Sign-in through the browser: redirect, the emulator's login form, back to the callback. */
async function signInInBrowser(page, options = {}) {
  await page.evaluate((o) => {
    auth.signInWithRedirect(o);
  }, options);
  await page.waitForURL((url) => url.pathname === '/login');
  await page.fill('#signInFormUsername', USER.username);
  await page.fill('#signInFormPassword', USER.password);
  await page.click('button[name=signInSubmitButton]');
  await page.waitForURL((url) => url.pathname === '/callback');
  await page.waitForFunction(() => window.appReady === true);
  return callbackResult(page);
}

/** Federated sign-in through the oidc-provider IdP's own page. */
async function signInThroughIdp(page, options) {
  await page.evaluate((o) => {
    auth.signInWithRedirect(o);
  }, options);
  await page.waitForURL((url) => url.href.startsWith(idp.issuer) && url.pathname.startsWith('/interaction/'));
  await page.click('form[action$="/login"] button[type=submit]');
  await page.waitForURL((url) => url.pathname === '/callback', { timeout: 20_000 });
  await page.waitForFunction(() => window.appReady === true);
  return callbackResult(page);
}

/** The callback URL of a browserless login for an authorize URL the app built (transaction stored). */
async function callbackFor(page, options) {
  const url = await page.evaluate((o) => auth.buildSignInUrl(o), options);
  return emulatorLogin(emulator.url, url, USER);
}

/** Tokens for `clientId` at `base`, signed in outside the browser (with its own nonce). */
async function nodeTokens({ base = emulator.url, clientId = CLIENT, nonce = 'node-nonce' } = {}) {
  const { url, verifier } = authorizeUrl(base, {
    client_id: clientId,
    redirect_uri: `${app.url}/callback`,
    scope: SCOPES.join(' '),
    state: 'node-state',
    nonce,
  });
  const callback = new URL(await emulatorLogin(base, url, USER));
  return redeemCode(base, { clientId, code: callback.searchParams.get('code'), redirectUri: `${app.url}/callback`, verifier });
}

/** Rewrites the token endpoint's answer for this page with `edit(tokens)`. */
async function tamperTokenResponse(page, edit) {
  await page.route(`${emulator.url}/oauth2/token`, async (route) => {
    const response = await route.fetch();
    const json = await response.json();
    await route.fulfill({ response, json: await edit(json) });
  });
}

/** Nothing stored: no session, and the transaction is gone. */
async function assertNothingStored(page, clientId = CLIENT) {
  const { session, local } = await storageOf(page);
  assert.equal(session[SESSION_KEY(clientId)], undefined, 'no session stored');
  assert.equal(local[SESSION_KEY(clientId)], undefined, 'no session stored');
  assert.equal(session[TX_KEY(clientId)], undefined, 'transaction deleted');
}

describe('sign-in', () => {
  test('local user: redirect, hosted UI, callback; verified tokens; code and state leave the URL', async () => {
    await withApp({}, async ({ page }) => {
      const result = await signInInBrowser(page, { customState: 'return-to:/orders' });
      assert.equal(result.ok, true, JSON.stringify(result));
      assert.equal(result.customState, 'return-to:/orders');
      assert.equal(result.url, `${app.url}/callback`, 'code and state removed by history.replaceState');
      const storage = await storageOf(page);
      assert.equal(storage.session[TX_KEY(CLIENT)], undefined, 'transaction deleted');
      const stored = JSON.parse(storage.session[SESSION_KEY(CLIENT)]);
      assert.ok(stored.refreshToken && stored.accessToken && stored.idToken);

      const session = await sessionOf(page);
      assert.equal(session.idTokenPayload.token_use, 'id');
      assert.equal(session.idTokenPayload.aud, CLIENT);
      assert.equal(session.idTokenPayload['cognito:username'], 'jdoe');
      assert.equal(session.idTokenPayload.email_verified, true);
      assert.equal(session.accessTokenPayload.token_use, 'access');
      assert.equal(session.accessTokenPayload.client_id, CLIENT);
      assert.deepEqual(await page.evaluate(() => window.events), ['signedIn']);
    });
  });

  test('custom scopes and a complex claim from the V2 trigger reach JS as plain values', async () => {
    await withApp({}, async ({ page }) => {
      assert.equal((await signInInBrowser(page)).ok, true);
      const { accessTokenPayload } = await sessionOf(page);
      const scopes = accessTokenPayload.scope.split(' ');
      assert.ok(scopes.includes('https://api.example.com/read'), accessTokenPayload.scope);
      assert.ok(scopes.includes('https://api.example.com/write'), 'added by the V2 trigger');
      assert.deepEqual(accessTokenPayload.entitlements, ENTITLEMENTS);
      const checks = await page.evaluate((payload) => {
        const out = { oauth: lib.isApiIssuedAccessToken(payload) };
        lib.assertScopes(payload, ['https://api.example.com/write']);
        try {
          lib.assertScopes(payload, 'https://api.example.com/admin');
        } catch (e) {
          out.missing = describeError(e);
        }
        try {
          lib.assertScopes({ scope: 'aws.cognito.signin.user.admin' }, 'https://api.example.com/read');
        } catch (e) {
          out.api = describeError(e);
        }
        return out;
      }, accessTokenPayload);
      assert.equal(checks.oauth, false);
      assert.equal(checks.missing.code, 'ERR_JWT_INVALID_SCOPE');
      assert.equal(checks.api.name, 'ApiIssuedTokenScopeError');
      assert.equal(checks.api.code, 'ERR_AUTH_API_TOKEN_SCOPE');
      assert.match(checks.api.message, /v2 trigger/);
    });
  });

  test('userInfo: "true"/"false" strings become booleans, raw values kept', async () => {
    await withApp({}, async ({ page }) => {
      assert.equal((await signInInBrowser(page)).ok, true);
      const info = await page.evaluate(() => auth.fetchUserInfo());
      assert.equal(info.attributes.email_verified, true);
      assert.equal(info.raw.email_verified, 'true');
      assert.equal(info.attributes.email, 'jdoe@example.com');
      assert.equal(info.attributes.sub, info.raw.sub);
    });
  });
});

describe('federation through oidc-provider', () => {
  for (const [label, options] of [
    ['identity_provider', { identityProvider: 'Corp' }],
    ['idp_identifier', { idpIdentifier: 'corp.example.com' }],
  ]) {
    test(`${label}: Cognito tokens for Corp_alice, IdP tokens surfaced and verified`, async () => {
      await withApp({}, async ({ page }) => {
        const issuedBefore = idp.issued.length;
        const result = await signInThroughIdp(page, options);
        assert.equal(result.ok, true, JSON.stringify(result));
        const session = await sessionOf(page);
        assert.equal(session.idTokenPayload['cognito:username'], 'Corp_alice');
        assert.equal(session.idTokenPayload.identities[0].providerName, 'Corp');
        const providers = { Corp: { issuer: idp.issuer, audience: IDP_CLIENT.client_id } };
        const tokens = await page.evaluate((providers) => auth.idpTokens({ verify: { providers } }), providers);
        const issued = idp.issued.at(-1);
        assert.equal(idp.issued.length, issuedBefore + 1);
        assert.equal(tokens.idToken.token, issued.id_token);
        assert.equal(tokens.idToken.truncated, false);
        assert.equal(tokens.idToken.payload.iss, idp.issuer);
        assert.equal(tokens.idToken.verifiedPayload.sub, 'alice');
        assert.equal(tokens.idToken.expired, false);
        assert.ok(tokens.idToken.expiresAt > Date.now() / 1000);
        assert.equal(tokens.accessToken.token, issued.access_token);
      });
    });
  }

  test('an IdP ID token whose iss is not the issuer configured for its IdP stays unverified, with a reason', async () => {
    await withApp({}, async ({ page }) => {
      assert.equal((await signInThroughIdp(page, { identityProvider: 'Corp' })).ok, true);
      const reasons = await page.evaluate(async ({ issuer, audience }) => {
        const of = async (verify) => {
          const { idToken } = await auth.idpTokens({ verify });
          return [idToken.unverifiedReason ?? null, 'verifiedPayload' in idToken];
        };
        return {
          // what a forged token naming its own issuer meets: the configured issuer is not its iss
          forged: await of({ providers: { Corp: { issuer: 'https://evil.example', audience } } }),
          otherIdp: await of({ providers: { Other: { issuer, audience } } }),
          unconfigured: await of(true),
        };
      }, { issuer: idp.issuer, audience: IDP_CLIENT.client_id });
      assert.deepEqual(reasons, {
        forged: ['issuer-not-configured', false],
        otherIdp: ['provider-not-configured', false],
        unconfigured: ['provider-not-configured', false],
      });
    });
  });

  test('a user without IdP tokens gets IdpTokensMissingError naming the attribute mapping', async () => {
    await withApp({}, async ({ page }) => {
      assert.equal((await signInInBrowser(page)).ok, true);
      const error = await errorOf(page, 'idpTokens', { verify: true });
      assert.equal(error.name, 'IdpTokensMissingError');
      assert.equal(error.code, 'ERR_AUTH_IDP_TOKENS_MISSING');
      assert.match(error.message, /custom:id_token/);
      assert.match(error.message, /attribute mapping/);
    });
  });
});

/** Runs `fn(emulator)` with an emulator of its own, for tests that move its clock. */
async function withOwnEmulator(fn) {
  const emulator = await startEmulator({ config: poolConfig(POOL_ID, app.url, idp.issuer) });
  try {
    await fn(emulator);
  } finally {
    await emulator.stop();
  }
}

describe('sessions', () => {
  for (const [label, clientId, rotation] of [['without rotation', CLIENT, false], ['with rotation', ROTATING, true]]) {
    test(`refresh after the emulator clock moves, ${label}`, async () => {
      await withOwnEmulator((emulator) => withApp({ clientId, clock: true, emu: emulator }, async ({ context, page }) => {
        assert.equal((await signInInBrowser(page)).ok, true);
        const before = await sessionOf(page);
        assert.equal((await sessionOf(page)).accessToken, before.accessToken, 'no refresh while fresh');
        await advanceEmulatorClock(emulator.url, 3570);
        await context.clock.setSystemTime(Date.now() + 3570_000);
        await resetRequests(emulator.url);
        const refreshed = await sessionOf(page);
        assert.equal(await countRequests(emulator.url, '/oauth2/token'), 1);
        assert.notEqual(refreshed.accessToken, before.accessToken);
        assert.ok(refreshed.accessTokenPayload.iat >= before.accessTokenPayload.iat + 3570);
        assert.equal(refreshed.accessTokenPayload.auth_time, before.accessTokenPayload.auth_time);
        if (rotation) assert.notEqual(refreshed.refreshToken, before.refreshToken, 'rotated refresh token stored');
        else assert.equal(refreshed.refreshToken, before.refreshToken, 'old refresh token kept');
        // The stored refresh token still works.
        const again = await sessionOf(page, { forceRefresh: true });
        assert.notEqual(again.accessToken, refreshed.accessToken);
        assert.equal(await countRequests(emulator.url, '/oauth2/token'), 2);
        assert.deepEqual(await page.evaluate(() => window.events), ['signedIn', 'refreshed', 'refreshed']);
      }));
    });
  }

  test('two tabs refreshing at once send exactly one token request', async () => {
    await withOwnEmulator((emulator) => withApp({ storage: 'local', clock: true, emu: emulator }, async ({ context, page }) => {
      assert.equal((await signInInBrowser(page)).ok, true);
      const second = await context.newPage();
      await gotoApp(second, app.url);
      const before = await sessionOf(second);
      assert.ok(before, 'the second tab shares the session');
      await advanceEmulatorClock(emulator.url, 3570);
      await context.clock.setSystemTime(Date.now() + 3570_000);
      await resetRequests(emulator.url);
      const [a, b] = await Promise.all([sessionOf(page), sessionOf(second)]);
      assert.equal(await countRequests(emulator.url, '/oauth2/token'), 1);
      assert.equal(a.accessToken, b.accessToken);
      assert.notEqual(a.accessToken, before.accessToken);
      await second.waitForFunction(() => window.events.includes('refreshed'));
      await page.waitForFunction(() => window.events.includes('refreshed'));
    }));
  });

  test('a network failure keeps the session; invalid_grant clears it and emits sessionExpired', async () => {
    await withApp({}, async ({ page }) => {
      assert.equal((await signInInBrowser(page)).ok, true);
      const before = await sessionOf(page);
      await page.route(`${emulator.url}/oauth2/token`, (route) => route.abort('connectionrefused'));
      const network = await errorOf(page, 'getSession', { forceRefresh: true });
      assert.equal(network.code, 'ERR_AUTH_NETWORK');
      assert.equal(network.name, 'AuthNetworkError');
      assert.equal((await sessionOf(page)).refreshToken, before.refreshToken, 'session kept');
      await page.unroute(`${emulator.url}/oauth2/token`);

      const revoke = await postForm(`${emulator.url}/oauth2/revoke`, { token: before.refreshToken, client_id: CLIENT });
      assert.equal(revoke.status, 200);
      const expired = await errorOf(page, 'getSession', { forceRefresh: true });
      assert.equal(expired.code, 'ERR_AUTH_INVALID_GRANT');
      assert.equal(expired.name, 'InvalidGrantError');
      assert.equal(expired.oauthError, 'invalid_grant');
      assert.equal(await sessionOf(page), null);
      assert.deepEqual(await page.evaluate(() => window.events), ['signedIn', 'sessionExpired']);
      await assertNothingStored(page);
    });
  });

  test('sign-out revokes the refresh token only, empties storage and lands on logout_uri', async () => {
    await withApp({ storage: 'local' }, async ({ page }) => {
      assert.equal((await signInInBrowser(page)).ok, true);
      const { refreshToken } = await sessionOf(page);
      await resetRequests(emulator.url);
      await page.evaluate(() => {
        auth.signOut({ revoke: true });
    });
    await page.waitForURL(`${app.url}/signed-out`);
    await page.waitForFunction(() => window.appReady === true);
    assert.equal(await countRequests(emulator.url, '/oauth2/revoke'), 1);
    assert.equal(await countRequests(emulator.url, '/logout'), 1);
    const { session, local } = await storageOf(page);
    assert.deepEqual(Object.keys(local).filter((k) => k.startsWith('cognito-wasm')), []);
    assert.deepEqual(Object.keys(session).filter((k) => k.startsWith('cognito-wasm')), []);
    const refresh = await postForm(`${emulator.url}/oauth2/token`, { grant_type: 'refresh_token', client_id: CLIENT, refresh_token: refreshToken });
    assert.equal((await refresh.json()).error, 'invalid_grant', 'the refresh token was revoked');
    // The Cognito session cookie is gone too: the next sign-in shows the login form again.
    await page.evaluate(() => {
      auth.signInWithRedirect();
    });
    await page.waitForURL((url) => url.pathname === '/login');
    });
  });
  test('global sign-out calls GlobalSignOut: the old access token stops working at userInfo', async () => {
    await withApp({}, async ({ page }) => {
      assert.equal((await signInInBrowser(page)).ok, true);
      const { accessToken } = await sessionOf(page);
      const userInfo = () => fetch(`${emulator.url}/oauth2/userInfo`, { headers: { authorization: `Bearer ${accessToken}` } });
      assert.equal((await userInfo()).status, 200);
      await resetRequests(emulator.url);
      await page.evaluate(() => {
        auth.signOut({ revoke: false, global: true });
      });
      await page.waitForURL(`${app.url}/signed-out`);
      assert.equal(await countRequests(emulator.url, '/oauth2/revoke'), 0, 'revoke: false');
      assert.equal((await userInfo()).status, 401);
    });
  });
});

describe('attacks: typed errors, nothing stored', () => {
  // A callback whose state is not the pending transaction's is anyone's: it is refused, stores
  // nothing, and leaves the transaction for the real callback (which then completes).
  const foreignCallbacks = [
    ['tampered state', (real) => {
      real.searchParams.set('state', `${real.searchParams.get('state')}x`);
      return real.href;
    }],
    ['an error= callback without state', () => `${app.url}/callback?error=access_denied&error_description=Call+0800+evil`],
    ['an error= callback with a foreign state', (real) =>
      `${app.url}/callback?error=access_denied&error_description=Call+0800+evil&state=${real.searchParams.get('state')}x`],
  ];
  for (const [label, forge] of foreignCallbacks) {
    test(`${label}: refused, the pending sign-in survives`, async () => {
      await withApp({}, async ({ page }) => {
        const real = await callbackFor(page);
        const pending = (await storageOf(page)).session[TX_KEY(CLIENT)];
        assert.ok(pending, 'a transaction is pending');
        await gotoApp(page, forge(new URL(real)));
        const result = await callbackResult(page);
        assert.equal(result.code, 'ERR_AUTH_STATE_MISMATCH', JSON.stringify(result));
        assert.equal(result.name, 'AuthStateMismatchError');
        assert.ok(!/evil/.test(JSON.stringify(result)), 'attacker text is not shown');
        assert.equal(result.url, `${app.url}/callback`, 'callback parameters removed on failure too');
        const { session } = await storageOf(page);
        assert.equal(session[SESSION_KEY(CLIENT)], undefined, 'no session stored');
        assert.equal(session[TX_KEY(CLIENT)], pending, 'transaction intact');
        await gotoApp(page, real);
        assert.equal((await callbackResult(page)).ok, true, 'the real callback still completes');
      });
    });
  }

  test('replayed callback URL', async () => {
    await withApp({}, async ({ page }) => {
      const callback = await callbackFor(page);
      await gotoApp(page, callback);
      assert.equal((await callbackResult(page)).ok, true);
      const stored = (await storageOf(page)).session[SESSION_KEY(CLIENT)];
      await gotoApp(page, callback);
      const result = await callbackResult(page);
      assert.equal(result.code, 'ERR_AUTH_NO_TRANSACTION');
      assert.equal(result.name, 'AuthNoTransactionError');
      assert.equal((await storageOf(page)).session[SESSION_KEY(CLIENT)], stored, 'nothing new stored');
    });
  });

  test('reused code', async () => {
    await withApp({}, async ({ page }) => {
      const first = new URL(await callbackFor(page));
      await gotoApp(page, first.href);
      assert.equal((await callbackResult(page)).ok, true);
      await page.evaluate(() => sessionStorage.clear());
      // A new sign-in in this tab, answered with the old code.
      const fresh = new URL(await page.evaluate(() => auth.buildSignInUrl()));
      await gotoApp(page, `${app.url}/callback?code=${first.searchParams.get('code')}&state=${fresh.searchParams.get('state')}`);
      const result = await callbackResult(page);
      assert.equal(result.code, 'ERR_AUTH_INVALID_GRANT');
      assert.equal(result.oauthError, 'invalid_grant');
      await assertNothingStored(page);
    });
  });

  const swaps = [
    ['nonce mismatch (tokens of another sign-in)', async () => nodeTokens({ nonce: 'someone-else' }), 'ERR_AUTH_NONCE_MISMATCH', 'AuthNonceMismatchError'],
    ['at_hash mismatch (another access token)', async (tokens) => ({ ...tokens, access_token: (await nodeTokens()).access_token }), 'ERR_AUTH_AT_HASH_MISMATCH', 'AuthAtHashMismatchError'],
    ['tokens from another client', async () => nodeTokens({ clientId: OTHER_CLIENT }), 'ERR_JWT_INVALID_CLIENT_ID', 'CognitoJwtInvalidClientIdError'],
    ['tokens from another pool', async () => nodeTokens({ base: otherPool.url }), 'ERR_JWKS_KID_NOT_FOUND', 'KidNotFoundInJwksError'],
  ];
  for (const [label, swap, code, name] of swaps) {
    test(label, async () => {
      await withApp({}, async ({ page }) => {
        await tamperTokenResponse(page, swap);
        const callback = await callbackFor(page);
        await gotoApp(page, callback);
        const result = await callbackResult(page);
        assert.equal(result.code, code, JSON.stringify(result));
        assert.equal(result.name, name);
        assert.ok(!/eyJ/.test(result.message), 'no token in the message');
        await assertNothingStored(page);
      });
    });
  }

  test('an error= callback becomes OAuthError with the OAuth code', async () => {
    await withApp({}, async ({ page }) => {
      // Without a hosted-UI session cookie, prompt=none comes back as error=login_required.
      const url = await page.evaluate(() => auth.buildSignInUrl({ prompt: 'none' }));
      await page.goto(url);
      await page.waitForURL((u) => u.pathname === '/callback');
      await page.waitForFunction(() => window.appReady === true);
      const result = await callbackResult(page);
      assert.equal(result.code, 'ERR_AUTH_OAUTH_ERROR');
      assert.equal(result.name, 'OAuthError');
      assert.equal(result.oauthError, 'login_required');
      await assertNothingStored(page);
    });
  });
});
