import { formatMs } from '../format';
import type { SlowRow } from '../model/slow-requests';

/** The last minute's slow or failed requests of every replica. */
export function SlowTable(props: { rows: SlowRow[] }) {
  const { rows } = props;
  return (
    <section aria-labelledby="admin-slow">
      <h2 id="admin-slow">Slow or failed requests, last minute ({rows.length})</h2>
      {rows.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <div className="admin-table-wrap">
          <table className="admin-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Instance</th>
                <th scope="col">Method</th>
                <th scope="col">Route</th>
                <th scope="col">Status</th>
                <th scope="col">Duration</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={`${r.instance}-${r.at}-${i}`}>
                  <td>
                    <time dateTime={r.at}>{new Date(r.at).toLocaleTimeString()}</time>
                  </td>
                  <td>{r.instance}</td>
                  <td>{r.method}</td>
                  <td>{r.route}</td>
                  <td className={r.status >= 500 ? 'admin-bad' : undefined}>{r.status}</td>
                  <td>{formatMs(r.ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
