import { GraphQLError, OperationTypeNode, type GraphQLFieldResolver, type GraphQLObjectType } from 'graphql';
import { trustOfStudyId, badUserInput, ErrorCode } from '../schema/index.ts';
import { fromTrustError } from './client-safe-error.ts';
import type { TrustOutcome } from './fan-out.ts';
import { buildRootOperation } from './forward-operation.ts';
import { field, forwardedSelections, variable, variableDefinition } from './forward-selection.ts';
import { forwardedIdentity, type GatewayContext } from './gateway-context.ts';
import { ROOT_KEY } from './root-answer.ts';
import { attachTrustErrors } from './trust-answer.ts';
import { TrustFailure } from './trust-failure.ts';
import { checkKeyedOutcome } from './trust-outcomes.ts';
import type { TrustResponse } from './trust-client.ts';

/** Mutation arguments: which one holds the study id, and the GraphQL type of each argument. */
interface MutationShape {
  idArgument: string;
  argumentTypes: Record<string, string>;
  /** Sent at most once (a retry could store a second report version). */
  idempotent: boolean;
}

export const STUDY_MUTATIONS: Record<string, MutationShape> = {
  claimStudy: { idArgument: 'id', argumentTypes: { id: 'ID!' }, idempotent: true },
  releaseStudy: { idArgument: 'id', argumentTypes: { id: 'ID!' }, idempotent: true },
  renewClaim: { idArgument: 'id', argumentTypes: { id: 'ID!' }, idempotent: true },
  submitReport: { idArgument: 'studyId', argumentTypes: { studyId: 'ID!', report: 'ReportInput!' }, idempotent: false },
};

/**
 * A study mutation: routed to the ONE trust that owns the study (the id names it,
 * schema/study-id.ts), with the client's selection under the hidden root alias. The trust's
 * error on the root (ALREADY_CLAIMED, NOT_CLAIMED, BAD_USER_INPUT…) is the client's error, with
 * the trust named and, for ALREADY_CLAIMED, the holder kept. An unreachable trust is
 * TRUST_UNAVAILABLE; for `submitReport` that means "outcome unknown": read the study's reports
 * before submitting again (README, Network reporting).
 */
export function studyMutationResolver(name: string): GraphQLFieldResolver<unknown, GatewayContext, Record<string, unknown>> {
  const shape = STUDY_MUTATIONS[name]!;
  return async (_source, args, ctx, info) => {
    const id = args[shape.idArgument];
    const code = typeof id === 'string' ? trustOfStudyId(id) : undefined;
    if (code === undefined) throw badUserInput(shape.idArgument, 'not a study id of this network');
    const trust = ctx.registry.get(code);
    if (!trust) throw badUserInput(shape.idArgument, `trust ${code} is not part of this network`);
    const returnType = info.returnType;
    const named = 'ofType' in returnType ? (returnType.ofType as { name: string }) : (returnType as { name: string });
    const objectType = ctx.schema.getType(named.name);
    const selections =
      objectType && 'getFields' in objectType ? forwardedSelections({ schema: ctx.schema, fragments: info.fragments }, info.fieldNodes, objectType as GraphQLObjectType) : [];
    const names = Object.keys(shape.argumentTypes);
    const root = field(name, {
      alias: ROOT_KEY,
      args: Object.fromEntries(names.map((n) => [n, variable(`__gw_${n}`)])),
      ...(selections.length ? { selections } : {}),
    });
    const op = buildRootOperation(info, OperationTypeNode.MUTATION, root, {
      definitions: names.map((n) => variableDefinition(`__gw_${n}`, shape.argumentTypes[n]!)),
      values: Object.fromEntries(names.map((n) => [`__gw_${n}`, args[n] ?? null])),
    });
    ctx.metrics.fanOutWidth.observe(1);
    let outcome: TrustOutcome;
    if (trust.checked !== 'UP') outcome = { trust, ok: false, failure: new TrustFailure(trust.code, trust.checked === 'INCOMPATIBLE' ? 'incompatible' : 'down') };
    else {
      try {
        const response = await trust.client.request(op.query, op.variables, { identity: forwardedIdentity(ctx, op.operationName), idempotent: shape.idempotent });
        outcome = { trust, ok: true, response };
      } catch (err) {
        if (!(err instanceof TrustFailure)) throw err;
        outcome = { trust, ok: false, failure: err };
      }
    }
    // The one outcome step (trust-outcomes.ts): a failed trust is noted and is TRUST_UNAVAILABLE.
    const [value] = checkKeyedOutcome(ctx, outcome, 1, (response) => [readMutationAnswer(ctx, trust.code, response, info.path.key)]);
    if (value instanceof Error) throw value;
    return value;
  };
}

/** The trust's answer to a forwarded mutation: its value, or the trust's error on the root as the client's. */
function readMutationAnswer(ctx: GatewayContext, trust: string, response: TrustResponse, responseKey: string | number): unknown {
  const rootError = response.errors.find((e) => e.path?.length === 1 && e.path[0] === ROOT_KEY) ?? (response.data?.[ROOT_KEY] == null ? response.errors[0] : undefined);
  if (rootError) {
    const error = fromTrustError(trust, rootError);
    const holder = rootError.extensions?.['claimedBy'];
    if (error.extensions['code'] === ErrorCode.ALREADY_CLAIMED && holder) {
      throw new GraphQLError(error.message, { extensions: { ...error.extensions, claimedBy: holder, expiresAt: rootError.extensions?.['expiresAt'] } });
    }
    throw error;
  }
  const value = response.data?.[ROOT_KEY];
  if (value === undefined || value === null) throw new TrustFailure(trust, 'invalid-json', 'no mutation answer');
  const unplaced = attachTrustErrors(trust, response.data, response.errors);
  for (const e of unplaced) ctx.partialErrors.push(fromTrustError(trust, e, [responseKey]));
  return value;
}
