import { describe, expect, it } from 'vitest';
import { buildCharts } from './charts';
import { appendSample, emptyHistory, instancesOf, seriesOf, windowMs, type ClusterHistory } from './cluster-history';
import { answerOf } from './test-answer';

const t0 = 1_800_000_000_000;

function grow(answers: Parameters<typeof answerOf>[0][], stepMs = 2_000): ClusterHistory {
  return answers.reduce<ClusterHistory>((h, a, i) => appendSample(h, answerOf(a), t0 + i * stepMs), emptyHistory);
}

describe('cluster history', () => {
  it('OKSeriesPerReplicaAndTotal', () => {
    const h = grow([{ a: { sends: 1 }, b: { sends: 2 } }, { a: { sends: 3 }, b: { sends: 4 } }]);
    const s = seriesOf(h, (x) => x.sends_per_s);
    expect(s.times).toEqual([t0 / 1000, t0 / 1000 + 2]);
    expect(s.total).toEqual([3, 7]);
    expect(s.replicas.get('a')).toEqual([1, 3]);
    expect(s.replicas.get('b')).toEqual([2, 4]);
  });

  it('OKReplicaJoinsAndLeaves', () => {
    const h = grow([{ a: { sends: 1 } }, { a: { sends: 1 }, b: { sends: 5 } }, { b: { sends: 6 } }]);
    expect(instancesOf(h)).toEqual(['a', 'b']);
    const s = seriesOf(h, (x) => x.sends_per_s);
    // A gap, not a zero: the replica did not report, which is not "idle".
    expect(s.replicas.get('a')).toEqual([1, 1, null]);
    expect(s.replicas.get('b')).toEqual([null, 5, 6]);
  });

  it('OKFiveMinuteWindow', () => {
    const steps = windowMs / 2_000 + 10;
    const h = grow(Array.from({ length: steps }, (_, i) => ({ a: { sends: i } })));
    const last = t0 + (steps - 1) * 2_000;
    expect(h.samples.length).toBe(windowMs / 2_000);
    expect(h.samples[0]?.t).toBeGreaterThan(last - windowMs);
    expect(h.samples.at(-1)?.t).toBe(last);
    expect(seriesOf(h, (x) => x.sends_per_s).replicas.get('a')?.at(-1)).toBe(steps - 1);
  });

  it('OKReplicaOutOfWindowForgotten', () => {
    let h = appendSample(emptyHistory, answerOf({ old: { sends: 1 } }), t0);
    h = appendSample(h, answerOf({ a: { sends: 1 } }), t0 + windowMs + 1);
    expect(instancesOf(h)).toEqual(['a']);
  });

  it('OKDoesNotChangeInPlace', () => {
    const h1 = grow([{ a: { sends: 1 } }]);
    appendSample(h1, answerOf({ a: { sends: 2 } }), t0 + 2_000);
    expect(h1.samples.length).toBe(1);
  });

  it('OKChartsDrawSloLines', () => {
    const h = grow([{ a: { sends: 1 }, b: { sends: 2 } }]);
    const charts = buildCharts(h, answerOf({}).slo);
    const byId = new Map(charts.map((c) => [c.id, c]));
    expect([...byId.keys()]).toEqual(['sockets', 'sends', 'deliveries', 'latency', 'http', 'errors', 'memory', 'goroutines']);
    expect(byId.get('sends')?.lines.map((l) => [l.label, l.values])).toEqual([
      ['cluster', [3]],
      ['a', [1]],
      ['b', [2]],
    ]);
    expect(byId.get('latency')?.lines.find((l) => l.kind === 'slo')?.values).toEqual([250]);
    expect(byId.get('errors')?.lines.find((l) => l.kind === 'slo')?.values).toEqual([0.00025]);
    expect(byId.get('http')?.lines.map((l) => l.label)).toEqual(['messages', 'SLO HTTP p99']);
    // Every chart's lines are as long as its time axis, as uPlot requires.
    for (const c of charts) for (const l of c.lines) expect(l.values.length, `${c.id} ${l.label}`).toBe(c.times.length);
  });
});
