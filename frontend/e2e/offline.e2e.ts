import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, launch, register, screenshot, signedInContext } from './browser';

const baseURL = inject('baseURL');
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

interface Page {
  messages: { body: string; client_id: string }[];
}

describe('offline', () => {
  it('OK', async () => {
    const me = await register(baseURL, 'nomad');
    const { room } = await apiAs<{ room: { id: number } }>(baseURL, me, 'POST', '/api/v1/rooms', {
      name: 'field-notes',
      kind: 'private',
    });
    await apiAs(baseURL, me, 'POST', `/api/v1/rooms/${room.id}/messages`, { body: 'written online', client_id: 'a1' });

    const ctx = await signedInContext(browser, baseURL, me);
    const page = await ctx.newPage();
    const box = page.getByRole('textbox', { name: 'Message #field-notes' });
    await page.goto(`${baseURL}/rooms/${room.id}`);
    await page.getByText('written online').waitFor();
    // Once the service worker controls the page, a reload fills its caches.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
      }
    });
    await page.reload();
    await page.getByText('written online').waitFor();

    // Offline, a reload still shows the room from the service worker.
    await ctx.setOffline(true);
    await page.reload();
    await page.getByText('written online').waitFor({ timeout: 10_000 });
    await page.getByText(/You are offline/).waitFor();
    await screenshot(page, 'offline-room');

    // A message written offline waits in the outbox, through a reload too.
    await box.fill('written offline');
    await box.press('Enter');
    await page.locator('article.pending').getByText('written offline').waitFor();
    await page.reload();
    await page.locator('article.pending').getByText('written offline').waitFor({ timeout: 10_000 });
    await screenshot(page, 'offline-outbox');

    // Back online: it is delivered, once.
    await ctx.setOffline(false);
    await page.locator('article[data-seq]').getByText('written offline').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator('article.pending').count(), { timeout: 5_000 }).toBe(0);
    await page.waitForTimeout(1_000);
    const history = await apiAs<Page>(baseURL, me, 'GET', `/api/v1/rooms/${room.id}/messages`);
    expect(history.messages.filter((m) => m.body === 'written offline')).toHaveLength(1);
    await ctx.close();
  });

  it('OKLogoutForgetsTheUser', async () => {
    const me = await register(baseURL, 'leaver');
    const { room } = await apiAs<{ room: { id: number } }>(baseURL, me, 'POST', '/api/v1/rooms', {
      name: 'secrets',
      kind: 'private',
    });
    await apiAs(baseURL, me, 'POST', `/api/v1/rooms/${room.id}/messages`, { body: 'top secret', client_id: 's1' });
    const ctx = await signedInContext(browser, baseURL, me);
    const page = await ctx.newPage();
    await page.goto(`${baseURL}/rooms/${room.id}`);
    await page.getByText('top secret').waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await page.getByText('top secret').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();

    const leftovers = await page.evaluate(async () => {
      const found: string[] = [];
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const req of await cache.keys()) if (req.url.includes('/api/')) found.push(req.url);
      }
      for (let i = 0; i < localStorage.length; i++) {
        const key = localStorage.key(i) ?? '';
        if (key.startsWith('parley:outbox:')) found.push(key);
      }
      return found;
    });
    expect(leftovers).toEqual([]);

    // Offline after sign-out, the room is not shown to whoever comes next.
    await ctx.setOffline(true);
    await page.goto(`${baseURL}/rooms/${room.id}`);
    await page.waitForTimeout(1_000);
    expect(await page.getByText('top secret').count()).toBe(0);
    await ctx.close();
  });
});
