import type { ExecutionResult, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** A request context that collects errors to report beside the data. */
export interface PartialErrorSink {
  partialErrors: GraphQLError[];
}

/**
 * Partial results (IHE XCA PartialSuccess): a resolver that returns what it has (the trusts that
 * answered, the RIS rows when the PACS is down) cannot also throw for what failed, or graphql-js
 * would null its data. It pushes the error (TRUST_UNAVAILABLE, PACS_UNAVAILABLE) onto
 * `context.partialErrors`; this plugin appends them to the response's `errors` beside the data.
 * Used by the gateway and by every trust. Register it BEFORE masking and metrics plugins: envelop
 * runs `onExecuteDone` callbacks in plugin order.
 */
export function usePartialErrors(): Plugin<PartialErrorSink> {
  return {
    onExecute({ args }) {
      const context = args.contextValue as Partial<PartialErrorSink>;
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
