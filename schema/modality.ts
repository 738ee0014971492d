import { Kind, parse } from 'graphql';
import { networkSdl } from './network-sdl.ts';

/**
 * DICOM modality defined terms (PS3.3 C.7.3.1.1.1) as the network's `Modality` enum declares
 * them; read from the SDL so the list lives in one place.
 */
const MODALITIES: ReadonlySet<string> = (() => {
  const doc = parse(networkSdl);
  for (const def of doc.definitions) {
    if (def.kind === Kind.ENUM_TYPE_DEFINITION && def.name.value === 'Modality') {
      return new Set((def.values ?? []).map((v) => v.name.value));
    }
  }
  throw new Error('network.graphql declares no Modality enum');
})();

/** Maps a DICOM/HL7 modality code to the enum; anything unknown is `OT` (other). */
export function toModality(code: string | null | undefined): string {
  const c = (code ?? '').trim().toUpperCase();
  return MODALITIES.has(c) ? c : 'OT';
}

export function isModality(code: string): boolean {
  return MODALITIES.has(code);
}
