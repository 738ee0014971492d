import { createHash } from 'node:crypto';

/**
 * A deterministic UID under the `2.25` arc (PS3.5 Annex B.2: a UUID written as one decimal
 * integer). The 128 bits are the first 16 bytes of SHA-256 over the parts, with the UUID version
 * (8, name-based custom, RFC 9562 §5.8) and variant bits set, so the integer is a valid UUID.
 * At most 39 digits, no leading zero: a legal UID component (PS3.5 §9.1), 44 characters in all.
 */
export function deterministicUid(...parts: readonly (string | number)[]): string {
  const bytes = createHash('sha256').update(parts.join('\u001f')).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  return `2.25.${BigInt(`0x${bytes.toString('hex')}`).toString(10)}`;
}

/** SOP Instance UID of instance `n` (1-based) of a series: a child arc of the series UID. */
export function instanceUid(seriesInstanceUid: string, n: number): string {
  return `${seriesInstanceUid}.${n}`;
}
