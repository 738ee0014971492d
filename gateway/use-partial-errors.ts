import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from './gateway-context.ts';

/**
 * Partial results (IHE XCA PartialSuccess): a root resolver that merged what the available trusts
 * returned cannot also throw for the ones that failed, or graphql-js would null its data. It
 * pushes TRUST_UNAVAILABLE errors onto `context.partialErrors`; this plugin appends them to the
 * response's `errors` beside the data. Register it BEFORE the masking and metrics plugins: envelop
 * runs `onExecuteDone` callbacks in plugin order.
 */
export function usePartialErrors(): Plugin<GatewayContext> {
  return {
    onExecute({ args }) {
      const context = args.contextValue as GatewayContext;
      return {
        onExecuteDone({ result, setResult }) {
          if (!context.partialErrors?.length || isAsyncIterable(result)) return;
          const r = result as ExecutionResult;
          setResult({ ...r, errors: [...(r.errors ?? []), ...context.partialErrors] });
        },
      };
    },
  };
}

export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
