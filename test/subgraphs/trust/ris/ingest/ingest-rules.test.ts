import { describe, expect, it } from 'vitest';
import { Hl7Message } from '../../../../../subgraphs/trust/ris/hl7/index.ts';
import { addressAllowed, decideMessage } from '../../../../../subgraphs/trust/ris/ingest/ingest-rules.ts';
import { DEFAULT_APPLY_OPTIONS } from '../../../../../subgraphs/trust/ris/apply/message-context.ts';
import { adt } from '../../../../fixtures/ris/hl7-fixtures.ts';

const message = (app = 'RIS') => Hl7Message.parse(adt('A04', 'C1', { mrn: 'M1' }, { app }));

describe('decideMessage (the decide step)', () => {
  it('refuses a source address or sender off the allow-lists before mapping', () => {
    expect(decideMessage(message(), '10.0.0.9', { allowedAddresses: ['10.0.0.1'] }, DEFAULT_APPLY_OPTIONS)).toMatchObject({ kind: 'refuse', rejection: { ackCode: 'AR', errCode: 207 } });
    expect(decideMessage(message('EVIL'), '10.0.0.1', { allowedSenders: [{ application: 'RIS' }] }, DEFAULT_APPLY_OPTIONS)).toMatchObject({ kind: 'refuse', rejection: { location: 'MSH-3' } });
    // A replayed message whose address was not recorded is refused when an address list is set.
    expect(decideMessage(message(), null, { allowedAddresses: ['10.0.0.1'] }, DEFAULT_APPLY_OPTIONS).kind).toBe('refuse');
  });

  it('maps an allowed message to events, and a broken one to a failure', () => {
    expect(decideMessage(message(), '10.0.0.1', {}, DEFAULT_APPLY_OPTIONS).kind).toBe('apply');
    const broken = Hl7Message.parse(adt('A04', 'C2', { mrn: '', pid3: '' }));
    expect(decideMessage(broken, '10.0.0.1', {}, DEFAULT_APPLY_OPTIONS).kind).toBe('fail');
  });

  it('matches IPv4-mapped IPv6 addresses to their IPv4 form', () => {
    expect(addressAllowed({ allowedAddresses: ['127.0.0.2'] }, '::ffff:127.0.0.2')).toBe(true);
    expect(addressAllowed({ allowedAddresses: ['127.0.0.2'] }, '::ffff:127.0.0.1')).toBe(false);
    expect(addressAllowed({}, '203.0.113.9')).toBe(true);
  });
});
