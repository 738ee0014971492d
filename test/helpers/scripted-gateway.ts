import { execute, parse, type GraphQLFormattedError } from 'graphql';
import { pino } from 'pino';
import { parseGatewayConfig } from '../../gateway/config.ts';
import { createRequestContext, type GatewayContext, type GatewayServices } from '../../gateway/gateway-context.ts';
import { GatewayMetrics } from '../../gateway/gateway-metrics.ts';
import { attachResolvers } from '../../gateway/gateway-resolvers.ts';
import { buildGatewaySchema } from '../../gateway/gateway-schema.ts';
import type { TrustClient, TrustResponse } from '../../gateway/trust-client.ts';
import { TrustFailure } from '../../gateway/trust-failure.ts';
import type { TrustEntry, TrustRegistry, TrustStatus } from '../../gateway/trust-registry.ts';

/** What a scripted trust was asked. */
export interface TrustCall {
  trust: string;
  query: string;
  variables: Record<string, unknown>;
}

/** A scripted trust: its answer to each forwarded operation (a TrustFailure: the call failed). */
export interface ScriptedTrust {
  code: string;
  name?: string;
  checked?: TrustStatus;
  answer: (call: TrustCall) => TrustResponse | TrustFailure;
}

/**
 * The gateway's own schema and resolvers, executed in-process over scripted trust answers: the
 * unit tests of the gateway core (merge, routing, error relocation) without HTTP. The trusts'
 * answers are the tests' fixtures, written out by hand in the shape the contract allows; the
 * HTTP client and real trusts are covered by trust-client.test.ts and test/integration/.
 */
export function scriptedGateway(trusts: readonly ScriptedTrust[], maxPageSize = 200) {
  const calls: TrustCall[] = [];
  const lastErrors = new Map<string, string | null>();
  const entries: TrustEntry[] = trusts.map((t) => {
    const client = {
      code: t.code,
      breaker: { state: 'closed' },
      request: async (query: string, variables: Record<string, unknown>): Promise<TrustResponse> => {
        const call = { trust: t.code, query, variables };
        calls.push(call);
        const answer = t.answer(call);
        if (answer instanceof TrustFailure) throw answer;
        return answer;
      },
    } as unknown as TrustClient;
    return { code: t.code, client, checked: t.checked ?? 'UP', name: t.name ?? t.code, lastError: null };
  });
  const registry = {
    all: () => entries,
    get: (code: string) => entries.find((e) => e.code === code),
    status: (e: TrustEntry) => e.checked,
    noteFailure: (f: TrustFailure) => lastErrors.set(f.trust, f.reason),
  } as unknown as TrustRegistry;
  const config = parseGatewayConfig({ http: { port: 0 }, maxPageSize, trusts: trusts.map((t) => ({ code: t.code, url: 'http://127.0.0.1:9/graphql' })) });
  const schema = attachResolvers(buildGatewaySchema());
  const services: GatewayServices = { config, schema, registry, metrics: new GatewayMetrics(() => []), log: pino({ level: 'silent' }) };

  /** Runs `query` as the gateway would: its errors, then the partial-result errors beside the data. */
  async function run(query: string, variableValues: Record<string, unknown> = {}) {
    const ctx: GatewayContext = createRequestContext(services);
    const result = await execute({ schema, document: parse(query), contextValue: ctx, variableValues });
    const errors: GraphQLFormattedError[] = [...(result.errors ?? []), ...ctx.partialErrors].map((e) => e.toJSON());
    return { data: result.data as Record<string, any> | null | undefined, errors };
  }
  return { run, calls, lastErrors, services };
}

/** `{ code, path, trust }` of each error: what the tests compare. */
export function errorSummary(errors: readonly GraphQLFormattedError[]) {
  return errors.map((e) => ({ code: e.extensions?.code, path: e.path?.join('.'), trust: e.extensions?.trust }));
}
