import { responsePathAsArray, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
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
  const connectionType = ctx.schema.getType(root.connectionType) as GraphQLObjectType;
  const clientSelections = forwardedSelections({ schema: ctx.schema, fragments: info.fragments }, info.fieldNodes, connectionType);
  const args = Object.entries(root.args ?? {});
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
