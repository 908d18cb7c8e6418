import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, launch, register, screenshot, signedInContext, watchErrors, type TestUser } from './browser';

const baseURL = inject('baseURL');
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

interface Shown {
  title: string;
  body: string;
  tag: string;
}

/** The notifications the page's service worker registration shows. */
function shownBy(page: Page): Promise<Shown[]> {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    const list = reg ? await reg.getNotifications() : [];
    return list.map((n) => ({ title: n.title, body: n.body, tag: n.tag }));
  });
}

/** A signed-in context whose notification permission the "user" already granted in the browser. */
async function notifyingContext(user: TestUser): Promise<BrowserContext> {
  const ctx = await signedInContext(browser, baseURL, user);
  await ctx.grantPermissions(['notifications'], { origin: baseURL });
  // Counts permission prompts, which the app may only make from a click.
  await ctx.addInitScript(() => {
    const w = window as unknown as { parleyPrompts: number };
    w.parleyPrompts = 0;
    const ask = Notification.requestPermission.bind(Notification);
    Notification.requestPermission = (...args: Parameters<typeof Notification.requestPermission>) => {
      w.parleyPrompts++;
      return ask(...args);
    };
  });
  return ctx;
}

/** Opens path and waits until the service worker controls the page and the socket is up. */
async function openControlled(page: Page, path: string): Promise<void> {
  await page.goto(`${baseURL}${path}`);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    }
  });
  await page.locator('.banner').waitFor({ state: 'detached' });
}

/**
 * Hides the tab (or shows it again) as far as the page can tell. Headless
 * Chromium keeps every page visible, whichever is in front, so the
 * document's visibility is emulated the way the browser reports it: the
 * property and the visibilitychange event.
 */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((h) => {
    if (h) {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    } else {
      delete (document as unknown as Record<string, unknown>).visibilityState;
      delete (document as unknown as Record<string, unknown>).hidden;
    }
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
  expect(await page.evaluate(() => document.visibilityState)).toBe(hidden ? 'hidden' : 'visible');
}

async function enableNotifications(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { parleyPrompts: number }).parleyPrompts)).toBe(0);
  await page.getByRole('button', { name: 'Enable notifications' }).click();
  await page.getByRole('button', { name: 'Turn off notifications' }).waitFor();
  expect(await page.evaluate(() => (window as unknown as { parleyPrompts: number }).parleyPrompts)).toBe(1);
}

