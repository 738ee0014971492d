import type { Hl7Segment } from '../hl7/index.ts';
import { valueChange } from './message-context.ts';

/**
 * OBR-4 universal service identifier (CE in v2.3–2.4, CWE in v2.5): component 1 the code,
 * 2 the text, 3 the name of the coding system (table 0396: e.g. `SCT` SNOMED CT; UK RIS use
 * `NICIP` for the National Interim Clinical Imaging Procedure codes, and local names for their
 * own codes). Each is a change (HL7 v2.5.1 ch. 2.5.3): `""` clears, empty leaves unchanged.
 */
export interface ProcedureChange {
  code?: string | null;
  codingSystem?: string | null;
  display?: string | null;
}

/** Coding system names as the network shows them; anything else is kept as sent (a local system). */
const CODING_SYSTEMS: Record<string, string> = {
  SCT: 'SNOMED CT',
  SNOMEDCT: 'SNOMED CT',
  'SNOMED CT': 'SNOMED CT',
  SNM: 'SNOMED CT',
  NICIP: 'NICIP',
  NIC: 'NICIP',
};

export function codingSystemName(raw: string): string {
  return CODING_SYSTEMS[raw.trim().toUpperCase()] ?? raw.trim();
}

export function readProcedure(obr: Hl7Segment | undefined): ProcedureChange {
  if (!obr) return {};
  if (obr.field(4)?.isNull()) return { code: null, codingSystem: null, display: null };
  const out: ProcedureChange = {};
  const code = valueChange(obr, '4.1');
  const text = valueChange(obr, '4.2');
  const system = valueChange(obr, '4.3');
  if (code !== undefined) out.code = code;
  // The display: the text, else the code (what `Study.description` always showed).
  const display = text ?? code;
  if (display !== undefined) out.display = display;
  if (system !== undefined) out.codingSystem = system === null ? null : codingSystemName(system);
  else if (code) out.codingSystem = null;
  return out;
}
