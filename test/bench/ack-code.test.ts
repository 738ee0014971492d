import { describe, expect, it } from 'vitest';
import { ackCode, countAckCodes, formatAckCounts } from '../../bench/ack-code.ts';

describe('ackCode (MSA-1, table 0008)', () => {
  it('reads MSA-1 with the field separator of MSH-1', () => {
    expect(ackCode('MSH|^~\\&|IMG|RXA|CRIS|RXA|20260101120000||ACK^O01|ACK1|P|2.3\rMSA|AA|MSG0001')).toBe('AA');
    expect(ackCode('MSH#^~\\&#IMG#RXA#CRIS#RXA#20260101120000##ACK#ACK2#P#2.3\rMSA#AE#MSG0002\rERR#')).toBe('AE');
  });
  it('accepts \\n segment ends and says none without an MSA', () => {
    expect(ackCode('MSH|^~\\&|A\nMSA|AR|X')).toBe('AR');
    expect(ackCode('MSH|^~\\&|A\rERR|')).toBe('none');
  });
  it('counts and prints codes in order', () => {
    const counts = countAckCodes(['AA', 'AE', 'AA']);
    expect(counts).toEqual({ AA: 2, AE: 1 });
    expect(formatAckCounts(counts)).toBe('AA 2, AE 1');
    expect(formatAckCounts({})).toBe('none');
  });
});
