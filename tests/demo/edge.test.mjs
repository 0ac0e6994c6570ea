// The demo's edge sign-in (the example worker's bff mode in workerd, started by scripts/demo.sh),
// in Chromium against the demo command's stack: a page protected at the edge, signed in through the
// hosted UI, whose JavaScript never sees a token; sign-out.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { countRequests, newPage, open, screenshot, useDemo } from './stack.mjs';

const ctx = useDemo();

test('a page protected at the edge: hosted UI sign-in, the user shown, no token for the page\'s JavaScript, sign-out', async () => {
  const { demo, browser } = ctx;
  assert.match(demo.edge, /^http:\/\/127\.0\.0\.1:\d+\/app$/);
  const origin = new URL(demo.edge).origin;
  const errors = [];
  const page = await newPage(browser, errors);
  // from the SPA's navigation to the worker's page, which sends the browser to the hosted UI
  await open(page, demo.app, '/session');
  assert.equal(ctx.config.edgeUrl, demo.edge);
  await page.getByRole('link', { name: 'Edge sign-in (BFF)' }).click();
  await page.waitForURL(`${demo.emulator}/login**`);
  await page.getByLabel('Username').fill('jdoe');
  await page.getByLabel('Password').fill('Passw0rd!');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(demo.edge);
  await page.waitForSelector('body[data-ready=yes]');
  assert.equal(await page.locator('#user').innerText(), 'jdoe');
  assert.equal(await page.evaluate(() => document.cookie), '');
  assert.equal(await page.locator('#cookies').innerText(), '""');
  const cookies = await page.context().cookies(origin);
  const session = cookies.filter((c) => c.name.startsWith('__Host-session.'));
  assert.ok(session.length >= 1, 'the default __Host- cookie name');
  assert.ok(session.every((c) => c.httpOnly && c.secure && c.sameSite === 'Lax'));
  await screenshot(page, 'edge-signed-in');

  const revokes = await countRequests(demo.emulator, '/oauth2/revoke');
  await page.locator('#logout').click();
  await page.waitForURL(`${origin}/`);
  assert.equal(await countRequests(demo.emulator, '/oauth2/revoke'), revokes + 1);
  assert.deepEqual((await page.context().cookies(origin)).filter((c) => c.name.startsWith('__Host-session')), []);
  assert.deepEqual(errors, []);
  await page.close();
});
