import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launch, register, screenshot, watchErrors } from './browser';

const baseURL = inject('baseURL');
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

function directives(csp: string): Map<string, string> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name = '', ...rest] = d.split(/\s+/);
        return [name, rest.join(' ')] as const;
      }),
  );
}

describe('Content-Security-Policy', () => {
  it('OKHeaders', async () => {
    for (const path of ['/', '/login', '/rooms/1', '/browse', '/index.html']) {
      const res = await fetch(`${baseURL}${path}`);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      const csp = directives(res.headers.get('content-security-policy') ?? '');
      expect(csp.get('script-src'), path).toBe("'self'");
      expect(csp.get('object-src'), path).toBe("'none'");
      expect(csp.get('frame-ancestors'), path).toBe("'none'");
      expect(csp.get('default-src'), path).toBe("'self'");
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
    // The build's HTML itself carries no inline script or style.
    const html = await (await fetch(`${baseURL}/index.html`)).text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style[\s>]/);
    expect(html).not.toMatch(/\sstyle="/);
  });

  it('OKAppRunsUnderIt', async () => {
    const me = await register(baseURL, 'strict');
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    const violations: string[] = [];
    await page.exposeFunction('__cspViolation', (v: string) => violations.push(v));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { __cspViolation(v: string): void }).__cspViolation(
          `${e.violatedDirective} ${e.blockedURI}`,
        );
      });
    });

    // Signed out: the sign-in screen, then every main screen once.
    await page.goto(`${baseURL}/login`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'sign-in');
    await page.getByLabel('Username').fill(me.username);
    await page.getByLabel('Password').fill(me.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: '+ New room' }).click();
    await page.getByLabel('Name').fill('strict-room');
    await page.getByLabel('Topic (optional)').fill('Everything under a strict CSP');
    await screenshot(page, 'create-room');
    await page.getByRole('button', { name: 'Create' }).click();
    const box = page.getByRole('textbox', { name: 'Message #strict-room' });
    await box.fill('first words');
    await box.press('Enter');
    await page.locator('article[data-seq="1"]').waitFor();
    await page.locator('article[data-seq="1"]').hover();
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('textbox', { name: 'Edit message' }).fill('first words, edited');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('(edited)').waitFor();
    await screenshot(page, 'room');
    await page.getByRole('link', { name: 'Browse public rooms' }).click();
    await page.getByRole('heading', { name: 'Public rooms' }).waitFor();
    await screenshot(page, 'browse');
    await page.getByRole('button', { name: '+ Direct message' }).click();
    await page.getByLabel('Find people').fill(me.username.slice(0, 3));
    await screenshot(page, 'direct-message');
    await page.keyboard.press('Escape');

    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
