/**
 * `Patient.conflicts` across trusts: where the records of one NHS number disagree on date of
 * birth or sex, a classic sign that one of them carries the wrong number. Each trust reports its
 * own value and the disagreements among its own records; this merges them. Unknown values (null,
 * `UNKNOWN`) are not a disagreement: a trust that does not know is not contradicting anyone.
 */

export type ConflictField = 'birthDate' | 'sex';
export const CONFLICT_FIELDS: readonly ConflictField[] = ['birthDate', 'sex'];

/** What one trust said about the patient. */
export interface TrustDemographics {
  trust: string;
  values: Partial<Record<ConflictField, unknown>>;
  /** The trust's own `conflicts` (its records disagreeing among themselves). */
  conflicts: readonly { field?: unknown; values?: unknown }[];
}

export interface MergedConflict {
  field: ConflictField;
  /** Trust codes holding a known value, in the order the answers were given (config order). */
  trusts: string[];
  /** Distinct known values, sorted. */
  values: string[];
}

const known = (v: unknown): v is string => typeof v === 'string' && v !== '' && v !== 'UNKNOWN';

export function mergePatientConflicts(answers: readonly TrustDemographics[]): MergedConflict[] {
  const out: MergedConflict[] = [];
  for (const field of CONFLICT_FIELDS) {
    const values = new Set<string>();
    const trusts: string[] = [];
    for (const answer of answers) {
      const held = new Set<string>();
      if (known(answer.values[field])) held.add(answer.values[field]);
      for (const c of answer.conflicts) {
        if (c.field !== field || !Array.isArray(c.values)) continue;
        for (const v of c.values) if (known(v)) held.add(v);
      }
      if (held.size === 0) continue;
      if (!trusts.includes(answer.trust)) trusts.push(answer.trust);
      for (const v of held) values.add(v);
    }
    if (values.size > 1) out.push({ field, trusts, values: [...values].sort() });
  }
  return out;
}
