import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, launch, register, screenshot, signedInContext, watchErrors, type TestUser } from './browser';
import { psql } from './server';

const baseURL = inject('baseURL');
const databaseUrl = inject('databaseUrl');
let browser: Browser;

// A phone held upright, in a zone 5:30 from UTC so that a time written in
// the wrong zone shows.
const phone: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
  timezoneId: 'Asia/Kolkata',
};

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

interface Target {
  what: string;
  width: number;
  height: number;
}

/**
 * Every control the page renders (links, buttons, fields, disclosure
 * summaries, focusable regions) with its size; what is not rendered
 * (display: none, an empty box) is left out.
 */
function targets(page: Page): Promise<Target[]> {
  return page.evaluate(() => {
    const selector =
      'a[href], button, input:not([type="hidden"]), textarea, select, summary, [role="button"], [tabindex]:not([tabindex="-1"])';
    const found: Target[] = [];
    for (const el of document.querySelectorAll(selector)) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (getComputedStyle(el).visibility === 'hidden') continue;
      const name = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40);
      found.push({ what: `${el.tagName.toLowerCase()} "${name}"`, width: r.width, height: r.height });
    }
    return found;
  });
}

/** Checks that at least `atLeast` controls are rendered and none is under 44×44 px. */
async function expectTouchTargets(page: Page, atLeast: number): Promise<void> {
  const all = await targets(page);
  expect(all.length).toBeGreaterThanOrEqual(atLeast);
  const small = all.filter((t) => t.width < 44 || t.height < 44).map((t) => `${t.what} ${t.width}×${t.height}`);
  expect(small).toEqual([]);
}

/** The room link of the list. */
function roomLink(page: Page, roomId: number) {
  return page.locator(`a.room-link[data-room-id="${roomId}"]`);
}

async function createRoom(owner: TestUser, name: string, members: TestUser[]): Promise<number> {
  const { room } = await apiAs<{ room: { id: number } }>(baseURL, owner, 'POST', '/api/v1/rooms', { name, kind: 'public' });
  for (const m of members) await apiAs(baseURL, m, 'POST', `/api/v1/rooms/${room.id}/join`);
  return room.id;
}

let sent = 0;

async function post(user: TestUser, roomId: number, body: string): Promise<void> {
  sent++;
  await apiAs(baseURL, user, 'POST', `/api/v1/rooms/${roomId}/messages`, { body, client_id: `phone-${sent}` });
}

