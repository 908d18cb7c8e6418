import { useQuery } from '@tanstack/react-query';
import * as z from 'zod/mini';
import { api, ApiError } from '../../../lib/api-client';

// The server fills a figure it does not know with 0; the defaults keep an
// older replica that lacks a newer field from failing the whole answer.
const figure = z._default(z.number(), 0);
const figures = z._default(z.record(z.string(), z.number()), {});

/** One slow or failed request a replica remembers. */
export const slowRequestSchema = z.object({
  at: z.string(),
  method: z.string(),
  route: z.string(),
  status: figure,
  ms: figure,
});
/** One slow or failed request a replica remembers. */
export type SlowRequest = z.infer<typeof slowRequestSchema>;

const figuresShape = {
  version: z._default(z.string(), ''),
  uptime_s: figure,
  at: z.string(),
  ready: z._default(z.boolean(), false),
  sockets: figure,
  sends_per_s: figure,
  deliveries_per_s: figure,
  delivery_p50_ms: figure,
  delivery_p99_ms: figure,
  ack_p50_ms: figure,
  ack_p99_ms: figure,
  http_p99_ms: figures,
  http_5xx_rate: figure,
  cache_hit_rate: figures,
  not_modified_share: figure,
  db_in_use: figure,
  db_waiting: figure,
  commit_batch_avg: figure,
  heap_live_bytes: figure,
  rss_bytes: figure,
  goroutines: figure,
  gc_cpu_fraction: figure,
  slow: z._default(z.array(slowRequestSchema), []),
};

/** What one replica published about itself. */
export const replicaSnapshotSchema = z.object({ instance: z.string(), ...figuresShape });
/** What one replica published about itself. */
export type ReplicaSnapshot = z.infer<typeof replicaSnapshotSchema>;

/** The cluster's figures: the replicas' summed or combined. */
export const totalSnapshotSchema = z.object(figuresShape);
/** The cluster's figures: the replicas' summed or combined. */
export type TotalSnapshot = z.infer<typeof totalSnapshotSchema>;

/** The objectives the dashboard draws as lines. */
export const sloSchema = z.object({
  delivery_p99_ms: figure,
  http_p99_ms: figure,
  http_5xx_rate: figure,
});
/** The objectives the dashboard draws as lines. */
export type Slo = z.infer<typeof sloSchema>;

/** The answer of GET /api/v1/admin/cluster. */
export const clusterAnswerSchema = z.object({
  replicas: z.array(replicaSnapshotSchema),
  total: totalSnapshotSchema,
  slo: sloSchema,
});
/** The answer of GET /api/v1/admin/cluster. */
export type ClusterAnswer = z.infer<typeof clusterAnswerSchema>;

/** Query key of the cluster view. */
export const clusterKey = ['admin', 'cluster'] as const;

/** How often the dashboard asks: as often as replicas publish. */
export const pollIntervalMs = 2_000;

/** Fetches every live replica's latest snapshot. */
export function fetchCluster(signal?: AbortSignal): Promise<ClusterAnswer> {
  return api('/api/v1/admin/cluster', { schema: clusterAnswerSchema, signal });
}

/** True when the server says the caller may not see the dashboard. */
export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404;
}

/**
 * The cluster view, refetched every two seconds; a 404 (not an admin)
 * stops the polling, since asking again will not change the answer.
 */
export function useCluster() {
  return useQuery({
    queryKey: clusterKey,
    queryFn: ({ signal }) => fetchCluster(signal),
    staleTime: 0,
    gcTime: 0,
    refetchInterval: (query) => (isNotFound(query.state.error) ? false : pollIntervalMs),
    // A dashboard left open in a background tab still shows the last five
    // minutes when the operator comes back to it.
    refetchIntervalInBackground: true,
  });
}
