import type { Browser, Page } from 'playwright-core';
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

/** The chip of emoji under message seq, by its accessible name "<emoji> <count>". */
function chip(page: Page, seq: number, emoji: string, count: number) {
  return page.locator(`article[data-seq="${seq}"]`).getByRole('button', { name: `${emoji} ${count}`, exact: true });
}

interface Listed {
  messages: { seq: number; reactions?: { emoji: string; count: number; me: boolean }[] }[];
}

/** What the server says user sees on message seq. */
async function serverReactions(user: TestUser, roomId: number, seq: number) {
  const page = await apiAs<Listed>(baseURL, user, 'GET', `/api/v1/rooms/${roomId}/messages`);
  return page.messages.find((m) => m.seq === seq)?.reactions ?? [];
}

describe('reactions', () => {
  it('OK: a reaction made by one user appears live for the other', async () => {
    const ana = await register(baseURL, 'ana');
    const ben = await register(baseURL, 'ben');
    const { room } = await apiAs<{ room: { id: number } }>(baseURL, ana, 'POST', '/api/v1/rooms', {
      name: 'party',
      kind: 'public',
    });
    await apiAs(baseURL, ben, 'POST', `/api/v1/rooms/${room.id}/join`);
    await apiAs(baseURL, ana, 'POST', `/api/v1/rooms/${room.id}/messages`, { body: 'we shipped it', client_id: 'r1' });

    const anaCtx = await signedInContext(browser, baseURL, ana);
    const benCtx = await signedInContext(browser, baseURL, ben);
    const anaPage = await anaCtx.newPage();
    const benPage = await benCtx.newPage();
    const errors = [...watchErrors(anaPage), ...watchErrors(benPage)];
    for (const page of [anaPage, benPage]) {
      await page.goto(`${baseURL}/rooms/${room.id}`);
      await page.locator('article[data-seq="1"]').getByText('we shipped it').waitFor();
      await page.locator('.banner').waitFor({ state: 'detached' });
    }

    // Ana picks 🎉: her chip shows at once, pressed; Ben's appears live.
    const anaMessage = anaPage.locator('article[data-seq="1"]');
    await anaMessage.hover();
    await anaMessage.getByRole('button', { name: 'Add reaction' }).click();
    await anaPage.getByRole('button', { name: 'React with 🎉' }).click();
    await expect.poll(() => chip(anaPage, 1, '🎉', 1).getAttribute('aria-pressed'), { timeout: 5_000 }).toBe('true');
    await chip(benPage, 1, '🎉', 1).waitFor({ timeout: 5_000 });
    expect(await chip(benPage, 1, '🎉', 1).getAttribute('aria-pressed')).toBe('false');

    // Ben adds his by clicking the chip; Ana sees the count move, her own mark kept.
    await chip(benPage, 1, '🎉', 1).click();
    await expect.poll(() => chip(benPage, 1, '🎉', 2).getAttribute('aria-pressed'), { timeout: 5_000 }).toBe('true');
    await chip(anaPage, 1, '🎉', 2).waitFor({ timeout: 5_000 });
    expect(await chip(anaPage, 1, '🎉', 2).getAttribute('aria-pressed')).toBe('true');
    await screenshot(benPage, 'reactions-ben');

    // Ana takes hers back: both screens and the server agree on one, Ben's.
    await chip(anaPage, 1, '🎉', 2).click();
    await chip(benPage, 1, '🎉', 1).waitFor({ timeout: 5_000 });
    expect(await chip(benPage, 1, '🎉', 1).getAttribute('aria-pressed')).toBe('true');
    expect(await chip(anaPage, 1, '🎉', 1).getAttribute('aria-pressed')).toBe('false');
    await expect.poll(() => serverReactions(ana, room.id, 1), { timeout: 5_000 }).toEqual([{ emoji: '🎉', count: 1, me: false }]);
    expect(await serverReactions(ben, room.id, 1)).toEqual([{ emoji: '🎉', count: 1, me: true }]);

    // A reload reads the same from the (cached) history.
    await benPage.reload();
    await chip(benPage, 1, '🎉', 1).waitFor({ timeout: 5_000 });
    expect(await chip(benPage, 1, '🎉', 1).getAttribute('aria-pressed')).toBe('true');
    await screenshot(anaPage, 'reactions-ana');
    expect(errors).toEqual([]);
    await anaCtx.close();
    await benCtx.close();
  });
});
