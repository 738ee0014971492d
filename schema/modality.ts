import { MODALITY_VALUES } from './generated/enums.ts';

/**
 * DICOM modality defined terms (PS3.3 C.7.3.1.1.1) as the network's `Modality` enum declares
 * them (generated from the SDL, so the list lives in one place).
 */
const MODALITIES: ReadonlySet<string> = new Set(MODALITY_VALUES);

/** Maps a DICOM/HL7 modality code to the enum; anything unknown is `OT` (other). */
export function toModality(code: string | null | undefined): string {
  const c = (code ?? '').trim().toUpperCase();
  return MODALITIES.has(c) ? c : 'OT';
}

export function isModality(code: string): boolean {
  return MODALITIES.has(code);
}
