import {
  Kind,
  getNamedType,
  isInterfaceType,
  isObjectType,
  type ArgumentNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** How big an operation is, measured on its fragments expanded. */
export interface OperationMeasure {
  /**
   * Deepest field nesting (a root field is depth 1). Inside `__schema` / `__type` depth is not
   * counted: the standard introspection query (graphql-js getIntrospectionQuery, which GraphiQL
   * sends) nests `ofType` deeper than any data query; its size is still counted in `fields` and
   * `aliases`, so an alias bomb of introspection trees is refused like any other.
   */
  depth: number;
  /** Aliased fields, each fragment counted as often as it is spread. */
  aliases: number;
  /** Field selections visited; the walk stops early past `budget`. */
  fields: number;
  /**
   * Estimated rows the gateway fetches: at each field with a `first` argument, the page size times
   * the pages above it, times the trusts it fans out to; summed. Null without `variables`.
   */
  cost: number | null;
}

export interface MeasureOptions {
  schema: GraphQLSchema;
  operationName?: string | null;
  /** Needed for the cost (a `first` may be a variable); omit to measure depth and aliases only. */
  variables?: Readonly<Record<string, unknown>> | null;
  /** Fan-out width: the trusts a root list asks. @default 1 */
  trusts?: number;
  /**
   * Stop walking after this many field selections: fragments spread inside fragments expand
   * exponentially, and the measure must not be the denial of service it guards against.
   * @default 10000
   */
  budget?: number;
}

/**
 * Measures the operation that would run (`operationName`, else the only one; with several and no
 * name, the largest, since validation refuses the document anyway). Runs before validation, so it
 * tolerates unknown fields and fragments and fragment cycles.
 */
export function measureOperation(document: DocumentNode, options: MeasureOptions): OperationMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    else if (def.kind === Kind.OPERATION_DEFINITION) operations.push(def);
  }
  const named = options.operationName ? operations.filter((o) => o.name?.value === options.operationName) : operations;
  const total: OperationMeasure = { depth: 0, aliases: 0, fields: 0, cost: options.variables === undefined ? null : 0 };
  for (const operation of named) {
    const m = new Walk(options, fragments).operation(operation);
    total.depth = Math.max(total.depth, m.depth);
    total.aliases = Math.max(total.aliases, m.aliases);
    total.fields = Math.max(total.fields, m.fields);
    if (total.cost !== null && m.cost !== null) total.cost = Math.max(total.cost, m.cost);
  }
  return total;
}

class Walk {
  private readonly m: OperationMeasure;
  private readonly budget: number;
  private readonly trusts: number;
  private readonly variableDefaults = new Map<string, number>();

  constructor(
    private readonly options: MeasureOptions,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  ) {
    this.m = { depth: 0, aliases: 0, fields: 0, cost: options.variables === undefined ? null : 0 };
    this.budget = options.budget ?? 10_000;
    this.trusts = options.trusts ?? 1;
  }

  operation(op: OperationDefinitionNode): OperationMeasure {
    const { schema } = this.options;
    for (const v of op.variableDefinitions ?? []) {
      if (v.defaultValue?.kind === Kind.INT) this.variableDefaults.set(v.variable.name.value, Number(v.defaultValue.value));
    }
    const root = op.operation === 'query' ? schema.getQueryType() : op.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    this.selections(op.selectionSet, root ?? undefined, 1, 1, new Set());
    return this.m;
  }

  private selections(set: SelectionSetNode, parent: GraphQLNamedType | undefined, depth: number, rows: number, spreading: Set<string>, introspecting = false): void {
    for (const selection of set.selections) {
      if (this.m.fields > this.budget) return;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === '__typename') continue;
        // Issue 15, finding 3: introspection is measured like any selection (fields, aliases).
        const inIntrospection = introspecting || name === '__schema' || name === '__type';
        this.m.fields++;
        if (selection.alias) this.m.aliases++;
        if (!inIntrospection) this.m.depth = Math.max(this.m.depth, depth);
        if (inIntrospection) {
          if (selection.selectionSet) this.selections(selection.selectionSet, undefined, depth + 1, rows, spreading, true);
          continue;
        }
        const field = fieldOf(parent, name);
        let below = rows;
        const first = this.m.cost === null ? undefined : this.firstOf(selection.arguments ?? [], field);
        if (first !== undefined && this.m.cost !== null) {
          below = rows * first;
          this.m.cost += below * this.trusts;
        }
        if (selection.selectionSet) this.selections(selection.selectionSet, field ? getNamedType(field.type) : undefined, depth + 1, below, spreading);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? this.options.schema.getType(selection.typeCondition.name.value) : parent;
        this.selections(selection.selectionSet, type ?? undefined, depth, rows, spreading, introspecting);
      } else {
        const name = selection.name.value;
        const fragment = this.fragments.get(name);
        // A cycle is a validation error (NoFragmentCycles); here it only must not loop.
        if (!fragment || spreading.has(name)) continue;
        spreading.add(name);
        this.selections(fragment.selectionSet, this.options.schema.getType(fragment.typeCondition.name.value), depth, rows, spreading, introspecting);
        spreading.delete(name);
      }
    }
  }

  /** The page size asked by `first` (literal, variable, or a default); undefined when none. */
  private firstOf(args: readonly ArgumentNode[], field: GraphQLField<unknown, unknown> | undefined): number | undefined {
    const arg = args.find((a) => a.name.value === 'first');
    let value: unknown = field?.args.find((a) => a.name === 'first')?.defaultValue;
    if (arg?.value.kind === Kind.INT) value = Number(arg.value.value);
    else if (arg?.value.kind === Kind.VARIABLE) {
      const name = arg.value.name.value;
      const given = this.options.variables?.[name];
      value = given ?? this.variableDefaults.get(name) ?? value;
    }
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
  }
}

function fieldOf(parent: GraphQLNamedType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}
