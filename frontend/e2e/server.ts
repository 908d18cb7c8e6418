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
  const { dir, bin } = await buildParley(repoRoot, 'parley-e2e-');
  const db = await createDatabase();
  const port = await freePort();
  const adminPort = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const child = spawnParley(bin, dir, {
    ...process.env,
    PARLEY_ADDR: `127.0.0.1:${port}`,
    DATABASE_URL: db.url,
    // Its own admin listener, so that servers side by side do not collide.
    PARLEY_ADMIN_ADDR: `127.0.0.1:${adminPort}`,
    ...harnessEnv,
  });
  const stop = async () => {
    await child.stop();
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(baseURL, child);
  } catch (err) {
    await stop();
    throw err;
  }
  return { baseURL, databaseUrl: db.url, stop };
}

/** The settings every test server shares, after the contract's own. */
export const harnessEnv: NodeJS.ProcessEnv = {
  PARLEY_ARGON2_MEMORY_KIB: '8192',
  PARLEY_DB_MAX_OPEN: '5',
  PARLEY_DB_MAX_IDLE: '5',
  // Every test user signs up from this one address; the per-address
  // limits have tests of their own.
  PARLEY_AUTH_RATE: '100000',
  PARLEY_REGISTER_RATE: '0',
  PARLEY_ANON_RATE: '0',
};

/** Builds the server binary (embedding the current assets/dist) into a fresh folder. */
export async function buildParley(repoRoot: string, prefix: string): Promise<{ dir: string; bin: string }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const bin = join(dir, 'parley');
  await run('go', ['build', '-o', bin, './server/cmd/parley'], { cwd: repoRoot, maxBuffer: 16 << 20 });
  return { dir, bin };
}

/** A fresh database named by the contract, and how to drop it. */
export async function createDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `parley_e2e_${randomBytes(8).toString('hex')}`;
  await psql(adminUrl, `CREATE DATABASE ${name}`);
  return {
    name,
    url: withDatabase(adminUrl, name),
    drop: () => psql(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined, () => undefined),
  };
}

/** A started parley process, with the tail of its output for failures. */
export interface ParleyProcess {
  exited(): boolean;
  logs: string[];
  /** SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>;
}

/** Starts the binary with env, keeping the last lines it printed. */
export function spawnParley(bin: string, cwd: string, env: NodeJS.ProcessEnv): ParleyProcess {
  const logs: string[] = [];
  const child: ChildProcess = spawn(bin, [], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (b: Buffer) => {
    logs.push(b.toString());
    if (logs.length > 200) logs.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  return {
    exited: () => exited,
    logs,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Waits until GET /readyz answers 200; an exit before that is a failure. */
export async function waitReady(baseURL: string, child: ParleyProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exited()) throw new Error(`parley exited before it was ready:\n${child.logs.join('')}`);
    const ok = await fetch(`${baseURL}/readyz`).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`parley was not ready within 30s:\n${child.logs.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
