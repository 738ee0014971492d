import DataLoader from 'dataloader';
import {
  Kind,
  print,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type SelectionNode,
  type FieldNode,
  type VariableDefinitionNode,
} from 'graphql';
import { trustOfStudyId } from '../schema/index.ts';
import { fromTrustError } from './client-safe-error.ts';
import { fanOut } from './fan-out.ts';
import { HIDDEN_PREFIX, buildOperation, field, forwardedSelections, variable, variableDefinition } from './forward-selection.ts';
import type { GatewayContext } from './gateway-context.ts';
import { attachTrustErrors } from './trust-answer.ts';
import { TrustFailure } from './trust-failure.ts';
import { checkKeyedOutcome } from './trust-outcomes.ts';
import type { TrustEntry } from './trust-registry.ts';
import { trustUnavailable } from './trust-unavailable.ts';

/** One key lookup: a study id and the selection wanted on it. */
interface EntityLookup {
  id: string;
  selections: SelectionNode[];
  /** The printed selection: lookups with the same one share an `_entities` field. */
  selectionKey: string;
  info: Pick<GraphQLResolveInfo, 'operation' | 'variableValues'>;
}

/**
 * `Query.study(id)`: the id names its trust (schema/study-id.ts), so only that trust is asked.
 * An id that is not a network study id, or names a trust outside this network, is null: the
 * schema promises null "when no trust holds it", and no trust can hold such an id (a malformed id
 * is not an input error a client could fix by retyping). An unavailable trust is null plus
 * TRUST_UNAVAILABLE at this field's path.
 */
export const resolveStudy: GraphQLFieldResolver<unknown, GatewayContext, { id: string }> = (_source, { id }, ctx, info) => {
  const code = trustOfStudyId(id);
  const trust = code === undefined ? undefined : ctx.registry.get(code);
  if (!trust) return null;
  const studyType = ctx.schema.getType('Study') as GraphQLObjectType;
  const selections = forwardedSelections({ schema: ctx.schema, fragments: info.fragments }, info.fieldNodes, studyType);
  const lookup: EntityLookup = { id, selections, selectionKey: selections.map((s) => print(s)).join(' '), info };
  return entityLoader(ctx, trust).load(lookup);
};

/** The request's loader for `trust`; created on first use. */
function entityLoader(ctx: GatewayContext, trust: TrustEntry): DataLoader<EntityLookup, unknown, string> {
  let loader = ctx.entityLoaders.get(trust.code) as DataLoader<EntityLookup, unknown, string> | undefined;
  if (!loader) {
    loader = new DataLoader<EntityLookup, unknown, string>((keys) => loadEntities(ctx, trust, keys), {
      cacheKeyFn: (k) => `${k.selectionKey}\u0000${k.id}`,
    });
    ctx.entityLoaders.set(trust.code, loader as DataLoader<unknown, unknown, string>);
  }
  return loader;
}

/**
 * Every lookup of one request to one trust in ONE HTTP request (Federation 2 `_entities`,
 * subgraph spec "Resolve requests for entities"): lookups are grouped by selection, each group an
 * aliased `_entities(representations: [{__typename: "Study", id}, …])` field.
 */
async function loadEntities(ctx: GatewayContext, trust: TrustEntry, keys: readonly EntityLookup[]): Promise<unknown[]> {
  const groups = new Map<string, EntityLookup[]>();
  for (const k of keys) groups.set(k.selectionKey, [...(groups.get(k.selectionKey) ?? []), k]);
  const rootFields: FieldNode[] = [];
  const definitions: VariableDefinitionNode[] = [];
  const values: Record<string, unknown> = {};
  let g = 0;
  const aliasOf = new Map<string, string>();
  for (const [selectionKey, lookups] of groups) {
    const alias = `${HIDDEN_PREFIX}e${g}`;
    aliasOf.set(selectionKey, alias);
    definitions.push(variableDefinition(`${HIDDEN_PREFIX}r${g}`, '[_Any!]!'));
    values[`${HIDDEN_PREFIX}r${g}`] = lookups.map((l) => ({ __typename: 'Study', id: l.id }));
    rootFields.push(
      field('_entities', {
        alias,
        args: { representations: variable(`${HIDDEN_PREFIX}r${g}`) },
        selections: [{ kind: Kind.INLINE_FRAGMENT, typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'Study' } }, directives: [], selectionSet: { kind: Kind.SELECTION_SET, selections: lookups[0]!.selections } }],
      }),
    );
    g += 1;
  }
  const [outcome] = await fanOut(ctx, [trust], () => buildOperation(keys[0]!.info, rootFields, { definitions, values }));
  return checkKeyedOutcome(ctx, outcome!, keys.length, (response) => {
    // `_entities` answers in the order of the representations, one each (Federation subgraph
    // spec); a list of another length cannot be matched to keys (DataLoader refuses a batch
    // function's answer of the wrong length the same way): the whole answer is that trust's failure.
    for (const [selectionKey, lookups] of groups) {
      const list = response.data?.[aliasOf.get(selectionKey)!];
      if (Array.isArray(list) && list.length !== lookups.length) throw new TrustFailure(trust.code, 'invalid-json', 'wrong number of _entities');
    }
    const unplaced = attachTrustErrors(trust.code, response.data, response.errors);
    return keys.map((k) => {
      const alias = aliasOf.get(k.selectionKey)!;
      const index = groups.get(k.selectionKey)!.indexOf(k);
      const list = response.data?.[alias];
      const entity = Array.isArray(list) ? list[index] : undefined;
      if (entity != null) return entity;
      // An error located at the entity itself (`[alias, index]`) or the whole field explains the null.
      const why = unplaced.find((e) => e.path?.[0] === alias && (e.path.length === 1 || e.path[1] === index));
      if (why) return fromTrustError(trust.code, why);
      if (!Array.isArray(list)) return trustUnavailable(new TrustFailure(trust.code, 'graphql-errors', 'no _entities answer'));
      return null;
    });
  });
}
