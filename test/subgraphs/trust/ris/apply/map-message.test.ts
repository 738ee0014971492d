import { describe, expect, it } from 'vitest';
import { Hl7Message } from '../../../../../subgraphs/trust/ris/hl7/index.ts';
import { ApplyError } from '../../../../../subgraphs/trust/ris/apply/apply-error.ts';
import type { DomainEvent } from '../../../../../subgraphs/trust/ris/apply/domain-events.ts';
import { mapMessage } from '../../../../../subgraphs/trust/ris/apply/map-message.ts';
import { DEFAULT_APPLY_OPTIONS, type ApplyOptions } from '../../../../../subgraphs/trust/ris/apply/message-context.ts';
import { BAD_NHS, NHS, adt, a40, message, msh, omi, orm, oru, pid, seg, siu } from '../../../../fixtures/ris/hl7-fixtures.ts';

const options: ApplyOptions = { ...DEFAULT_APPLY_OPTIONS, accessionNumber: 'auto', timezone: 'Europe/London' };
const map = (text: string, opts: Partial<ApplyOptions> = {}) => mapMessage(Hl7Message.parse(text), { ...options, ...opts });
const only = <T extends DomainEvent['type']>(events: DomainEvent[], type: T) => {
  expect(events).toHaveLength(1);
  expect(events[0]!.type).toBe(type);
  return events[0] as Extract<DomainEvent, { type: T }>;
};
const apply = (fn: () => unknown): ApplyError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApplyError) return e;
    throw e;
  }
  throw new Error('expected an ApplyError');
};

describe('identity (PID)', () => {
  it('reads MRN (type MR) and NHS number (type NH), name, birth date, sex', () => {
    const { events, warnings } = map(adt('A04', 'C1', { mrn: 'M1', nhs: NHS.a, name: 'SMITH^ANNE^MARIE', dob: '19800229', sex: 'F' }));
    expect(warnings).toEqual([]);
    const e = only(events, 'patient-registered');
    expect(e.patient).toEqual({
      mrn: 'M1',
      nhsNumber: NHS.a,
      nationalIds: [],
      changes: { nhsNumber: NHS.a, family: 'SMITH', given: ['ANNE', 'MARIE'], birthDate: '1980-02-29', sex: 'FEMALE' },
    });
  });

  it('finds the NHS number by assigning authority NHS with subcomponents, and the MRN as the other identifier', () => {
    const text = adt('A08', 'C1', { mrn: '', pid3: `${NHS.b}^^^NHS&2.16.840.1.113883.2.1.4.1&ISO~LOCAL7^^^RXA` });
    const e = only(map(text).events, 'patient-registered');
    expect(e.patient.mrn).toBe('LOCAL7');
    expect(e.patient.nhsNumber).toBe(NHS.b);
  });

  it('falls back to PID-2 for the NHS number', () => {
    const e = only(map(adt('A08', 'C1', { mrn: 'M1', pid2: NHS.c })).events, 'patient-registered');
    expect(e.patient.nhsNumber).toBe(NHS.c);
  });

  it('an invalid NHS number is not stored: a warning 102 that does not echo the number', () => {
    const { events, warnings } = map(adt('A08', 'C1', { mrn: 'M1', nhs: BAD_NHS }));
    const e = only(events, 'patient-registered');
    expect(e.patient.nhsNumber).toBeNull();
    expect(e.patient.changes.nhsNumber).toBeUndefined();
    expect(warnings).toEqual([{ code: 102, location: 'PID-3[2]', text: expect.stringContaining('NHS number not stored') }]);
    expect(JSON.stringify(warnings)).not.toContain(BAD_NHS);
  });

  it('"" clears a value, an empty field leaves it unchanged', () => {
    const e = only(map(adt('A08', 'C1', { mrn: 'M1', name: '""', dob: '', sex: '""', pid2: '""' })).events, 'patient-registered');
    expect(e.patient.changes).toEqual({ nhsNumber: null, family: null, given: null, sex: null });
    expect('birthDate' in e.patient.changes).toBe(false);
  });

  it('a PID without any identifier is AE 101 at PID-3', () => {
    const err = apply(() => map(adt('A08', 'C1', { mrn: '', pid3: '' })));
    expect([err.errCode, err.location, err.ackCode]).toEqual([101, 'PID-3', 'AE']);
  });
});

