import { Kind, OperationTypeNode, print, visit, type FieldNode, type GraphQLResolveInfo, type VariableDefinitionNode } from 'graphql';
import type { ForwardedOperation } from './forward-selection.ts';

/**
 * One mutation or subscription for one trust: `root` (the client's selection under the gateway's
 * hidden alias) plus the client's variables it uses and the gateway's own. The query builder in
 * forward-selection.ts makes queries only; mutations and subscriptions are routed to one trust
 * (or streamed from each), so they are printed here without its per-fan-out cache.
 */
export function buildRootOperation(
  info: Pick<GraphQLResolveInfo, 'operation' | 'variableValues'>,
  operation: OperationTypeNode.MUTATION | OperationTypeNode.SUBSCRIPTION,
  root: FieldNode,
  own: { definitions: readonly VariableDefinitionNode[]; values: Record<string, unknown> },
): ForwardedOperation {
  const used = new Set<string>();
  visit(root, { Variable: (v) => void used.add(v.name.value) });
  const ownNames = new Set(own.definitions.map((d) => d.variable.name.value));
  const clientDefs = (info.operation.variableDefinitions ?? []).filter((d) => used.has(d.variable.name.value) && !ownNames.has(d.variable.name.value));
  const query = print({
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation,
        variableDefinitions: [...clientDefs, ...own.definitions],
        selectionSet: { kind: Kind.SELECTION_SET, selections: [root] },
      },
    ],
  });
  const variables: Record<string, unknown> = {};
  for (const d of clientDefs) {
    const value = info.variableValues[d.variable.name.value];
    if (value !== undefined) variables[d.variable.name.value] = value;
  }
  Object.assign(variables, own.values);
  const operationName = info.operation.name?.value;
  return operationName ? { query, variables, operationName } : { query, variables };
}

export { OperationTypeNode };
