/** Real SQLite store: the study index kept in step with RIS writes and synced PACS studies. */
import { describe, expect, it } from 'vitest';
import { openTrustStore } from '../../../../subgraphs/trust/store/open-trust-store.ts';
import { type TrustStore } from '../../../../subgraphs/trust/store/trust-store.ts';
import type { OrderRecord } from '../../../../subgraphs/trust/ris/ingest-port.ts';
import type { PacsStudy } from '../../../../subgraphs/trust/pacs/study-mapping.ts';
import { studyIdPayload } from '../../../../schema/index.ts';
import { NO_SORT_TIME } from '../../../../subgraphs/trust/store/study-index-row.ts';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function order(accessionNumber: string, patientId: number, extra: Partial<OrderRecord> = {}): OrderRecord {
  return {
    accessionNumber, patientId, placerOrderNumber: null, fillerOrderNumber: null, studyInstanceUid: null, description: 'CT head',
    bodyPart: 'HEAD', modality: 'CT', priority: 'ROUTINE', workflowStatus: 'REQUESTED', cancelled: false, status: 'REQUESTED',
    requestedAt: '2026-03-01T09:00:00+00:00', scheduledAt: null, performedAt: null, appointmentCancelledAt: null,
    orderMissing: false, procedureCode: null, procedureCodingSystem: null, patientClass: null, onHold: false, didNotAttendAt: null, waitStartedAt: null, cancelledAt: null, ...extra,
  };
}

function pacs(uid: string, accessionNumber: string | null, performedAt: string | null, extra: Partial<PacsStudy> = {}): PacsStudy {
  return {
    studyInstanceUid: uid, accessionNumber, patientId: 'MRN1', issuerOfPatientId: null, patientName: null, birthDate: null, sex: null,
    modalities: ['MR'], description: 'MR knee', performedAt, imageCount: 12, seriesCount: 2, ...extra,
  };
}

const rows = (store: TrustStore, q: Parameters<TrustStore['studyIndexPage']>[0] = { limit: 100 }) => store.studyIndexPage(q);

