import { OperationTypeNode, type GraphQLFormattedError, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { Repeater } from 'graphql-yoga';
import { networkSdl } from '../schema/index.ts';
import { forbidden, readRolePolicy, satisfies } from '../schema/role-policy.ts';
import { buildRootOperation } from './forward-operation.ts';
import { field, forwardedSelections, variable, variableDefinition } from './forward-selection.ts';
import { forwardedIdentity, type GatewayContext } from './gateway-context.ts';
import { ROOT_KEY } from './root-answer.ts';
import { readSseEvents } from './sse-events.ts';
import { targetTrusts } from './study-filter.ts';
import { attachTrustErrors } from './trust-answer.ts';
import { withoutPrototypes } from './trust-client.ts';
import type { TrustEntry } from './trust-registry.ts';

/** Reconnect waits after a trust's stream fails: 0.5 s doubling to 10 s. */
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10_000;

const SCOPES = readRolePolicy(networkSdl).get('Subscription.worklistChanged') ?? [];

/**
 * `Subscription.worklistChanged` at the gateway. Every trust serves the same subscription over
 * GraphQL over SSE; for each client subscription the gateway opens one signed SSE stream per
 * allowed trust (the client's selection under the hidden root alias, the caller's identity
 * signed in, so each trust applies the role policy itself) and merges the events as they come.
 * A trust that is down or drops its stream is retried with backoff while the client stays;
 * events it had in the gap are not replayed (clients re-read `worklist` after a gap: README).
 */
export function subscribeWorklist(_source: unknown, args: { filter?: (Record<string, unknown> & { trusts?: string[] | null }) | null }, ctx: GatewayContext, info: GraphQLResolveInfo) {
  // The role policy wraps resolvers, which run per event; refuse before any stream is opened.
  if (ctx.config.auth && !satisfies(ctx.caller?.roles ?? [], SCOPES)) throw forbidden('Subscription.worklistChanged', SCOPES);
  const targets = targetTrusts(ctx.registry, args.filter?.trusts);
  const eventType = ctx.schema.getType('WorklistEvent') as GraphQLObjectType;
  const selections = forwardedSelections({ schema: ctx.schema, fragments: info.fragments }, info.fieldNodes, eventType);
  const root = field('worklistChanged', { alias: ROOT_KEY, args: { filter: variable('__gw_filter') }, selections });
  const op = buildRootOperation(info, OperationTypeNode.SUBSCRIPTION, root, {
    definitions: [variableDefinition('__gw_filter', 'WorklistFilter')],
    values: { __gw_filter: args.filter ?? null },
  });
  const responseKey = info.path.key as string;
  const identity = forwardedIdentity(ctx, op.operationName);
  return new Repeater<Record<string, unknown>>(async (push, stop) => {
    const abort = new AbortController();
    void stop.then(() => abort.abort());
    const follow = async (trust: TrustEntry) => {
      let wait = RECONNECT_MIN_MS;
      while (!abort.signal.aborted) {
        try {
          const res = await trust.client.openEventStream(op.query, op.variables, { identity, signal: abort.signal });
          if (!res.ok || !res.body || !(res.headers.get('content-type') ?? '').includes('text/event-stream')) {
            await res.body?.cancel();
            throw new Error(`trust ${trust.code} answered HTTP ${res.status} to the subscription`);
          }
          wait = RECONNECT_MIN_MS;
          for await (const event of readSseEvents(res.body as unknown as AsyncIterable<Uint8Array>)) {
            if (event.event === 'complete') break;
            if (event.event !== 'next') continue;
            // Parsed as every trust answer is (trust-client.ts): no prototypes a hostile trust could set.
            const payload = withoutPrototypes(JSON.parse(event.data)) as { data?: Record<string, unknown> | null; errors?: GraphQLFormattedError[] };
            const value = payload.data?.[ROOT_KEY];
            if (value == null) {
              ctx.log.warn({ trust: trust.code, codes: payload.errors?.map((e) => e.extensions?.['code']) }, 'trust sent a worklist event without data');
              continue;
            }
            attachTrustErrors(trust.code, payload.data, payload.errors ?? []);
            await push({ [responseKey]: value });
          }
        } catch (err) {
          if (abort.signal.aborted) return;
          ctx.log.info({ trust: trust.code, err: String(err) }, 'worklist stream from trust failed; reconnecting');
        }
        if (abort.signal.aborted) return;
        await new Promise((r) => setTimeout(r, wait).unref());
        wait = Math.min(wait * 2, RECONNECT_MAX_MS);
      }
    };
    await Promise.all(targets.map((t) => follow(t)));
    stop();
  });
}

