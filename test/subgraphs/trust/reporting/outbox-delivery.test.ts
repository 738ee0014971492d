import { describe, expect, it } from 'vitest';
import { backoffMs, readAck } from '../../../../subgraphs/trust/reporting/outbox-delivery.ts';

const ack = (code: string, controlId: string, extra = '') => `MSH|^~\\&|RIS|RXA|IMAGING-NETWORK|RXA|20260402090000||ACK^R01|A1|P|2.4\rMSA|${code}|${controlId}|${extra}\r`;

describe('readAck (HL7 v2 ch. 2.9, table 0008)', () => {
  it('AA and CA deliver', () => {
    expect(readAck(ack('AA', 'M1'), 'M1')).toEqual({ kind: 'delivered', code: 'AA' });
    expect(readAck(ack('CA', 'M1'), 'M1')).toEqual({ kind: 'delivered', code: 'CA' });
  });
  it('AE/AR/CE/CR reject with the reason', () => {
    expect(readAck(ack('AR', 'M1', 'unknown accession'), 'M1')).toEqual({ kind: 'rejected', code: 'AR', error: 'AR: unknown accession' });
    expect(readAck(ack('AE', 'M1'), 'M1')).toMatchObject({ kind: 'rejected', code: 'AE' });
    expect(readAck(ack('CR', 'M1'), 'M1')).toMatchObject({ kind: 'rejected', code: 'CR' });
  });
  it('an ACK for another message, an unknown code or garbage is retried', () => {
    expect(readAck(ack('AA', 'OTHER'), 'M1').kind).toBe('retry');
    expect(readAck(ack('ZZ', 'M1'), 'M1').kind).toBe('retry');
    expect(readAck('not hl7', 'M1').kind).toBe('retry');
  });
});

describe('backoffMs', () => {
  it('doubles from 1 s and stops at the cap', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 60_000))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(30, 60_000)).toBe(60_000);
  });
});