describe('ADT', () => {
  it('A40 merges MRG-1 into PID-3', () => {
    const e = only(map(a40('C1', { mrn: 'SURV' }, 'OLD')).events, 'patients-merged');
    expect(e.retiredMrn).toBe('OLD');
    expect(e.survivor.mrn).toBe('SURV');
  });
  it('unsupported events are AR 201', () => {
    const err = apply(() => map(adt('A03', 'C1', { mrn: 'M1' })));
    expect([err.errCode, err.ackCode]).toEqual([201, 'AR']);
  });
});

describe('orders', () => {
  it('ORM^O01: accession OBR-18, OBR-4 text, modality OBR-24, priority ORC-7.6, times', () => {
    const text = orm({
      controlId: 'C1', patient: { mrn: 'M1' }, accession: 'ACC1', placer: 'PL1', filler: 'FL1',
      quantityTiming: '^^^20250702090000^^S', orderTime: '20250701120000', requestedTime: '20250101000000',
    });
    const e = only(map(text).events, 'order-changed');
    expect(e.order).toEqual({
      accessionNumber: 'ACC1', orderControl: 'NW', orderStatus: '', placerOrderNumber: 'PL1', fillerOrderNumber: 'FL1',
      description: 'Chest X-ray', procedureCode: 'CXCHE', procedureCodingSystem: null, modality: 'CR', priority: 'STAT',
      transactionAt: '2025-07-01T12:00:00+01:00', patientClass: 'OUTPATIENT',
      // Europe/London in July is BST (+01:00); in January GMT.
      requestedAt: '2025-07-01T12:00:00+01:00', scheduledAt: '2025-07-02T09:00:00+01:00',
    });
  });

  it('an exam before the clock change, sent after it, is read in GMT for its own date, not with MSH-7\'s BST offset', () => {
    // Sent on Monday 30 March 2026 (BST, +01:00) about an exam on Saturday 28 March (GMT).
    const text = orm({
      controlId: 'C1', patient: { mrn: 'M1' }, accession: 'A', orderTime: '20260328093000', observationTime: '20260328100000',
      msh: { time: '20260330090000+0100' },
    });
    const order = only(map(text).events, 'order-changed').order;
    expect(order.requestedAt).toBe('2026-03-28T09:30:00+00:00');
    expect(order.performedAt).toBe('2026-03-28T10:00:00+00:00');
  });

  it('requestedAt: ORC-9 only on NW; OBR-6 otherwise', () => {
    const text = orm({ controlId: 'C1', control: 'SC', status: 'CM', patient: { mrn: 'M1' }, accession: 'A', orderTime: '20250105120000', requestedTime: '20250101080000' });
    expect(only(map(text).events, 'order-changed').order.requestedAt).toBe('2025-01-01T08:00:00+00:00');
  });

  it('OMI^O23: one order per IPC (accession IPC-1, UID IPC-3, modality IPC-5), TQ1 start and priority', () => {
    const text = omi({
      controlId: 'C1', patient: { mrn: 'M1' }, accession: 'OBRACC', start: '20250330013000', priority: 'A',
      ipcs: [{ accession: 'I1', uid: '1.2.3', modality: 'CT' }, { accession: 'I2', uid: '1.2.4', modality: 'MR' }],
    });
    const { events } = map(text);
    expect(events.map((e) => e.type === 'order-changed' && [e.order.accessionNumber, e.order.studyInstanceUid, e.order.modality, e.order.priority])).toEqual([
      ['I1', '1.2.3', 'CT', 'URGENT'],
      ['I2', '1.2.4', 'MR', 'URGENT'],
    ]);
    // 01:30 on 30 March 2025 does not exist in London (clocks go 01:00 → 02:00).
    const first = events[0] as Extract<DomainEvent, { type: 'order-changed' }>;
    expect(first.order.scheduledAt).toBe('2025-03-30T02:30:00+01:00');
    // With accessionNumber = OBR-18 the IPCs do not split the order.
    expect(map(text, { accessionNumber: 'OBR-18' }).events.map((e) => e.type === 'order-changed' && e.order.accessionNumber)).toEqual(['OBRACC']);
  });

  it('accession modes: OBR-3 reads ORC-3 when OBR-3 is empty; OBR-2 reads the placer', () => {
    const text = message(
      msh({ type: 'ORM^O01', controlId: 'C1' }),
      pid({ mrn: 'M1' }),
      seg('ORC', { 1: 'NW', 2: 'PLACER9', 3: 'FILLER9' }),
      seg('OBR', { 1: '1', 4: 'X^Y', 18: 'OBR18' }),
    );
    const acc = (mode: ApplyOptions['accessionNumber']) => (map(text, { accessionNumber: mode }).events[0] as Extract<DomainEvent, { type: 'order-changed' }>).order.accessionNumber;
    expect(acc('OBR-3')).toBe('FILLER9');
    expect(acc('OBR-2')).toBe('PLACER9');
    expect(acc('auto')).toBe('OBR18');
  });

  it('an order without an accession per config is AE 101 naming the field', () => {
    const err = apply(() => map(orm({ controlId: 'C1', patient: { mrn: 'M1' }, accession: 'A1' }), { accessionNumber: 'IPC-1' }));
    expect([err.errCode, err.location, err.ackCode]).toEqual([101, 'IPC-1', 'AE']);
  });

  it('OMG^O20 is an unsupported event (AR 201); MFN is an unsupported type (AR 200)', () => {
    expect(apply(() => map(message(msh({ type: 'OMG^O20', controlId: 'C' }), pid({ mrn: 'M' })))).errCode).toBe(201);
    expect(apply(() => map(message(msh({ type: 'MFN^M02', controlId: 'C' })))).errCode).toBe(200);
  });
});

