// Sign-in at the edge in headless Chromium (playwright-core, /usr/bin/chromium): the example
// worker's bff environment in workerd (Miniflare) in front of its small app, the emulator's
// hosted UI for the sign-in. The page's JavaScript never sees a token; refresh across an
// access-token expiry (emulator clock), forged claim headers from the page, a tampered cookie and
// sign-out, all in the browser.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import { launchChromium } from "../e2e/support.mjs";
import { assertSealed, bffStack, requests, resetRequests, SECRET_A, SECRET_B, shiftClock, TOKEN_SECONDS, USER } from "./bff.mjs";

const VARS = { REFRESH_MARGIN_SECONDS: "0" };
let stack;
let w;
let browser;
before(async () => {
  stack = await bffStack();
  w = await stack.start(VARS);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await w?.dispose();
  await stack?.emulator.stop();
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A new context signed in through the hosted UI (tokens valid `seconds`, default the pool's). */
async function signedIn(seconds = TOKEN_SECONDS) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await shiftClock(stack.emulator.url, seconds - TOKEN_SECONDS);
  try {
    await page.goto(`${stack.origin}/app`);
    await page.waitForURL((u) => u.pathname === "/login");
    await page.fill("#signInFormUsername", USER.username);
    await page.fill("#signInFormPassword", USER.password);
    await page.click("button[name=signInSubmitButton]");
    await page.waitForURL(`${stack.origin}/app`);
  } finally {
    await shiftClock(stack.emulator.url, TOKEN_SECONDS - seconds);
  }
  await page.waitForSelector("body[data-ready=yes]");
  return { context, page };
}

test("protected page → hosted UI → back signed in; document.cookie shows no token; the cookies are HttpOnly, Secure, SameSite=Lax", async () => {
  const { context, page } = await signedIn();
  try {
    assert.equal(await page.textContent("#user"), "jdoe");
    assert.equal(await page.evaluate(() => document.cookie), "");
    assert.equal(await page.textContent("#cookies"), '""');
    const cookies = await context.cookies(stack.origin);
    const session = cookies.filter((c) => c.name.startsWith("session."));
    assert.deepEqual(session.map((c) => c.name).sort(), ["session.0", "session.1"]);
    for (const c of session) {
      assert.equal(c.httpOnly, true);
      assert.equal(c.secure, true);
      assert.equal(c.sameSite, "Lax");
    }
    assertSealed(session.sort((a, b) => a.name.localeCompare(b.name)).map((c) => c.value));
    // nothing token-like in the page, its storage or its URL
    const seen = await page.evaluate(() => JSON.stringify([location.href, document.documentElement.outerHTML, { ...localStorage }, { ...sessionStorage }]));
    assert.doesNotMatch(seen, /eyJ[\w-]{10,}\./);
  } finally {
    await context.close();
  }
});

test("claim headers the page forges are replaced by the verified ones", async () => {
  const { context, page } = await signedIn();
  try {
    const me = await page.evaluate(() => fetch("/app/whoami", { headers: { "x-auth-username": "root", "x-auth-groups": "root", "x-auth-sub": "admin" } }).then((r) => r.json()));
    assert.equal(me.username, "jdoe");
    assert.equal(me.groups, "admins");
    assert.notEqual(me.sub, "admin");
    const anonymous = await browser.newContext();
    const p = await anonymous.newPage();
    await p.goto(`${stack.origin}/`);
    const forged = await p.evaluate(() => fetch("/whoami", { headers: { "x-auth-username": "root" } }).then((r) => r.json()));
    assert.equal(forged.username, null);
    await anonymous.close();
  } finally {
    await context.close();
  }
});

test("refresh across an access-token expiry: the page keeps working, one refresh, new cookies", async () => {
  const { context, page } = await signedIn(2);
  try {
    const before = (await context.cookies(stack.origin)).find((c) => c.name === "session.0").value;
    await sleep(3000);
    await resetRequests(stack.emulator.url);
    await page.reload();
    await page.waitForSelector("body[data-ready=yes]");
    assert.equal(page.url(), `${stack.origin}/app`, "no trip to the hosted UI");
    assert.equal(await page.textContent("#user"), "jdoe");
    assert.equal(await requests(stack.emulator.url, "/oauth2/token"), 1, "one refresh for the page and its fetch");
    const after = (await context.cookies(stack.origin)).find((c) => c.name === "session.0").value;
    assert.notEqual(after, before);
  } finally {
    await context.close();
  }
});

test("two parallel requests of the page at refresh time (rotation on): one refresh, both succeed", async () => {
  const { context, page } = await signedIn(2);
  try {
    await sleep(3000);
    await resetRequests(stack.emulator.url);
    const answers = await page.evaluate(() =>
      Promise.all([fetch("/app/whoami"), fetch("/app/whoami")].map((p) => p.then(async (r) => [r.status, (await r.json()).username]))),
    );
    assert.deepEqual(answers, [[200, "jdoe"], [200, "jdoe"]]);
    assert.equal(await requests(stack.emulator.url, "/oauth2/token"), 1);
    await page.reload();
    await page.waitForSelector("body[data-ready=yes]");
    assert.equal(page.url(), `${stack.origin}/app`);
    assert.equal(await requests(stack.emulator.url, "/oauth2/token"), 1, "the refreshed cookie serves on");
  } finally {
    await context.close();
  }
});

test("a rotated cookie secret: [new, old] keeps the browser signed in and re-seals; then the new one alone", async () => {
  const { context, page } = await signedIn();
  const version = async () => (await context.cookies(stack.origin)).find((c) => c.name === "session.0").value.split(".")[0];
  const restart = async (secrets) => {
    await w.dispose();
    w = await stack.start({ ...VARS, COOKIE_SECRETS: secrets });
  };
  try {
    const old = await version();
    await restart(`${SECRET_B},${SECRET_A}`);
    await page.reload();
    await page.waitForSelector("body[data-ready=yes]");
    assert.equal(page.url(), `${stack.origin}/app`);
    assert.notEqual(await version(), old, "sealed again with the new secret");
    await restart(SECRET_B);
    await page.reload();
    await page.waitForSelector("body[data-ready=yes]");
    assert.equal(await page.textContent("#user"), "jdoe");
  } finally {
    await restart(SECRET_A);
    await context.close();
  }
});

test("CSRF: a form on another site posting to a protected path is refused (403 ERR_EDGE_CSRF), the origin never sees it", async () => {
  const { context, page } = await signedIn();
  // 127.0.0.1 is another site than localhost: the Lax cookies stay home, and Origin says who asks
  const evil = createServer((request, response) => {
    response.writeHead(200, { "content-type": "text/html" });
    response.end(`<form method="post" action="${stack.origin}/app/echo"><input name="x" value="1"></form><script>document.forms[0].submit()</script>`);
  });
  await new Promise((resolve) => evil.listen(0, "127.0.0.1", resolve));
  try {
    const answered = page.waitForResponse((r) => r.url() === `${stack.origin}/app/echo`);
    await page.goto(`http://127.0.0.1:${evil.address().port}/`);
    const response = await answered;
    assert.equal(response.status(), 403);
    assert.equal(response.request().headers().origin, `http://127.0.0.1:${evil.address().port}`);
    assert.match(await response.text(), /<code>ERR_EDGE_CSRF<\/code>/);
    // the same POST from the app's own page passes
    await page.goto(`${stack.origin}/app`);
    const own = await page.evaluate(() => fetch("/app/echo", { method: "POST", body: "x=1" }).then(async (r) => [r.status, (await r.json()).username]));
    assert.deepEqual(own, [200, "jdoe"]);
  } finally {
    evil.closeAllConnections();
    await new Promise((resolve) => evil.close(resolve));
    await context.close();
  }
});

test("a tampered cookie is a fresh sign-in through the hosted UI, not an error", async () => {
  const { context, page } = await signedIn();
  try {
    const cookies = await context.cookies(stack.origin);
    const chunk = cookies.find((c) => c.name === "session.1");
    const value = chunk.value.slice(0, 50) + (chunk.value[50] === "A" ? "B" : "A") + chunk.value.slice(51);
    await context.addCookies([{ ...chunk, value }]);
    await resetRequests(stack.emulator.url);
    const response = await page.goto(`${stack.origin}/app`);
    // the hosted UI still knows the browser (its own session cookie) and sends it straight back
    assert.equal(response.status(), 200);
    assert.equal(page.url(), `${stack.origin}/app`);
    await page.waitForSelector("body[data-ready=yes]");
    assert.equal(await page.textContent("#user"), "jdoe");
    assert.equal(await requests(stack.emulator.url, "/oauth2/authorize"), 1, "a trip to the hosted UI");
    assert.equal(await requests(stack.emulator.url, "/oauth2/token"), 1, "a new code exchange");
    const fresh = (await context.cookies(stack.origin)).find((c) => c.name === "session.1");
    assert.notEqual(fresh.value, value, "the spoiled cookie is replaced");
  } finally {
    await context.close();
  }
});

test("sign-out: cookies cleared, refresh token revoked, back at the public page via Cognito /logout", async () => {
  const { context, page } = await signedIn();
  try {
    await resetRequests(stack.emulator.url);
    await page.click("#logout");
    await page.waitForURL(`${stack.origin}/`);
    assert.equal(await requests(stack.emulator.url, "/oauth2/revoke"), 1);
    assert.equal(await requests(stack.emulator.url, "/logout"), 1);
    assert.deepEqual((await context.cookies(stack.origin)).filter((c) => c.name.startsWith("session")), []);
    await page.goto(`${stack.origin}/app`);
    assert.equal(new URL(page.url()).pathname, "/login", "signed out at Cognito too: the hosted UI asks again");
  } finally {
    await context.close();
  }
});
