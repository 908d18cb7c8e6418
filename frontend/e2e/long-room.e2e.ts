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

/** The first message row at least partly on screen, and its offset. */
function firstVisible(): { seq: number; top: number } {
  const box = document.querySelector('.message-scroll');
  if (!box) throw new Error('no message list');
  const top = box.getBoundingClientRect().top;
  for (const row of document.querySelectorAll<HTMLElement>('article[data-seq]')) {
    const r = row.getBoundingClientRect();
    if (r.bottom > top) return { seq: Number(row.dataset.seq), top: r.top - top };
  }
  throw new Error('no visible row');
}

describe('a room of 10,000 messages', () => {
  it('OK', async () => {
    const owner = await register(baseURL, 'archivist');
    const reader = await register(baseURL, 'reader');
    const roomId = await seedRoom(owner.id, 10_000);
    await apiAs(baseURL, reader, 'POST', `/api/v1/rooms/${roomId}/join`);

    // Requests go straight to the network so that the test can hold one.
    const ctx = await signedInContext(browser, baseURL, reader, { serviceWorkers: 'block' });
    const page = await ctx.newPage();
    await page.goto(`${baseURL}/rooms/${roomId}`);
    await page.locator('article[data-seq="10000"]').waitFor();
    const rows = page.locator('article[data-seq]');
    expect(await rows.count()).toBeLessThan(200);
    await screenshot(page, 'long-room-bottom');

    // Scroll up page after page, like a reader.
    const scroller = page.locator('.message-scroll');
    for (let step = 0; step < 4; step++) {
      await scroller.evaluate((el) => el.scrollBy(0, -el.clientHeight));
      await page.waitForTimeout(100);
      expect(await rows.count()).toBeLessThan(200);
    }

    // Hold the next page of history, reach the top, note what is on screen,
    // then let the page in: what the reader looks at must not move.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/messages\?.*before_seq=/, async (route) => {
      await gate;
      await route.continue();
    });
    await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
    await page.waitForTimeout(400);
    const before = await page.evaluate(firstVisible);
    const heightBefore = await scroller.evaluate((el) => el.scrollHeight);
    release();
    await expect
      .poll(() => scroller.evaluate((el) => el.scrollHeight), { timeout: 10_000 })
      .toBeGreaterThan(heightBefore);
    await page.waitForTimeout(400);
    const after = await page.evaluate<number | null>(rowTop(before.seq));
    expect(after).not.toBeNull();
    expect(Math.abs((after as number) - before.top)).toBeLessThanOrEqual(2);
    expect(await rows.count()).toBeLessThan(200);
    await page.unroute(/\/messages\?.*before_seq=/);

    // Keep going up past a thousand messages: pages keep arriving, the DOM
    // stays small.
    const firstSeq = async () => Number(await rows.first().getAttribute('data-seq'));
    for (let i = 0; i < 80 && (await firstSeq()) >= 9_000; i++) {
      const top = await firstSeq();
      await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
      await expect.poll(firstSeq, { timeout: 10_000 }).toBeLessThan(top);
      expect(await rows.count()).toBeLessThan(200);
    }
    expect(await firstSeq()).toBeLessThan(9_000);
    await screenshot(page, 'long-room-top');
    await ctx.close();
  });
});
