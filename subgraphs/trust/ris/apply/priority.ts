import type { PriorityValue } from '../../store/read-model.ts';

/**
 * Order priority from HL7 table 0027 (TQ1-9 in v2.5; component 6 of the TQ in ORC-7 / OBR-27 in
 * v2.3–2.4): S stat → STAT, A ASAP → URGENT, R routine → ROUTINE. Some RIS send the words
 * instead of the codes. Other 0027 values (P preoperative, C callback, T timing critical, PRN)
 * have no network equivalent: undefined, so the stored priority is left as it was.
 */
export function toPriority(value: string): PriorityValue | undefined {
  switch (value.trim().toUpperCase()) {
    case 'S':
    case 'STAT':
      return 'STAT';
    case 'A':
    case 'ASAP':
    case 'URGENT':
      return 'URGENT';
    case 'R':
    case 'ROUTINE':
      return 'ROUTINE';
    default:
      return undefined;
  }
}
