import type { Browser, Page } from 'playwright-core';
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

/** The "N replies" button under message seq in the room's list. */
function summary(page: Page, seq: number) {
  return page.locator(`.room-column article[data-seq="${seq}"] .thread-summary`);
}

/** The reply box of the open thread. */
function replyBox(page: Page) {
  return page.locator('.reply-panel').getByRole('textbox', { name: 'Reply in thread' });
}

describe('replies', () => {
  it('OKReplyAppearsLiveForTheOther', async () => {
    const ana = await register(baseURL, 'ana');
    const ben = await register(baseURL, 'ben');
    const { room } = await apiAs<{ room: { id: number } }>(baseURL, ana, 'POST', '/api/v1/rooms', {
      name: 'threads',
      kind: 'public',
    });
    await apiAs(baseURL, ben, 'POST', `/api/v1/rooms/${room.id}/join`);
    const { message: parent } = await apiAs<{ message: { seq: number } }>(baseURL, ana, 'POST', `/api/v1/rooms/${room.id}/messages`, {
      body: 'lunch at noon?',
      client_id: 'parent-1',
    });

    const anaCtx = await signedInContext(browser, baseURL, ana);
    const benCtx = await signedInContext(browser, baseURL, ben);
    const anaPage = await anaCtx.newPage();
    const benPage = await benCtx.newPage();
    const errors = [...watchErrors(anaPage), ...watchErrors(benPage)];
    for (const page of [anaPage, benPage]) {
      await page.goto(`${baseURL}/rooms/${room.id}`);
      await page.getByRole('textbox', { name: 'Message #threads' }).waitFor();
      await page.locator('.banner').waitFor({ state: 'detached' });
      await page.locator(`article[data-seq="${parent.seq}"]`).getByText('lunch at noon?').waitFor();
    }

    // Ben opens a thread on Ana's message and replies in it.
    const row = benPage.locator(`.room-column article[data-seq="${parent.seq}"]`);
    await row.hover();
    await row.getByRole('button', { name: 'Reply' }).click();
    await benPage.waitForURL(`**/rooms/${room.id}/threads/${parent.seq}`);
    await benPage.locator('.reply-panel').getByText('lunch at noon?').waitFor();
    await replyBox(benPage).fill('yes, the usual place');
    await replyBox(benPage).press('Enter');
    await benPage.locator('.reply-panel article').getByText('yes, the usual place').waitFor({ timeout: 5_000 });

    // Ana, who opened nothing, sees the count appear under her message, live.
    await expect.poll(() => summary(anaPage, parent.seq).textContent(), { timeout: 5_000 }).toMatch(/^1 reply · last reply/);
    // The reply lives in its thread, not in the room's list.
    expect(await anaPage.locator('.room-column').getByText('yes, the usual place').count()).toBe(0);
    await screenshot(anaPage, 'thread-count');

    // She opens the thread from the count and answers there.
    await summary(anaPage, parent.seq).click();
    await anaPage.waitForURL(`**/rooms/${room.id}/threads/${parent.seq}`);
    await anaPage.locator('.reply-panel article').getByText('yes, the usual place').waitFor();
    await replyBox(anaPage).fill('see you there');
    await replyBox(anaPage).press('Enter');

    // Ben's open thread gets it live, and both counters say 2.
    await benPage.locator('.reply-panel article').getByText('see you there').waitFor({ timeout: 5_000 });
    for (const page of [anaPage, benPage]) {
      await expect.poll(() => summary(page, parent.seq).textContent(), { timeout: 5_000 }).toMatch(/^2 replies/);
      expect(await page.locator('.reply-panel article').count()).toBe(3); // the parent and two replies
      expect(await page.locator('.reply-panel article.pending').count()).toBe(0);
    }
    await screenshot(benPage, 'thread-panel');

    // Closing the panel goes back to the room; a reload of the thread's URL opens it again.
    await benPage.getByRole('button', { name: 'Close thread' }).click();
    await benPage.waitForURL(`**/rooms/${room.id}`);
    expect(await benPage.locator('.reply-panel').count()).toBe(0);
    await benPage.goto(`${baseURL}/rooms/${room.id}/threads/${parent.seq}`);
    await benPage.locator('.reply-panel article').getByText('see you there').waitFor();

    // The server agrees: two replies, counted on the parent.
    const { messages } = await apiAs<{ messages: { body: string; reply_to?: number }[] }>(
      baseURL,
      ana,
      'GET',
      `/api/v1/rooms/${room.id}/messages/${parent.seq}/replies`,
    );
    expect(messages.map((m) => m.body)).toEqual(['yes, the usual place', 'see you there']);
    expect(errors).toEqual([]);
    await anaCtx.close();
    await benCtx.close();
  });

  it('OKNarrowScreenThreadTakesTheScreen', async () => {
    const ana = await register(baseURL, 'ana');
    const { room } = await apiAs<{ room: { id: number } }>(baseURL, ana, 'POST', '/api/v1/rooms', {
      name: 'narrow',
      kind: 'public',
    });
    const { message: parent } = await apiAs<{ message: { seq: number } }>(baseURL, ana, 'POST', `/api/v1/rooms/${room.id}/messages`, {
      body: 'on a phone',
      client_id: 'narrow-1',
    });
    await apiAs(baseURL, ana, 'POST', `/api/v1/rooms/${room.id}/messages`, {
      body: 'a reply',
      client_id: 'narrow-2',
      reply_to: parent.seq,
    });
    const ctx = await signedInContext(browser, baseURL, ana);
    const page = await ctx.newPage();
    await page.setViewportSize({ width: 390, height: 800 });
    const errors = watchErrors(page);
    await page.goto(`${baseURL}/rooms/${room.id}/threads/${parent.seq}`);
    await page.locator('.reply-panel article').getByText('a reply').waitFor();
    expect(await page.locator('.room-column').isVisible()).toBe(false);
    const box = await page.locator('.reply-panel').boundingBox();
    expect(box?.width).toBeGreaterThan(380);
    await screenshot(page, 'thread-narrow');
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
