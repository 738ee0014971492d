import { describe, expect, it } from 'vitest';
import { buildAck, buildAckForUnparseable, Hl7Message } from '../../../../../subgraphs/trust/ris/hl7/index.ts';

const received = Hl7Message.parse(
  'MSH|^~\\&|CRIS|RH8&1.2.3&ISO|IMGNET|RH8HUB|20260329013000||ORM^O01^ORM_O01|MSG00005|P|2.3.1|||AL|NE|GBR|8859/1\rPID|1||9990000042^^^NHS^NH',
);
const now = new Date('2026-07-01T11:00:00Z');

describe('buildAck (ch. 2.9, table 0008)', () => {
  it('swaps sender and receiver, echoes MSH-10 in MSA-2, MSH-11/12 and MSH-18', () => {
    const ack = Hl7Message.parse(buildAck(received, { code: 'AA', controlId: 'ACK-1', now }));
    expect(ack.get('MSH-3')).toBe('IMGNET');
    expect(ack.get('MSH-4')).toBe('RH8HUB');
    expect(ack.get('MSH-5')).toBe('CRIS');
    expect(ack.get('MSH-6')).toBe('RH8&1.2.3&ISO');
    expect(ack.get('MSH-6.1.2')).toBe('1.2.3');
    expect(ack.get('MSH-7')).toBe('20260701120000+0100');
    expect(ack.get('MSH-9')).toBe('ACK^O01^ACK');
    expect(ack.controlId).toBe('ACK-1');
    expect(ack.get('MSH-11')).toBe('P');
    expect(ack.version).toBe('2.3.1');
    expect(ack.get('MSH-15')).toBe('');
    expect(ack.get('MSH-18')).toBe('8859/1');
    expect(ack.get('MSA-1')).toBe('AA');
    expect(ack.get('MSA-2')).toBe('MSG00005');
    expect(ack.segmentsNamed('ERR')).toHaveLength(0);
  });

  it('writes one v2.5-style ERR per error: location, code^text^HL70357, severity, user message', () => {
    const text = buildAck(received, {
      code: 'AE',
      controlId: 'ACK-2',
      text: 'NHS number | invalid',
      errors: [
        { code: 101, severity: 'E', location: 'PID^1^3', text: 'PID-3 has no NHS number' },
        { code: 103, severity: 'W' },
      ],
      now,
      timezone: 'UTC',
    });
    expect(text.endsWith('\r')).toBe(true);
    const ack = Hl7Message.parse(text);
    expect(ack.get('MSH-7')).toBe('20260701110000+0000');
    expect(ack.get('MSA-1')).toBe('AE');
    expect(ack.get('MSA-3')).toBe('NHS number | invalid');
    const [e1, e2] = ack.segmentsNamed('ERR');
    expect(e1!.get('2')).toBe('PID^1^3');
    expect(e1!.get('2.3')).toBe('3');
    expect(e1!.get('3')).toBe('101^Required field missing^HL70357');
    expect(e1!.get('4')).toBe('E');
    expect(e1!.get('8')).toBe('PID-3 has no NHS number');
    expect(e2!.get('3.1')).toBe('103');
    expect(e2!.get('4')).toBe('W');
    expect(e2!.fieldCount).toBe(4);
  });

  it('answers in the received delimiters', () => {
    const hash = Hl7Message.parse('MSH#$*!%#A#B#C#D#20260101##ADT$A08#X9#P#2.4\rPID#1');
    const ack = buildAck(hash, { code: 'CA', controlId: 'C1', errors: [{ code: 207, severity: 'E', location: 'PID^1', text: 'a#b' }], now });
    expect(ack.startsWith('MSH#$*!%#C#D#A#B#')).toBe(true);
    const parsed = Hl7Message.parse(ack);
    expect(parsed.get('MSH-9')).toBe('ACK$A08$ACK');
    expect(parsed.get('MSA-1')).toBe('CA');
    expect(parsed.get('ERR-2.1')).toBe('PID');
    expect(parsed.get('ERR-8')).toBe('a#b');
  });
});

describe('buildAckForUnparseable', () => {
  it('salvages MSH-3..6, 9.2, 10, 12 from a message with unusable MSH-2', () => {
    const ack = Hl7Message.parse(buildAckForUnparseable('MSH|^^\\&|CRIS|RH8|IMGNET|RH8|2026||ADT^A01|BAD1|P|2.5\rPID|1', {
      code: 'AR',
      controlId: 'ACK-3',
      errors: [{ code: 102, severity: 'E', location: 'MSH^1^2' }],
      now,
    }));
    expect(ack.get('MSH-3')).toBe('IMGNET');
    expect(ack.get('MSH-5')).toBe('CRIS');
    expect(ack.get('MSH-9')).toBe('ACK^A01^ACK');
    expect(ack.get('MSH-12')).toBe('2.5');
    expect(ack.get('MSA-1')).toBe('AR');
    expect(ack.get('MSA-2')).toBe('BAD1');
    expect(ack.get('ERR-3.1')).toBe('102');
  });

  it('answers text with no MSH at all with an ACK that has an empty MSA-2', () => {
    const ack = Hl7Message.parse(buildAckForUnparseable('garbage', { code: 'AR', controlId: 'ACK-4', now }));
    expect(ack.get('MSH-9')).toBe('ACK');
    expect(ack.get('MSA-1')).toBe('AR');
    expect(ack.get('MSA-2')).toBe('');
  });

  it('is buildAck when the text parses after all', () => {
    const raw = received.toString();
    expect(buildAckForUnparseable(raw, { code: 'AE', controlId: 'A5', now })).toBe(buildAck(received, { code: 'AE', controlId: 'A5', now }));
  });
});
