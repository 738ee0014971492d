import type { RisOrderRow } from '../../../../subgraphs/trust/store/read-model.ts';
import type { RisReportRow } from '../../../../subgraphs/trust/ris/ingest-port.ts';

/**
 * A small synthetic RIS (no real patients). Times are local (BST, +01:00) in June 2026. With
 * now = 2026-06-29T12:00:00+01:00 the default window is 2026-06-01T12:00+01:00 .. now, and the
 * DM01 line (now − 42 × 24 h) is 2026-05-18T12:00+01:00.
 */
export const NOW = new Date('2026-06-29T12:00:00+01:00');

let seq = 0;
export function order(o: Partial<RisOrderRow> & Pick<RisOrderRow, 'accessionNumber'>): RisOrderRow {
  return {
    studyInstanceUid: null,
    patientId: ++seq,
    description: 'synthetic',
    bodyPart: null,
    modality: 'CT',
    priority: 'ROUTINE',
    status: 'REQUESTED',
    requestedAt: null,
    scheduledAt: null,
    performedAt: null,
    orderMissing: false,
    procedureCode: null,
    procedureCodingSystem: null,
    patientClass: null,
    waitStartedAt: null,
    ...o,
  };
}

export function report(accessionNumber: string, version: number, status: RisReportRow['status'], reportedAt: string): RisReportRow {
  // Patient-identifying text on purpose: none of it may reach a capacity report.
  return { accessionNumber, version, status, reportedAt, text: 'Patient JONES, NHS 9990000018, MRN M12345: no acute finding', author: 'D123 SMITH ANNE', kind: 'ORIGINAL', hasAttachment: false, reporter: null, assistant: null };
}

const t = (s: string) => `2026-${s}+01:00`;

export const ORDERS: RisOrderRow[] = [
  // CT: requested 06-02, performed after 24 h, final after 24 h.
  order({ accessionNumber: 'A1', status: 'FINAL', requestedAt: t('06-02T09:00:00'), performedAt: t('06-03T09:00:00') }),
  // CT: 72 h to exam; P, then F after 120 h, then a correction.
  order({ accessionNumber: 'A2', status: 'AMENDED', requestedAt: t('06-02T10:00:00'), performedAt: t('06-05T10:00:00') }),
  // CT urgent: scheduled and performed the same day (6 h), not reported.
  order({ accessionNumber: 'A3', priority: 'URGENT', status: 'COMPLETED', requestedAt: t('06-09T08:00:00'), scheduledAt: t('06-09T12:00:00'), performedAt: t('06-09T14:00:00') }),
  // CT requested in April (outside the window), performed 06-15: 75 days = 1800 h; final after 24 h.
  order({ accessionNumber: 'A4', status: 'FINAL', requestedAt: t('04-01T09:00:00'), performedAt: t('06-15T09:00:00') }),
  // MR requested 04-20, booked for July, not performed: waiting over 6 weeks.
  order({ accessionNumber: 'A5', modality: 'MR', status: 'SCHEDULED', requestedAt: t('04-20T09:00:00'), scheduledAt: t('07-10T09:00:00') }),
  // MR requested 06-20: in the window, not yet waiting 6 weeks.
  order({ accessionNumber: 'A6', modality: 'MR', status: 'REQUESTED', requestedAt: t('06-20T09:00:00') }),
  // MR stat performed 05-02 (outside), final 06-05: 34 days = 816 h, over 4 weeks.
  order({ accessionNumber: 'A7', modality: 'MR', priority: 'STAT', status: 'FINAL', requestedAt: t('05-01T09:00:00'), performedAt: t('05-02T09:00:00') }),
  // US cancelled: requested and scheduled in the window, never in the backlog.
  order({ accessionNumber: 'A8', modality: 'US', status: 'CANCELLED', requestedAt: t('06-03T09:00:00'), scheduledAt: t('06-04T09:00:00') }),
  // US cancelled in April: nothing in the window, not waiting (cancelled).
  order({ accessionNumber: 'A9', modality: 'US', status: 'CANCELLED', requestedAt: t('04-01T09:00:00') }),
  // 'XR' is no DICOM modality: OT. No priority. 0.5 h to exam, preliminary report only.
  order({ accessionNumber: 'A10', modality: 'XR', priority: null, status: 'PRELIMINARY', requestedAt: t('06-22T09:00:00'), performedAt: t('06-22T09:30:00') }),
  // CT performed 05-26 (outside), never reported: the oldest unreported study.
  order({ accessionNumber: 'A11', status: 'COMPLETED', requestedAt: t('05-25T09:00:00'), performedAt: t('05-26T09:00:00') }),
  // MR performed 06-12 after 48 h; only a correction (C, no F) 24 h later counts as first final.
  order({ accessionNumber: 'A12', modality: 'MR', status: 'FINAL', requestedAt: t('06-10T09:00:00'), performedAt: t('06-12T09:00:00') }),
];

export const REPORTS = new Map<string, RisReportRow[]>([
  ['A1', [report('A1', 1, 'FINAL', t('06-04T09:00:00'))]],
  ['A2', [report('A2', 1, 'PRELIMINARY', t('06-06T10:00:00')), report('A2', 2, 'FINAL', t('06-10T10:00:00')), report('A2', 3, 'CORRECTED', t('06-11T10:00:00'))]],
  ['A4', [report('A4', 1, 'FINAL', t('06-16T09:00:00'))]],
  ['A7', [report('A7', 1, 'FINAL', t('06-05T09:00:00'))]],
  ['A10', [report('A10', 1, 'PRELIMINARY', t('06-22T10:00:00'))]],
  ['A12', [report('A12', 1, 'CORRECTED', t('06-13T09:00:00'))]],
]);

/** CT: one scanner, 10 a day; MR: two, 5 + 3 a day; nothing declared for US or OT. */
export const SCANNERS = [
  { id: 'CT1', modality: 'CT', examsPerDay: 10 },
  { id: 'MR1', modality: 'MR', examsPerDay: 5 },
  { id: 'MR2', modality: 'mr', examsPerDay: 3 },
];

/** `actual` is within the sketches' 1% relative bound of `exact`. */
export function within1Percent(actual: number | null, exact: number): boolean {
  return actual !== null && Math.abs(actual - exact) <= 0.01 * Math.abs(exact) + 1e-9;
}
