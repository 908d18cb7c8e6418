import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type ConsoleMessage,
  type Page,
} from 'playwright-core';

/**
 * Where screenshots go: PARLEY_E2E_ARTIFACTS when set (a CI keeps that
 * folder), else test-results/ at the repository's root (gitignored).
 */
export const artifacts = join(
  process.env.PARLEY_E2E_ARTIFACTS || fileURLToPath(new URL('../../test-results/', import.meta.url)),
  '/',
);

/** Starts the system Chromium; never a downloaded browser. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A user created through the API. */
export interface TestUser {
  id: number;
  username: string;
  password: string;
  token: string;
}

let counter = 0;

/** Registers a fresh user and returns it with its session token. */
export async function register(baseURL: string, prefix = 'user'): Promise<TestUser> {
  counter++;
  const username = `${prefix}${counter}${Date.now().toString(36).slice(-5)}`.slice(0, 32);
  const password = 'correct horse battery';
  const res = await fetch(`${baseURL}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password, display_name: prefix[0]?.toUpperCase() + prefix.slice(1) }),
  });
  if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { user: { id: number }; token: string };
  return { id: body.user.id, username, password, token: body.token };
}

/** Calls the API as user (bearer token) and returns the parsed answer. */
export async function apiAs<T>(baseURL: string, user: TestUser, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${baseURL}${path}`, {
    method,
    headers: { Authorization: `Bearer ${user.token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** A browser context already signed in as user (its session cookie set). */
export async function signedInContext(
  browser: Browser,
  baseURL: string,
  user: TestUser,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 800 }, ...options });
  await ctx.addCookies([{ name: 'parley_session', value: user.token, url: baseURL, httpOnly: true, sameSite: 'Lax' }]);
  return ctx;
}

/**
 * Collects what the page reports as errors: exceptions, console errors
 * and CSP violations. The signed-out probe of /api/v1/me answers 401 by
 * contract, which Chromium logs as a failed resource; that one is expected.
 */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() !== 'error') return;
    const url = m.location().url;
    if (/status of 401/.test(m.text()) && url.endsWith('/api/v1/me')) return;
    errors.push(`console: ${m.text()} (${url})`);
  });
  return errors;
}

/** Saves a screenshot into the artifacts folder. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: `${artifacts}${name}.png` });
}
