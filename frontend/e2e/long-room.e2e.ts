import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiAs, launch, register, screenshot, signedInContext } from './browser';
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

/** Creates a public room holding count messages, straight in PostgreSQL. */
async function seedRoom(ownerId: number, count: number): Promise<number> {
  // The room is written here before the server ever reads it, so no cache
  // holds an older version of it.
  const out = await psql(
    databaseUrl,
    `WITH r AS (
       INSERT INTO rooms (name, kind, owner_id, last_seq) VALUES ('archive', 'public', ${ownerId}, ${count}) RETURNING id
     ), m AS (
       INSERT INTO room_users (room_id, user_id, role) SELECT id, ${ownerId}, 'owner' FROM r
     ), msgs AS (
       INSERT INTO messages (room_id, seq, user_id, body, client_id, created_at)
       SELECT r.id, g, ${ownerId}, 'message number ' || g, 'seed-' || g,
              now() - ((${count} - g) * interval '1 second')
       FROM r, generate_series(1, ${count}) g
     )
     SELECT id FROM r`,
  );
  return Number(out.split('\n')[0]);
}

/** How far a message's row is from the top of the scroller, on screen. */
function rowTop(seq: number) {
  return `(() => {
    const row = document.querySelector('article[data-seq="${seq}"]');
    const box = document.querySelector('.message-scroll');
    if (!row || !box) return null;
    return row.getBoundingClientRect().top - box.getBoundingClientRect().top;
  })()`;
}

describe('a room of 10,000 messages', () => {
  it('OK', async () => {
    const owner = await register(baseURL, 'archivist');
    const reader = await register(baseURL, 'reader');
    const roomId = await seedRoom(owner.id, 10_000);
    await apiAs(baseURL, reader, 'POST', `/api/v1/rooms/${roomId}/join`);

    const ctx = await signedInContext(browser, baseURL, reader);
    const page = await ctx.newPage();
    await page.goto(`${baseURL}/rooms/${roomId}`);
    await page.locator('article[data-seq="10000"]').waitFor();
    const rows = page.locator('article[data-seq]');
    expect(await rows.count()).toBeLessThan(200);
    await screenshot(page, 'long-room-bottom');

    // Scroll up page after page; each time older history comes in above,
    // the message the reader was looking at must not move.
    const scroller = page.locator('.message-scroll');
    let oldest = 10_000;
    for (let step = 0; step < 6; step++) {
      await scroller.evaluate((el) => el.scrollBy(0, -el.clientHeight));
      await page.waitForTimeout(60);
      const firstSeq = Number(await rows.first().getAttribute('data-seq'));
      oldest = Math.min(oldest, firstSeq);
    }
    // Jump to the very top of what is loaded and let the next page arrive.
    const anchor = Number(await rows.first().getAttribute('data-seq'));
    await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
    const before = (await page.evaluate(rowTop(anchor))) as number;
    await expect
      .poll(async () => Number(await rows.first().getAttribute('data-seq')), { timeout: 10_000 })
      .toBeLessThan(anchor - 40);
    await page.waitForTimeout(300);
    const after = (await page.evaluate(rowTop(anchor))) as number | null;
    expect(after).not.toBeNull();
    expect(Math.abs((after as number) - before)).toBeLessThanOrEqual(2);
    expect(await rows.count()).toBeLessThan(200);

    // Keep going to the start of the room: the DOM stays small all the way.
    for (let i = 0; i < 400; i++) {
      const done = await page.getByText('This is the start of the room.').isVisible();
      if (done) break;
      await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
      await page.waitForTimeout(50);
      expect(await rows.count()).toBeLessThan(200);
    }
    await page.locator('article[data-seq="1"]').waitFor({ timeout: 30_000 });
    expect(await rows.count()).toBeLessThan(200);
    await screenshot(page, 'long-room-top');
    await ctx.close();
  });
});
