// Runs Lighthouse against a running Parley server (the real binary, with
// the embedded build) and writes the scores to test-results/lighthouse.json.
//
//   PARLEY_URL=http://127.0.0.1:8080 npm run lighthouse
//
// Two pages: the sign-in screen (signed out) and a room with history
// (signed in through a session cookie made for the run).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

const base = (process.argv[2] ?? process.env.PARLEY_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const out = fileURLToPath(new URL('../../test-results/', import.meta.url));
const categories = ['performance', 'accessibility', 'best-practices', 'seo'];

async function call(method, path, body, token) {
  const res = await fetch(base + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

async function seed() {
  const username = `lh${Date.now().toString(36)}`;
  const { token } = await call('POST', '/api/v1/auth/register', { username, password: 'lighthouse run 1', display_name: 'Lighthouse' });
  const { room } = await call('POST', '/api/v1/rooms', { name: 'lighthouse', topic: 'Audit room', kind: 'public' }, token);
  for (let i = 1; i <= 60; i++) {
    await call('POST', `/api/v1/rooms/${room.id}/messages`, { body: `Message ${i}: the quick brown fox jumps over the lazy dog.`, client_id: `lh-${i}` }, token);
  }
  return { token, roomId: room.id };
}

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  chromeFlags: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const { token, roomId } = await seed();
  const pages = [
    { name: 'sign-in', url: `${base}/login`, headers: {} },
    { name: 'room', url: `${base}/rooms/${roomId}`, headers: { Cookie: `parley_session=${token}` } },
  ];
  const results = {};
  for (const page of pages) {
    const runner = await lighthouse(page.url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: categories,
      extraHeaders: page.headers,
    });
    const lhr = runner.lhr;
    const score = (c) => Math.round((lhr.categories[c]?.score ?? 0) * 100);
    const metric = (id) => lhr.audits[id]?.displayValue ?? '';
    results[page.name] = {
      url: page.url.replace(base, ''),
      scores: Object.fromEntries(categories.map((c) => [c, score(c)])),
      metrics: {
        fcp: metric('first-contentful-paint'),
        lcp: metric('largest-contentful-paint'),
        tbt: metric('total-blocking-time'),
        cls: metric('cumulative-layout-shift'),
        si: metric('speed-index'),
      },
      lighthouse: lhr.lighthouseVersion,
      formFactor: lhr.configSettings.formFactor,
    };
    console.log(page.name, JSON.stringify(results[page.name]));
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(`${out}lighthouse.json`, JSON.stringify(results, null, 2) + '\n');
  console.log(`wrote ${out}lighthouse.json`);
} finally {
  await chrome.kill();
}
