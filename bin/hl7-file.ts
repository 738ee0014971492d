/**
 * Splits the text of an HL7 file into messages. A file may hold one message or a batch: each
 * message starts with an `MSH` segment at the start of a line (segments end in CR, LF or CRLF).
 * Batch envelopes (FHS/BHS/BTS/FTS, HL7 v2.5 ch. 2.10.3) are dropped.
 */
export function splitHl7Messages(text: string): string[] {
  const segments = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const messages: string[][] = [];
  for (const seg of segments) {
    if (seg.trim() === '') continue;
    const name = seg.slice(0, 3);
    if (name === 'FHS' || name === 'BHS' || name === 'BTS' || name === 'FTS') continue;
    const current = messages.at(-1);
    if (name === 'MSH') messages.push([seg]);
    else if (current) current.push(seg);
    else throw new Error(`text before the first MSH segment: ${JSON.stringify(seg.slice(0, 20))}`);
  }
  return messages.map((m) => m.join('\r'));
}

/** Reads MSA-1 (acknowledgment code) and MSA-3 (text) from an ACK, without a full parse. */
export function summariseAck(ack: string): { code: string; controlId: string; text: string } {
  const fieldSep = ack.startsWith('MSH') ? ack[3] ?? '|' : '|';
  const msa = ack.split(/\r\n|\r|\n/).find((s) => s.startsWith('MSA'));
  if (!msa) return { code: '??', controlId: '', text: 'no MSA segment in the answer' };
  const f = msa.split(fieldSep);
  const err = ack
    .split(/\r\n|\r|\n/)
    .filter((s) => s.startsWith('ERR'))
    .map((s) => s.split(fieldSep).slice(1).join(fieldSep))
    .join('; ');
  return { code: f[1] ?? '', controlId: f[2] ?? '', text: [f[3], err].filter(Boolean).join(' ') };
}
