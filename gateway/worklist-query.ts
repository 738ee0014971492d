import { responsePathAsArray, type GraphQLFieldResolver, type GraphQLObjectType } from 'graphql';
import { fanOut, noteFailure, reportUnavailable } from './fan-out.ts';
import { buildOperation, field, forwardedSelections, HIDDEN_PREFIX, variable, variableDefinition } from './forward-selection.ts';
import type { GatewayContext } from './gateway-context.ts';
import { mergeConnections, readTrustPage, responseKeysOf, type TrustConnection } from './merged-connection.ts';
import type { TrustPage } from './merge-pages.ts';
import { checkAfter, checkFirst } from './page-arguments.ts';
import { ROOT_KEY, readRootAnswer } from './root-answer.ts';
import { targetTrusts } from './study-filter.ts';
import { TrustFailure } from './trust-failure.ts';
import type { TrustEntry } from './trust-registry.ts';

const H = HIDDEN_PREFIX;

interface WorklistArgs {
  filter?: (Record<string, unknown> & { trusts?: string[] | null }) | null;
  first?: number | null;
  after?: string | null;
}

/** The merge's hidden fields for a worklist page: each row's trust cursor, id and dueAt. */
function hiddenWorklistSelections() {
  return [
    field('edges', {
      alias: `${H}edges`,
      selections: [field('cursor', { alias: `${H}cursor` }), field('node', { selections: [field('id', { alias: `${H}id` }), field('dueAt', { alias: `${H}sortAt` })] })],
    }),
    field('pageInfo', { alias: `${H}more`, selections: [field('hasNextPage')] }),
  ];
}

/**
 * The worklist order (dueAt ascending, no time last, then id) expressed in the studies order the
 * k-way merge uses (sortAt descending, no time last, then id): the negated due time.
 */
export function worklistPage(page: TrustPage): TrustPage {
  return { ...page, rows: page.rows.map((r) => ({ ...r, sortAt: r.sortAt === null ? null : -r.sortAt })) };
}

/**
 * `Query.worklist`: the same scatter-gather as `Query.studies` (one query per allowed trust, the
 * trust's own position from the gateway cursor, pages merged, failed trusts beside the data),
 * merged by `dueAt` ascending then `id`.
 */
export const resolveWorklist: GraphQLFieldResolver<unknown, GatewayContext, WorklistArgs> = async (_source, args, ctx, info) => {
  const first = checkFirst(args.first, ctx.config.maxPageSize);
  const start = checkAfter(args.after);
  const targets = targetTrusts(ctx.registry, args.filter?.trusts);
  const connectionType = ctx.schema.getType('StudyConnection') as GraphQLObjectType;
  const clientSelections = forwardedSelections({ schema: ctx.schema, fragments: info.fragments }, info.fieldNodes, connectionType);
  const root = field('worklist', {
    alias: ROOT_KEY,
    args: { filter: variable('__gw_filter'), first: variable('__gw_first'), after: variable('__gw_after') },
    selections: [...clientSelections, ...hiddenWorklistSelections()],
  });
  const definitions = [variableDefinition('__gw_filter', 'WorklistFilter'), variableDefinition('__gw_first', 'Int'), variableDefinition('__gw_after', 'String')];
  const outcomes = await fanOut(ctx, targets, (trust) =>
    buildOperation(info, [root], { definitions, values: { __gw_filter: args.filter ?? null, __gw_first: first, __gw_after: start[trust.code] ?? null } }),
  );
  const path = responsePathAsArray(info.path);
  const answers: TrustConnection[] = [];
  const failures: TrustFailure[] = [];
  const unavailable: TrustEntry[] = [];
  for (const outcome of outcomes) {
    const answer = readRootAnswer(ctx, outcome, path);
    try {
      if (!answer.ok) throw answer.failure;
      if (!answer.value) throw new TrustFailure(outcome.trust.code, 'invalid-json', 'null page');
      answers.push({ trust: outcome.trust.code, connection: answer.value, page: worklistPage(readTrustPage(outcome.trust.code, answer.value)) });
    } catch (err) {
      if (!(err instanceof TrustFailure)) throw err;
      if (answer.ok) noteFailure(ctx, err);
      failures.push(err);
      unavailable.push(outcome.trust);
    }
  }
  reportUnavailable(ctx, failures, path);
  return mergeConnections(answers, responseKeysOf(clientSelections, 'edges'), first, start, unavailable);
};
