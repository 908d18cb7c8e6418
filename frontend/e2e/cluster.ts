import { rm } from 'node:fs/promises';
import type { TestUser } from './browser';
import {
  buildParley,
  createDatabase,
  freePort,
  harnessEnv,
  spawnParley,
  waitReady,
  type ParleyProcess,
} from './server';

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
  const { dir, bin } = await buildParley(repoRoot, 'parley-e2e-cluster-');
  const db = await createDatabase();
  const id = db.name.slice('parley_e2e_'.length);
  const children: ParleyProcess[] = [];
  const replicas: Replica[] = [];

  const stop = async () => {
    await Promise.all(children.map((c) => c.stop()));
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  };

  try {
    for (let i = 0; i < (options.size ?? 2); i++) {
      const port = await freePort();
      const instance = `e2e-${String.fromCharCode(97 + i)}-${id.slice(0, 6)}`;
      const baseURL = `http://127.0.0.1:${port}`;
      const child = spawnParley(bin, dir, {
        ...process.env,
        PARLEY_ADDR: `127.0.0.1:${port}`,
        DATABASE_URL: db.url,
        ...harnessEnv,
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
