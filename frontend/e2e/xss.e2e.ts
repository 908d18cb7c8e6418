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

// Markup that would run or load something if any layer rendered it as HTML.
const bodyImg = '<img src=x onerror="window.__pwned=1">';
const bodyScript = '<script>window.__pwned=2</script>';
const roomName = '<img src=x onerror=alert(1)>';
const topic = '<script>alert(2)</script> & "quotes"';

/** Counts what must never appear: dialogs, CSP violations, run script. */
async function watchHostile(page: Page): Promise<{ dialogs: string[]; violations: string[] }> {
  const dialogs: string[] = [];
  const violations: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.exposeFunction('__cspViolation', (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __cspViolation(v: string): void }).__cspViolation(
        `${e.violatedDirective} ${e.blockedURI}`,
      );
    });
  });
  return { dialogs, violations };
}

describe('hostile text', () => {
  it('OK', async () => {
    const author = await register(baseURL, 'author');
    // A display name made of markup, set through sign-up.
    const res = await fetch(`${baseURL}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        username: `mark${Date.now().toString(36)}`,
        password: 'correct horse battery',
        display_name: '<b onmouseover=alert(3)>Mallory</b>',
      }),
    });
    expect(res.status).toBe(201);
    const mallory = (await res.json()) as { user: { id: number }; token: string };
    const { room } = await apiAs<{ room: { id: number } }>(baseURL, author, 'POST', '/api/v1/rooms', {
      name: roomName,
      topic,
      kind: 'public',
    });
    await fetch(`${baseURL}/api/v1/rooms/${room.id}/join`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${mallory.token}` },
    });
    for (const [i, body] of [bodyImg, bodyScript].entries()) {
      const post = await fetch(`${baseURL}/api/v1/rooms/${room.id}/messages`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${mallory.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ body, client_id: `x${i}` }),
      });
      expect(post.status).toBe(201);
    }

    // The SPA shows every string as text.
    const ctx = await signedInContext(browser, baseURL, author, { serviceWorkers: 'block' });
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    const hostile = await watchHostile(page);
    await page.goto(`${baseURL}/rooms/${room.id}`);
    await page.getByText(bodyScript, { exact: true }).waitFor();
    await expect(page.getByText(bodyImg, { exact: true }).count()).resolves.toBe(1);
    await expect(page.locator('strong.author', { hasText: '<b onmouseover=alert(3)>Mallory</b>' }).first().isVisible()).resolves.toBe(true);
    await expect(page.getByText(roomName).first().isVisible()).resolves.toBe(true);
    await screenshot(page, 'hostile-text-spa');
    // Nothing was parsed into elements: no image with src=x, no bold.
    await expect(page.locator('img[src="x"], main b, main script').count()).resolves.toBe(0);
    await expect(page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
    expect(hostile.dialogs).toEqual([]);
    expect(hostile.violations).toEqual([]);
    expect(errors).toEqual([]);
    await ctx.close();

    // So do the pages served without JavaScript.
    const noJs = await signedInContext(browser, baseURL, author, { javaScriptEnabled: false });
    const plain = await noJs.newPage();
    const plainHostile = await watchHostile(plain);
    const answer = await plain.goto(`${baseURL}/rooms/${room.id}`);
    expect(answer?.status()).toBe(200);
    await expect(plain.getByText(bodyImg, { exact: true }).count()).resolves.toBe(1);
    await expect(plain.getByText(bodyScript, { exact: true }).count()).resolves.toBe(1);
    await expect(plain.getByText(roomName).first().isVisible()).resolves.toBe(true);
    await expect(plain.locator('img[src="x"], main b, main script').count()).resolves.toBe(0);
    await screenshot(plain, 'hostile-text-no-js');
    expect(plainHostile.dialogs).toEqual([]);
    expect(plainHostile.violations).toEqual([]);
    await noJs.close();
  });
});
