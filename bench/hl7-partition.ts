/**
 * Splits an HL7 v2 message stream over N connections without reordering any one patient's
 * messages: a receiver applies each connection in order, and an ORU must not overtake the ORM of
 * the same order. The key is PID-3's first identifier (CX-1 of the first repetition, HL7 v2.5.1
 * ch. 3.4.2.3); delimiters come from MSH-1 and MSH-2 (ch. 2.5.4), never assumed. A message
 * without PID goes to connection 0.
 */
export function patientKey(message: string): string | undefined {
  if (!message.startsWith('MSH') || message.length < 8) return undefined;
  const field = message[3]!;
  const component = message[4]!;
  const repetition = message[5]!;
  const pid = message.split(/\r\n?|\n/).find((s) => s.startsWith(`PID${field}`));
  const pid3 = pid?.split(field)[3];
  const id = pid3?.split(repetition)[0]?.split(component)[0];
  return id ? id : undefined;
}

/** FNV-1a 32-bit: a stable spread of keys over connections. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** `messages` over `n` lists, each patient's messages on one list, in their original order. */
export function partitionByPatient(messages: readonly string[], n: number): string[][] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`partitionByPatient: n must be a positive integer, got ${n}`);
  const lists: string[][] = Array.from({ length: n }, () => []);
  for (const m of messages) {
    const key = patientKey(m);
    lists[key === undefined ? 0 : fnv1a(key) % n]!.push(m);
  }
  return lists;
}
