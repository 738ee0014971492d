import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_VERSION, MIGRATIONS, migrate, schemaVersion } from '../../../../subgraphs/trust/store/migrations.ts';
import { StoreFailure } from '../../../../subgraphs/trust/ris/ingest-port.ts';
import { openTrustStore } from '../../../../subgraphs/trust/store/open-trust-store.ts';
import { type TrustStore } from '../../../../subgraphs/trust/store/trust-store.ts';
import type { OrderRecord } from '../../../../subgraphs/trust/ris/ingest-port.ts';

let dir: string;
let path: string;
const open: TrustStore[] = [];
const openStore = (opts?: Parameters<typeof openTrustStore>[1]): TrustStore => {
  const s = openTrustStore(path, opts);
  open.push(s);
  return s;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'trust-store-'));
  path = join(dir, 'nested', 'RXA.db');
});
afterEach(() => {
  for (const s of open.splice(0)) {
    try {
      s.close();
    } catch {
      // already closed
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

function order(accessionNumber: string, patientId: number, extra: Partial<OrderRecord> = {}): OrderRecord {
  return {
    accessionNumber, patientId, placerOrderNumber: null, fillerOrderNumber: null, studyInstanceUid: null,
    description: 'CT Head', bodyPart: null, modality: 'CT', priority: 'ROUTINE', workflowStatus: 'REQUESTED',
    cancelled: false, status: 'REQUESTED', requestedAt: '2025-01-15T10:30:00Z', scheduledAt: null, performedAt: null,
    appointmentCancelledAt: null, orderMissing: false, procedureCode: null, procedureCodingSystem: null, patientClass: null,
    onHold: false, didNotAttendAt: null, waitStartedAt: null, cancelledAt: null, ...extra,
  };
}

describe('migrations', () => {
  it('migrates an empty database to the latest version, in order, and reopening applies nothing', () => {
    const db = new Database(':memory:');
    expect(schemaVersion(db)).toBe(0);
    expect(migrate(db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    expect(migrate(db)).toEqual([]);
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all().map((r) => (r as { name: string }).name);
    expect(tables).toEqual(['acks', 'claims', 'failed', 'journal', 'network_reports', 'orders', 'outbox', 'pacs_studies', 'pacs_sync_state', 'patient_identifiers', 'patients', 'reports', 'study_index', 'study_index_modalities', 'study_status_history']);
    db.close();
  });

  it('versions are 1..n without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('refuses a database newer than the build', () => {
    const db = new Database(':memory:');
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    expect(() => migrate(db)).toThrow(/newer than this build/);
    db.close();
  });

  it('opens with WAL, synchronous FULL and foreign keys, creating the folder', () => {
    openStore().close();
    const db = new Database(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    db.close();
  });
});

describe('durability', () => {
  it('group commits are synced through the WAL file, also after a clean close deleted it', async () => {
    openStore().close(); // the last connection's close removes the -wal file
    const synced: number[] = [];
    const store = openStore({ syncWal: (fd, done) => (synced.push(fd), done(null)) });
    const received = { receivedAt: '2026-01-01T00:00:00.000Z', remoteAddress: null, connectionId: null, raw: Buffer.from('MSH|^~\\&|') };
    store.commitGroup(() => store.journalReceived(received));
    expect(synced).toHaveLength(0); // not before durable() is asked: the commit alone syncs nothing
    await store.durable();
    expect(synced).toHaveLength(1);
    expect(store.counts()).toMatchObject({ journal: 1 });
  });

  it('one sync per committed group: a second durable() with no commit in between waits for the same sync; the next group gets its own', async () => {
    openStore().close();
    const held: Array<() => void> = [];
    const store = openStore({ syncWal: (_fd, done) => held.push(() => done(null)) });
    const received = { receivedAt: '2026-01-01T00:00:00.000Z', remoteAddress: null, connectionId: null, raw: Buffer.from('MSH|^~\\&|') };
    store.commitGroup(() => store.journalReceived(received));
    let firstDone = false;
    let secondDone = false;
    const first = store.durable().then(() => (firstDone = true));
    const second = store.durable().then(() => (secondDone = true));
    expect(held).toHaveLength(1);
    await Promise.resolve();
    expect([firstDone, secondDone]).toEqual([false, false]); // neither released before the sync returns
    held.shift()!();
    await Promise.all([first, second]);
    store.commitGroup(() => store.journalReceived(received));
    const third = store.durable();
    expect(held).toHaveLength(1); // a new group: a new sync, started after its commit
    held.shift()!();
    await third;
    expect(store.counts()).toMatchObject({ journal: 2 });
    store.close();
  });

  it('keeps journal, acks, patients, orders and reports across close and reopen', () => {
    const store = openStore();
    const journalId = store.journalReceived({ receivedAt: '2025-01-15T10:30:00Z', remoteAddress: '127.0.0.1', connectionId: 1, raw: Buffer.from('MSH|^~\\&|x') });
    store.transaction((w) => {
      const p = w.createPatient({ nhsNumber: '9990000018', family: 'DOE', given: ['JANE'], birthDate: '1980-01-01', sex: 'FEMALE' });
      expect(w.addMrn(p, 'M1')).toBe(true);
      w.saveOrder(order('ACC1', p));
      w.addReportVersion({ accessionNumber: 'ACC1', status: 'FINAL', resultStatus: 'F', text: 'ok', reportedAt: null, author: 'R1 HOUSE GREG', patientId: p, journalId, kind: 'ORIGINAL', attachment: null, reporter: null, assistant: null });
      w.recordAck({ sendingApplication: 'RIS', sendingFacility: 'RXA01', controlId: 'C1' }, journalId, 'AA', 'MSH|ack');
    });
    store.close();

    const again = openStore();
    expect(again.counts()).toMatchObject({ journal: 1, acks: 1, patients: 1, orders: 1, reports: 1, failed: 0, outbox: 0 });
    const patient = again.patientByMrn('M1')!;
    expect(patient).toMatchObject({ nhsNumber: '9990000018', family: 'DOE', given: ['JANE'], birthDate: '1980-01-01', sex: 'FEMALE', mrns: ['M1'] });
    expect(again.patientByNhsNumber('9990000018')?.id).toBe(patient.id);
    expect(again.findOrders({ patientId: patient.id }).map((o) => o.accessionNumber)).toEqual(['ACC1']);
    expect(again.reportsByAccession(['ACC1', 'NONE']).get('ACC1')).toEqual([
      { accessionNumber: 'ACC1', version: 1, status: 'FINAL', text: 'ok', reportedAt: null, author: 'R1 HOUSE GREG', kind: 'ORIGINAL', hasAttachment: false, reporter: null, assistant: null },
    ]);
    expect(again.transaction((w) => w.findAck({ sendingApplication: 'RIS', sendingFacility: 'RXA01', controlId: 'C1' }))).toEqual({ ackCode: 'AA', ackText: 'MSH|ack', journalId });
  });

  it('a transaction that throws leaves nothing behind', () => {
    const store = openStore();
    expect(() =>
      store.transaction((w) => {
        w.createPatient({ family: 'GONE' });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.counts().patients).toBe(0);
  });

  it('a locked database is a StoreFailure (so the ingest withholds the ACK)', () => {
    const store = openStore({ busyTimeoutMs: 0 });
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      expect(() => store.journalReceived({ receivedAt: 'x', remoteAddress: null, connectionId: null, raw: Buffer.from('x') })).toThrow(StoreFailure);
      expect(() => store.transaction(() => 1)).toThrow(StoreFailure);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(store.transaction(() => 1)).toBe(1);
  });

  it('opens read-only for readers and refuses writes', () => {
    openStore().close();
    const ro = openStore({ readonly: true });
    expect(ro.findOrders({})).toEqual([]);
    expect(() => ro.journalReceived({ receivedAt: 'x', remoteAddress: null, connectionId: null, raw: Buffer.from('x') })).toThrow(StoreFailure);
  });
});

describe('merges on read', () => {
  it('follows survivors for patients, MRNs and orders', () => {
    const store = openStore();
    const ids = store.transaction((w) => {
      const a = w.createPatient({ family: 'A' });
      const b = w.createPatient({ family: 'B', nhsNumber: '9990000026' });
      const c = w.createPatient({ family: 'C' });
      w.addMrn(a, 'MA');
      w.addMrn(b, 'MB');
      w.addMrn(c, 'MC');
      w.saveOrder(order('ACC-A', a));
      w.mergePatient(a, b);
      w.mergePatient(b, c);
      return { a, b, c };
    });
    const survivor = store.patientByMrn('MA')!;
    expect(survivor.id).toBe(ids.c);
    expect(survivor.mrns.sort()).toEqual(['MA', 'MB', 'MC']);
    // C had no NHS number: it inherits B's.
    expect(survivor.nhsNumber).toBe('9990000026');
    expect(store.patientsById([ids.a]).get(ids.a)?.id).toBe(ids.c);
    expect(store.findOrders({ patientId: ids.a }).map((o) => o.patientId)).toEqual([ids.c]);
    expect(store.ordersByAccession(['ACC-A']).get('ACC-A')?.patientId).toBe(ids.c);
  });

  it('a merge cycle written by hand does not hang reads', () => {
    const store = openStore();
    store.close();
    const db = new Database(path);
    const t = '2025-01-01T00:00:00Z';
    db.prepare(`INSERT INTO patients (id, family, created_at, updated_at) VALUES (1, 'X', ?, ?), (2, 'Y', ?, ?)`).run(t, t, t, t);
    db.prepare('UPDATE patients SET merged_into = 2 WHERE id = 1').run();
    db.prepare('UPDATE patients SET merged_into = 1 WHERE id = 2').run();
    db.prepare(`INSERT INTO patient_identifiers (type, value, patient_id) VALUES ('MR', 'M1', 1)`).run();
    db.close();
    const again = openStore();
    const p = again.patientByMrn('M1');
    expect(p?.id === 1 || p?.id === 2).toBe(true);
    expect(p?.mrns).toEqual(['M1']);
  });
});

describe('failed messages', () => {
  it('lists kept messages and hands them out for replay with their raw bytes', () => {
    const store = openStore();
    const raw = Buffer.from('not hl7');
    const journalId = store.journalReceived({ receivedAt: '2025-01-15T10:30:00Z', remoteAddress: '127.0.0.1', connectionId: 3, raw, frameSize: 100 });
    const failedId = store.transaction((w) => w.recordFailure(journalId, { ackCode: 'AR', errCode: 100, reason: 'unparseable', location: null }));
    expect(store.listFailed()).toMatchObject([{ id: failedId, journalId, errCode: 100, status: 'FAILED', attempts: 0, sender: null }]);
    const [forReplay] = store.failedForReplay();
    expect(forReplay?.raw.equals(raw)).toBe(true);
    expect(forReplay?.truncated).toBe(true);
    store.transaction((w) => w.markReplay(failedId, { ok: true }));
    expect(store.listFailed()).toEqual([]);
    expect(store.listFailed({ includeReplayed: true })[0]).toMatchObject({ status: 'REPLAYED', attempts: 1 });
    expect(store.failedForReplay()).toEqual([]);
  });
});
