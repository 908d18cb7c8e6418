import type { ReplicaSnapshot } from '../api/cluster';
import { formatBytes, formatMs, formatUptime } from '../format';

function worstHttp(r: ReplicaSnapshot): string {
  const entries = Object.entries(r.http_p99_ms);
  if (entries.length === 0) return '–';
  const [group, ms] = entries.reduce((a, b) => (b[1] > a[1] ? b : a));
  return `${formatMs(ms)} (${group})`;
}

/** One row per live replica: who it is and how it is doing now. */
export function ReplicasTable(props: { replicas: ReplicaSnapshot[] }) {
  const replicas = [...props.replicas].sort((a, b) => a.instance.localeCompare(b.instance));
  return (
    <section aria-labelledby="admin-replicas">
      <h2 id="admin-replicas">Replicas ({replicas.length})</h2>
      <div className="admin-table-wrap">
        <table className="admin-table">
          <thead>
            <tr>
              <th scope="col">Instance</th>
              <th scope="col">Version</th>
              <th scope="col">Uptime</th>
              <th scope="col">Ready</th>
              <th scope="col">Sockets</th>
              <th scope="col">Delivery p99</th>
              <th scope="col">Ack p99</th>
              <th scope="col">Worst HTTP p99</th>
              <th scope="col">RSS</th>
              <th scope="col">Heap live</th>
            </tr>
          </thead>
          <tbody>
            {replicas.map((r) => (
              <tr key={r.instance} data-instance={r.instance}>
                <th scope="row">{r.instance}</th>
                <td>{r.version || '–'}</td>
                <td>{formatUptime(r.uptime_s)}</td>
                <td className={r.ready ? 'admin-ok' : 'admin-bad'}>{r.ready ? 'yes' : 'no'}</td>
                <td>{r.sockets}</td>
                <td>{formatMs(r.delivery_p99_ms)}</td>
                <td>{formatMs(r.ack_p99_ms)}</td>
                <td>{worstHttp(r)}</td>
                <td>{formatBytes(r.rss_bytes)}</td>
                <td>{formatBytes(r.heap_live_bytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
