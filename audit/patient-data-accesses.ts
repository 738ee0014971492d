import {
  Kind,
  getNamedType,
  isAbstractType,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { checkNhsNumber } from '../schema/nhs-number.ts';
import { trustOfStudyId } from '../schema/study-id.ts';

/** One study or patient a response disclosed. */
export interface PatientDataAccess {
  studyId: string | null;
  nhsNumber: string | null;
  /** The trust whose data it is, when known. */
  trust: string | null;
}

export interface AccessInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Readonly<Record<string, unknown>>;
  data: unknown;
  /** The trust a subgraph serves: every row it returns is its own. */
  defaultTrust?: string;
}

interface Scope {
  trust: string | null;
  nhsNumber: string | null;
  /** The record that a Patient.nhsNumber below completes. */
  record: PatientDataAccess | null;
}

/**
 * Which patients and studies a response disclosed, read from the response data walked together
 * with the operation (so aliases are followed: the data is keyed by response key, the rule by
 * field name, as in GraphQL spec §6.3.2 CollectFields). A Study is recorded by its `id` (useAudit
 * adds a hidden one to every Study selection, so this holds whatever the client selected), with
 * its patient's NHS number when the response or the arguments (`patient(nhsNumber:)`,
 * `studies(filter: {nhsNumber})`) tie it to one; a Patient by NHS number; and an NHS number asked
 * for is recorded even when no patient or study matched.
 */
export function patientDataAccesses(input: AccessInput): PatientDataAccess[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const def of input.document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    else if (def.kind === Kind.OPERATION_DEFINITION && (!input.operationName || def.name?.value === input.operationName)) operation ??= def;
  }
  const found = new Map<string, PatientDataAccess>();
  const records: PatientDataAccess[] = [];
  /** NHS numbers asked for; kept only when no disclosed row already names them. */
  const asked: PatientDataAccess[] = [];
  // Mutation answers (a claim's study) and subscription events (worklistChanged) disclose data too.
  const root =
    operation?.operation === 'mutation' ? input.schema.getMutationType() : operation?.operation === 'subscription' ? input.schema.getSubscriptionType() : input.schema.getQueryType();
  if (!operation || !root) return [];

  // A list's rows share one selection set: its fields are collected once per set and type, with
  // the ones the walk descends into (a selection set and a field of the type) and their named
  // types, so a row costs a loop over those only, not over its scalars (issue 16 profile).
  const collected = new Map<SelectionSetNode, Map<GraphQLObjectType, CollectedFields>>();
  const fieldsOnce = (set: SelectionSetNode, type: GraphQLObjectType): CollectedFields => {
    let byType = collected.get(set);
    if (!byType) collected.set(set, (byType = new Map()));
    let fields = byType.get(type);
    if (!fields) {
      const all = fieldsOf(set, type);
      const defs = type.getFields();
      const nested: CollectedFields['nested'] = [];
      for (const field of all) {
        const def = defs[field.name.value];
        if (def && field.selectionSet) nested.push({ field, key: field.alias?.value ?? field.name.value, type: getNamedType(def.type), set: field.selectionSet });
      }
      byType.set(type, (fields = { all, nested }));
    }
    return fields;
  };

  const fieldsOf = (set: SelectionSetNode, type: GraphQLObjectType, out: FieldNode[] = []): FieldNode[] => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) out.push(s);
      else {
        const condition = s.kind === Kind.INLINE_FRAGMENT ? s.typeCondition?.name.value : fragments.get(s.name.value)?.typeCondition.name.value;
        const body = s.kind === Kind.INLINE_FRAGMENT ? s.selectionSet : fragments.get(s.name.value)?.selectionSet;
        if (body && applies(condition, type)) fieldsOf(body, type, out);
      }
    }
    return out;
  };

  const applies = (condition: string | undefined, type: GraphQLObjectType): boolean => {
    if (!condition || condition === type.name) return true;
    const target = input.schema.getType(condition);
    return target !== undefined && isAbstractType(target) && input.schema.isSubType(target, type);
  };

  const walkValue = (value: unknown, type: GraphQLNamedType, set: SelectionSetNode | undefined, scope: Scope): void => {
    if (value === null || value === undefined || !set) return;
    if (Array.isArray(value)) {
      for (const item of value) walkValue(item, type, set, scope);
      return;
    }
    if (typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    let concrete: GraphQLObjectType | undefined;
    if (isObjectType(type)) concrete = type;
    else if (isAbstractType(type)) {
      const typename = typenameOf(set, record);
      const t = typeof typename === 'string' ? input.schema.getType(typename) : undefined;
      if (isObjectType(t)) concrete = t;
      else {
        // No __typename selected: when the selection names exactly one possible type, it is that.
        const named = input.schema.getPossibleTypes(type).filter((p) => set.selections.some((s) => s.kind === Kind.INLINE_FRAGMENT && s.typeCondition?.name.value === p.name));
        if (named.length === 1) concrete = named[0];
      }
    }
    if (!concrete) return;
    walkObject(record, concrete, set, scope);
  };

  const walkObject = (value: Record<string, unknown>, type: GraphQLObjectType, set: SelectionSetNode, outer: Scope): void => {
    const { all: fields, nested } = fieldsOnce(set, type);
    let scope = outer;
    if (type.name === 'Study') {
      const id = readField(fields, value, 'id');
      const studyId = typeof id === 'string' ? id : null;
      const record: PatientDataAccess = { studyId, nhsNumber: outer.nhsNumber, trust: (studyId && trustOfStudyId(studyId)) || outer.trust };
      records.push(record);
      scope = { trust: record.trust, nhsNumber: outer.nhsNumber, record };
    } else if (type.name === 'Patient') {
      const record: PatientDataAccess = outer.record ?? { studyId: null, nhsNumber: outer.nhsNumber, trust: outer.trust };
      if (!outer.record) records.push(record);
      const nhs = normalise(readField(fields, value, 'nhsNumber'));
      if (nhs) record.nhsNumber = nhs;
      scope = { ...outer, record, nhsNumber: record.nhsNumber };
    } else if (type.name === 'PatientIdentifier' && outer.record && !outer.record.nhsNumber) {
      const kind = readField(fields, value, 'type');
      const nhs = normalise(readField(fields, value, 'value'));
      if (nhs && (kind === 'NHS_NUMBER' || kind === undefined)) outer.record.nhsNumber = nhs;
    }
    for (const { field, key, type: fieldType, set: fieldSet } of nested) {
      let inner = scope;
      if (type === root) {
        const args = argumentsOf(field, input.variables);
        const filter = args.filter as Record<string, unknown> | undefined;
        const nhs = normalise(field.name.value === 'patient' ? args.nhsNumber : field.name.value === 'studies' ? filter?.nhsNumber : undefined);
        if (nhs) {
          inner = { ...scope, nhsNumber: nhs };
          // The NHS number asked for is recorded even when nothing matched: a lookup of an
          // unknown number is itself an access attempt the audit must show.
          asked.push({ studyId: null, nhsNumber: nhs, trust: scope.trust });
        }
      }
      walkValue(value[key], fieldType, fieldSet, inner);
    }
  };

  walkValue(input.data, root, operation.selectionSet, { trust: input.defaultTrust ?? null, nhsNumber: null, record: null });
  const named = new Set(records.map((r) => r.nhsNumber));
  for (const r of [...records, ...asked.filter((a) => !named.has(a.nhsNumber))]) {
    if (!r.studyId && !r.nhsNumber) continue;
    const key = `${r.studyId}|${r.nhsNumber}|${r.trust}`;
    if (!found.has(key)) found.set(key, { ...r });
  }
  return [...found.values()];
}

