import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, launch, register, screenshot, signedInContext, watchErrors } from './browser';

const baseURL = inject('baseURL');
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('two users chat in real time', () => {
  it('OK', async () => {
    const ana = await register(baseURL, 'ana');
    const ben = await register(baseURL, 'ben');
    const { room } = await apiAs<{ room: { id: number } }>(baseURL, ana, 'POST', '/api/v1/rooms', {
      name: 'lobby',
      kind: 'public',
    });
    await apiAs(baseURL, ben, 'POST', `/api/v1/rooms/${room.id}/join`);

    const anaCtx = await signedInContext(browser, baseURL, ana);
    const benCtx = await signedInContext(browser, baseURL, ben);
    const anaPage = await anaCtx.newPage();
    const benPage = await benCtx.newPage();
    const errors = [...watchErrors(anaPage), ...watchErrors(benPage)];
    await anaPage.goto(`${baseURL}/rooms/${room.id}`);
    await benPage.goto(`${baseURL}/rooms/${room.id}`);
    for (const page of [anaPage, benPage]) {
      await page.getByRole('textbox', { name: 'Message #lobby' }).waitFor();
      await page.locator('.banner').waitFor({ state: 'detached' });
    }

    // Ana → Ben.
    const anaBox = anaPage.getByRole('textbox', { name: 'Message #lobby' });
    await anaBox.fill('hello from ana <b>not bold</b>');
    await anaBox.press('Enter');
    await benPage.locator('article[data-seq="1"]').getByText('hello from ana <b>not bold</b>').waitFor({ timeout: 5_000 });
    await anaPage.locator('article[data-seq="1"]').waitFor({ timeout: 5_000 });

    // Ana sees Ben typing, then he answers.
    const benBox = benPage.getByRole('textbox', { name: 'Message #lobby' });
    await benBox.pressSequentially('hi ana');
    await anaPage.getByText('Ben is typing…').waitFor({ timeout: 5_000 });
    await benBox.press('Shift+Enter');
    await benBox.pressSequentially('second line');
    await benBox.press('Enter');
    await anaPage.locator('article[data-seq="2"]').getByText('second line', { exact: false }).waitFor({ timeout: 5_000 });

    // Exactly one copy of each message on each side.
    for (const page of [anaPage, benPage]) {
      expect(await page.locator('article[data-seq="1"]').count()).toBe(1);
      expect(await page.locator('article[data-seq="2"]').count()).toBe(1);
      expect(await page.locator('article.pending').count()).toBe(0);
    }
    await screenshot(anaPage, 'room-ana');
    await screenshot(benPage, 'room-ben');
    expect(errors).toEqual([]);
    await anaCtx.close();
    await benCtx.close();
  });

  it('OKUnreadBadge', async () => {
    const ana = await register(baseURL, 'ana');
    const ben = await register(baseURL, 'ben');
    const { room: a } = await apiAs<{ room: { id: number } }>(baseURL, ana, 'POST', '/api/v1/rooms', { name: 'alpha', kind: 'public' });
    const { room: b } = await apiAs<{ room: { id: number } }>(baseURL, ana, 'POST', '/api/v1/rooms', { name: 'beta', kind: 'public' });
    await apiAs(baseURL, ben, 'POST', `/api/v1/rooms/${a.id}/join`);
    await apiAs(baseURL, ben, 'POST', `/api/v1/rooms/${b.id}/join`);
    const ctx = await signedInContext(browser, baseURL, ben);
    const page = await ctx.newPage();
    await page.goto(`${baseURL}/rooms/${a.id}`);
    await page.getByRole('textbox', { name: 'Message #alpha' }).waitFor();
    await page.locator('.banner').waitFor({ state: 'detached' });
    for (let i = 0; i < 3; i++) {
      await apiAs(baseURL, ana, 'POST', `/api/v1/rooms/${b.id}/messages`, { body: `news ${i}`, client_id: `n${i}` });
    }
    const badge = page.locator(`a[data-room-id="${b.id}"] .badge`);
    await expect.poll(() => badge.textContent(), { timeout: 5_000 }).toBe('3');
    await page.locator(`a[data-room-id="${b.id}"]`).click();
    await page.getByText('news 2').waitFor();
    await expect.poll(() => badge.count(), { timeout: 5_000 }).toBe(0);
    // The read marker reached the server, not just the badge.
    const unreadOf = async () => {
      const { rooms } = await apiAs<{ rooms: { id: number; unread?: number }[] }>(baseURL, ben, 'GET', '/api/v1/rooms');
      return rooms.find((r) => r.id === b.id)?.unread;
    };
    await expect.poll(unreadOf, { timeout: 5_000 }).toBe(0);
    await screenshot(page, 'sidebar-unread');
    await ctx.close();
  });

  it('OKPrivateRoomAndDirectMessage', async () => {
    const ana = await register(baseURL, 'ana');
    const ben = await register(baseURL, 'ben');
    const anaCtx = await signedInContext(browser, baseURL, ana);
    const benCtx = await signedInContext(browser, baseURL, ben);
    const anaPage = await anaCtx.newPage();
    const benPage = await benCtx.newPage();
    const errors = [...watchErrors(anaPage), ...watchErrors(benPage)];
    await benPage.goto(`${baseURL}/`);
    await benPage.getByText('Pick a room on the left').waitFor();
    await anaPage.goto(`${baseURL}/`);

    // A private room, and Ben invited to it by name.
    await anaPage.getByRole('button', { name: '+ New room' }).click();
    await anaPage.getByLabel('Name').fill('hideout');
    await anaPage.getByLabel(/Private/).check();
    await anaPage.getByRole('button', { name: 'Create' }).click();
    await anaPage.getByRole('button', { name: 'Invite' }).click();
    await anaPage.getByLabel('Find people').fill(ben.username);
    await anaPage.getByRole('button', { name: new RegExp(ben.username) }).click();
    await anaPage.getByText('Added.').waitFor();
    await screenshot(anaPage, 'invite');
    await anaPage.keyboard.press('Escape');
    await benPage.getByRole('link', { name: /hideout/ }).waitFor({ timeout: 10_000 });

    // A direct message found through user search; Ben's sidebar gets it live.
    await anaPage.getByRole('button', { name: '+ Direct message' }).click();
    await anaPage.getByLabel('Find people').fill(ben.username);
    await anaPage.getByRole('button', { name: new RegExp(ben.username) }).click();
    // The direct room is named after the other person.
    const dmBox = anaPage.getByRole('textbox', { name: `Message ${ben.username}` });
    await dmBox.fill('just between us');
    await dmBox.press('Enter');
    const dmLink = benPage.locator('.room-section').filter({ hasText: 'Direct messages' }).getByRole('link');
    await dmLink.first().waitFor({ timeout: 10_000 });
    // Ana is online: her presence dot says so.
    await benPage.locator('.room-section').filter({ hasText: 'Direct messages' }).getByRole('img', { name: 'online' }).waitFor({ timeout: 10_000 });
    await dmLink.first().click();
    await benPage.getByText('just between us').waitFor();
    await screenshot(benPage, 'direct-message-room');
    expect(errors).toEqual([]);
    await anaCtx.close();
    await benCtx.close();
  });
});
