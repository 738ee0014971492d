import { GraphQLError, type GraphQLResolveInfo, responsePathAsArray } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../../schema/index.ts';

/**
 * Errors a resolver reports while still returning data (graphql-js's rule that a failing field
 * becomes null plus an error is too coarse when the RIS rows stand and only the PACS failed).
 * Collected per request and appended to the response by `usePartialErrors`.
 */
export interface PartialErrorSink {
  partialErrors: GraphQLError[];
}

export function reportPartialError(ctx: PartialErrorSink, info: GraphQLResolveInfo, message: string, code: string): void {
  const path = responsePathAsArray(info.path);
  const key = `${code}:${path.join('.')}`;
  if (ctx.partialErrors.some((e) => `${e.extensions['code']}:${(e.path ?? []).join('.')}` === key)) return;
  ctx.partialErrors.push(new GraphQLError(message, { path, extensions: { code } }));
}

/** The PACS failure as clients see it: a code and a short reason, never the PACS URL. */
export function reportPacsUnavailable(ctx: PartialErrorSink, info: GraphQLResolveInfo, err: unknown): void {
  const reason = err instanceof Error && 'reason' in err ? String((err as { reason: unknown }).reason) : 'unavailable';
  reportPartialError(ctx, info, `The trust's PACS is unavailable (${reason}); PACS data is missing here.`, ErrorCode.PACS_UNAVAILABLE);
}

/** Appends the request's partial errors to the execution result. */
export function usePartialErrors(): Plugin<PartialErrorSink> {
  return {
    onExecute({ args }) {
      return {
        onExecuteDone({ result, setResult }) {
          const ctx = args.contextValue as Partial<PartialErrorSink>;
          const extra = ctx.partialErrors ?? [];
          if (extra.length === 0 || Symbol.asyncIterator in result) return;
          setResult({ ...result, errors: [...(result.errors ?? []), ...extra] });
        },
      };
    },
  };
}
