import { describe, expect, it } from 'vitest';
import { decodeFrame, decodeOversizedHead } from '../../../../../subgraphs/trust/ris/ingest/decode-frame.ts';
import { adt } from '../../../../fixtures/ris/hl7-fixtures.ts';

describe('decodeFrame (the decode step)', () => {
  it('reads the message and its dedupe key (MSH-3, MSH-4, MSH-10)', () => {
    const d = decodeFrame(Buffer.from(adt('A04', 'C1', { mrn: 'M1' })));
    expect(d.kind).toBe('message');
    if (d.kind === 'message') expect(d.key).toEqual({ sendingApplication: 'RIS', sendingFacility: 'RXA01', controlId: 'C1' });
  });

  it('calls text that is not HL7, or has no MSH-10, unreadable (AR)', () => {
    expect(decodeFrame(Buffer.from('hello\r'))).toMatchObject({ kind: 'unreadable', rejection: { ackCode: 'AR' } });
    expect(decodeFrame(Buffer.from(adt('A04', '', { mrn: 'M1' })))).toMatchObject({ kind: 'unreadable', rejection: { errCode: 101, location: 'MSH-10' } });
  });

  it('decodes an oversized head as text only', () => {
    expect(decodeOversizedHead(Buffer.from('MSH|^~\\&|RIS'))).toBe('MSH|^~\\&|RIS');
  });
});