describe('mentions', () => {
  it('OK', async () => {
    const ana = await register(baseURL, 'ana');
    const ben = await register(baseURL, 'ben');
    const post = (path: string, body?: unknown) => apiAs<{ room: { id: number } }>(baseURL, ana, 'POST', path, body);
    const { room: lobby } = await post('/api/v1/rooms', { name: 'lobby', kind: 'public' });
    const { room: quiet } = await post('/api/v1/rooms', { name: 'quiet', kind: 'public' });
    for (const r of [lobby, quiet]) await apiAs(baseURL, ben, 'POST', `/api/v1/rooms/${r.id}/join`);

    const ctx = await notifyingContext(ben);
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await openControlled(page, `/rooms/${quiet.id}`);
    await enableNotifications(page);

    const say = (body: string, id: string) =>
      apiAs<{ message: { seq: number } }>(baseURL, ana, 'POST', `/api/v1/rooms/${lobby.id}/messages`, { body, client_id: id });
    const link = page.locator(`a[data-room-id="${lobby.id}"]`);
    const mentionBadge = link.locator('.badge-mention');

    // While the tab is in view, a mention raises the badge only.
    await say(`@${ben.username} first`, 'm0');
    await expect.poll(() => mentionBadge.textContent(), { timeout: 10_000 }).toBe('@1');

    // Hidden: a message without a mention raises the unread count only; a
    // mention raises the badge and shows a notification.
    await setHidden(page, true);
    await say('nothing for ben here', 'p1');
    const { message } = await say(`@${ben.username} can you look at this?`, 'm1');
    await expect.poll(() => mentionBadge.textContent(), { timeout: 10_000 }).toBe('@2');
    expect(await mentionBadge.getAttribute('aria-label')).toBe('2 mentions');
    expect(await link.locator('.badge:not(.badge-mention)').textContent()).toBe('3');
    await expect.poll(() => shownBy(page), { timeout: 10_000 }).toEqual([
      {
        title: `Ana mentioned you in #lobby`,
        body: `@${ben.username} can you look at this?`,
        tag: `parley-mention-${lobby.id}-${message.seq}`,
      },
    ]);
    await setHidden(page, false);
    await screenshot(page, 'mention-badge');

    // Opening the room reads it: the badge goes, and the server's count too.
    await link.click();
    await page.getByText('can you look at this?').waitFor();
    await expect.poll(() => link.locator('.badge-mention').count(), { timeout: 5_000 }).toBe(0);
    const mentionsOf = async () => {
      const { rooms } = await apiAs<{ rooms: { id: number; mentions?: number }[] }>(baseURL, ben, 'GET', '/api/v1/rooms');
      return rooms.find((r) => r.id === lobby.id)?.mentions;
    };
    await expect.poll(mentionsOf, { timeout: 5_000 }).toBe(0);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('OKCompletion', async () => {
    const ana = await register(baseURL, 'ana');
    const ben = await register(baseURL, 'ben');
    const { room } = await apiAs<{ room: { id: number } }>(baseURL, ana, 'POST', '/api/v1/rooms', { name: 'complete', kind: 'public' });
    await apiAs(baseURL, ben, 'POST', `/api/v1/rooms/${room.id}/join`);
    const ctx = await signedInContext(browser, baseURL, ana);
    const page = await ctx.newPage();
    await page.goto(`${baseURL}/rooms/${room.id}`);
    const box = page.getByRole('textbox', { name: 'Message #complete' });
    await box.waitFor();
    await page.locator('.banner').waitFor({ state: 'detached' });
    await box.pressSequentially(`hi @${ben.username.slice(0, 3)}`);
    const list = page.getByRole('listbox', { name: 'People to mention' });
    await list.getByRole('option', { name: new RegExp(`@${ben.username}`) }).waitFor();
    await screenshot(page, 'mention-completion');
    await box.press('Enter');
    await expect.poll(() => box.inputValue()).toBe(`hi @${ben.username} `);
    await box.press('Enter');
    await page.locator('article[data-seq="1"]').getByText(`hi @${ben.username}`).waitFor();
    const { rooms } = await apiAs<{ rooms: { id: number; mentions?: number }[] }>(baseURL, ben, 'GET', '/api/v1/rooms');
    expect(rooms.find((r) => r.id === room.id)?.mentions).toBe(1);
    await ctx.close();
  });

  it('OKWorkerAfterThePageCloses', async () => {
    const ana = await register(baseURL, 'ana');
    const ben = await register(baseURL, 'ben');
    const { room } = await apiAs<{ room: { id: number } }>(baseURL, ana, 'POST', '/api/v1/rooms', { name: 'late', kind: 'public' });
    await apiAs(baseURL, ben, 'POST', `/api/v1/rooms/${room.id}/join`);
    const ctx = await notifyingContext(ben);
    const page = await ctx.newPage();
    await openControlled(page, '/');
    await enableNotifications(page);
    await page.getByRole('link', { name: /late/ }).waitFor();
    const [worker] = ctx.serviceWorkers();
    if (!worker) throw new Error('no service worker in the context');

    // The last page goes away; the worker keeps watching for a while.
    await page.close({ runBeforeUnload: true });
    await apiAs(baseURL, ana, 'POST', `/api/v1/rooms/${room.id}/messages`, { body: `@${ben.username} still there?`, client_id: 'w1' });
    const shown = () =>
      worker.evaluate(async () => {
        const scope = self as unknown as { registration: ServiceWorkerRegistration };
        const list = await scope.registration.getNotifications();
        return list.map((n) => ({ title: n.title, body: n.body, tag: n.tag }));
      });
    await expect.poll(shown, { timeout: 20_000, interval: 500 }).toEqual([
      { title: 'You were mentioned in #late', body: '1 new mention', tag: `parley-mention-room-${room.id}` },
    ]);
    await ctx.close();
  });
});