describe('on a phone', () => {
  it('OKListRoomAndBack', async () => {
    const ana = await register(baseURL, 'ana');
    const ben = await register(baseURL, 'ben');
    const alpha = await createRoom(ana, 'alpha', [ben]);
    const beta = await createRoom(ana, 'beta', [ben]);
    for (let i = 0; i < 3; i++) await post(ana, beta, `news ${i}`);

    const ctx = await signedInContext(browser, baseURL, ben, phone);
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(`${baseURL}/`);

    // The list comes first, alone on the screen, with the unread badge.
    await roomLink(page, alpha).waitFor();
    await page.locator('.banner').waitFor({ state: 'detached' });
    expect(await page.locator('.layout > main').isVisible()).toBe(false);
    const sidebar = await page.locator('nav.sidebar').boundingBox();
    expect(sidebar?.width).toBe(390);
    expect(await roomLink(page, beta).locator('.badge-unread').textContent()).toBe('3');
    // It stays live: a new message raises the badge on the list.
    await post(ana, beta, 'news 3');
    await expect.poll(() => roomLink(page, beta).locator('.badge-unread').textContent(), { timeout: 5_000 }).toBe('4');
    await screenshot(page, 'phone-list');
    await expectTouchTargets(page, 6);

    // A tap opens the room in place of the list, with a back control.
    await roomLink(page, alpha).tap();
    await page.waitForURL(`**/rooms/${alpha}`);
    const box = page.getByRole('textbox', { name: 'Message #alpha' });
    await box.waitFor();
    expect(await page.locator('nav.sidebar').isVisible()).toBe(false);
    const back = page.getByRole('link', { name: 'Back to rooms' });
    expect(await back.isVisible()).toBe(true);
    const main = await page.locator('main.room').boundingBox();
    expect(main?.width).toBe(390);

    // Send from the phone: the message is stored and shown once.
    await box.tap();
    await box.fill('sent from a phone');
    await page.getByRole('button', { name: 'Send' }).tap();
    await page.locator('article[data-seq="1"]').getByText('sent from a phone').waitFor({ timeout: 5_000 });
    const history = await apiAs<{ messages: { body: string }[] }>(baseURL, ana, 'GET', `/api/v1/rooms/${alpha}/messages`);
    expect(history.messages.map((m) => m.body)).toEqual(['sent from a phone']);
    await screenshot(page, 'phone-room');
    await expectTouchTargets(page, 6);

    // A tap on one's own message shows its actions, large enough to hit.
    await page.locator('article[data-seq="1"] .body').tap();
    await page.locator('article[data-seq="1"] .message-actions').waitFor();
    const actions = await page.locator('article[data-seq="1"] .message-actions button').all();
    expect(actions.length).toBe(3); // Reply, Edit, Delete
    for (const a of actions) {
      const r = await a.boundingBox();
      expect(r && r.width >= 44 && r.height >= 44, `${await a.textContent()} ${r?.width}×${r?.height}`).toBe(true);
    }
    await screenshot(page, 'phone-message-actions');

    // The back control returns to the list...
    await back.tap();
    await page.waitForURL(`${baseURL}/`);
    await roomLink(page, beta).waitFor();
    expect(await page.locator('main.room').count()).toBe(0);
    // ...through history, so the browser's forward and back agree with it.
    await page.goForward();
    await page.waitForURL(`**/rooms/${alpha}`);
    await box.waitFor();
    await page.goBack();
    await page.waitForURL(`${baseURL}/`);
    expect(await page.locator('nav.sidebar').isVisible()).toBe(true);

    // Opening the room with unread messages clears its badge.
    await roomLink(page, beta).tap();
    await page.getByText('news 3').waitFor();
    await page.goBack();
    await roomLink(page, alpha).waitFor();
    await expect.poll(() => roomLink(page, beta).locator('.badge-unread').count(), { timeout: 5_000 }).toBe(0);

    // A room opened from a link elsewhere has no list behind it: back
    // still leads to the list.
    await page.goto(`${baseURL}/rooms/${alpha}`);
    await box.waitFor();
    await back.tap();
    await page.waitForURL(`${baseURL}/`);
    await roomLink(page, alpha).waitFor();

    // The directory is a screen of its own too.
    await page.getByRole('link', { name: 'Browse public rooms' }).tap();
    await page.getByRole('heading', { name: 'Public rooms' }).waitFor();
    expect(await page.locator('nav.sidebar').isVisible()).toBe(false);
    await expectTouchTargets(page, 3);
    await page.getByRole('link', { name: 'Back to rooms' }).tap();
    await page.waitForURL(`${baseURL}/`);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('OKComposerAboveKeyboard', async () => {
    const ana = await register(baseURL, 'ana');
    const room = await createRoom(ana, 'keys', []);
    // More than a screen of messages, within the per-user send budget
    // (30 in 10 s) so that the message sent below is not held back.
    for (let i = 0; i < 20; i++) await post(ana, room, `line ${i}`);
    const ctx = await signedInContext(browser, baseURL, ana, phone);
    const page = await ctx.newPage();
    await page.goto(`${baseURL}/rooms/${room}`);
    const viewportMeta = await page.locator('meta[name="viewport"]').getAttribute('content');
    expect(viewportMeta).toContain('interactive-widget=resizes-content');
    const box = page.getByRole('textbox', { name: 'Message #keys' });
    await box.waitFor();
    await page.getByText('line 19').waitFor();
    await box.tap();
    await screenshot(page, 'phone-keyboard-before');

    // The on-screen keyboard takes the bottom of the screen: the visible
    // height shrinks from 844 to 420 px.
    await page.setViewportSize({ width: 390, height: 420 });
    await page.waitForFunction(() => document.documentElement.style.getPropertyValue('--app-height') === '420px');
    const layout = async () => ({
      box: await box.boundingBox(),
      send: await page.getByRole('button', { name: 'Send' }).boundingBox(),
      head: await page.locator('.room-head').boundingBox(),
      list: await page.getByRole('log', { name: 'Messages' }).boundingBox(),
    });
    await expect.poll(async () => (await layout()).send?.y ?? 0, { timeout: 5_000 }).toBeLessThan(420 - 44);
    const { box: b, send, head, list } = await layout();
    await screenshot(page, 'phone-keyboard');
    expect(b && send && head && list).toBeTruthy();
    if (!b || !send || !head || !list) return;
    // The composer sits at the bottom of what is visible, the header at
    // the top, and the messages take what is left between them.
    expect(b.y + b.height).toBeLessThanOrEqual(420);
    expect(b.y + b.height).toBeGreaterThan(420 - 24);
    expect(send.y + send.height).toBeLessThanOrEqual(420);
    expect(head.y).toBeGreaterThanOrEqual(0);
    expect(list.y).toBeGreaterThanOrEqual(head.y + head.height - 1);
    expect(list.height).toBeGreaterThan(150);
    expect(await page.evaluate(() => document.scrollingElement?.scrollTop ?? 0)).toBe(0);
    // The newest message is still in view above the composer.
    const last = await page.getByText('line 19').boundingBox();
    expect(last && last.y + last.height <= b.y).toBe(true);

    // Typing and sending work with the keyboard up.
    await box.fill('typed above the keyboard');
    await box.press('Enter');
    await page.locator('article[data-seq="21"]').getByText('typed above the keyboard').waitFor({ timeout: 5_000 });
    await ctx.close();
  });

  it('OKSameTimesWithoutJavaScript', async () => {
    const ana = await register(baseURL, 'ana');
    const room = await createRoom(ana, 'times', []);
    await post(ana, room, 'an old message');
    await post(ana, room, 'a new message');
    // The first is from 40 days ago, written before anything read the
    // room, so no cached page holds its old time.
    await psql(databaseUrl, `UPDATE messages SET created_at = created_at - interval '40 days' WHERE room_id = ${room} AND seq = 1`);

    const ctx = await signedInContext(browser, baseURL, ana, phone);
    const page = await ctx.newPage();
    await page.goto(`${baseURL}/rooms/${room}`);
    await page.getByText('a new message').waitFor();
    const spaTimes = await page.locator('article[data-seq] time').allTextContents();
    expect(spaTimes).toHaveLength(2);
    expect(spaTimes[0]).toMatch(/^[A-Z][a-z]{2} \d{1,2}, (\d{4}, )?\d{2}:\d{2}$/);
    expect(spaTimes[1]).toMatch(/^\d{2}:\d{2}$/);
    // The app told the server which zone it writes times in.
    const cookies = await ctx.cookies(baseURL);
    const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(['Asia/Kolkata', 'Asia/Calcutta']).toContain(zone);
    expect(cookies.find((c) => c.name === 'parley_tz')?.value).toBe(zone);

    // The same reader with JavaScript off: the same words for each time.
    const plain = await browser.newContext({ ...phone, javaScriptEnabled: false });
    await plain.addCookies(cookies);
    const plainPage = await plain.newPage();
    await plainPage.goto(`${baseURL}/rooms/${room}`);
    const pageTimes = await plainPage.locator('.messages time').allTextContents();
    expect(pageTimes).toEqual(spaTimes);
    const spaISO = await page.locator('article[data-seq] time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime')));
    const pageISO = await plainPage.locator('.messages time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime')));
    // The pages write whole seconds.
    const second = (t: string | null) => Math.floor(Date.parse(t ?? '') / 1000);
    expect(pageISO.map(second)).toEqual(spaISO.map(second));
    await plain.close();
    await ctx.close();
  });

  it('OKWithoutJavaScript', async () => {
    const ana = await register(baseURL, 'plainana');
    const ben = await register(baseURL, 'plainben');
    const room = await createRoom(ana, 'plain-phone', [ben]);
    await post(ana, room, 'hello phone');
    await post(ana, room, 'are you there');

    const ctx = await signedInContext(browser, baseURL, ben, { ...phone, javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(`${baseURL}/`);
    // The list first, alone, with the unread badge on the room's link.
    const link = page.getByRole('link', { name: /plain-phone/ });
    await link.waitFor();
    expect(await link.locator('.badge-unread').textContent()).toBe('2 unread');
    expect(await page.locator('.messages').count()).toBe(0);
    await screenshot(page, 'phone-nojs-list');
    await expectTouchTargets(page, 3);

    await link.tap();
    await page.waitForURL(`**/rooms/${room}`);
    // The room alone, its back link in its header, the composer at the
    // bottom of the screen and the newest message in view above it.
    await screenshot(page, 'phone-nojs-room');
    const back = page.locator('.room-bar').getByRole('link', { name: 'All rooms' });
    expect(await back.isVisible()).toBe(true);
    expect(await page.locator('.rooms').count()).toBe(0);
    const send = await page.getByRole('button', { name: 'Send' }).boundingBox();
    expect(send && send.y + send.height <= 844 && send.y + send.height > 844 - 24).toBe(true);
    const newest = await page.getByText('are you there').boundingBox();
    const field = await page.getByLabel('Message').boundingBox();
    expect(newest && field && newest.y > 0 && newest.y + newest.height <= field.y).toBe(true);
    await expectTouchTargets(page, 3);

    // Post a message; it lands above the composer.
    await page.getByLabel('Message').fill('posted from a phone without scripts');
    await page.getByRole('button', { name: 'Send' }).tap();
    await page.waitForURL(`**/rooms/${room}#m-3`);
    await page.getByText('posted from a phone without scripts').waitFor();

    // The keyboard shrinks the screen: the composer stays in view.
    await page.setViewportSize({ width: 390, height: 420 });
    await expect
      .poll(async () => {
        const r = await page.getByRole('button', { name: 'Send' }).boundingBox();
        return r ? r.y + r.height : Infinity;
      })
      .toBeLessThanOrEqual(420);
    await screenshot(page, 'phone-nojs-keyboard');

    await back.tap();
    await page.waitForURL(`${baseURL}/`);
    await page.getByRole('link', { name: /plain-phone/ }).waitFor();
    await ctx.close();
  });

  it('OKWideScreenUnchanged', async () => {
    const ana = await register(baseURL, 'ana');
    const room = await createRoom(ana, 'wide', []);
    const ctx = await signedInContext(browser, baseURL, ana, { viewport: { width: 1000, height: 700 } });
    const page = await ctx.newPage();
    await page.goto(`${baseURL}/rooms/${room}`);
    await page.getByRole('textbox', { name: 'Message #wide' }).waitFor();
    // The list and the room side by side, no back control.
    const side = await page.locator('nav.sidebar').boundingBox();
    const main = await page.locator('main.room').boundingBox();
    expect(side && main && side.x + side.width <= main.x).toBe(true);
    expect(await page.getByRole('link', { name: 'Back to rooms' }).count()).toBe(0);
    // At 700 px the same holds; at 699 px the room is alone.
    await page.setViewportSize({ width: 700, height: 700 });
    expect(await page.locator('nav.sidebar').isVisible()).toBe(true);
    await page.setViewportSize({ width: 699, height: 700 });
    await expect.poll(() => page.locator('nav.sidebar').isVisible()).toBe(false);
    expect(await page.getByRole('link', { name: 'Back to rooms' }).isVisible()).toBe(true);
    await ctx.close();
  });
});
