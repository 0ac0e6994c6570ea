// The Amplify test app (bundled by tests/interop/amplify-browser.test.mjs with esbuild): Amplify JS
// v6 configured as its documentation says for a user pool with a domain, from window.__AMPLIFY
// (set by the test). The packed cognito-wasm (served under /pkg/) verifies Amplify's tokens.
import { Amplify } from 'aws-amplify';
import { Hub } from 'aws-amplify/utils';
import { fetchAuthSession, fetchUserAttributes, signIn, signInWithRedirect, signOut } from 'aws-amplify/auth';
import 'aws-amplify/auth/enable-oauth-listener';
import * as cognitoWasm from '/pkg/web.js';

const { userPoolId, userPoolClientId, endpoint, domain, app, scopes } = window.__AMPLIFY;
Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId,
      userPoolClientId,
      userPoolEndpoint: endpoint,
      loginWith: {
        oauth: {
          domain,
          scopes,
          redirectSignIn: [`${app}/callback`],
          redirectSignOut: [`${app}/signed-out`],
          responseType: 'code',
        },
      },
    },
  },
});

window.hubEvents = [];
Hub.listen('auth', ({ payload }) => window.hubEvents.push({ event: payload.event, message: payload.message ?? payload.data?.message }));
window.amp = { fetchAuthSession, fetchUserAttributes, signIn, signInWithRedirect, signOut };
window.cognitoWasm = cognitoWasm;
window.appReady = true;
