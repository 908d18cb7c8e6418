import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestUser } from './browser';
import { adminUrl, freePort, psql, withDatabase } from './server';

const run = promisify(execFile);

/** One replica of a running cluster. */
export interface Replica {
  instance: string;
  baseURL: string;
}

/** Two or more parley binaries sharing one database and one Valkey prefix. */
export interface RunningCluster {
  replicas: Replica[];
  stop(): Promise<void>;
}

/** What the cluster is started with. */
export interface ClusterOptions {
  /** Usernames that may see the dashboard (PARLEY_ADMINS). */
  admins: string[];
  /** How many replicas; two unless told. */
  size?: number;
}

/** The Valkey every replica meets on (the same one the Go tests use). */
export const valkeyUrl = process.env.PARLEY_TEST_VALKEY_URL ?? 'redis://127.0.0.1:6379/0';

interface Child {
  exited: () => boolean;
  logs: string[];
  stop(): Promise<void>;
}

function spawnReplica(bin: string, cwd: string, env: NodeJS.ProcessEnv): Child {
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

async function waitReady(baseURL: string, child: Child): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exited()) throw new Error(`parley exited before it was ready:\n${child.logs.join('')}`);
    const ok = await fetch(`${baseURL}/readyz`).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`parley was not ready within 30s:\n${child.logs.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Builds the server once and starts `size` replicas of it over one fresh
 * database and one fresh Valkey key prefix, so they see each other's
 * messages and stats and nothing of any other run. It follows server.ts's
 * contract (database naming and dropping, environment order, readiness,
 * SIGTERM then SIGKILL); replicas start one after another so only the
 * first runs the migrations. PARLEY_ADMIN_ADDR is empty (off): two
 * binaries on the default admin port would collide.
 */
export async function startCluster(repoRoot: string, options: ClusterOptions): Promise<RunningCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-e2e-cluster-'));
  const bin = join(dir, 'parley');
  await run('go', ['build', '-o', bin, './server/cmd/parley'], { cwd: repoRoot, maxBuffer: 16 << 20 });

  const id = randomBytes(8).toString('hex');
  const dbName = `parley_e2e_${id}`;
  await psql(adminUrl, `CREATE DATABASE ${dbName}`);
  const databaseUrl = withDatabase(adminUrl, dbName);
  const children: Child[] = [];
  const replicas: Replica[] = [];

  const stop = async () => {
    await Promise.all(children.map((c) => c.stop()));
    await psql(adminUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    for (let i = 0; i < (options.size ?? 2); i++) {
      const port = await freePort();
      const instance = `e2e-${String.fromCharCode(97 + i)}-${id.slice(0, 6)}`;
      const baseURL = `http://127.0.0.1:${port}`;
      const child = spawnReplica(bin, dir, {
        ...process.env,
        PARLEY_ADDR: `127.0.0.1:${port}`,
        DATABASE_URL: databaseUrl,
        PARLEY_ARGON2_MEMORY_KIB: '8192',
        PARLEY_DB_MAX_OPEN: '5',
        PARLEY_DB_MAX_IDLE: '5',
        PARLEY_AUTH_RATE: '100000',
        PARLEY_REGISTER_RATE: '0',
        PARLEY_ANON_RATE: '0',
        // The load posts faster than a person types.
        PARLEY_SEND_RATE: '100000',
        PARLEY_INSTANCE: instance,
        VALKEY_URL: valkeyUrl,
        PARLEY_KEY_PREFIX: `parley-e2e-${id}:`,
        PARLEY_ADMINS: options.admins.join(','),
        PARLEY_ADMIN_ADDR: '',
      });
      children.push(child);
      await waitReady(baseURL, child);
      replicas.push({ instance, baseURL });
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { replicas, stop };
}

/** Registers a user with exactly this username (an admin must be named up front). */
export async function registerNamed(baseURL: string, username: string): Promise<TestUser> {
  const password = 'correct horse battery';
  const res = await fetch(`${baseURL}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password, display_name: username }),
  });
  if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { user: { id: number }; token: string };
  return { id: body.user.id, username, password, token: body.token };
}
