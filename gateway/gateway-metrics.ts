import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CircuitState } from './circuit-breaker.ts';

const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * The gateway's Prometheus metrics, on a registry of its own (several gateways may share a
 * process in tests). Labels are trust codes, outcomes and error codes: never patient data.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly trustRequestSeconds = new Histogram({
    name: 'gateway_trust_request_duration_seconds',
    help: 'Duration of calls from the gateway to each trust, by outcome (ok or failure kind).',
    labelNames: ['trust', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'gateway_errors_total',
    help: 'Errors returned to clients, by extensions.code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly fanOutWidth = new Histogram({
    name: 'gateway_fan_out_width',
    help: 'Number of trusts one fan-out addressed.',
    buckets: [1, 2, 3, 5, 8, 13, 21, 34],
    registers: [this.registry],
  });

  constructor(
    circuitStates: () => Array<{ trust: string; state: CircuitState }>,
    pacsIndexes: () => ReadonlyMap<string, { indexedStudies: number; lagSeconds: number | null; state: string }> = () => new Map(),
  ) {
    const indexState: Record<string, number> = { CURRENT: 0, BACKFILLING: 1, STALE: 2, FAILED: 3 };
    new Gauge({
      name: 'gateway_trust_pacs_index_studies',
      help: 'Studies in each trust\'s study index, as the trust last reported (Trust.pacsIndex).',
      labelNames: ['trust'] as const,
      registers: [this.registry],
      collect() {
        for (const [trust, p] of pacsIndexes()) this.set({ trust }, p.indexedStudies);
      },
    });
    new Gauge({
      name: 'gateway_trust_pacs_index_lag_seconds',
      help: 'Seconds since each trust\'s last successful PACS sync, as last reported (-1: never).',
      labelNames: ['trust'] as const,
      registers: [this.registry],
      collect() {
        for (const [trust, p] of pacsIndexes()) this.set({ trust }, p.lagSeconds ?? -1);
      },
    });
    new Gauge({
      name: 'gateway_trust_pacs_index_state',
      help: 'Each trust\'s study index state as last reported: 0 CURRENT, 1 BACKFILLING, 2 STALE, 3 FAILED.',
      labelNames: ['trust'] as const,
      registers: [this.registry],
      collect() {
        for (const [trust, p] of pacsIndexes()) this.set({ trust }, indexState[p.state] ?? -1);
      },
    });
    new Gauge({
      name: 'gateway_trust_circuit_state',
      help: 'Circuit breaker state per trust: 0 closed, 1 half-open, 2 open.',
      labelNames: ['trust'] as const,
      registers: [this.registry],
      collect() {
        for (const { trust, state } of circuitStates()) this.set({ trust }, CIRCUIT_VALUE[state]);
      },
    });
  }
}
