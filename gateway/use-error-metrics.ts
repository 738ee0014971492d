import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { isAsyncIterable } from '../platform/use-partial-errors.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';

/**
 * Counts the errors clients receive by `extensions.code`, once the response is final (yoga's
 * result processing runs after masking, for single and batched results alike).
 */
export function useErrorMetrics(metrics: GatewayMetrics): Plugin {
  return {
    onResultProcess({ result }) {
      if (isAsyncIterable(result)) return;
      for (const r of Array.isArray(result) ? result : [result]) {
        for (const e of (r as ExecutionResult).errors ?? []) {
          metrics.errors.inc({ code: String(e.extensions?.code ?? 'GRAPHQL_REQUEST_ERROR') });
        }
      }
    },
  };
}