describe('results (ORU^R01)', () => {
  it('joins TX/FT/ST OBX values with newlines, skips other value types, reads OBR-22 and OBR-32', () => {
    const text = oru({
      controlId: 'C1', patient: { mrn: 'M1' }, accession: 'ACC1', status: 'F', reportedAt: '20250115143000',
      author: 'R123&HOUSE&GREG', observationTime: '20250115100000',
      obx: [['TX', 'Line one~Line two'], ['NM', '42'], ['FT', 'Para\\.br\\next \\H\\bold\\N\\'], ['ST', 'Impression: normal'], ['CE', 'X^Y']],
    });
    const e = only(map(text).events, 'report-received');
    expect(e.report).toEqual({
      accessionNumber: 'ACC1', resultStatus: 'F', text: 'Line one\nLine two\nPara\nnext bold\nImpression: normal',
      reportedAt: '2025-01-15T14:30:00+00:00', author: 'R123 HOUSE GREG', performedAt: '2025-01-15T10:00:00+00:00',
      reporter: { id: 'R123', name: 'GREG HOUSE', gmcNumber: null }, assistant: null, attachment: null,
      order: { description: 'Chest X-ray', procedureCode: 'CXCHE', procedureCodingSystem: null },
    });
  });

  it('OBR-25 outside P/F/C/X gives no report and a warning', () => {
    const { events, warnings } = map(oru({ controlId: 'C1', patient: { mrn: 'M1' }, accession: 'A', status: 'I' }));
    expect(events).toEqual([]);
    expect(warnings[0]).toMatchObject({ code: 103, location: 'OBR[1]-25' });
  });
});

describe('schedules (SIU)', () => {
  it('S12: SCH-11.4 start, accession from SCH-27', () => {
    const e = only(map(siu({ controlId: 'C1', event: 'S12', patient: { mrn: 'M1' }, filler: 'ACC9', start: '20251026013000' })).events, 'appointment-changed');
    // 01:30 on 26 October 2025 happens twice in London; read as the later (GMT) one.
    expect(e.appointment).toMatchObject({ accessionNumber: 'ACC9', event: 'S12', scheduledAt: '2025-10-26T01:30:00+00:00', description: 'Chest X-ray' });
  });
  it('AIS-4 when SCH-11 has no start', () => {
    const e = only(map(siu({ controlId: 'C1', event: 'S13', patient: { mrn: 'M1' }, filler: 'ACC9', aisStart: '20250601093000' })).events, 'appointment-changed');
    expect(e.appointment.scheduledAt).toBe('2025-06-01T09:30:00+01:00');
  });
  it('S16 is unsupported (AR 201)', () => {
    expect(apply(() => map(siu({ controlId: 'C1', event: 'S16', patient: { mrn: 'M1' }, filler: 'A' }))).errCode).toBe(201);
  });
});
