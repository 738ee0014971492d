import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  getNamedType,
  isObjectType,
  parseType,
  print,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
  type VariableDefinitionNode,
} from 'graphql';
import { ErrorCode } from '../schema/index.ts';
import { GATEWAY_FIELD_NEEDS, GATEWAY_ONLY_FIELDS } from './gateway-schema.ts';

/**
 * Rebuilding the client's selection as a query for a trust. A trust has the same types as the
 * gateway, so the client's selection (GraphQL spec §2.4) is forwarded as written: aliases,
 * `__typename`, arguments and `@include`/`@skip` kept; fragment spreads are inlined as inline
 * fragments (§2.8.2) so that hidden fields can be added at any depth; gateway-only fields
 * (`Trust.status`, `Trust.lastError`) removed, and every `Trust` selection gets `__gw_code: code` so the
 * gateway can answer them. Variables the selection uses travel with their definitions.
 */

/** Response keys the gateway adds for itself; clients may not use them. */
export const HIDDEN_PREFIX = '__gw_';

export interface SelectionScope {
  schema: GraphQLSchema;
  fragments: Readonly<Record<string, FragmentDefinitionNode>>;
}

export function field(name: string, options: { alias?: string; args?: Record<string, ValueNode>; selections?: readonly SelectionNode[] } = {}): FieldNode {
  return {
    kind: Kind.FIELD,
    name: { kind: Kind.NAME, value: name },
    ...(options.alias ? { alias: { kind: Kind.NAME, value: options.alias } } : {}),
    arguments: Object.entries(options.args ?? {}).map(([arg, value]) => ({ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: arg }, value })),
    ...(options.selections ? { selectionSet: { kind: Kind.SELECTION_SET, selections: options.selections } } : {}),
  };
}

export function variable(name: string): ValueNode {
  return { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: name } };
}

export function variableDefinition(name: string, type: string): VariableDefinitionNode {
  return { kind: Kind.VARIABLE_DEFINITION, variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: name } }, type: parseType(type) };
}

/** The selections of every node of a (possibly repeated) field, on `type`, fragments inlined. */
export function forwardedSelections(scope: SelectionScope, fieldNodes: readonly FieldNode[], type: GraphQLObjectType): SelectionNode[] {
  return fieldNodes.flatMap((f) => (f.selectionSet ? inlineSelections(scope, f.selectionSet, type) : []));
}

/** Inlines fragments, strips gateway-only fields, adds the hidden `Trust` code. */
export function inlineSelections(scope: SelectionScope, set: SelectionSetNode, type: GraphQLObjectType, inFragment = false): SelectionNode[] {
  const out: SelectionNode[] = [];
  const needs = new Map<string, string>();
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const name = sel.name.value;
      if (sel.alias?.value.startsWith(HIDDEN_PREFIX) || (name.startsWith(HIDDEN_PREFIX) && !sel.alias)) {
        throw new GraphQLError(`Response keys starting with ${HIDDEN_PREFIX} are reserved by the gateway`, {
          extensions: { code: ErrorCode.BAD_USER_INPUT },
        });
      }
      // A response key the gateway writes objects under; `__proto__` would set a prototype.
      if (sel.alias?.value === '__proto__') {
        throw new GraphQLError('The response key __proto__ is not allowed', { extensions: { code: ErrorCode.BAD_USER_INPUT } });
      }
      if (GATEWAY_ONLY_FIELDS.has(`${type.name}.${name}`)) {
        for (const need of GATEWAY_FIELD_NEEDS.get(`${type.name}.${name}`) ?? []) needs.set(need.alias, need.field);
        continue;
      }
      const def = type.getFields()[name];
      const inner = def ? getNamedType(def.type) : undefined;
      if (!sel.selectionSet || !inner || !isObjectType(inner)) {
        out.push(sel);
        continue;
      }
      const selections = inlineSelections(scope, sel.selectionSet, inner);
      out.push({ ...sel, selectionSet: { kind: Kind.SELECTION_SET, selections: nonEmpty(selections) } });
    } else {
      const fragment = sel.kind === Kind.FRAGMENT_SPREAD ? scope.fragments[sel.name.value] : undefined;
      if (sel.kind === Kind.FRAGMENT_SPREAD && !fragment) continue;
      const condition = sel.kind === Kind.FRAGMENT_SPREAD ? fragment!.typeCondition : sel.typeCondition;
      const inner = condition ? scope.schema.getType(condition.name.value) : type;
      // The network schema has no interfaces or unions: a fragment applies only on its own type.
      if (!inner || !isObjectType(inner) || inner.name !== type.name) continue;
      const source = sel.kind === Kind.FRAGMENT_SPREAD ? fragment!.selectionSet : sel.selectionSet;
      const selections = inlineSelections(scope, source, inner, true);
      if (selections.length === 0) continue;
      out.push({
        kind: Kind.INLINE_FRAGMENT,
        typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: inner.name } },
        directives: sel.directives ?? [],
        selectionSet: { kind: Kind.SELECTION_SET, selections },
      });
    }
  }
  if (type.name === 'Trust' && !inFragment) out.push(field('code', { alias: `${HIDDEN_PREFIX}code` }));
  // Hidden fields a stripped gateway-only field is answered from (e.g. Study.viewerUrl).
  for (const [alias, name] of needs) out.push(field(name, { alias: `${HIDDEN_PREFIX}${alias}` }));
  return out;
}

