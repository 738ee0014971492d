import { parse, type GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { networkSdl } from '../../schema/index.ts';
import { resolvers } from './resolvers.ts';

/** The trust's Federation 2 subgraph schema: the network SDL with this trust's resolvers. */
export function buildTrustSchema(): GraphQLSchema {
  return buildSubgraphSchema({
    typeDefs: parse(networkSdl),
    resolvers: resolvers as unknown as GraphQLResolverMap<unknown>,
  });
}