describe('study index in the trust store', () => {
  it('follows RIS writes in the same transaction: new order, report, status, merge', () => {
    const store = openTrustStore(':memory:');
    const [a, b] = store.transaction((w) => {
      const a = w.createPatient({ nhsNumber: '9990000018' });
      const b = w.createPatient({ nhsNumber: null });
      w.saveOrder(order('ACC1', a));
      w.saveOrder(order('ACC2', b, { requestedAt: '2026-03-02T09:00:00+00:00' }));
      return [a, b];
    });
    expect(rows(store).map((r) => r.accessionNumber)).toEqual(['ACC2', 'ACC1']);
    expect(rows(store, { statuses: ['REQUESTED'], limit: 10 })).toHaveLength(2);

    // A failed transaction changes nothing, index included.
    expect(() => store.transaction((w) => {
      w.saveOrder(order('ACC3', a));
      throw new Error('apply failed');
    })).toThrow('apply failed');
    expect(rows(store)).toHaveLength(2);

    store.transaction((w) => {
      w.saveOrder(order('ACC1', a, { workflowStatus: 'COMPLETED', status: 'FINAL', performedAt: '2026-03-05T10:00:00+00:00' }));
      w.addReportVersion({ accessionNumber: 'ACC1', status: 'FINAL', resultStatus: 'F', text: 'normal', reportedAt: '2026-03-05T12:00:00+00:00', author: null, patientId: a, journalId: null, kind: 'ORIGINAL', attachment: null, reporter: null, assistant: null, });
    });
    expect(rows(store, { statuses: ['FINAL'], limit: 10 }).map((r) => r.accessionNumber)).toEqual(['ACC1']);
    expect(rows(store).map((r) => r.accessionNumber)).toEqual(['ACC1', 'ACC2']);

    store.transaction((w) => w.mergePatient(b, a));
    expect(rows(store, { patient: { risPatientId: a, pacsPatientIds: [] }, limit: 10 }).map((r) => r.accessionNumber)).toEqual(['ACC1', 'ACC2']);
  });

  it('joins synced PACS studies on accession, else on the order\'s Study Instance UID, and unjoins on deletion', () => {
    const store = openTrustStore(':memory:');
    const p = store.transaction((w) => {
      const p = w.createPatient({ nhsNumber: null });
      w.saveOrder(order('ACC1', p));
      w.saveOrder(order('ACC2', p, { studyInstanceUid: '1.2.3.2' }));
      return p;
    });
    store.upsertPacsStudies([
      { study: pacs('1.2.3.1', 'ACC1', '2026-03-06T10:00:00+00:00'), studyDate: '20260306' },
      { study: pacs('1.2.3.2', 'OTHER', '2026-03-07T10:00:00+00:00'), studyDate: '20260307' },
      { study: pacs('1.2.3.9', null, null), studyDate: '' },
    ]);
    const all = rows(store);
    expect(all.map((r) => [r.accessionNumber, r.pacsUid, r.hasOrder])).toEqual([
      ['ACC2', '1.2.3.2', true],
      ['ACC1', '1.2.3.1', true],
      [null, '1.2.3.9', false],
    ]);
    expect(all[2]).toMatchObject({ idKey: studyIdPayload('uid', '1.2.3.9'), sortKey: NO_SORT_TIME });
    // PACS modalities win over the ordered one (MR, not CT).
    expect(rows(store, { modalities: ['MR'], limit: 10 })).toHaveLength(3);
    expect(rows(store, { modalities: ['CT'], limit: 10 })).toHaveLength(0);
    expect(rows(store, { fromMillis: Date.parse('2026-03-06T00:00:00Z'), toMillis: Date.parse('2026-03-06T23:59:59Z'), limit: 10 }).map((r) => r.accessionNumber)).toEqual(['ACC1']);

    store.removePacsStudiesNotSeen('20260306', '20260306', new Set());
    expect(rows(store).find((r) => r.accessionNumber === 'ACC1')).toMatchObject({ pacsUid: null, hasOrder: true });
    expect(rows(store, { modalities: ['CT'], limit: 10 }).map((r) => r.accessionNumber)).toEqual(['ACC1']);
    expect(p).toBeGreaterThan(0);
  });

  it('pages by keyset: after a position, never repeating or skipping', () => {
    const store = openTrustStore(':memory:');
    store.upsertPacsStudies(Array.from({ length: 25 }, (_, i) => ({
      study: pacs(`1.2.9.${i}`, `A${String(i).padStart(3, '0')}`, i % 5 === 0 ? null : `2026-03-${String(1 + (i % 3)).padStart(2, '0')}T10:00:00+00:00`),
      studyDate: i % 5 === 0 ? '' : '2026030x',
    })));
    const all = rows(store).map((r) => r.idKey);
    const paged: string[] = [];
    let after: { sortKey: number; idKey: string } | undefined;
    for (;;) {
      const page = store.studyIndexPage({ limit: 4, ...(after ? { after } : {}) });
      paged.push(...page.map((r) => r.idKey));
      if (page.length < 4) break;
      after = { sortKey: page[3]!.sortKey, idKey: page[3]!.idKey };
    }
    expect(paged).toEqual(all);
    expect(new Set(paged).size).toBe(25);
  });

  it('fills the index from existing orders when an older store is opened (migration 3)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'index-migrate-'));
    const path = join(dir, 'old.db');
    const store = openTrustStore(path);
    store.transaction((w) => {
      const p = w.createPatient({ nhsNumber: null });
      w.saveOrder(order('OLD1', p));
    });
    store.close();
    // Simulate a store written before the index: rows gone, fill flag back.
    const db = new Database(path);
    db.exec(`DELETE FROM study_index; DELETE FROM study_index_modalities; INSERT INTO pacs_sync_state (name, value) VALUES ('index_needs_fill', 'true')`);
    db.close();
    const reopened = openTrustStore(path);
    expect(rows(reopened).map((r) => r.accessionNumber)).toEqual(['OLD1']);
    reopened.close();
  });
});
