import type { ClusterAnswer, ReplicaSnapshot, TotalSnapshot } from '../api/cluster';

/** How much the dashboard remembers: older samples are dropped. */
export const windowMs = 5 * 60_000;

/** One poll's answer, stamped with when it arrived. */
export interface Sample {
  /** Arrival time in ms since the epoch (this browser's clock). */
  t: number;
  total: TotalSnapshot;
  replicas: ReadonlyMap<string, ReplicaSnapshot>;
}

/** The samples of the last five minutes, oldest first. */
export interface ClusterHistory {
  readonly samples: readonly Sample[];
}

/** A history with nothing in it yet. */
export const emptyHistory: ClusterHistory = { samples: [] };

/**
 * Adds one answer to history and forgets what fell out of the window. The
 * history is never changed in place, so it can live in React state.
 * Stamping with the arrival time, not each replica's own `at`, gives every
 * replica the same x values, which is what a uPlot chart needs.
 */
export function appendSample(history: ClusterHistory, answer: ClusterAnswer, now: number): ClusterHistory {
  const replicas = new Map(answer.replicas.map((r) => [r.instance, r] as const));
  const kept = history.samples.filter((s) => s.t > now - windowMs && s.t < now);
  return { samples: [...kept, { t: now, total: answer.total, replicas }] };
}

/** Every replica seen in the window, in a stable (sorted) order. */
export function instancesOf(history: ClusterHistory): string[] {
  const names = new Set<string>();
  for (const s of history.samples) for (const name of s.replicas.keys()) names.add(name);
  return [...names].sort();
}

/** One figure over the window: the cluster's and each replica's. */
export interface Series {
  /** Sample times in seconds, the unit uPlot's time axis takes. */
  times: number[];
  total: number[];
  /** Per replica, null where it had not published or had dropped out. */
  replicas: Map<string, (number | null)[]>;
}

/** Picks one figure from a snapshot (a replica's or the total). */
export type Pick = (s: TotalSnapshot) => number;

/** The series of one figure, aligned on the samples' times. */
export function seriesOf(history: ClusterHistory, pick: Pick): Series {
  const { samples } = history;
  const replicas = new Map<string, (number | null)[]>();
  for (const name of instancesOf(history)) {
    replicas.set(
      name,
      samples.map((s) => {
        const r = s.replicas.get(name);
        return r ? pick(r) : null;
      }),
    );
  }
  return {
    times: samples.map((s) => s.t / 1000),
    total: samples.map((s) => pick(s.total)),
    replicas,
  };
}

/** The route groups any sample reports an HTTP p99 for, sorted. */
export function routeGroupsOf(history: ClusterHistory): string[] {
  const groups = new Set<string>();
  for (const s of history.samples) {
    for (const g of Object.keys(s.total.http_p99_ms)) groups.add(g);
    for (const r of s.replicas.values()) for (const g of Object.keys(r.http_p99_ms)) groups.add(g);
  }
  return [...groups].sort();
}
