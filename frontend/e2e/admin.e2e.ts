import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, launch, register, screenshot, signedInContext, watchErrors, type TestUser } from './browser';
import { registerNamed, startCluster, type RunningCluster } from './cluster';

// The dashboard is about more than one replica, so this file runs its own
// two-replica cluster instead of the suite's single server.

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const adminName = `ops${randomBytes(4).toString('hex')}`;
let browser: Browser;
let cluster: RunningCluster;

beforeAll(async () => {
  [browser, cluster] = await Promise.all([launch(), startCluster(repoRoot, { admins: [adminName] })]);
});
afterAll(async () => {
  await browser?.close();
  await cluster?.stop();
});

/** Collects CSP violations, the strict style-src among them. */
async function watchCsp(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction('__cspViolation', (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __cspViolation(v: string): void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return violations;
}

/**
 * Posts through the API as each user to its own replica until stopped: a
 * steady trickle on both replicas, so both report sends per second.
 */
function startLoad(posters: { user: TestUser; baseURL: string }[], roomId: number): { stop(): Promise<void> } {
  let running = true;
  const loops = posters.map(async ({ user, baseURL }, i) => {
    for (let n = 0; running; n++) {
      await apiAs(baseURL, user, 'POST', `/api/v1/rooms/${roomId}/messages`, {
        body: `load ${i}.${n}`,
        client_id: `load-${user.id}-${n}`,
      });
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

describe('admin dashboard', () => {
  it('OKTwoReplicasUnderLoad', async () => {
    const [a, b] = cluster.replicas;
    if (!a || !b) throw new Error('the cluster has fewer than two replicas');
    const admin = await registerNamed(a.baseURL, adminName);
    const [ua, ub] = await Promise.all([register(a.baseURL, 'loada'), register(b.baseURL, 'loadb')]);
    const { room } = await apiAs<{ room: { id: number } }>(a.baseURL, ua, 'POST', '/api/v1/rooms', {
      name: 'load',
      kind: 'public',
    });
    await apiAs(b.baseURL, ub, 'POST', `/api/v1/rooms/${room.id}/join`);

    const load = startLoad(
      [
        { user: ua, baseURL: a.baseURL },
        { user: ub, baseURL: b.baseURL },
      ],
      room.id,
    );
    const ctx = await signedInContext(browser, a.baseURL, admin, { viewport: { width: 1400, height: 1800 } });
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    const violations = await watchCsp(page);
    try {
      const res = await page.goto(`${a.baseURL}/admin`);
      expect(res?.status()).toBe(200);
      // The page runs under the strict policy: no inline style, so uPlot
      // may only size its elements through the CSSOM.
      expect(res?.headers()['content-security-policy']).toMatch(/style-src 'self'(;|$)/);
      await page.getByRole('heading', { name: 'Cluster', level: 1 }).waitFor();

      // Both replicas are in the table, each named by its instance.
      const table = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Instance' }) });
      for (const r of cluster.replicas) {
        await table.getByRole('rowheader', { name: r.instance, exact: true }).waitFor({ timeout: 15_000 });
      }

      await page.getByRole('heading', { name: /^Slow or failed requests, last minute/ }).waitFor();

      // The sends chart has seen sends on both replicas and the cluster.
      const sends = page.locator('[data-chart="sends"]');
      for (const label of ['cluster', a.instance, b.instance]) {
        await page.waitForFunction(
          ([l]) => Number(document.querySelector(`[data-chart="sends"] tr[data-line="${l}"]`)?.getAttribute('data-peak')) > 0,
          [label],
          { timeout: 20_000 },
        );
      }
      // Drawn, not only counted: uPlot's canvas is there with its points.
      expect(await sends.locator('canvas').count()).toBeGreaterThan(0);
      // About ten seconds of load: the history grows one sample per poll.
      await page.waitForFunction(
        () => Number(document.querySelector('[data-chart="sends"]')?.getAttribute('data-points')) >= 5,
        undefined,
        { timeout: 30_000 },
      );
      for (const id of ['sockets', 'deliveries', 'latency', 'http', 'errors', 'memory', 'goroutines']) {
        expect(await page.locator(`[data-chart="${id}"] canvas`).count(), id).toBeGreaterThan(0);
      }
      await page.waitForFunction(
        () => Number(document.querySelector('[data-chart="memory"] tr[data-kind="total"]')?.getAttribute('data-peak')) > 0,
      );
      // The SLO lines are drawn with their objective.
      await page.locator('[data-chart="latency"] tr[data-line="SLO delivery p99"]').getByText('250 ms').first().waitFor();
      await screenshot(page, 'admin-dashboard');
    } catch (err) {
      // What the dashboard showed when it did not show what was expected.
      await screenshot(page, 'admin-dashboard-failed');
      throw err;
    } finally {
      await load.stop();
    }
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('ErrNotAdmin', async () => {
    const [a] = cluster.replicas;
    if (!a) throw new Error('the cluster has no replica');
    const someone = await register(a.baseURL, 'notops');

    // The API says 404 to a signed-in non-admin and to nobody at all.
    const callers: Record<string, string>[] = [{ Authorization: `Bearer ${someone.token}` }, {}];
    for (const headers of callers) {
      const api = await fetch(`${a.baseURL}/api/v1/admin/cluster`, { headers });
      expect(api.status).toBe(404);
      expect(((await api.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }

    const ctx = await signedInContext(browser, a.baseURL, someone);
    const page = await ctx.newPage();
    const res = await page.goto(`${a.baseURL}/admin`);
    expect(res?.status()).toBe(404);
    await page.getByText(/not found/i).first().waitFor();
    expect(await page.getByRole('heading', { name: 'Cluster' }).count()).toBe(0);
    expect(await page.getByRole('columnheader', { name: 'Instance' }).count()).toBe(0);
    await screenshot(page, 'admin-not-found');
    await ctx.close();
  });
});