/** A selection set's fields for one type: all of them, and those the walk descends into. */
interface CollectedFields {
  all: FieldNode[];
  nested: Array<{ field: FieldNode; key: string; type: GraphQLNamedType; set: SelectionSetNode }>;
}

/**
 * Every node of the field (the client's and the hidden audit id, say): the first with a value.
 * Module level, not a closure per row: tsx (esbuild `keepNames`) names every closure it creates
 * with a `defineProperty`, which showed in the profile (issue 16).
 */
function readField(fields: readonly FieldNode[], value: Record<string, unknown>, name: string): unknown {
  for (const node of fields) {
    if (node.name.value !== name) continue;
    const v = value[node.alias?.value ?? node.name.value];
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

function normalise(value: unknown): string | null {
  return typeof value === 'string' ? checkNhsNumber(value).value ?? null : null;
}

function typenameOf(set: SelectionSetNode, value: Record<string, unknown>): unknown {
  const node = set.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === '__typename');
  return value[node?.alias?.value ?? '__typename'];
}

/** Literal and variable arguments of a root field (enough for `nhsNumber` and `filter`). */
function argumentsOf(field: FieldNode, variables: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const arg of field.arguments ?? []) out[arg.name.value] = literal(arg.value, variables);
  return out;
}

function literal(node: import('graphql').ValueNode, variables: Readonly<Record<string, unknown>>): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
      return variables[node.name.value];
    case Kind.STRING:
      return node.value;
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(f.value, variables)]));
    case Kind.LIST:
      return node.values.map((v) => literal(v, variables));
    default:
      return undefined;
  }
}

