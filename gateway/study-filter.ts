import { badUserInput, checkNhsNumber, describeNhsNumberProblem } from '../schema/index.ts';
import type { TrustEntry, TrustRegistry } from './trust-registry.ts';

export type StudyFilterInput = Record<string, unknown> & { nhsNumber?: string | null; trusts?: string[] | null };

/**
 * Validates the filter before any trust is asked: an invalid NHS number is BAD_USER_INPUT naming
 * `filter.nhsNumber`, never a silent empty page (ARCHITECTURE.md, contracts). The number is sent
 * normalised (spaces removed).
 */
export function checkStudyFilter(filter: StudyFilterInput | null | undefined): StudyFilterInput | null {
  if (!filter) return null;
  const accession = filter['accessionNumber'];
  // Matched exactly at every trust and PACS; DICOM wildcards (PS3.4 C.2.2.2.4) would make it a
  // PACS scan (issue 15, finding 10), so they are refused here, before any trust is asked.
  if (typeof accession === 'string' && /[*?]/.test(accession)) {
    throw badUserInput('filter.accessionNumber', 'wildcard characters (* ?) are not allowed: it is matched exactly');
  }
  if (filter.nhsNumber == null) return filter;
  const result = checkNhsNumber(filter.nhsNumber);
  if (!result.value) throw badUserInput('filter.nhsNumber', describeNhsNumberProblem(result.problem!));
  return { ...filter, nhsNumber: result.value };
}

/**
 * The trusts a filter allows, in config order: `filter.trusts` is pushed down (trusts not listed
 * are not called); an unknown code is BAD_USER_INPUT naming `filter.trusts`.
 */
export function targetTrusts(registry: TrustRegistry, codes: readonly string[] | null | undefined): TrustEntry[] {
  if (codes == null) return registry.all();
  for (const code of codes) {
    if (!registry.get(code)) throw badUserInput('filter.trusts', `${JSON.stringify(code.slice(0, 10))} is not a trust of this network`);
  }
  const wanted = new Set(codes);
  return registry.all().filter((t) => wanted.has(t.code));
}
