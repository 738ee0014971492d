import type { PacsStudy } from '../pacs/study-mapping.ts';

/**
 * One accession, several PACS studies (a re-scan under the same request, a study split or merged
 * in the PACS). Every one of them is a study of the network with its own id; the RIS order (its
 * status and reports: the report covers the accession) is joined to ALL of them, and ONE of them,
 * the primary, keeps the accession-keyed id (`kind: accession`); the others are keyed by their
 * Study Instance UID (`kind: uid`), so no id repeats in a page.
 *
 * The primary is the study whose UID the order named (IPC-3, OMI: the RIS said which one); else
 * the earliest performed (the original examination; a re-scan comes later); studies without a
 * time come after those with one; the Study Instance UID breaks ties, so the choice does not
 * depend on the PACS's result order.
 */
export function primaryPacsStudy(candidates: readonly PacsStudy[], orderUid: string | null | undefined): PacsStudy | undefined {
  if (orderUid) {
    const named = candidates.find((p) => p.studyInstanceUid === orderUid);
    if (named) return named;
  }
  let best: PacsStudy | undefined;
  for (const p of candidates) {
    if (!best || comparePrimary(p, best) < 0) best = p;
  }
  return best;
}

function comparePrimary(a: PacsStudy, b: PacsStudy): number {
  const ta = a.performedAt === null ? Number.POSITIVE_INFINITY : Date.parse(a.performedAt);
  const tb = b.performedAt === null ? Number.POSITIVE_INFINITY : Date.parse(b.performedAt);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.studyInstanceUid < b.studyInstanceUid ? -1 : a.studyInstanceUid > b.studyInstanceUid ? 1 : 0;
}
