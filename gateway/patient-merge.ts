import {
  Kind,
  getArgumentValues,
  responsePathAsArray,
  type FieldNode,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type SelectionNode,
} from 'graphql';
import { badUserInput, checkNhsNumber, describeNhsNumberProblem, type StudySortKey } from '../schema/index.ts';
import { gatewayObject } from './alias-field-resolver.ts';
import { fanOut } from './fan-out.ts';
import { mergePatientConflicts } from './patient-conflicts.ts';
import { HIDDEN_PREFIX, buildOperation, field, forwardedSelections, variable, variableDefinition } from './forward-selection.ts';
import type { GatewayContext } from './gateway-context.ts';
import { STUDY_ORDER, hiddenConnectionSelections, mergeConnections, readTrustPage, responseKeysOf, type TrustConnection } from './merged-connection.ts';
import type { TrustPositions } from './network-cursor.ts';
import { checkAfter, checkFirst } from './page-arguments.ts';
import { ROOT_KEY, rootReader } from './root-answer.ts';
import { fieldErrorOf, keepFieldError } from './trust-answer.ts';
import { checkOutcomes, checkParts } from './trust-outcomes.ts';
import type { TrustEntry } from './trust-registry.ts';

/** What each trust is asked for so the gateway can say where trusts disagree (Patient.conflicts). */
const CONFLICT_SELECTIONS: readonly SelectionNode[] = [
  field('birthDate', { alias: `${HIDDEN_PREFIX}cfBirthDate` }),
  field('sex', { alias: `${HIDDEN_PREFIX}cfSex` }),
  field('conflicts', { alias: `${HIDDEN_PREFIX}cfOwn`, selections: [field('field'), field('values')] }),
];

/** One `Patient.studies` response key: its page arguments and its rewritten selections. */
interface StudiesPlan {
  key: string;
  first: number;
  start: TrustPositions;
  firstVar: string;
  afterVar: string;
  selections: SelectionNode[];
}

/**
 * `Query.patient(nhsNumber)`: every trust is asked for the patient; the answers are merged into
 * ONE Patient, or null when no trust knows the number.
 *
 * Merge rules (response key by response key):
 * - `identifiers`: every trust's identifiers, concatenated in config order, duplicates removed.
 * - `conflicts`: computed here (patient-conflicts.ts) from every trust's date of birth and sex and
 *   each trust's own record conflicts, asked for under hidden keys: trusts that disagree are named.
 * - `studies`: a merged page across trusts, exactly like `Query.studies` (per-trust positions in
 *   the gateway cursor).
 * - demographics (`nhsNumber`, `name`, `birthDate`, `sex`) and anything else: the value of the
 *   FIRST trust in config order that has a non-null value. Why not "most recent": trusts expose
 *   no update time for demographics; why not majority: with two or three trusts there is rarely
 *   one. Config order is deterministic and operators control it (list the network's lead trust
 *   first). Whole values are taken from one trust: a name's family and given names never mix.
 */
export const resolvePatient: GraphQLFieldResolver<unknown, GatewayContext, { nhsNumber: string }> = async (_source, args, ctx, info) => {
  const checked = checkNhsNumber(args.nhsNumber);
  if (!checked.value) throw badUserInput('nhsNumber', describeNhsNumberProblem(checked.problem!));
  const patientType = ctx.schema.getType('Patient') as GraphQLObjectType;
  const plans = new Map<string, StudiesPlan>();
  const selections = planStudies(forwardedSelections({ schema: ctx.schema, fragments: info.fragments }, info.fieldNodes, patientType), patientType, info, ctx, plans);
  // Patient.conflicts is computed here from every trust's values (patient-conflicts.ts).
  if ([...fieldKeys(selections).values()].includes('conflicts')) selections.push(...CONFLICT_SELECTIONS);
  const root = field('patient', { alias: ROOT_KEY, args: { nhsNumber: variable(`${HIDDEN_PREFIX}nhs`) }, selections });
  const definitions = [variableDefinition(`${HIDDEN_PREFIX}nhs`, 'String!')];
  for (const p of plans.values()) definitions.push(variableDefinition(p.firstVar, 'Int'), variableDefinition(p.afterVar, 'String'));
  const outcomes = await fanOut(ctx, ctx.registry.all(), (trust) => {
    const values: Record<string, unknown> = { [`${HIDDEN_PREFIX}nhs`]: checked.value };
    for (const p of plans.values()) {
      values[p.firstVar] = p.first;
      values[p.afterVar] = p.start[trust.code] ?? null;
    }
    return buildOperation(info, [root], { definitions, values });
  });

  const { answers, unavailable } = checkOutcomes(
    ctx,
    outcomes,
    responsePathAsArray(info.path),
    rootReader((patient, trust) => (patient ? { trust, patient } : null)),
  );
  if (answers.length === 0) return null;
  return mergePatients(ctx, answers.map((a) => a.value), fieldKeys(selections), plans, unavailable);
};

