import type { GraphQLFieldResolver } from 'graphql';
import { compareTimeThenId, sortMillis } from '../schema/index.ts';
import type { GatewayContext } from './gateway-context.ts';
import type { RowOrder } from './merged-connection.ts';
import { resolveMergedRoot } from './merged-root.ts';
import { checkAfter, checkFirst } from './page-arguments.ts';
import { targetTrusts } from './study-filter.ts';

interface WorklistArgs {
  filter?: (Record<string, unknown> & { trusts?: string[] | null }) | null;
  first?: number | null;
  after?: string | null;
}

export interface WorklistKey {
  /** Epoch ms of `dueAt`, or null when the study has no time at all. */
  dueAt: number | null;
  id: string;
}

/**
 * The worklist order (Query.worklist): `dueAt` ascending (most overdue first), studies without a
 * due time last, ties by `id` ascending in code-unit order: the same rule as every trust's
 * keyset page (subgraphs/trust/store/sqlite-reporting.ts).
 */
export function compareWorklistOrder(a: WorklistKey, b: WorklistKey): number {
  return compareTimeThenId(a.dueAt, a.id, b.dueAt, b.id, 'oldest-first');
}

export const WORKLIST_ORDER: RowOrder<WorklistKey> = {
  fields: ['id', 'dueAt'],
  key: ({ id, dueAt }) => (typeof id === 'string' && (dueAt == null || typeof dueAt === 'string') ? { id, dueAt: sortMillis(dueAt) } : undefined),
  compare: compareWorklistOrder,
};

/**
 * `Query.worklist`: the merged root list (merged-root.ts) exactly as `Query.studies` (one query
 * per allowed trust, the trust's position from the gateway cursor, pages merged, failed trusts in
 * `errors` and `unavailableTrusts`), in the worklist order.
 */
export const resolveWorklist: GraphQLFieldResolver<unknown, GatewayContext, WorklistArgs> = (_source, args, ctx, info) => {
  const first = checkFirst(args.first, ctx.config.maxPageSize);
  const start = checkAfter(args.after);
  const targets = targetTrusts(ctx.registry, args.filter?.trusts);
  return resolveMergedRoot(ctx, info, {
    field: 'worklist',
    connectionType: 'StudyConnection',
    targets,
    first,
    start,
    args: { filter: { type: 'WorklistFilter', value: args.filter ?? null } },
    order: WORKLIST_ORDER,
  });
};
