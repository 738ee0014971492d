import { toModality } from '../../../schema/index.ts';
import type { RisOrderRow } from '../store/read-model.ts';

/**
 * The DM01 imaging tests (NHS England, "Diagnostics Waiting Times and Activity" guidance: the
 * monthly waiting list for 15 key tests, of which imaging is MRI, CT, non-obstetric ultrasound,
 * barium enema and DEXA). Only these count in `waitingOver6Weeks`; plain film, fluoroscopy other
 * than barium enema, nuclear medicine, mammography, obstetric ultrasound and the like do not.
 */
export type Dm01Test = 'MRI' | 'CT' | 'NON_OBSTETRIC_ULTRASOUND' | 'BARIUM_ENEMA' | 'DEXA';

/** A trust's own procedure codes (OBR-4.1) → DM01 test, or `NONE` to exclude a code. */
export type Dm01ProcedureMap = Readonly<Record<string, Dm01Test | 'NONE'>>;

/** Obstetric ultrasound is outside DM01: NICIP obstetric codes start `UOB`; text as a fallback. */
const OBSTETRIC = /obstet|pregnan|foetal|fetal|nuchal|dating scan|anomaly scan|growth scan/i;
const BARIUM_ENEMA = /barium enema|ba enema|double contrast enema/i;
const DEXA = /dexa|dxa|bone densitometry|bone density/i;

/**
 * The DM01 test an order is, from the trust's map of procedure codes first (a RIS's local codes
 * say more than its modality), else from the modality and the procedure's text: MR → MRI, CT → CT,
 * US → non-obstetric ultrasound unless the procedure is obstetric, BMD (or a DEXA procedure) →
 * DEXA, RF/XA/CR/DX with a barium enema procedure → barium enema; anything else is not a DM01 test.
 */
export function dm01TestOf(
  order: Pick<RisOrderRow, 'modality' | 'procedureCode' | 'description'>,
  map: Dm01ProcedureMap,
): Dm01Test | null {
  const code = order.procedureCode?.trim();
  if (code) {
    const mapped = map[code] ?? map[code.toUpperCase()];
    if (mapped) return mapped === 'NONE' ? null : mapped;
  }
  const text = `${order.description ?? ''}`;
  const modality = order.modality ? toModality(order.modality) : null;
  if (DEXA.test(text) || modality === 'BMD') return 'DEXA';
  if (BARIUM_ENEMA.test(text) && (modality === null || ['RF', 'XA', 'CR', 'DX', 'OT'].includes(modality))) return 'BARIUM_ENEMA';
  switch (modality) {
    case 'MR':
      return 'MRI';
    case 'CT':
      return 'CT';
    case 'US':
      return OBSTETRIC.test(text) || /^UOB/i.test(code ?? '') ? null : 'NON_OBSTETRIC_ULTRASOUND';
    default:
      return null;
  }
}
