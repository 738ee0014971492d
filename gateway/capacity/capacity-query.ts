import { responsePathAsArray, type GraphQLFieldResolver } from 'graphql';
import { badUserInput, parseDateTime } from '../../schema/index.ts';
import { fanOut, noteFailure, reportUnavailable } from '../fan-out.ts';
import { buildOperation } from '../forward-selection.ts';
import type { GatewayContext } from '../gateway-context.ts';
import { targetTrusts } from '../study-filter.ts';
import { TrustFailure } from '../trust-failure.ts';
import { capacityForwardField, readTrustCapacity, toGatewayCapacity } from './capacity-forward.ts';
import { mergeCapacity, type TrustCapacityAnswer } from './merge-capacity.ts';
import type { TrustRef } from './capacity-report.ts';

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
  const answers: TrustCapacityAnswer[] = [];
  const failures: TrustFailure[] = [];
  const unavailable: TrustRef[] = [];
  for (const outcome of outcomes) {
    if (!outcome.ok) {
      failures.push(outcome.failure);
      unavailable.push({ code: outcome.trust.code, name: outcome.trust.name });
      continue;
    }
    try {
      answers.push({ trust: outcome.trust.code, report: readTrustCapacity(outcome.response.data) });
    } catch {
      const codes = [...new Set(outcome.response.errors.map((e) => String(e.extensions?.['code'] ?? 'no code')))].join(', ');
      const failure = new TrustFailure(outcome.trust.code, 'graphql-errors', codes || 'no capacity report');
      noteFailure(ctx, failure);
      failures.push(failure);
      unavailable.push({ code: outcome.trust.code, name: outcome.trust.name });
    }
  }
  reportUnavailable(ctx, failures, responsePathAsArray(info.path));
  return toGatewayCapacity(mergeCapacity(answers, unavailable));
};
