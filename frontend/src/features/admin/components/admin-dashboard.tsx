import { useMemo } from 'react';
import { errorText } from '../../../lib/error-text';
import { isNotFound, useCluster } from '../api/cluster';
import { useClusterHistory } from '../hooks/use-cluster-history';
import { buildCharts } from '../model/charts';
import { recentSlow } from '../model/slow-requests';
import { ChartCard } from './chart-card';
import { ReplicasTable } from './replicas-table';
import { SlowTable } from './slow-table';
import './admin.css';

/**
 * The cluster dashboard at /admin: every replica's figures polled every
 * two seconds, charted over the last five minutes. Anyone but an admin
 * gets the API's 404 and sees the same "Not found" the server gives.
 */
export default function AdminDashboard() {
  const cluster = useCluster();
  const history = useClusterHistory(cluster.data, cluster.dataUpdatedAt);
  const slo = cluster.data?.slo;
  const charts = useMemo(() => (slo ? buildCharts(history, slo) : []), [history, slo]);

  if (isNotFound(cluster.error)) {
    return (
      <main className="admin admin-empty">
        <h1>Not found</h1>
        <p className="muted">
          There is nothing at this address. <a href="/">Back to your rooms</a>
        </p>
      </main>
    );
  }
  if (!cluster.data) {
    return (
      <main className="admin admin-empty">
        <h1>Cluster</h1>
        {cluster.isError ? (
          <p className="form-error" role="alert">{errorText(cluster.error)}</p>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </main>
    );
  }

  const { replicas } = cluster.data;
  return (
    <main className="admin">
      <header className="admin-header">
        <h1>Cluster</h1>
        <p className="muted" aria-live="polite">
          {replicas.length} {replicas.length === 1 ? 'replica' : 'replicas'} · updated{' '}
          {new Date(cluster.dataUpdatedAt).toLocaleTimeString()}
          {cluster.isError ? ` · ${errorText(cluster.error)}` : ''}
        </p>
        <a href="/">Back to your rooms</a>
      </header>
      <ReplicasTable replicas={replicas} />
      <section aria-labelledby="admin-charts">
        <h2 id="admin-charts">Last 5 minutes</h2>
        <div className="admin-charts">
          {charts.map((spec) => (
            <ChartCard key={spec.id} spec={spec} />
          ))}
        </div>
      </section>
      <SlowTable rows={recentSlow(replicas, cluster.dataUpdatedAt)} />
    </main>
  );
}
