/**
 * MSA-1, the acknowledgment code of an HL7 v2 ACK (HL7 v2.5.1 ch. 2.14.8, table 0008: AA, AE, AR,
 * and the enhanced-mode CA, CE, CR). The field separator is MSH-1 (the 4th character), never
 * assumed to be `|` (ch. 2.5.4).
 */
export function ackCode(ack: string): string {
  const separator = ack.startsWith('MSH') ? ack[3]! : '|';
  const msa = ack.split(/\r\n?|\n/).find((segment) => segment.startsWith(`MSA${separator}`));
  return msa?.split(separator)[1] ?? 'none';
}

/** Counts of ACK codes, e.g. `{ AA: 1370, AE: 4 }`. */
export function countAckCodes(codes: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const code of codes) counts[code] = (counts[code] ?? 0) + 1;
  return counts;
}

export function formatAckCounts(counts: Record<string, number>): string {
  return Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)).map(([code, n]) => `${code} ${n}`).join(', ') || 'none';
}
