import { encodeStudyId, sortMillis } from '../../schema/index.ts';
import type { RisOrderRow } from './store/read-model.ts';
import type { PacsStudy } from './pacs/study-mapping.ts';
import { joinedModalities, joinedPerformedAt, joinedSortAt, joinedStatus } from './store/study-join.ts';

/**
 * One study as the trust serves it: the RIS order and the PACS study joined on accession number
 * (ARCHITECTURE.md, data rules). Either side may be missing. RIS wins for status, priority and
 * request/schedule times; the PACS for series, images, and the performed time when the RIS has
 * none. The derived fields come from store/study-join.ts, which the study index uses too.
 */
export interface StudyView {
  id: string;
  trust: string;
  accessionNumber: string | null;
  studyInstanceUid: string | null;
  order: RisOrderRow | undefined;
  pacs: PacsStudy | undefined;
  performedAt: string | null;
  /** performed, else scheduled, else requested (the network's ordering time). */
  sortAt: string | null;
  sortMillis: number | null;
}

/**
 * `keyedBy: 'uid'` keys the study by its Study Instance UID although it has an accession: a
 * further PACS study of an accession whose primary study holds the accession-keyed id
 * (primary-pacs-study.ts).
 */
export function joinStudy(
  trust: string,
  order: RisOrderRow | undefined,
  pacs: PacsStudy | undefined,
  keyedBy: 'accession' | 'uid' = 'accession',
): StudyView {
  if (!order && !pacs) throw new Error('joinStudy needs an order or a PACS study');
  const accessionNumber = order?.accessionNumber ?? (pacs?.accessionNumber || null);
  const studyInstanceUid = pacs?.studyInstanceUid ?? order?.studyInstanceUid ?? null;
  const id = accessionNumber && !(keyedBy === 'uid' && pacs)
    ? encodeStudyId({ trust, kind: 'accession', value: accessionNumber })
    : encodeStudyId({ trust, kind: 'uid', value: studyInstanceUid as string });
  const sortAt = joinedSortAt(order, pacs);
  return {
    id,
    trust,
    accessionNumber,
    studyInstanceUid,
    order,
    pacs,
    performedAt: joinedPerformedAt(order, pacs),
    sortAt,
    sortMillis: sortMillis(sortAt),
  };
}

/** Modalities: the PACS's ModalitiesInStudy (0008,0061), else the ordered modality. */
export function studyModalities(view: StudyView): string[] {
  return joinedModalities(view.order, view.pacs);
}

/** Status: RIS-derived when an order exists; a PACS-only study has images, so COMPLETED. */
export function studyStatus(view: StudyView): string {
  return joinedStatus(view.order);
}
