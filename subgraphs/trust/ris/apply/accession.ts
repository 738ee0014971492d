/**
 * Where a trust's RIS puts the accession number (the RIS–PACS join key, DICOM (0008,0050)).
 * Sites differ, so it is configuration (`hl7.accessionNumber`):
 * - `auto` (default): IPC-1 (OMI, v2.5 ch. 4.5.6: IPC-1 "Accession Identifier"), then OBR-18
 *   (placer field 1, the IHE SWF v2.3.1 home of the accession number), then the filler order
 *   number (OBR-3, ORC-3, SIU SCH-27).
 * - `OBR-18`, `IPC-1`: that field only.
 * - `OBR-3`: the filler order number wherever the message carries it (OBR-3, ORC-3, SCH-27).
 * - `OBR-2`: the placer order number (OBR-2, ORC-2, SCH-26).
 * Order numbers are EI (entity identifier): the accession is component 1.
 */
export type AccessionMode = 'auto' | 'OBR-18' | 'OBR-3' | 'OBR-2' | 'IPC-1';

export const ACCESSION_MODES: readonly AccessionMode[] = ['auto', 'OBR-18', 'OBR-3', 'OBR-2', 'IPC-1'];

/** Candidate values, as read from one order group (empty string when absent). */
export interface AccessionSources {
  ipc1?: string | undefined;
  obr18?: string | undefined;
  /** Filler order number: OBR-3.1, else ORC-3.1, else SCH-27.1. */
  filler?: string;
  /** Placer order number: OBR-2.1, else ORC-2.1, else SCH-26.1. */
  placer?: string;
}

/** The fields a mode reads, for the ERR location of a message that has none of them. */
export function accessionFields(mode: AccessionMode): string {
  switch (mode) {
    case 'auto':
      return 'IPC-1/OBR-18/OBR-3';
    case 'OBR-3':
      return 'OBR-3/ORC-3/SCH-27';
    case 'OBR-2':
      return 'OBR-2/ORC-2/SCH-26';
    default:
      return mode;
  }
}

/** The accession number per `mode`, or undefined when the message carries none there. */
export function accessionOf(sources: AccessionSources, mode: AccessionMode): string | undefined {
  const pick = (...values: (string | undefined)[]): string | undefined =>
    values.map((v) => v?.trim()).find((v): v is string => !!v && v !== '""');
  switch (mode) {
    case 'auto':
      return pick(sources.ipc1, sources.obr18, sources.filler);
    case 'IPC-1':
      return pick(sources.ipc1);
    case 'OBR-18':
      return pick(sources.obr18);
    case 'OBR-3':
      return pick(sources.filler);
    case 'OBR-2':
      return pick(sources.placer);
  }
}
