import { buildASTSchema, concatAST, parse, type GraphQLSchema, type GraphQLScalarType } from 'graphql';
import { DateScalar, DateTimeScalar, networkSdl } from '../schema/index.ts';
import { stripFederation } from './federation-sdl.ts';
import { STUDY_IMAGE_NEEDS } from './dicomweb/study-image-links.ts';

/**
 * Fields only the gateway answers (never forwarded to a trust): how the gateway sees each trust.
 */
const GATEWAY_ONLY_SDL = /* GraphQL */ `
  "How the gateway sees a trust right now."
  enum TrustStatus {
    "Its schema implements the network contract and its circuit is not open: it is asked."
    UP
    "It did not answer the last check, or its circuit is open after repeated failures."
    DOWN
    "It answers, but its schema does not implement the network contract; it is left out."
    INCOMPATIBLE
  }

  extend type Trust {
    "How the gateway sees this trust right now (answered by the gateway, not the trust)."
    status: TrustStatus!
    "The last problem the gateway saw with this trust (no addresses); null when none."
    lastError: String
  }
`;

/** `Type.field` pairs the gateway answers itself and strips from what it forwards. */
export const GATEWAY_ONLY_FIELDS: ReadonlySet<string> = new Set(['Trust.status', 'Trust.lastError', 'Study.viewerUrl', 'Study.dicomweb']);

/**
 * What the gateway asks a trust for in place of a gateway-only field: hidden fields
 * (`__gw_<alias>: <field>`) its own resolver reads.
 */
export const GATEWAY_FIELD_NEEDS: ReadonlyMap<string, ReadonlyArray<{ alias: string; field: string }>> = new Map([
  ['Study.viewerUrl', STUDY_IMAGE_NEEDS],
  ['Study.dicomweb', STUDY_IMAGE_NEEDS],
]);

/** The network contract every trust implements, as a plain (non-federated) schema. */
export function buildContractSchema(): GraphQLSchema {
  return withScalars(buildASTSchema(stripFederation(networkSdl)));
}

/** The network schema the gateway serves: the contract plus the gateway-only fields. No resolvers yet. */
export function buildGatewaySchema(): GraphQLSchema {
  return withScalars(buildASTSchema(concatAST([stripFederation(networkSdl), parse(GATEWAY_ONLY_SDL)])));
}

/** Gives the SDL's scalars the network's parsing and serialising (schema/scalars.ts). */
function withScalars(schema: GraphQLSchema): GraphQLSchema {
  for (const scalar of [DateTimeScalar, DateScalar]) {
    const target = schema.getType(scalar.name) as GraphQLScalarType | undefined;
    if (!target) continue;
    // buildASTSchema makes pass-through scalars; graphql-tools attaches scalar behaviour the same way.
    Object.assign(target, {
      serialize: scalar.serialize,
      parseValue: scalar.parseValue,
      parseLiteral: scalar.parseLiteral,
    });
  }
  return schema;
}
