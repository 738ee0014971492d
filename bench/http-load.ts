import autocannon from 'autocannon';
import { percentileOfSorted } from './stats.ts';

/** One measured load run against one URL. */
export interface LoadSample {
  /** Completed requests per second. */
  rps: number;
  /** Median latency of successful responses, ms (sub-millisecond resolution, from each response). */
  p50Ms: number;
  /** 99th percentile latency of successful responses, ms. */
  p99Ms: number;
  requests: number;
  /** Non-2xx answers, socket errors, timeouts, and bodies that failed `verify`. */
  failures: number;
  /** CPU ms per request of named processes during this run, when asked (interleaved-runs.ts). */
  cpuMsPerRequest?: Record<string, number>;
}

export interface LoadOptions {
  url: string;
  /** The request body (a GraphQL POST). */
  body: string;
  /** Fixed concurrency: connections kept busy, one request in flight each (no pipelining). */
  connections: number;
  seconds: number;
  /** A response body that fails this counts as a failure (e.g. a GraphQL `errors` answer). */
  verify?: (body: string) => boolean;
  /** Extra request headers (a bearer token for the full-job gateway). */
  headers?: Record<string, string>;
}

/**
 * Closed-loop load with autocannon: `connections` keep-alive connections, each sending the next
 * request when the previous answer arrives. Latencies come from autocannon's per-response timing
 * (hrtime, fractional ms) rather than its integer-ms histogram, so a 20 ms delay is resolved.
 */
export async function measureLoad(options: LoadOptions): Promise<LoadSample> {
  const latencies: number[] = [];
  const instance = autocannon({
    url: options.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
    body: options.body,
    connections: options.connections,
    pipelining: 1,
    duration: options.seconds,
    timeout: 30,
    ...(options.verify ? { verifyBody: (body: string | Buffer | undefined) => options.verify!(String(body ?? '')) } : {}),
  });
  (instance as unknown as NodeJS.EventEmitter).on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const result = await instance;
  const mismatches = (result as unknown as { mismatches?: number }).mismatches ?? 0;
  latencies.sort((a, b) => a - b);
  const requests = result.requests.total;
  return {
    rps: requests / result.duration,
    p50Ms: latencies.length ? percentileOfSorted(latencies, 50) : Number.NaN,
    p99Ms: latencies.length ? percentileOfSorted(latencies, 99) : Number.NaN,
    requests,
    failures: result.non2xx + result.errors + mismatches,
  };
}

/** The body of a GraphQL POST. */
export function graphqlBody(query: string, variables: Record<string, unknown> = {}): string {
  return JSON.stringify({ query, variables });
}

/** A GraphQL answer with data and no `errors` key. */
export function isCleanGraphqlAnswer(body: string): boolean {
  return body.includes('"data"') && !body.includes('"errors"');
}
