// The SPA shell: loads the demo's settings, routes /session, /idp-tokens and /inspector (history
// API; the server answers every route with index.html), and renders one page at a time.
import * as cognito from 'cognito-wasm';
import { renderInspector } from './inspector.js';
import { renderIdpTokens, renderSession } from './session.js';
import { el } from './ui.js';

const demo = await (await fetch('/demo-config.json')).json();
const main = document.getElementById('main');

// The page the example worker protects at the edge (another origin: a plain link, not a route).
if (demo.edgeUrl) {
  document.querySelector('nav ul').append(el('li', {}, el('a', { href: demo.edgeUrl, 'data-external': '' }, 'Edge sign-in (BFF)')));
}

const ROUTES = {
  '/session': { title: 'Session', render: renderSession },
  '/idp-tokens': { title: 'IdP tokens', render: renderIdpTokens },
  '/inspector': { title: 'Inspector', render: renderInspector },
};

async function route() {
  // Everything else, the hosted UI's /callback (redirectUri) and / (logoutUri) included, is Session.
  const path = ROUTES[location.pathname] ? location.pathname : '/session';
  const { title, render } = ROUTES[path];
  document.title = `${title} · cognito-wasm demo`;
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('href') === path) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  main.replaceChildren();
  try {
    await render(main, { demo, cognito, navigate });
  } catch (error) {
    main.append(el('p', { class: 'problem', role: 'alert' }, `This page failed: ${error.name}: ${error.message}`));
  }
  main.dataset.ready = path;
}

/** Client-side navigation (pushState + render). */
export function navigate(path) {
  history.pushState(null, '', path);
  return route().then(() => main.focus());
}

document.querySelector('nav').addEventListener('click', (event) => {
  const link = event.target.closest('a');
  if (!link || link.hasAttribute('data-external') || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  navigate(link.getAttribute('href'));
});
addEventListener('popstate', route);
await route();
