// Signing in through the emulator's hosted UI over plain HTTP, as a browser would: follow the
// authorize redirect to /login, read the form (hidden fields, XSRF cookie), post it with the user's
// credentials, and stop at the redirect to the app's callback.

/** The `<input name value>` pairs of the first form in `html`, and its action. */
export function readForm(html) {
  const form = html.match(/<form\b([^>]*)>([\s\S]*?)<\/form>/i);
  if (!form) throw new Error(`no form in the page: ${html.slice(0, 300)}`);
  const attr = (tag, name) => tag.match(new RegExp(`\\b${name}="([^"]*)"`))?.[1];
  const unescape = (s) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const fields = new URLSearchParams();
  for (const [input] of form[2].matchAll(/<input\b[^>]*>/gi)) {
    const name = attr(input, 'name');
    if (name) fields.append(unescape(name), unescape(attr(input, 'value') ?? ''));
  }
  return { action: unescape(attr(form[1], 'action') ?? ''), fields };
}

/**
 * Follows `authorizeUrl` through the hosted UI and signs in. Resolves to the URL the emulator
 * redirects the browser to (the app's callback, with `code` and `state`), and the cookies it set.
 */
export async function hostedUiSignIn(authorizeUrl, { username, password }) {
  const cookies = new Map();
  const keepCookies = (response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = pair.split('=');
      cookies.set(name.trim(), value);
    }
  };
  const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const toLogin = await fetch(authorizeUrl, { redirect: 'manual' });
  if (toLogin.status !== 302) throw new Error(`authorize: ${toLogin.status} ${await toLogin.text()}`);
  const loginUrl = new URL(toLogin.headers.get('location'), authorizeUrl);
  const page = await fetch(loginUrl, { redirect: 'manual' });
  keepCookies(page);
  const { action, fields } = readForm(await page.text());
  fields.set('username', username);
  fields.set('password', password);
  const posted = await fetch(new URL(action, loginUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader() },
    body: fields.toString(),
  });
  keepCookies(posted);
  if (posted.status !== 302) throw new Error(`login: ${posted.status} ${(await posted.text()).slice(0, 300)}`);
  return { callbackUrl: new URL(posted.headers.get('location'), loginUrl), cookies };
}
