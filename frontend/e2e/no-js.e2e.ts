import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, launch, register, screenshot } from './browser';

const baseURL = inject('baseURL');
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('without JavaScript', () => {
  it('OK', async () => {
    const me = await register(baseURL, 'plain');
    const { room } = await apiAs<{ room: { id: number } }>(baseURL, me, 'POST', '/api/v1/rooms', {
      name: 'plain-room',
      kind: 'public',
    });
    await apiAs(baseURL, me, 'POST', `/api/v1/rooms/${room.id}/messages`, {
      body: 'escaped <script>alert(1)</script>',
      client_id: 'p1',
    });

    const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1000, height: 800 } });
    const page = await ctx.newPage();
    await page.goto(`${baseURL}/`);
    await page.getByLabel('Username').fill(me.username);
    await page.getByLabel('Password').fill(me.password);
    await screenshot(page, 'nojs-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('link', { name: /plain-room/ }).click();
    await page.waitForURL(`**/rooms/${room.id}`);
    // The body is shown as text, never as markup.
    await page.getByText('escaped <script>alert(1)</script>').waitFor();
    await page.getByLabel('Message').fill('posted without scripts');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForURL(`**/rooms/${room.id}**`);
    await page.getByText('posted without scripts').waitFor();
    await screenshot(page, 'nojs-room');

    const history = await apiAs<{ messages: { body: string }[] }>(baseURL, me, 'GET', `/api/v1/rooms/${room.id}/messages`);
    expect(history.messages.map((m) => m.body)).toContain('posted without scripts');
    await ctx.close();
  });
});
