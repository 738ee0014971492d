/**
 * Per-request DataLoaders over the PACS, so a page of N studies costs one QIDO-RS request for
 * their series and one for their study rows, not N (ARCHITECTURE.md "No N+1"; PS3.4 C.2.2.2.2
 * UID list matching does the batching on the wire).
 *
 * Create them per GraphQL request: DataLoader caches for its lifetime, and PACS data must not
 * outlive a request. A failed batch rejects every key of it with the same PacsUnavailableError,
 * so each field that asked becomes null plus one `PACS_UNAVAILABLE` error.
 */
import DataLoader from 'dataloader';
import type { DicomWebClient } from './dicomweb-client.ts';
import type { PacsSeries, PacsStudy } from './study-mapping.ts';

export interface PacsLoaders {
  /** StudyInstanceUID → its series (empty when the PACS holds none), ordered by series number. */
  seriesByStudy: DataLoader<string, PacsSeries[]>;
  /** StudyInstanceUID → the study row, or null when the PACS does not hold it. */
  studyByUid: DataLoader<string, PacsStudy | null>;
}

type PacsSearches = Pick<DicomWebClient, 'searchSeries' | 'searchStudies'>;

/** Series number order, unnumbered last, then by UID so the order is stable across calls. */
function bySeriesNumber(a: PacsSeries, b: PacsSeries): number {
  if (a.number !== b.number) {
    if (a.number === null) return 1;
    if (b.number === null) return -1;
    return a.number - b.number;
  }
  return a.seriesInstanceUid < b.seriesInstanceUid ? -1 : a.seriesInstanceUid > b.seriesInstanceUid ? 1 : 0;
}

export function createPacsLoaders(client: PacsSearches): PacsLoaders {
  const seriesByStudy = new DataLoader<string, PacsSeries[]>(async (uids) => {
    const series = await client.searchSeries(uids);
    const grouped = new Map<string, PacsSeries[]>(uids.map((uid) => [uid, []]));
    for (const s of series) grouped.get(s.studyInstanceUid)?.push(s);
    return uids.map((uid) => grouped.get(uid)!.sort(bySeriesNumber));
  });
  const studyByUid = new DataLoader<string, PacsStudy | null>(async (uids) => {
    const studies = await client.searchStudies({ studyInstanceUids: [...uids] });
    const byUid = new Map(studies.map((s) => [s.studyInstanceUid, s]));
    return uids.map((uid) => byUid.get(uid) ?? null);
  });
  return { seriesByStudy, studyByUid };
}
