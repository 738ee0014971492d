import { badUserInput, isModality, isTrustCode, parseDateTime } from '../../../schema/index.ts';
import { CAPACITY_DIMENSION_VALUES, PRIORITY_VALUES, type CapacityDimensionValue } from '../../../schema/generated/enums.ts';
import { resolveWindow } from './capacity-window.ts';

/** `CapacityDimension` (network.graphql). */
export type CapacityDimension = CapacityDimensionValue;

const DIMENSIONS: ReadonlySet<string> = new Set(CAPACITY_DIMENSION_VALUES);
const PRIORITIES: ReadonlySet<string> = new Set(PRIORITY_VALUES);

/** `CapacityFilter` as GraphQL hands it to the resolver. */
export interface CapacityFilterInput {
  trusts?: readonly string[] | null;
  modalities?: readonly string[] | null;
  priorities?: readonly string[] | null;
  from?: string | null;
  to?: string | null;
  asOf?: string | null;
}

/** A validated capacity filter; absent conditions do not restrict. */
export interface CapacityQuery {
  trusts?: readonly string[];
  modalities?: readonly string[];
  priorities?: readonly string[];
  /** Window start; @default toMillis − 28 days */
  fromMillis?: number;
  /** Window end; @default now */
  toMillis?: number;
  /** The instant the backlog measures are taken at (a month-end census); @default now */
  asOfMillis?: number;
}

function instant(argument: string, value: string): number {
  const parsed = parseDateTime(value);
  const millis = parsed === undefined ? Number.NaN : Date.parse(parsed);
  if (Number.isNaN(millis)) throw badUserInput(argument, 'must be a DateTime with an offset, e.g. 2026-03-29T01:30:00+01:00');
  return millis;
}

/**
 * Validates `capacity(filter:)`; BAD_USER_INPUT naming the argument. Trust codes need only look
 * like ODS codes: one the network does not know simply matches nothing.
 */
export function toCapacityQuery(filter: CapacityFilterInput | null | undefined, now: Date): CapacityQuery {
  const q: CapacityQuery = {};
  if (!filter) return q;
  if (filter.trusts != null) {
    for (const t of filter.trusts) if (!isTrustCode(t)) throw badUserInput('filter.trusts', `not an ODS trust code: ${JSON.stringify(t)}`);
    q.trusts = filter.trusts;
  }
  if (filter.modalities != null) {
    for (const m of filter.modalities) if (!isModality(m)) throw badUserInput('filter.modalities', `unknown modality ${m}`);
    q.modalities = filter.modalities;
  }
  if (filter.priorities != null) {
    for (const p of filter.priorities) if (!PRIORITIES.has(p)) throw badUserInput('filter.priorities', `unknown priority ${p}`);
    q.priorities = filter.priorities;
  }
  if (filter.from != null) q.fromMillis = instant('filter.from', filter.from);
  if (filter.to != null) q.toMillis = instant('filter.to', filter.to);
  if (filter.asOf != null) {
    q.asOfMillis = instant('filter.asOf', filter.asOf);
    if (q.asOfMillis > now.getTime()) throw badUserInput('filter.asOf', 'is in the future: the backlog can only be told as of now or a past instant');
  }
  const window = resolveWindow(q, now);
  if (window.fromMillis > window.toMillis) {
    throw badUserInput('filter.from', filter.to != null ? 'is after filter.to' : 'is after filter.to (default: now)');
  }
  return q;
}

/** Validates `capacity(groupBy:)` and drops repeats (grouping twice by one dimension is once). */
export function toCapacityDimensions(groupBy: readonly string[] | null | undefined): CapacityDimension[] {
  const out: CapacityDimension[] = [];
  for (const d of groupBy ?? []) {
    if (!DIMENSIONS.has(d)) throw badUserInput('groupBy', `unknown dimension ${d}`);
    if (!out.includes(d as CapacityDimension)) out.push(d as CapacityDimension);
  }
  return out;
}