/** A selection set may not be empty; `__typename` is the cheapest valid one. */
export function nonEmpty(selections: SelectionNode[]): SelectionNode[] {
  return selections.length > 0 ? selections : [field('__typename')];
}

export interface ForwardedOperation {
  query: string;
  variables: Record<string, unknown>;
  /** The client's operation name, for the trust's audit. */
  operationName?: string;
}

/**
 * One query for one trust: `rootFields` plus the client's variables they use (definitions from
 * the client's operation, values as the gateway coerced them) plus the gateway's own variables.
 */
export function buildOperation(
  info: Pick<GraphQLResolveInfo, 'operation' | 'variableValues'>,
  rootFields: readonly FieldNode[],
  own: { definitions: readonly VariableDefinitionNode[]; values: Record<string, unknown> } = { definitions: [], values: {} },
): ForwardedOperation {
  const shape = operationShape(info, rootFields, own.definitions);
  const variables: Record<string, unknown> = {};
  for (const name of shape.clientVariables) {
    const value = info.variableValues[name];
    if (value !== undefined) variables[name] = value;
  }
  Object.assign(variables, own.values);
  const operationName = info.operation.name?.value;
  return operationName ? { query: shape.query, variables, operationName } : { query: shape.query, variables };
}

interface OperationShape {
  query: string;
  clientVariables: string[];
  definitions: readonly VariableDefinitionNode[];
  operation: OperationDefinitionNode;
}

/**
 * The printed query is the same for every trust of one fan-out (only variable values differ), so
 * it is printed once per root field and reused: printing is a visible cost at 16 trusts.
 */
const shapes = new WeakMap<FieldNode, OperationShape>();

function operationShape(
  info: Pick<GraphQLResolveInfo, 'operation'>,
  rootFields: readonly FieldNode[],
  ownDefinitions: readonly VariableDefinitionNode[],
): OperationShape {
  const key = rootFields.length === 1 ? rootFields[0] : undefined;
  const cached = key ? shapes.get(key) : undefined;
  if (cached && cached.definitions === ownDefinitions && cached.operation === info.operation) return cached;
  const used = usedVariables(rootFields);
  const ownNames = new Set(ownDefinitions.map((d) => d.variable.name.value));
  const clientDefs = (info.operation.variableDefinitions ?? []).filter((d) => used.has(d.variable.name.value) && !ownNames.has(d.variable.name.value));
  const operation: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: OperationTypeNode.QUERY,
    variableDefinitions: [...clientDefs, ...ownDefinitions],
    selectionSet: { kind: Kind.SELECTION_SET, selections: rootFields },
  };
  const doc: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation] };
  const shape = { query: print(doc), clientVariables: clientDefs.map((d) => d.variable.name.value), definitions: ownDefinitions, operation: info.operation };
  if (key) shapes.set(key, shape);
  return shape;
}

function usedVariables(nodes: readonly FieldNode[]): Set<string> {
  const names = new Set<string>();
  for (const node of nodes) visit(node, { Variable: (v) => void names.add(v.name.value) });
  return names;
}
