import type { Plugin } from 'graphql-yoga';
import { Counter, Gauge, Registry } from 'prom-client';
import type { PacsIndexState, PacsIndexStatus } from './pacs-index-status.ts';

const STATE_VALUE: Record<PacsIndexState, number> = { CURRENT: 0, BACKFILLING: 1, STALE: 2, FAILED: 3 };

/**
 * The trust's Prometheus metrics of its study index (served on `/metrics`). Labels are the
 * trust code and step kinds: never patient data.
 */
export class PacsIndexMetrics {
  readonly registry = new Registry();
  readonly syncRequests: Counter<'trust' | 'kind'>;
  readonly syncStudies: Counter<'trust' | 'kind'>;
  readonly syncFailures: Counter<'trust'>;

  constructor(trust: string, status: () => PacsIndexStatus) {
    const registers = [this.registry];
    this.syncRequests = new Counter({ name: 'trust_pacs_sync_requests_total', help: 'QIDO-RS requests made by the PACS sync, by step kind.', labelNames: ['trust', 'kind'] as const, registers });
    this.syncStudies = new Counter({ name: 'trust_pacs_sync_studies_total', help: 'Studies read by the PACS sync, by step kind.', labelNames: ['trust', 'kind'] as const, registers });
    this.syncFailures = new Counter({ name: 'trust_pacs_sync_failures_total', help: 'PACS sync steps that failed.', labelNames: ['trust'] as const, registers });
    new Gauge({
      name: 'trust_pacs_index_studies', help: 'Studies in the study index.', labelNames: ['trust'] as const, registers,
      collect() { this.set({ trust }, status().indexedStudies); },
    });
    new Gauge({
      name: 'trust_pacs_index_lag_seconds', help: 'Seconds since the last successful PACS sync step (-1 before the first).', labelNames: ['trust'] as const, registers,
      collect() { this.set({ trust }, status().lagSeconds ?? -1); },
    });
    new Gauge({
      name: 'trust_pacs_index_state', help: 'Study index state: 0 CURRENT, 1 BACKFILLING, 2 STALE, 3 FAILED.', labelNames: ['trust'] as const, registers,
      collect() { this.set({ trust }, STATE_VALUE[status().state]); },
    });
  }
}

/** Answers `GET /metrics` with the registry's Prometheus text (yoga plugin, envelop `onRequest`). */
export function usePacsIndexMetrics(metrics: PacsIndexMetrics): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET' || url.pathname !== '/metrics') return;
      try {
        const text = await metrics.registry.metrics();
        endResponse(new fetchAPI.Response(text, { status: 200, headers: { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' } }));
      } catch {
        endResponse(new fetchAPI.Response('metrics unavailable\n', { status: 500, headers: { 'content-type': 'text/plain' } }));
      }
    },
  };
}