/** Rewrites each `studies` field: the gateway's page variables and the merge's hidden fields. */
function planStudies(selections: readonly SelectionNode[], type: GraphQLObjectType, info: GraphQLResolveInfo, ctx: GatewayContext, plans: Map<string, StudiesPlan>): SelectionNode[] {
  return selections.map((sel): SelectionNode => {
    if (sel.kind === Kind.INLINE_FRAGMENT) {
      return { ...sel, selectionSet: { ...sel.selectionSet, selections: planStudies(sel.selectionSet.selections, type, info, ctx, plans) } };
    }
    if (sel.kind !== Kind.FIELD || sel.name.value !== 'studies') return sel;
    const key = sel.alias?.value ?? 'studies';
    let plan = plans.get(key);
    if (!plan) {
      const args = getArgumentValues(type.getFields().studies!, sel, info.variableValues);
      const n = plans.size;
      plan = {
        key,
        first: checkFirst(args.first, ctx.config.maxPageSize, 'studies.first'),
        start: checkAfter(args.after, 'studies.after'),
        firstVar: `${HIDDEN_PREFIX}first${n}`,
        afterVar: `${HIDDEN_PREFIX}after${n}`,
        selections: [],
      };
      plans.set(key, plan);
    }
    plan.selections.push(...(sel.selectionSet?.selections ?? []));
    const rewritten: FieldNode = field('studies', {
      alias: key,
      args: { first: variable(plan.firstVar), after: variable(plan.afterVar) },
      selections: [...(sel.selectionSet?.selections ?? []), ...hiddenConnectionSelections(STUDY_ORDER)],
    });
    return { ...rewritten, directives: sel.directives ?? [] };
  });
}

/** Response key → field name, through inline fragments. */
function fieldKeys(selections: readonly SelectionNode[], into = new Map<string, string>()): Map<string, string> {
  for (const sel of selections) {
    if (sel.kind === Kind.FIELD) into.set(sel.alias?.value ?? sel.name.value, sel.name.value);
    else if (sel.kind === Kind.INLINE_FRAGMENT) fieldKeys(sel.selectionSet.selections, into);
  }
  return into;
}

function mergePatients(
  ctx: GatewayContext,
  found: ReadonlyArray<{ trust: string; patient: Record<string, unknown> }>,
  keys: ReadonlyMap<string, string>,
  plans: ReadonlyMap<string, StudiesPlan>,
  unavailable: readonly TrustEntry[],
): Record<string | symbol, unknown> {
  const merged: Record<string | symbol, unknown> = Object.create(null); // keys are client aliases (finding 12)
  for (const [key, fieldName] of keys) {
    if (key.startsWith(HIDDEN_PREFIX)) continue;
    const plan = plans.get(key);
    if (fieldName === 'studies' && plan) {
      merged[key] = mergeStudies(ctx, found, plan, unavailable);
    } else if (fieldName === 'conflicts') {
      merged[key] = mergePatientConflicts(found.map(({ trust, patient }) => ({
        trust,
        values: { birthDate: patient[`${HIDDEN_PREFIX}cfBirthDate`], sex: patient[`${HIDDEN_PREFIX}cfSex`] },
        conflicts: Array.isArray(patient[`${HIDDEN_PREFIX}cfOwn`]) ? (patient[`${HIDDEN_PREFIX}cfOwn`] as { field?: unknown; values?: unknown }[]) : [],
      }))).map((c) => gatewayObject({ field: c.field, values: c.values, trusts: c.trusts.map((code) => gatewayObject({ code })) }));
    } else if (fieldName === 'identifiers') {
      const seen = new Set<string>();
      merged[key] = found.flatMap(({ patient }) => (Array.isArray(patient[key]) ? (patient[key] as unknown[]) : [])).filter((id) => {
        const k = JSON.stringify(id);
        return seen.has(k) ? false : (seen.add(k), true);
      });
    } else {
      const first = found.find(({ patient }) => patient[key] != null);
      if (first) merged[key] = first.patient[key];
      else {
        const error = found.map(({ patient }) => fieldErrorOf(patient, key)).find((e) => e);
        if (error) keepFieldError(merged, key, error);
      }
    }
  }
  return merged;
}

function mergeStudies(
  ctx: GatewayContext,
  found: ReadonlyArray<{ trust: string; patient: Record<string, unknown> }>,
  plan: StudiesPlan,
  unavailable: readonly TrustEntry[],
): Record<string | symbol, unknown> {
  const pages = checkParts(
    ctx,
    found,
    (f) => f.trust,
    ({ trust, patient }): TrustConnection<StudySortKey> => {
      const connection = patient[plan.key] as Record<string, unknown> | null;
      return { trust, connection: connection ?? {}, page: readTrustPage(trust, connection, STUDY_ORDER) };
    },
  );
  const missing = [...unavailable, ...pages.failed.map((code) => ({ code }))];
  return mergeConnections(pages.values, responseKeysOf(plan.selections, 'edges'), plan.first, plan.start, missing, STUDY_ORDER.compare);
}
