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

const inline = '**bold** _it_ ~~strike~~ `code`';
const blocks = [
  'Steps for @room:',
  '```',
  'if (a < b && c) { run("<b>x</b>"); }',
  '```',
  '- first',
  '- **second**',
  '> quoted with https://example.com/docs?a=1&b=2.',
].join('\n');
const script = '<script>window.__pwned = 1</script>';
const edited = 'now *edited* with `new code`';

/** Records dialogs and CSP violations, which formatting must never cause. */
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
      (window as unknown as { __cspViolation(v: string): void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return { dialogs, violations };
}

/** A message body's markup as the page holds it, without the "(edited)" note. */
function bodyHTML(page: Page, selector: string): Promise<string> {
  return page.locator(`${selector} .body`).evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    copy.querySelector('.edited')?.remove();
    return copy.innerHTML;
  });
}

describe('message formatting', () => {
  it('OK', async () => {
    const ana = await register(baseURL, 'ana');
    const ben = await register(baseURL, 'ben');
    const { room } = await apiAs<{ room: { id: number } }>(baseURL, ana, 'POST', '/api/v1/rooms', {
      name: 'formats',
      kind: 'public',
    });
    await apiAs(baseURL, ben, 'POST', `/api/v1/rooms/${room.id}/join`);

    const anaCtx = await signedInContext(browser, baseURL, ana, { serviceWorkers: 'block' });
    const benCtx = await signedInContext(browser, baseURL, ben, { serviceWorkers: 'block' });
    const anaPage = await anaCtx.newPage();
    const benPage = await benCtx.newPage();
    const errors = [...watchErrors(anaPage), ...watchErrors(benPage)];
    const hostile = [await watchHostile(anaPage), await watchHostile(benPage)];
    for (const page of [anaPage, benPage]) {
      await page.goto(`${baseURL}/rooms/${room.id}`);
      await page.getByRole('textbox', { name: 'Message #formats' }).waitFor();
      await page.locator('.banner').waitFor({ state: 'detached' });
    }

    // Ana types three messages; Ben gets them over the socket.
    const box = anaPage.getByRole('textbox', { name: 'Message #formats' });
    for (const [i, body] of [inline, blocks, script].entries()) {
      await box.fill(body);
      await box.press('Enter');
      await benPage.locator(`article[data-seq="${i + 1}"]`).waitFor({ timeout: 10_000 });
      await anaPage.locator(`article[data-seq="${i + 1}"]`).waitFor({ timeout: 10_000 });
    }

    for (const page of [anaPage, benPage]) {
      const first = page.locator('article[data-seq="1"] .body');
      await expect(first.locator('strong').textContent()).resolves.toBe('bold');
      await expect(first.locator('em').textContent()).resolves.toBe('it');
      await expect(first.locator('del').textContent()).resolves.toBe('strike');
      await expect(first.locator('code').textContent()).resolves.toBe('code');

      const second = page.locator('article[data-seq="2"] .body');
      await expect(second.locator('span.mention').textContent()).resolves.toBe('@room');
      await expect(second.locator('pre > code').textContent()).resolves.toBe('if (a < b && c) { run("<b>x</b>"); }');
      await expect(second.locator('ul > li').allTextContents()).resolves.toEqual(['first', 'second']);
      await expect(second.locator('ul > li > strong').textContent()).resolves.toBe('second');
      const link = second.locator('blockquote a');
      await expect(link.getAttribute('href')).resolves.toBe('https://example.com/docs?a=1&b=2');
      await expect(link.getAttribute('rel')).resolves.toBe('noopener noreferrer nofollow');
      await expect(link.getAttribute('target')).resolves.toBe('_blank');
      await expect(link.textContent()).resolves.toBe('https://example.com/docs?a=1&b=2');
      // Markup inside the code block stayed text.
      await expect(second.locator('pre b').count()).resolves.toBe(0);

      // The script is shown, as text, and never ran.
      await page.locator('article[data-seq="3"]').getByText(script, { exact: true }).waitFor();
      await expect(page.locator('main script').count()).resolves.toBe(0);
      await expect(page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).resolves.toBeUndefined();
    }
    await screenshot(benPage, 'formatting-spa');

    // The API returns every body exactly as typed.
    const history = async () =>
      (await apiAs<{ messages: { body: string }[] }>(baseURL, ben, 'GET', `/api/v1/rooms/${room.id}/messages`)).messages.map(
        (m) => m.body,
      );
    await expect(history()).resolves.toEqual([inline, blocks, script]);

    // The page served without JavaScript shows the same markup.
    const noJs = await signedInContext(browser, baseURL, ben, { javaScriptEnabled: false });
    const plain = await noJs.newPage();
    const plainHostile = await watchHostile(plain);
    expect((await plain.goto(`${baseURL}/rooms/${room.id}`))?.status()).toBe(200);
    for (const seq of [1, 2, 3]) {
      const spa = await bodyHTML(benPage, `article[data-seq="${seq}"]`);
      expect(spa.length).toBeGreaterThan(0);
      await expect(bodyHTML(plain, `li#m-${seq}`)).resolves.toBe(spa);
    }
    await expect(plain.getByText(script, { exact: true }).count()).resolves.toBe(1);
    await expect(plain.locator('main script').count()).resolves.toBe(0);
    await screenshot(plain, 'formatting-no-js');

    // Editing a message renders its new body, in the SPA and on the page.
    await anaPage.locator('article[data-seq="1"]').hover();
    await anaPage.locator('article[data-seq="1"]').getByRole('button', { name: 'Edit' }).click();
    await anaPage.getByRole('textbox', { name: 'Edit message' }).fill(edited);
    await anaPage.getByRole('button', { name: 'Save' }).click();
    const benFirst = benPage.locator('article[data-seq="1"] .body');
    await benFirst.locator('em', { hasText: 'edited' }).waitFor({ timeout: 10_000 });
    await expect(benFirst.locator('code').textContent()).resolves.toBe('new code');
    await expect(benFirst.locator('strong').count()).resolves.toBe(0);
    await benFirst.getByText('(edited)').waitFor();
    await screenshot(benPage, 'formatting-edited');
    await plain.reload();
    await expect(bodyHTML(plain, 'li#m-1')).resolves.toBe(await bodyHTML(benPage, 'article[data-seq="1"]'));
    await expect(history()).resolves.toEqual([edited, blocks, script]);

    for (const h of [...hostile, plainHostile]) {
      expect(h.dialogs).toEqual([]);
      expect(h.violations).toEqual([]);
    }
    expect(errors).toEqual([]);
    await noJs.close();
    await anaCtx.close();
    await benCtx.close();
  });
});
