import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeHl7Bytes, Hl7Message } from '../../../../subgraphs/trust/ris/hl7/index.ts';
import { createRisIngest, type IngestLogger, type RisIngestOptions } from '../../../../subgraphs/trust/ris/ris-ingest.ts';
import { openTrustStore } from '../../../../subgraphs/trust/store/open-trust-store.ts';
import { type TrustStore } from '../../../../subgraphs/trust/store/trust-store.ts';
import { BAD_NHS, NHS, a40, adt, frame, message, msh, omi, orm, oru, pid, seg, siu } from '../../../fixtures/ris/hl7-fixtures.ts';

let dir: string;
let store: TrustStore;
let logs: { level: string; obj: object; msg?: string | undefined }[];

const logger: IngestLogger = {
  debug: (obj, msg) => logs.push({ level: 'debug', obj, msg }),
  info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
  warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
  error: (obj, msg) => logs.push({ level: 'error', obj, msg }),
};
const ingestWith = (opts: Partial<RisIngestOptions> = {}) => createRisIngest({ store, logger, ...opts });

/** Sends one message; returns the parsed ACK. */
async function send(text: string, ingest = ingestWith()) {
  const bytes = await ingest.handle(frame(text));
  expect(bytes).not.toBeNull();
  const ack = decodeHl7Bytes(bytes!);
  const parsed = Hl7Message.parse(ack);
  return { text: ack, code: parsed.get('MSA-1'), msa2: parsed.get('MSA-2'), errors: parsed.segmentsNamed('ERR').map((e) => ({ code: e.get('3.1'), severity: e.get('4'), location: e.get('2'), text: e.get('8') })) };
}
const orderOf = (acc: string) => store.ordersByAccession([acc]).get(acc);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ris-ingest-'));
  store = openTrustStore(join(dir, 'RXA.db'));
  logs = [];
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('journal, ACK and dedupe', () => {
  it('AA echoes MSH-10 in MSA-2 and the message is journaled with its sender', async () => {
    const ack = await send(adt('A04', 'CTRL-1', { mrn: 'M1', nhs: NHS.a }));
    expect([ack.code, ack.msa2, ack.errors]).toEqual(['AA', 'CTRL-1', []]);
    expect(Hl7Message.parse(ack.text).get('MSH-5')).toBe('RIS');
    expect(store.counts()).toMatchObject({ journal: 1, acks: 1, patients: 1, failed: 0 });
    expect(store.patientByNhsNumber(NHS.a)?.mrns).toEqual(['M1']);
  });

  it('a duplicate (same MSH-3, MSH-4, MSH-10) gets the original ACK back and is not applied again', async () => {
    const ingest = ingestWith();
    const text = oru({ controlId: 'DUP-1', patient: { mrn: 'M1' }, accession: 'ACC1', status: 'P' });
    const first = await send(text, ingest);
    const second = await send(text, ingest);
    expect(second.text).toBe(first.text);
    expect(store.reportsByAccession(['ACC1']).get('ACC1')).toHaveLength(1);
    expect(store.counts()).toMatchObject({ journal: 2, acks: 1 });
    // Another facility with the same control id is another message.
    await send(oru({ controlId: 'DUP-1', patient: { mrn: 'M1' }, accession: 'ACC1', status: 'F', msh: { facility: 'RXA02' } }), ingest);
    expect(store.reportsByAccession(['ACC1']).get('ACC1')).toHaveLength(2);
  });

  it('enhanced mode (MSH-15/16 valued) answers CA after the commit', async () => {
    const ack = await send(adt('A04', 'E1', { mrn: 'M1' }, { enhanced: true }));
    expect(ack.code).toBe('CA');
  });

  it('reads the message in the charset MSH-18 names', async () => {
    const text = adt('A04', 'L1', { mrn: 'M1', name: 'MÜLLER^ZOË' }, { charset: '8859/1' });
    const ack = await ingestWith().handle({ ...frame(''), payload: Buffer.from(text, 'latin1') });
    expect(Hl7Message.parse(decodeHl7Bytes(ack!)).get('MSA-1')).toBe('AA');
    expect(store.patientByMrn('M1')).toMatchObject({ family: 'MÜLLER', given: ['ZOË'] });
  });
});

