import type { GraphQLFieldResolver } from 'graphql';
import type { GatewayContext } from './gateway-context.ts';
import { STUDY_ORDER } from './merged-connection.ts';
import { resolveMergedRoot } from './merged-root.ts';
import { checkAfter, checkFirst } from './page-arguments.ts';
import { checkStudyFilter, targetTrusts, type StudyFilterInput } from './study-filter.ts';

interface StudiesArgs {
  filter?: StudyFilterInput | null;
  first?: number | null;
  after?: string | null;
}

/**
 * `Query.studies`: validate (before any trust is asked), then the merged root list in the
 * network's study order, asking only the trusts the filter allows (merged-root.ts).
 */
export const resolveStudies: GraphQLFieldResolver<unknown, GatewayContext, StudiesArgs> = (_source, args, ctx, info) => {
  const first = checkFirst(args.first, ctx.config.maxPageSize);
  const filter = checkStudyFilter(args.filter);
  const start = checkAfter(args.after);
  const targets = targetTrusts(ctx.registry, filter?.trusts);
  return resolveMergedRoot(ctx, info, {
    field: 'studies',
    connectionType: 'StudyConnection',
    targets,
    first,
    start,
    args: { filter: { type: 'StudyFilter', value: filter } },
    order: STUDY_ORDER,
  });
};
