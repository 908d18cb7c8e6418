import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The admin connection used to create and drop the test database. */
export const adminUrl =
  process.env.PARLEY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable';

/** Runs SQL with psql against url and returns its unaligned output. */
export async function psql(url: string, sql: string): Promise<string> {
  const { stdout } = await run('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql], {
    maxBuffer: 16 << 20,
  });
  return stdout.trim();
}

/** The same URL pointing at another database. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = '/' + name;
  return u.toString();
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A running parley binary on its own database. */
export interface RunningServer {
  baseURL: string;
  databaseUrl: string;
  stop(): Promise<void>;
}

/**
 * Builds the server (embedding the current assets/dist), gives it a fresh
 * database and a free port, and waits until it is ready.
 *
 * It follows the contract of the Go package server/testenv, which every Go
 * test and the load simulator use and which this file cannot import: a
 * database named parley_<purpose>_<16 hex digits> on PARLEY_TEST_DATABASE_URL's
 * server, dropped WITH (FORCE) at the end; the inherited environment, then
 * PARLEY_ADDR, DATABASE_URL and PARLEY_ADMIN_ADDR (a free port of its own),
 * then this harness's settings; ready when GET /readyz answers 200, polled
 * every 100 ms, an exit before that being a failure; stopped with SIGTERM, killed only after a grace period. Change
 * both together.
 */
export async function startServer(repoRoot: string): Promise<RunningServer> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-e2e-'));
  const bin = join(dir, 'parley');
  await run('go', ['build', '-o', bin, './server/cmd/parley'], { cwd: repoRoot, maxBuffer: 16 << 20 });

  const dbName = `parley_e2e_${randomBytes(8).toString('hex')}`;
  await psql(adminUrl, `CREATE DATABASE ${dbName}`);
  const databaseUrl = withDatabase(adminUrl, dbName);
  const port = await freePort();
  const adminPort = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const logs: string[] = [];
  const child: ChildProcess = spawn(bin, [], {
    cwd: dir,
    env: {
      ...process.env,
      PARLEY_ADDR: `127.0.0.1:${port}`,
      DATABASE_URL: databaseUrl,
      // Its own admin listener, so that servers side by side do not collide.
      PARLEY_ADMIN_ADDR: `127.0.0.1:${adminPort}`,
      PARLEY_ARGON2_MEMORY_KIB: '8192',
      PARLEY_DB_MAX_OPEN: '5',
      PARLEY_DB_MAX_IDLE: '5',
      // Every test user signs up from this one address; the per-address
      // limits have tests of their own.
      PARLEY_AUTH_RATE: '100000',
      PARLEY_REGISTER_RATE: '0',
      PARLEY_ANON_RATE: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (b: Buffer) => {
    logs.push(b.toString());
    if (logs.length > 200) logs.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    }
    await psql(adminUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`parley exited before it was ready:\n${logs.join('')}`);
    }
    const ok = await fetch(`${baseURL}/readyz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`parley was not ready within 30s:\n${logs.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { baseURL, databaseUrl, stop };
}
