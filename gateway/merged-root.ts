import { responsePathAsArray, type FieldNode, type GraphQLObjectType, type GraphQLResolveInfo, type SelectionNode, type VariableDefinitionNode } from 'graphql';
import { fanOut } from './fan-out.ts';
import { buildOperation, field, forwardedSelections, variable, variableDefinition } from './forward-selection.ts';
import type { GatewayContext } from './gateway-context.ts';
import { hiddenConnectionSelections, mergeConnections, readTrustPage, responseKeysOf, type RowOrder, type TrustConnection } from './merged-connection.ts';
import type { TrustPositions } from './network-cursor.ts';
import { ROOT_KEY, rootReader } from './root-answer.ts';
import { TrustFailure } from './trust-failure.ts';
import { checkOutcomes } from './trust-outcomes.ts';
import type { TrustEntry } from './trust-registry.ts';

/** A root list field the gateway answers by merging every target trust's page of the same field. */
export interface MergedRoot<K extends object> {
  /** The root field the trusts serve, e.g. `studies`. */
  field: string;
  /** The connection type it returns, e.g. `StudyConnection`. */
  connectionType: string;
  /** The trusts to ask, in config order (the order ties and `unavailableTrusts` follow). */
  targets: readonly TrustEntry[];
  /** Checked page arguments (page-arguments.ts). */
  first: number;
  start: TrustPositions;
  /** Other arguments, already checked, forwarded as they are to every trust: name → GraphQL type and value. */
  args?: Readonly<Record<string, { type: string; value: unknown }>>;
  /** The list's network order: the node fields it reads and its comparator. */
  order: RowOrder<K>;
}

/**
 * Resolves a merged root list: send ONE query per target trust (the client's selection plus the
 * merge's hidden fields, the trust's own position from the gateway cursor as `after`), turn the
 * outcomes into pages, relocated errors and unavailable trusts (trust-outcomes.ts), and merge the
 * pages in `order`. `Query.studies` is this with STUDY_ORDER; a new list (e.g. `worklist`,
 * ordered by `dueAt`) is this with its own RowOrder.
 */
export async function resolveMergedRoot<K extends object>(ctx: GatewayContext, info: GraphQLResolveInfo, root: MergedRoot<K>): Promise<Record<string | symbol, unknown>> {
  const args = Object.entries(root.args ?? {});
  const { forwarded, definitions, clientSelections } = forwardedRoot(ctx, info, root, args);
  const values: Record<string, unknown> = Object.fromEntries(args.map(([name, arg]) => [`__gw_${name}`, arg.value]));
  const outcomes = await fanOut(ctx, root.targets, (trust) =>
    buildOperation(info, [forwarded], { definitions, values: { ...values, __gw_first: root.first, __gw_after: root.start[trust.code] ?? null } }),
  );
  const { answers, unavailable } = checkOutcomes(
    ctx,
    outcomes,
    responsePathAsArray(info.path),
    rootReader((connection, trust): TrustConnection<K> => {
      if (!connection) throw new TrustFailure(trust, 'invalid-json', 'null page');
      return { trust, connection, page: readTrustPage(trust, connection, root.order) };
    }),
  );
  return mergeConnections(
    answers.map((a) => a.value),
    responseKeysOf(clientSelections, 'edges'),
    root.first,
    root.start,
    unavailable,
    root.order.compare,
  );
}

interface ForwardedRoot {
  forwarded: FieldNode;
  definitions: VariableDefinitionNode[];
  clientSelections: SelectionNode[];
}

/**
 * The forwarded root field and its variable definitions depend on the client's field node and the
 * root's shape only (argument values travel as variables), and yoga hands the same parsed document
 * for the same query text: built once per field node and shape, so the query printed from it is
 * cached too (forward-selection.ts keys its printed queries by this node). Before (issue 16
 * profile) the selection was rebuilt, walked and printed on every request.
 */
const forwardedRoots = new WeakMap<FieldNode, Map<string, ForwardedRoot>>();

function forwardedRoot<K extends object>(ctx: GatewayContext, info: GraphQLResolveInfo, root: MergedRoot<K>, args: Array<[string, { type: string; value: unknown }]>): ForwardedRoot {
  const node = info.fieldNodes.length === 1 ? info.fieldNodes[0] : undefined;
  const shapeKey = `${root.field}|${root.connectionType}|${args.map(([name, arg]) => `${name}:${arg.type}`).join(',')}|${root.order.fields.join(',')}`;
  const known = node ? forwardedRoots.get(node)?.get(shapeKey) : undefined;
  if (known) return known;
  const connectionType = ctx.schema.getType(root.connectionType) as GraphQLObjectType;
  const clientSelections = forwardedSelections({ schema: ctx.schema, fragments: info.fragments }, info.fieldNodes, connectionType);
  const argNames = args.map(([name]) => name);
  const forwarded = field(root.field, {
    alias: ROOT_KEY,
    args: Object.fromEntries([...argNames, 'first', 'after'].map((name) => [name, variable(`__gw_${name}`)])),
    selections: [...clientSelections, ...hiddenConnectionSelections(root.order)],
  });
  const definitions = [
    ...args.map(([name, arg]) => variableDefinition(`__gw_${name}`, arg.type)),
    variableDefinition('__gw_first', 'Int'),
    variableDefinition('__gw_after', 'String'),
  ];
  const built = { forwarded, definitions, clientSelections };
  if (node) {
    let byShape = forwardedRoots.get(node);
    if (!byShape) forwardedRoots.set(node, (byShape = new Map()));
    if (byShape.size < 16) byShape.set(shapeKey, built);
  }
  return built;
}
