import { BREAK, Kind, OperationTypeNode, visit, type DocumentNode, type FieldNode, type GraphQLSchema, type SelectionNode, type SelectionSetNode } from 'graphql';

/**
 * The selection the audit needs, whatever the client selected. A response discloses a study
 * through any of its fields (`study(id){ patient { name } report { text } }` selects no id), so
 * before execution every selection set on `Study` gets a hidden `<alias>: id`: the executed
 * result then names every study it shows, and the hidden keys are removed before the response
 * leaves (`removeHiddenKeys`). The gateway forwards the client's selection as written, so the
 * owning trust receives the same hidden id and records the same study.
 *
 * Pure AST rewriting (GraphQL spec §2.4 selection sets, §2.8 fragments); the type of a
 * selection set is read from the schema by name, never by `instanceof`, so a schema from another
 * loaded copy of graphql works too. Each rewritten document is cached per original document and
 * alias: yoga caches parsed documents, and the gateway caches printed trust queries per field node.
 */
const cache = new WeakMap<DocumentNode, Map<string, DocumentNode>>();

/** The response-key prefix of every hidden audit field; `where` keeps the gateway's and a trust's apart. */
export const auditAlias = (where: string): string => `__audit_${where.replace(/[^A-Za-z0-9_]/g, '_')}_id`;

export function withAuditIds(document: DocumentNode, schema: GraphQLSchema, alias: string): DocumentNode {
  let byAlias = cache.get(document);
  const cached = byAlias?.get(alias);
  if (cached) return cached;
  const rewritten: DocumentNode = {
    ...document,
    definitions: document.definitions.map((def) => {
      if (def.kind === Kind.OPERATION_DEFINITION) {
        const root = def.operation === OperationTypeNode.QUERY ? schema.getQueryType() : def.operation === OperationTypeNode.MUTATION ? schema.getMutationType() : schema.getSubscriptionType();
        return root ? { ...def, selectionSet: augment(schema, def.selectionSet, root.name, alias) } : def;
      }
      if (def.kind === Kind.FRAGMENT_DEFINITION) return { ...def, selectionSet: augment(schema, def.selectionSet, def.typeCondition.name.value, alias) };
      return def;
    }),
  };
  if (!byAlias) cache.set(document, (byAlias = new Map()));
  byAlias.set(alias, rewritten);
  return rewritten;
}

function augment(schema: GraphQLSchema, set: SelectionSetNode, typeName: string, alias: string): SelectionSetNode {
  const type = schema.getType(typeName) as { getFields?: () => Record<string, { type: unknown }> } | undefined;
  const fields = typeof type?.getFields === 'function' ? type.getFields() : undefined;
  const selections: SelectionNode[] = set.selections.map((sel) => {
    if (sel.kind === Kind.FIELD) {
      if (!sel.selectionSet) return sel;
      const fieldDef = fields?.[sel.name.value];
      const inner = fieldDef ? namedTypeName(fieldDef.type) : undefined;
      return inner ? { ...sel, selectionSet: augment(schema, sel.selectionSet, inner, alias) } : sel;
    }
    if (sel.kind === Kind.INLINE_FRAGMENT) return { ...sel, selectionSet: augment(schema, sel.selectionSet, sel.typeCondition?.name.value ?? typeName, alias) };
    return sel; // a fragment spread: its definition is rewritten on its own
  });
  if (typeName === 'Study') selections.push(hiddenId(alias));
  return { ...set, selections };
}

function hiddenId(alias: string): FieldNode {
  return { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: alias }, name: { kind: Kind.NAME, value: 'id' } };
}

function namedTypeName(type: unknown): string | undefined {
  let t = type as { ofType?: unknown; name?: string } | undefined;
  while (t && t.ofType) t = t.ofType as typeof t;
  return t?.name;
}

/**
 * Removes, in place, the response keys that start with `prefix` (JSON values only). On every
 * response that discloses a study (issue 16 profile: a copy of the whole result was 5.6 % of the
 * gateway's busy time, plus its garbage). In place is safe: the executor builds a fresh result
 * per request, and the audit reads it (patient-data-accesses.ts) before it is stripped. The hidden
 * id is the last field of its selection set, so it is the last key the executor added, and V8
 * deletes an object's last-added property without leaving its fast mode.
 */
export function removeHiddenKeys(data: unknown, prefix: string): void {
  if (data === null || typeof data !== 'object') return;
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) removeHiddenKeys(data[i], prefix);
    return;
  }
  const source = data as Record<string, unknown>;
  for (const key in source) {
    if (!Object.hasOwn(source, key)) continue;
    if (key.startsWith(prefix)) delete source[key];
    else {
      // Most values are scalars: tested here rather than in a call per value.
      const value = source[key];
      if (value !== null && typeof value === 'object') removeHiddenKeys(value, prefix);
    }
  }
}

/** Per document and alias: yoga hands the same parsed document for the same query text. */
const aliasUse = new WeakMap<DocumentNode, Map<string, boolean>>();

/** True when the client's own document already uses `alias` as a response key (it is reserved). */
export function usesAlias(document: DocumentNode, alias: string): boolean {
  let byAlias = aliasUse.get(document);
  const known = byAlias?.get(alias);
  if (known !== undefined) return known;
  const found = findAlias(document, alias);
  if (!byAlias) aliasUse.set(document, (byAlias = new Map()));
  byAlias.set(alias, found);
  return found;
}

function findAlias(document: DocumentNode, alias: string): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.alias?.value === alias) {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}
