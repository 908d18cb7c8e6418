import type { ReplicaSnapshot, SlowRequest } from '../api/cluster';

/** A slow or failed request with the replica that served it. */
export interface SlowRow extends SlowRequest {
  instance: string;
}

/** How far back the slow-request table looks. */
export const slowWindowMs = 60_000;

/**
 * The slow or failed requests of the last minute across replicas, newest
 * first. A replica keeps its own list; merging here is what makes it one
 * cluster-wide table.
 */
export function recentSlow(replicas: ReplicaSnapshot[], now: number): SlowRow[] {
  const rows: SlowRow[] = [];
  for (const r of replicas) {
    for (const s of r.slow) {
      const at = Date.parse(s.at);
      if (Number.isFinite(at) && at >= now - slowWindowMs) rows.push({ ...s, instance: r.instance });
    }
  }
  return rows.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
}
