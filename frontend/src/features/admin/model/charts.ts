import type { Slo } from '../api/cluster';
import { routeGroupsOf, seriesOf, type ClusterHistory, type Pick } from './cluster-history';

/** How a chart's values read: decides its axis labels. */
export type Unit = 'count' | 'per_s' | 'ms' | 'bytes' | 'share';

/** What a line stands for: decides how it is drawn. */
export type LineKind = 'total' | 'replica' | 'slo';

/** One line of a chart. */
export interface Line {
  label: string;
  kind: LineKind;
  values: (number | null)[];
}

/** One chart: aligned lines over the same times. */
export interface ChartSpec {
  id: string;
  title: string;
  unit: Unit;
  times: number[];
  lines: Line[];
}

/** Lines of one figure: the cluster's, then each replica's. */
function perReplica(history: ClusterHistory, pick: Pick, name = ''): { times: number[]; lines: Line[] } {
  const s = seriesOf(history, pick);
  const suffix = name ? ` ${name}` : '';
  const lines: Line[] = [{ label: `cluster${suffix}`, kind: 'total', values: s.total }];
  for (const [instance, values] of s.replicas) lines.push({ label: `${instance}${suffix}`, kind: 'replica', values });
  return { times: s.times, lines };
}

function sloLine(label: string, value: number, times: number[]): Line {
  return { label, kind: 'slo', values: times.map(() => value) };
}

function simple(history: ClusterHistory, id: string, title: string, unit: Unit, pick: Pick): ChartSpec {
  return { id, title, unit, ...perReplica(history, pick) };
}

/** Every chart of the dashboard, built from the remembered samples. */
export function buildCharts(history: ClusterHistory, slo: Slo): ChartSpec[] {
  const times = history.samples.map((s) => s.t / 1000);

  const delivery50 = perReplica(history, (s) => s.delivery_p50_ms, 'delivery p50');
  const delivery99 = perReplica(history, (s) => s.delivery_p99_ms, 'delivery p99');
  const ack99 = perReplica(history, (s) => s.ack_p99_ms, 'ack p99');
  // Per replica p50 would double an already busy chart; the cluster's
  // p50 shows the typical case, the p99s show who is slow.
  const latency: Line[] = [
    ...delivery50.lines.filter((l) => l.kind === 'total'),
    ...delivery99.lines,
    ...ack99.lines,
    sloLine('SLO delivery p99', slo.delivery_p99_ms, times),
  ];

  // Per route group only for the cluster: groups × replicas lines would
  // be unreadable, and the replicas table names each replica's worst.
  const http: Line[] = routeGroupsOf(history).map((group) => ({
    label: group,
    kind: 'total',
    values: history.samples.map((s) => s.total.http_p99_ms[group] ?? null),
  }));
  http.push(sloLine('SLO HTTP p99', slo.http_p99_ms, times));

  const errors = perReplica(history, (s) => s.http_5xx_rate);
  errors.lines.push(sloLine('SLO 5xx rate', slo.http_5xx_rate, times));

  const rss = perReplica(history, (s) => s.rss_bytes, 'RSS');
  const heap = perReplica(history, (s) => s.heap_live_bytes, 'heap live');

  return [
    simple(history, 'sockets', 'Sockets', 'count', (s) => s.sockets),
    simple(history, 'sends', 'Sends per second', 'per_s', (s) => s.sends_per_s),
    simple(history, 'deliveries', 'Deliveries per second', 'per_s', (s) => s.deliveries_per_s),
    { id: 'latency', title: 'Delivery and ack latency', unit: 'ms', times, lines: latency },
    { id: 'http', title: 'HTTP p99 per route group', unit: 'ms', times, lines: http },
    { id: 'errors', title: '5xx rate', unit: 'share', times, lines: errors.lines },
    { id: 'memory', title: 'Memory', unit: 'bytes', times, lines: [...rss.lines, ...heap.lines] },
    simple(history, 'goroutines', 'Goroutines', 'count', (s) => s.goroutines),
  ];
}
