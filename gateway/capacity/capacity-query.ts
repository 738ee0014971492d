import { responsePathAsArray, type GraphQLFieldResolver } from 'graphql';
import { badUserInput, parseDateTime } from '../../schema/index.ts';
import { fanOut } from '../fan-out.ts';
import { buildOperation } from '../forward-selection.ts';
import type { GatewayContext } from '../gateway-context.ts';
import { targetTrusts } from '../study-filter.ts';
import { errorCodesOf } from '../root-answer.ts';
import { TrustFailure } from '../trust-failure.ts';
import { checkOutcomes } from '../trust-outcomes.ts';
import { capacityForwardField, readTrustCapacity, toGatewayCapacity } from './capacity-forward.ts';
import { mergeCapacity } from './merge-capacity.ts';

interface CapacityArgs {
  filter?: { trusts?: string[] | null; from?: string | null; to?: string | null } | null;
}

/**
 * `Query.capacity`: one fixed capacity query (with sketches) to every trust the filter allows,
 * in parallel under each trust's deadline; counts add, sketches merge (percentiles are never
 * averaged); a trust that fails is named in `unavailableTrusts` and in `errors[]`.
 */
export const resolveCapacity: GraphQLFieldResolver<unknown, GatewayContext, CapacityArgs> = async (_source, args, ctx, info) => {
  const from = args.filter?.from;
  const to = args.filter?.to;
  if (from != null && to != null && Date.parse(parseDateTime(from) ?? '') > Date.parse(parseDateTime(to) ?? '')) {
    throw badUserInput('filter.from', 'is after filter.to');
  }
  const targets = targetTrusts(ctx.registry, args.filter?.trusts);
  const forwarded = capacityForwardField(info.fieldNodes[0]!);
  const outcomes = await fanOut(ctx, targets, () => buildOperation(info, [forwarded]));
  const { answers, unavailable } = checkOutcomes(ctx, outcomes, responsePathAsArray(info.path), (response, trust) => {
    try {
      return { trust: trust.code, report: readTrustCapacity(response.data) };
    } catch {
      throw new TrustFailure(trust.code, 'graphql-errors', errorCodesOf(response.errors) ?? 'no capacity report');
    }
  });
  return toGatewayCapacity(mergeCapacity(answers.map((a) => a.value), unavailable.map((t) => ({ code: t.code, name: t.name }))));
};
