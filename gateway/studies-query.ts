import { responsePathAsArray, type GraphQLFieldResolver, type GraphQLObjectType } from 'graphql';
import { fanOut, noteFailure, reportUnavailable } from './fan-out.ts';
import { buildOperation, field, forwardedSelections, variable, variableDefinition } from './forward-selection.ts';
import type { GatewayContext } from './gateway-context.ts';
import { hiddenConnectionSelections, mergeConnections, readTrustPage, responseKeysOf, type TrustConnection } from './merged-connection.ts';
import { checkAfter, checkFirst } from './page-arguments.ts';
import { ROOT_KEY, readRootAnswer } from './root-answer.ts';
import { checkStudyFilter, targetTrusts, type StudyFilterInput } from './study-filter.ts';
import { TrustFailure } from './trust-failure.ts';
import type { TrustEntry } from './trust-registry.ts';

interface StudiesArgs {
  filter?: StudyFilterInput | null;
  first?: number | null;
  after?: string | null;
}

/**
 * `Query.studies`: validate, send ONE query per allowed trust (the client's selection plus the
 * merge's hidden fields, the trust's own position from the gateway cursor as `after`), merge the
 * pages in the network order, and report the trusts that failed beside the data.
 */
export const resolveStudies: GraphQLFieldResolver<unknown, GatewayContext, StudiesArgs> = async (_source, args, ctx, info) => {
  const first = checkFirst(args.first, ctx.config.maxPageSize);
  const filter = checkStudyFilter(args.filter);
  const start = checkAfter(args.after);
  const targets = targetTrusts(ctx.registry, filter?.trusts);
  const connectionType = ctx.schema.getType('StudyConnection') as GraphQLObjectType;
  const clientSelections = forwardedSelections({ schema: ctx.schema, fragments: info.fragments }, info.fieldNodes, connectionType);
  const root = field('studies', {
    alias: ROOT_KEY,
    args: { filter: variable('__gw_filter'), first: variable('__gw_first'), after: variable('__gw_after') },
    selections: [...clientSelections, ...hiddenConnectionSelections()],
  });
  const definitions = [variableDefinition('__gw_filter', 'StudyFilter'), variableDefinition('__gw_first', 'Int'), variableDefinition('__gw_after', 'String')];
  const outcomes = await fanOut(ctx, targets, (trust) =>
    buildOperation(info, [root], { definitions, values: { __gw_filter: filter, __gw_first: first, __gw_after: start[trust.code] ?? null } }),
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
      answers.push({ trust: outcome.trust.code, connection: answer.value, page: readTrustPage(outcome.trust.code, answer.value) });
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