describe('messages that cannot be applied are answered and kept', () => {
  it('unparseable → AR with ERR, kept', async () => {
    const ack = await send('this is not HL7\r');
    expect(ack.code).toBe('AR');
    expect(ack.errors[0]).toMatchObject({ code: '100', severity: 'E' });
    expect(store.listFailed()).toMatchObject([{ ackCode: 'AR', errCode: 100 }]);
  });

  it('oversized frame → AR 207, kept (not replayable: only its head was kept)', async () => {
    const ingest = ingestWith();
    const ack = await ingest.handle(frame(adt('A04', 'BIG', { mrn: 'M1' }), { oversized: true, size: 20_000_000 }));
    expect(Hl7Message.parse(decodeHl7Bytes(ack!)).get('MSA-1')).toBe('AR');
    expect(Hl7Message.parse(decodeHl7Bytes(ack!)).get('ERR-3.1')).toBe('207');
    expect(store.counts().patients).toBe(0);
    expect(await ingest.replayFailed()).toEqual({ replayed: 0, stillFailing: 1 });
  });

  it('unsupported type → AR 200, unsupported event → AR 201', async () => {
    expect((await send(message(msh({ type: 'MFN^M02', controlId: 'U1' })))).errors[0]).toMatchObject({ code: '200' });
    expect((await send(adt('A03', 'U2', { mrn: 'M1' }))).errors[0]).toMatchObject({ code: '201', location: 'MSH^1^9^1^2' });
    expect(store.listFailed().map((f) => f.errCode).sort()).toEqual([200, 201]);
  });

  it('missing accession → AE 101 naming the field; replay after a config change applies it', async () => {
    const text = orm({ controlId: 'O1', patient: { mrn: 'M1' }, filler: 'FILL1' });
    const ack = await send(text, ingestWith({ accessionNumber: 'OBR-18' }));
    expect(ack.code).toBe('AE');
    expect(ack.errors[0]).toMatchObject({ code: '101', location: 'OBR^1^18^1' });
    const [failed] = store.listFailed();
    expect(failed).toMatchObject({ ackCode: 'AE', errCode: 101, location: 'OBR-18', sender: 'RIS/RXA01', controlId: 'O1', messageType: 'ORM^O01' });

    expect(await ingestWith({ accessionNumber: 'OBR-18' }).replayFailed()).toEqual({ replayed: 0, stillFailing: 1 });
    expect(store.listFailed({ includeReplayed: true })[0]?.attempts).toBe(1);
    const fixed = ingestWith({ accessionNumber: 'OBR-3' });
    expect(await fixed.replayFailed()).toEqual({ replayed: 1, stillFailing: 0 });
    expect(orderOf('FILL1')?.status).toBe('REQUESTED');
    expect(fixed.listFailed()[0]).toMatchObject({ status: 'REPLAYED' });
    // Replaying again does nothing; a resend of the original is now a duplicate of the replayed
    // (accepted) message: it gets the replay's AA and is not applied twice. The AE was never
    // recorded under the key (issue 15, finding 1).
    expect(await fixed.replayFailed()).toEqual({ replayed: 0, stillFailing: 0 });
    expect((await send(text, fixed)).code).toBe('AA');
    expect(store.counts().orders).toBe(1);
  });

  it('a sender not allowed → AR, kept', async () => {
    const ack = await send(adt('A04', 'S1', { mrn: 'M1' }), ingestWith({ allowedSenders: [{ application: 'PAS' }] }));
    expect(ack.code).toBe('AR');
    expect(store.counts()).toMatchObject({ patients: 0, failed: 1 });
  });

  it('a store that cannot write returns null (no ACK) and applies nothing', async () => {
    store.close();
    store = openTrustStore(join(dir, 'RXA.db'), { busyTimeoutMs: 0 });
    const other = new Database(join(dir, 'RXA.db'));
    other.exec('BEGIN IMMEDIATE');
    try {
      expect(await ingestWith().handle(frame(adt('A04', 'B1', { mrn: 'M1' })))).toBeNull();
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(logs.some((l) => l.level === 'error')).toBe(true);
    expect(store.counts()).toMatchObject({ patients: 0, acks: 0 });
    // The sender resends: now it is stored and acknowledged.
    expect((await send(adt('A04', 'B1', { mrn: 'M1' }))).code).toBe('AA');
  });
});

describe('group commit (issue 16)', () => {
  it('frames handed over in the same turn (several connections) share one commit, each with its own ACK', async () => {
    let groups = 0;
    const real = store;
    // The real store, its group commits counted (methods bound: the store has private fields).
    const counting = new Proxy(real, {
      get(target, key) {
        if (key === 'commitGroup') return <T>(work: () => T): T => (groups++, real.commitGroup(work));
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const ingest = createRisIngest({ store: counting, logger });
    const frames = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => ({ ...frame(adt('A04', `G${i}`, { mrn: `GM${i}` })), connectionId: i }));
    const acks = await Promise.all(frames.map((f) => ingest.handle(f)));
    expect(groups).toBe(1);
    expect(acks.map((a) => Hl7Message.parse(decodeHl7Bytes(a!)).get('MSA-2'))).toEqual(['G1', 'G2', 'G3', 'G4', 'G5', 'G6', 'G7', 'G8']);
    expect(store.counts()).toMatchObject({ journal: 8, acks: 8, patients: 8, failed: 0 });
  });

  it('a message of the group that is refused is kept (AR) without undoing the others', async () => {
    const ingest = ingestWith();
    const [good, bad, other] = await Promise.all([
      ingest.handle(frame(adt('A04', 'OK1', { mrn: 'OK1' }))),
      ingest.handle(frame('this is not HL7\r')),
      ingest.handle(frame(adt('A04', 'OK2', { mrn: 'OK2' }))),
    ]);
    expect([good, bad, other].map((a) => Hl7Message.parse(decodeHl7Bytes(a!)).get('MSA-1'))).toEqual(['AA', 'AR', 'AA']);
    expect(store.counts()).toMatchObject({ journal: 3, acks: 2, patients: 2, failed: 1 });
  });

  it('a group the store cannot commit is not ACKed at all, and nothing of it is stored', async () => {
    store.close();
    store = openTrustStore(join(dir, 'RXA.db'), { busyTimeoutMs: 0 });
    const other = new Database(join(dir, 'RXA.db'));
    other.exec('BEGIN IMMEDIATE');
    let acks;
    try {
      const ingest = ingestWith();
      acks = await Promise.all([ingest.handle(frame(adt('A04', 'N1', { mrn: 'N1' }))), ingest.handle(frame(adt('A04', 'N2', { mrn: 'N2' })))]);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(acks).toEqual([null, null]);
    expect(store.counts()).toMatchObject({ journal: 0, acks: 0, patients: 0 });
  });
});

describe('identity', () => {
  it('invalid NHS number: applied, AA with ERR W 102, warn log without the number', async () => {
    const ack = await send(adt('A04', 'N1', { mrn: 'M1', nhs: BAD_NHS }));
    expect(ack.code).toBe('AA');
    expect(ack.errors).toEqual([{ code: '102', severity: 'W', location: 'PID^1^3^2', text: expect.stringContaining('NHS number') }]);
    expect(ack.text).not.toContain(`|${BAD_NHS}`);
    expect(store.patientByMrn('M1')?.nhsNumber).toBeNull();
    const warn = logs.find((l) => l.level === 'warn');
    expect(warn).toBeDefined();
    expect(JSON.stringify(logs)).not.toContain(BAD_NHS);
  });

  it('"" clears, empty leaves unchanged (ADT update)', async () => {
    const ingest = ingestWith();
    await send(adt('A04', 'U1', { mrn: 'M1', nhs: NHS.a, name: 'DOE^JANE', dob: '19800101', sex: 'F' }), ingest);
    await send(adt('A08', 'U2', { mrn: 'M1', name: '', dob: '""', sex: '' }), ingest);
    expect(store.patientByMrn('M1')).toMatchObject({ nhsNumber: NHS.a, family: 'DOE', given: ['JANE'], birthDate: null, sex: 'FEMALE' });
    await send(adt('A08', 'U3', { mrn: 'M1', name: '""', pid2: '""' }), ingest);
    expect(store.patientByMrn('M1')).toMatchObject({ nhsNumber: null, family: null, given: [] });
  });

  it('an order for an unknown patient creates the patient; its PID only fills gaps on a known one', async () => {
    const ingest = ingestWith();
    await send(orm({ controlId: 'O1', patient: { mrn: 'NEW1', nhs: NHS.b, name: 'ROE^RICHARD' }, accession: 'A1' }), ingest);
    const p = store.patientByMrn('NEW1')!;
    expect(p).toMatchObject({ nhsNumber: NHS.b, family: 'ROE' });
    expect(store.findOrders({ patientId: p.id }).map((o) => o.accessionNumber)).toEqual(['A1']);
    await send(orm({ controlId: 'O2', patient: { mrn: 'NEW1', name: 'OTHER^NAME' }, accession: 'A2' }), ingest);
    expect(store.patientByMrn('NEW1')?.family).toBe('ROE');
  });
});

describe('merges (A40)', () => {
  async function twoPatients() {
    const ingest = ingestWith();
    await send(adt('A04', 'P1', { mrn: 'OLD', nhs: NHS.a, name: 'DOE^JANE' }), ingest);
    await send(adt('A04', 'P2', { mrn: 'NEW', name: 'DOE^JANE' }), ingest);
    await send(orm({ controlId: 'O1', patient: { mrn: 'OLD' }, accession: 'ACC-OLD' }), ingest);
    return ingest;
  }

  it('merges MRG-1 into PID-3; orders follow the survivor; the survivor shows both MRNs', async () => {
    const ingest = await twoPatients();
    expect((await send(a40('M1', { mrn: 'NEW' }, 'OLD'), ingest)).code).toBe('AA');
    const survivor = store.patientByMrn('NEW')!;
    expect(store.patientByMrn('OLD')?.id).toBe(survivor.id);
    expect(survivor.mrns.sort()).toEqual(['NEW', 'OLD']);
    expect(survivor.nhsNumber).toBe(NHS.a);
    expect(orderOf('ACC-OLD')?.patientId).toBe(survivor.id);
    expect(store.findOrders({ patientId: survivor.id })).toHaveLength(1);
  });

  it('repeated, reversed and already-merged A40s change nothing', async () => {
    const ingest = await twoPatients();
    await send(a40('M1', { mrn: 'NEW' }, 'OLD'), ingest);
    const survivorId = store.patientByMrn('NEW')!.id;
    expect((await send(a40('M2', { mrn: 'NEW' }, 'OLD'), ingest)).code).toBe('AA');
    expect((await send(a40('M3', { mrn: 'OLD' }, 'NEW'), ingest)).code).toBe('AA');
    expect(store.patientByMrn('NEW')?.id).toBe(survivorId);
    expect(store.patientByMrn('OLD')?.id).toBe(survivorId);
    expect(orderOf('ACC-OLD')?.patientId).toBe(survivorId);
  });

  it('a self-merge (MRG-1 = PID-3) is a no-op AA', async () => {
    const ingest = await twoPatients();
    const before = store.patientByMrn('OLD')!;
    expect((await send(a40('M1', { mrn: 'OLD' }, 'OLD'), ingest)).code).toBe('AA');
    expect(store.patientByMrn('OLD')).toEqual({ ...before, family: 'DOE' });
    expect(store.patientByMrn('NEW')!.id).not.toBe(before.id);
  });

  it('a chain of merges ends at the last survivor; a message quoting a merged-away MRN applies to it', async () => {
    const ingest = await twoPatients();
    await send(adt('A04', 'P3', { mrn: 'THIRD' }), ingest);
    await send(a40('M1', { mrn: 'NEW' }, 'OLD'), ingest);
    await send(a40('M2', { mrn: 'THIRD' }, 'NEW'), ingest);
    const third = store.patientByMrn('THIRD')!;
    expect(store.patientByMrn('OLD')?.id).toBe(third.id);
    await send(orm({ controlId: 'O9', patient: { mrn: 'OLD' }, accession: 'ACC-LATE' }), ingest);
    expect(orderOf('ACC-LATE')?.patientId).toBe(third.id);
    expect(orderOf('ACC-OLD')?.patientId).toBe(third.id);
    expect(store.counts().patients).toBe(3);
  });

  it('an unknown retired MRN is recorded on the survivor', async () => {
    const ingest = ingestWith();
    await send(a40('M1', { mrn: 'SURV' }, 'GHOST'), ingest);
    expect(store.patientByMrn('GHOST')?.id).toBe(store.patientByMrn('SURV')?.id);
  });
});

describe('study status', () => {
  const p = { mrn: 'M1' };
  const sc = (id: string, status: string, acc = 'A1') => orm({ controlId: id, patient: p, accession: acc, control: 'SC', status });

  it('NW → SC → IP → CM, and a late SC after CM does not un-complete', async () => {
    const ingest = ingestWith();
    await send(orm({ controlId: 'O1', patient: p, accession: 'A1' }), ingest);
    expect(orderOf('A1')?.status).toBe('REQUESTED');
    await send(sc('O2', 'SC'), ingest);
    expect(orderOf('A1')?.status).toBe('SCHEDULED');
    await send(sc('O3', 'IP'), ingest);
    expect(orderOf('A1')?.status).toBe('IN_PROGRESS');
    await send(sc('O4', 'CM'), ingest);
    expect(orderOf('A1')?.status).toBe('COMPLETED');
    await send(sc('O5', 'SC'), ingest);
    expect(orderOf('A1')?.status).toBe('COMPLETED');
  });

  it('a report before its order makes a study flagged orderMissing; the order completes it; the report outranks later order messages', async () => {
    const ingest = ingestWith();
    await send(oru({ controlId: 'R1', patient: p, accession: 'A1', status: 'P', obx: [['TX', 'prelim']] }), ingest);
    expect(orderOf('A1')).toMatchObject({ orderMissing: true, status: 'PRELIMINARY' });
    expect(store.reportsByAccession(['A1']).get('A1')).toHaveLength(1);
    await send(orm({ controlId: 'O1', patient: p, accession: 'A1' }), ingest);
    expect(orderOf('A1')).toMatchObject({ orderMissing: false, status: 'PRELIMINARY' });
    await send(sc('O2', 'CM'), ingest);
    expect(orderOf('A1')?.status).toBe('PRELIMINARY');
    await send(oru({ controlId: 'R2', patient: p, accession: 'A1', status: 'F' }), ingest);
    expect(orderOf('A1')?.status).toBe('FINAL');
  });

  it('F after F → AMENDED (that version CORRECTED); every version kept', async () => {
    const ingest = ingestWith();
    await send(orm({ controlId: 'O1', patient: p, accession: 'A1' }), ingest);
    await send(oru({ controlId: 'R1', patient: p, accession: 'A1', status: 'F', obx: [['TX', 'v1']], author: 'R1&HOUSE&GREG', reportedAt: '20250115143000' }), ingest);
    await send(oru({ controlId: 'R2', patient: p, accession: 'A1', status: 'F', obx: [['TX', 'v1 + addendum']] }), ingest);
    expect(orderOf('A1')?.status).toBe('AMENDED');
    expect(store.reportsByAccession(['A1']).get('A1')).toEqual([
      { accessionNumber: 'A1', version: 1, status: 'FINAL', text: 'v1', reportedAt: '2025-01-15T14:30:00+00:00', author: 'R1 HOUSE GREG', kind: 'ORIGINAL', hasAttachment: false, reporter: { id: 'R1', name: 'GREG HOUSE', gmcNumber: null }, assistant: null },
      { accessionNumber: 'A1', version: 2, status: 'CORRECTED', text: 'v1 + addendum', reportedAt: null, author: null, kind: 'ADDENDUM', hasAttachment: false, reporter: null, assistant: null },
    ]);
  });

  it('cancel wins over reports and is sticky', async () => {
    const ingest = ingestWith();
    await send(orm({ controlId: 'O1', patient: p, accession: 'A1' }), ingest);
    await send(oru({ controlId: 'R1', patient: p, accession: 'A1', status: 'F' }), ingest);
    await send(orm({ controlId: 'O2', patient: p, accession: 'A1', control: 'CA' }), ingest);
    expect(orderOf('A1')?.status).toBe('CANCELLED');
    await send(sc('O3', 'IP'), ingest);
    expect(orderOf('A1')?.status).toBe('CANCELLED');
  });

  it('XO changes details only', async () => {
    const ingest = ingestWith();
    await send(orm({ controlId: 'O1', patient: p, accession: 'A1', modality: 'CR' }), ingest);
    await send(orm({ controlId: 'O2', patient: p, accession: 'A1', control: 'XO', status: 'CM', modality: 'DX', procedure: 'CXR^Chest 2 views' }), ingest);
    expect(orderOf('A1')).toMatchObject({ status: 'REQUESTED', modality: 'DX', description: 'Chest 2 views' });
  });

  it('SIU S12 schedules (BST time), S15 is noted without cancelling the order', async () => {
    const ingest = ingestWith();
    await send(orm({ controlId: 'O1', patient: p, accession: 'A1' }), ingest);
    await send(siu({ controlId: 'S1', event: 'S12', patient: p, filler: 'A1', start: '20250701090000' }), ingest);
    expect(orderOf('A1')).toMatchObject({ status: 'SCHEDULED', scheduledAt: '2025-07-01T09:00:00+01:00' });
    await send(siu({ controlId: 'S2', event: 'S15', patient: p, filler: 'A1' }), ingest);
    expect(orderOf('A1')?.status).toBe('SCHEDULED');
    expect(store.transaction((w) => w.order('A1')?.appointmentCancelledAt)).toBe('2025-01-15T10:30:00+00:00');
  });

  it('OMI^O23 with two IPCs creates two studies with their UIDs', async () => {
    await send(omi({ controlId: 'O1', patient: p, ipcs: [{ accession: 'I1', uid: '1.2.826.0.1.1' }, { accession: 'I2', uid: '1.2.826.0.1.2', modality: 'MR' }] }));
    expect(orderOf('I1')).toMatchObject({ studyInstanceUid: '1.2.826.0.1.1', modality: 'CT', status: 'REQUESTED' });
    expect(orderOf('I2')).toMatchObject({ studyInstanceUid: '1.2.826.0.1.2', modality: 'MR' });
  });

  it('a message with two orders applies both in one transaction', async () => {
    const text = message(
      msh({ type: 'ORM^O01', controlId: 'MULTI' }),
      pid({ mrn: 'M1' }),
      seg('ORC', { 1: 'NW' }),
      seg('OBR', { 1: '1', 4: 'A^One', 18: 'X1' }),
      seg('ORC', { 1: 'NW' }),
      seg('OBR', { 1: '2', 4: 'B^Two' }),
    );
    // The second order has no accession: nothing of the message is applied.
    expect((await send(text)).code).toBe('AE');
    expect(store.counts().orders).toBe(0);
  });
});
