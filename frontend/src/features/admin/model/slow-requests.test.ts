import { describe, expect, it } from 'vitest';
import { replicaSnapshotSchema } from '../api/cluster';
import { recentSlow, slowWindowMs } from './slow-requests';

const now = Date.parse('2026-12-01T12:00:00Z');

function replica(instance: string, ages: number[]) {
  return replicaSnapshotSchema.parse({
    instance,
    at: new Date(now).toISOString(),
    slow: ages.map((age) => ({ at: new Date(now - age).toISOString(), method: 'GET', route: '/x', status: 500, ms: 300 })),
  });
}

describe('recent slow requests', () => {
  it('OKLastMinuteNewestFirstAcrossReplicas', () => {
    const rows = recentSlow([replica('a', [5_000, slowWindowMs + 1]), replica('b', [1_000, 30_000])], now);
    expect(rows.map((r) => [r.instance, now - Date.parse(r.at)])).toEqual([
      ['b', 1_000],
      ['a', 5_000],
      ['b', 30_000],
    ]);
  });
});
