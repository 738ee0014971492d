import { type GraphQLResolveInfo, responsePathAsArray } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import { ErrorCode } from '../../schema/index.ts';
import type { PartialErrorSink } from '../../platform/use-partial-errors.ts';

/**
 * Errors a resolver reports while still returning data (graphql-js's rule that a failing field
 * becomes null plus an error is too coarse when the RIS rows stand and only the PACS failed).
 * Collected per request and appended to the response by `usePartialErrors`
 * (platform/use-partial-errors.ts).
 */
export type { PartialErrorSink };

export function reportPartialError(ctx: PartialErrorSink, info: GraphQLResolveInfo, message: string, code: string): void {
  const path = responsePathAsArray(info.path);
  const key = `${code}:${path.join('.')}`;
  if (ctx.partialErrors.some((e) => `${e.extensions['code']}:${(e.path ?? []).join('.')}` === key)) return;
  // yoga's createGraphQLError: an error of the graphql copy yoga runs on, so yoga never takes it
  // for an unexpected error and masks it (when the trust runs in-process, e.g. under vitest, a
  // second copy of graphql may be loaded: the dual-package hazard).
  ctx.partialErrors.push(createGraphQLError(message, { path, extensions: { code } }));
}

/** The PACS failure as clients see it: a code and a short reason, never the PACS URL. */
export function reportPacsUnavailable(ctx: PartialErrorSink, info: GraphQLResolveInfo, err: unknown): void {
  const reason = err instanceof Error && 'reason' in err ? String((err as { reason: unknown }).reason) : 'unavailable';
  reportPartialError(ctx, info, `The trust's PACS is unavailable (${reason}); PACS data is missing here.`, ErrorCode.PACS_UNAVAILABLE);
}
