import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from './gateway-metrics.ts';
import { isAsyncIterable } from '../schema/use-partial-errors.ts';

/** Counts the errors clients receive by `extensions.code` (after masking: register it last). */
export function useErrorMetrics(metrics: GatewayMetrics): Plugin {
  return {
    onExecute() {
      return {
        onExecuteDone({ result }) {
          if (isAsyncIterable(result)) return;
          for (const e of (result as ExecutionResult).errors ?? []) {
            metrics.errors.inc({ code: String(e.extensions?.code ?? 'GRAPHQL_REQUEST_ERROR') });
          }
        },
      };
    },
  };
}
