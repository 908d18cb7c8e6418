import { clusterAnswerSchema, type ClusterAnswer } from '../api/cluster';

/**
 * A cluster answer for the unit tests, parsed by the real schema so it has
 * the shape the server's answer has after the edge (defaults filled in).
 */
export function answerOf(replicas: Record<string, { sends: number; sockets?: number }>): ClusterAnswer {
  const at = new Date(0).toISOString();
  const entries = Object.entries(replicas);
  return clusterAnswerSchema.parse({
    replicas: entries.map(([instance, r]) => ({ instance, at, sends_per_s: r.sends, sockets: r.sockets ?? 0 })),
    total: {
      at,
      sends_per_s: entries.reduce((n, [, r]) => n + r.sends, 0),
      sockets: entries.reduce((n, [, r]) => n + (r.sockets ?? 0), 0),
      http_p99_ms: { messages: 12 },
    },
    slo: { delivery_p99_ms: 250, http_p99_ms: 200, http_5xx_rate: 0.00025 },
  });
}
