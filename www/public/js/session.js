// Session and IdP tokens pages: sign-in through the hosted UI with the package's CognitoAuth client.
import { el } from './ui.js';

function needsAuth(main, cognito, title) {
  if (typeof cognito.CognitoAuth === 'function') return false;
  main.append(el('h1', {}, title),
    el('p', { class: 'notice', role: 'status' },
      'This installed cognito-wasm package has no CognitoAuth client yet (the SPA sign-in work). ',
      'The Inspector works with the verifier alone.'));
  return true;
}

export async function renderSession(main, { cognito }) {
  if (needsAuth(main, cognito, 'Session')) return;
}

export async function renderIdpTokens(main, { cognito }) {
  if (needsAuth(main, cognito, 'IdP tokens')) return;
}
