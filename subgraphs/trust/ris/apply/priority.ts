import type { PriorityValue } from '../../../../schema/generated/enums.ts';
import type { Priority as PriorityCode } from '../hl7/vocabulary.ts';

/**
 * Order priority: HL7 table 0027 (TQ1-9 in v2.5; component 6 of the TQ in ORC-7 / OBR-27 in
 * v2.3–2.4) and the local words UK RIS send instead ("Urgent", "Soon", "2WW", "Planned"…), mapped
 * per trust (`hl7.priorities`) onto the network's priorities. The trust's map is read first, then
 * these defaults (table 0027's S, A, R and their words). P (preoperative), C (callback), T
 * (timing critical) and PRN have no network meaning until a trust says which they are.
 */
export const DEFAULT_PRIORITIES: Readonly<Partial<Record<PriorityCode, PriorityValue>> & Record<string, PriorityValue>> = {
  S: 'STAT',
  STAT: 'STAT',
  A: 'URGENT',
  ASAP: 'URGENT',
  URGENT: 'URGENT',
  R: 'ROUTINE',
  ROUTINE: 'ROUTINE',
};

export type PriorityMapping = { kind: 'mapped'; value: PriorityValue } | { kind: 'unmapped'; value: string };

/**
 * The network priority of a received value, or `unmapped` naming it. An unmapped value is never
 * a silent keep of the old priority: the caller warns (ERR 103 naming the value) and clears it,
 * because the old value is no longer what the RIS says.
 */
export function mapPriority(value: string, trustMap: Readonly<Record<string, PriorityValue>>): PriorityMapping {
  const key = value.trim().toUpperCase();
  const mapped = trustMap[key] ?? trustMap[value.trim()] ?? DEFAULT_PRIORITIES[key];
  if (mapped) return { kind: 'mapped', value: mapped };
  return { kind: 'unmapped', value: value.trim() };
}
