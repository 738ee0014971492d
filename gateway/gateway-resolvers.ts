import { isObjectType, type GraphQLFieldResolver, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { aliasFieldResolver, gatewayObject } from './alias-field-resolver.ts';
import type { GatewayContext } from './gateway-context.ts';
import { resolveStudy } from './key-routing.ts';
import type { MergedConnectionState } from './merged-connection.ts';
import { EDGE_CURSOR, GATEWAY_OBJECT, MERGED } from './symbols.ts';
import { resolvePatient } from './patient-merge.ts';
import { HIDDEN_PREFIX } from './forward-selection.ts';
import { resolveStudies } from './studies-query.ts';
import { resolveCapacity } from './capacity/capacity-query.ts';
import { resolveDicomweb, resolveViewerUrl } from './dicomweb/study-image-links.ts';
import { pacsIndexOf } from './trust-pacs-index.ts';

import { resolveWorklist } from './worklist-query.ts';
import { STUDY_MUTATIONS, studyMutationResolver } from './study-mutations.ts';
import { subscribeWorklist } from './worklist-subscription.ts';

type Resolver = GraphQLFieldResolver<unknown, GatewayContext>;
type Source = Record<string | symbol, unknown>;

/** Root fields fan out; a merged connection's page info, trusts and cursors are the gateway's. */
const RESOLVERS: Record<string, Record<string, Resolver>> = {
  Query: {
    studies: resolveStudies as Resolver,
    study: resolveStudy as Resolver,
    patient: resolvePatient as Resolver,
    capacity: resolveCapacity as Resolver,
    trusts: (_s, _a, ctx) => ctx.registry.all().map((t) => gatewayObject({ code: t.code })),
    worklist: resolveWorklist as Resolver,
  },
  // Study mutations go to the trust that owns the study (gateway/study-mutations.ts).
  Mutation: Object.fromEntries(Object.keys(STUDY_MUTATIONS).map((name) => [name, studyMutationResolver(name) as Resolver])),
  StudyConnection: {
    pageInfo: (source, args, ctx, info) => {
      const merged = (source as Source)[MERGED] as MergedConnectionState | undefined;
      return merged ? gatewayObject({ ...merged.pageInfo }) : aliasFieldResolver(source, args, ctx, info);
    },
    unavailableTrusts: (source, args, ctx, info) => {
      const merged = (source as Source)[MERGED] as MergedConnectionState | undefined;
      return merged ? merged.unavailableTrusts : aliasFieldResolver(source, args, ctx, info);
    },
  },
  Study: {
    viewerUrl: resolveViewerUrl,
    dicomweb: resolveDicomweb,
  },
  StudyEdge: {
    cursor: (source, args, ctx, info) => (source as Source)[EDGE_CURSOR] ?? aliasFieldResolver(source, args, ctx, info),
  },
  Trust: {
    name: (source, args, ctx, info) => registryEntry(source, ctx)?.name ?? aliasFieldResolver(source, args, ctx, info),
    status: (source, _a, ctx) => {
      const entry = registryEntry(source, ctx);
      return entry ? ctx.registry.status(entry) : 'DOWN';
    },
    lastError: (source, _a, ctx) => registryEntry(source, ctx)?.lastError ?? null,
    // Trusts the gateway lists itself learn it from the trust; trust JSON already carries it.
    pacsIndex: (source, args, ctx, info) => {
      const entry = (source as Source)[GATEWAY_OBJECT] ? registryEntry(source, ctx) : undefined;
      return entry ? pacsIndexOf(entry, ctx) : aliasFieldResolver(source, args, ctx, info);
    },
  },
};

/** The trust a Trust object stands for: gateway-built objects by `code`, trust JSON by the hidden code. */
function registryEntry(source: unknown, ctx: GatewayContext) {
  const s = source as Source;
  const code = s[GATEWAY_OBJECT] ? s.code : s[`${HIDDEN_PREFIX}code`];
  return typeof code === 'string' ? ctx.registry.get(code) : undefined;
}

/** Puts the gateway's resolvers on `schema`; every other field reads trust JSON by response key. */
export function attachResolvers(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const f of Object.values((type as GraphQLObjectType).getFields())) {
      f.resolve = RESOLVERS[type.name]?.[f.name] ?? aliasFieldResolver;
    }
  }
  // Subscriptions stream from every trust (gateway/worklist-subscription.ts); each event is then
  // resolved like trust JSON.
  const worklistChanged = schema.getSubscriptionType()?.getFields()['worklistChanged'];
  if (worklistChanged) worklistChanged.subscribe = subscribeWorklist as GraphQLFieldResolver<unknown, GatewayContext>;
  return schema;
}
