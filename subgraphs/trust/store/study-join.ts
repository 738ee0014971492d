import { toModality } from '../../../schema/index.ts';
import type { RisOrderRow } from './read-model.ts';
import type { PacsStudy } from '../pacs/study-mapping.ts';

/**
 * The joined study's derived fields (RIS order ⨝ PACS study on accession number, ARCHITECTURE.md
 * data rules), as pure functions of the two sides. The resolvers (study-view.ts) and the study
 * index (study-index-row.ts) both call these, so a page read from the index says exactly what
 * the resolvers would say of the same rows.
 */

/** Status: RIS-derived when an order exists; a PACS-only study has images, so COMPLETED. */
export function joinedStatus(order: Pick<RisOrderRow, 'status'> | undefined): string {
  return order?.status ?? 'COMPLETED';
}

/** Modalities: the PACS's ModalitiesInStudy (0008,0061), else the ordered modality; Modality enum values. */
export function joinedModalities(order: Pick<RisOrderRow, 'modality'> | undefined, pacs: Pick<PacsStudy, 'modalities'> | undefined): string[] {
  const fromPacs = pacs?.modalities ?? [];
  const raw = fromPacs.length > 0 ? fromPacs : order?.modality ? [order.modality] : [];
  return [...new Set(raw.map(toModality))];
}

/** Performed time: the RIS's, else the PACS's StudyDate/StudyTime. */
export function joinedPerformedAt(order: Pick<RisOrderRow, 'performedAt'> | undefined, pacs: Pick<PacsStudy, 'performedAt'> | undefined): string | null {
  return order?.performedAt ?? pacs?.performedAt ?? null;
}

/** The network's ordering time: performed, else scheduled, else requested (schema/study-order.ts). */
export function joinedSortAt(
  order: Pick<RisOrderRow, 'performedAt' | 'scheduledAt' | 'requestedAt'> | undefined,
  pacs: Pick<PacsStudy, 'performedAt'> | undefined,
): string | null {
  return joinedPerformedAt(order, pacs) ?? order?.scheduledAt ?? order?.requestedAt ?? null;
}
