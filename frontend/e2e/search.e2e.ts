import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, launch, register, screenshot, signedInContext, watchErrors } from './browser';
import { psql } from './server';

const baseURL = inject('baseURL');
const databaseUrl = inject('databaseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/**
 * Creates a public room of count messages straight in PostgreSQL, message
 * `at` saying `needle`, and returns its id. Written before the server
 * ever reads the room, so no cache holds an older version of it.
 */
async function seedRoom(ownerId: number, name: string, count: number, at: number, needle: string): Promise<number> {
  const out = await psql(
    databaseUrl,
    `WITH r AS (
       INSERT INTO rooms (name, kind, owner_id, last_seq) VALUES ('${name}', 'public', ${ownerId}, ${count}) RETURNING id
     ), m AS (
       INSERT INTO room_users (room_id, user_id, role) SELECT id, ${ownerId}, 'owner' FROM r
     ), msgs AS (
       INSERT INTO messages (room_id, seq, user_id, body, client_id, created_at)
       SELECT r.id, g, ${ownerId},
              CASE WHEN g = ${at} THEN 'the ${needle} plan, agreed' ELSE 'message number ' || g END,
              'seed-' || g, now() - ((${count} - g) * interval '1 minute')
       FROM r, generate_series(1, ${count}) g
     )
     SELECT id FROM r`,
  );
  return Number(out.split('\n')[0]);
}

/** Whether the row of seq is inside the message list's viewport. */
function rowInView(page: Page, seq: number): Promise<boolean> {
  return page.evaluate((s) => {
    const row = document.querySelector(`article[data-seq="${s}"]`);
    const box = document.querySelector('.message-scroll');
    if (!row || !box) return false;
    const r = row.getBoundingClientRect();
    const b = box.getBoundingClientRect();
    return r.top >= b.top && r.bottom <= b.bottom;
  }, seq);
}

describe('search', () => {
  it('OKResultOpensTheMessageInItsRoom', async () => {
    const owner = await register(baseURL, 'keeper');
    const reader = await register(baseURL, 'seeker');
    const needle = `zebraquartz${Date.now().toString(36)}`;
    // An old message: far from the newest page the room opens at.
    const roomId = await seedRoom(owner.id, 'archive', 3000, 400, needle);
    // The same word in a room the reader is not in must not show.
    await seedRoom(owner.id, 'elsewhere', 10, 5, needle);
    await apiAs(baseURL, reader, 'POST', `/api/v1/rooms/${roomId}/join`);

    const ctx = await signedInContext(browser, baseURL, reader, { serviceWorkers: 'block' });
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(`${baseURL}/`);
    // A prefix of the word finds it.
    const box = page.getByRole('searchbox', { name: 'Search messages' });
    await box.fill(needle.slice(0, 8));
    await box.press('Enter');
    await page.waitForURL(/\/search\?q=/);
    const results = page.locator('.search-result');
    await results.first().waitFor();
    expect(await results.count()).toBe(1);
    const result = results.first();
    expect(await result.locator('.search-room').textContent()).toBe('#archive');
    expect(await result.locator('.author').textContent()).toBe('Keeper');
    expect(await result.locator('mark').allTextContents()).toEqual([needle]);
    expect(await result.locator('.search-snippet').textContent()).toBe(`the ${needle} plan, agreed`);
    await screenshot(page, 'search-results');

    await result.click();
    await page.waitForURL(new RegExp(`/rooms/${roomId}\\?at=400$`));
    const target = page.locator('.message-slot.target article[data-seq="400"]');
    await target.waitFor();
    await expect.poll(() => rowInView(page, 400), { timeout: 10_000 }).toBe(true);
    expect(await target.textContent()).toContain(needle);
    // The history around it is loaded, not the newest page.
    expect(await page.locator('article[data-seq="399"]').count()).toBe(1);
    expect(await page.locator('article[data-seq="401"]').count()).toBe(1);
    expect(await page.locator('article[data-seq="3000"]').count()).toBe(0);
    await screenshot(page, 'search-opened');

    // Reading on down reaches the present.
    const scroller = page.locator('.message-scroll');
    await expect
      .poll(
        async () => {
          await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
          return page.locator('article[data-seq="3000"]').count();
        },
        { timeout: 60_000 },
      )
      .toBe(1);
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
