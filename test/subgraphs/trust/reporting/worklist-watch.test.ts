import { fdatasync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FileSync } from '../../../../platform/wal-file-sync.ts';
import { openTrustStore } from '../../../../subgraphs/trust/store/open-trust-store.ts';
import { type TrustStore } from '../../../../subgraphs/trust/store/trust-store.ts';
import type { OrderRecord } from '../../../../subgraphs/trust/ris/ingest-port.ts';
import { watchWorklist } from '../../../../subgraphs/trust/reporting/worklist-watch.ts';
import type { WorklistChange } from '../../../../subgraphs/trust/reporting/worklist-events.ts';

let store: TrustStore;
afterEach(() => store?.close());

const order = (patientId: number, status: OrderRecord['status']): OrderRecord => ({
  accessionNumber: 'A1', patientId, placerOrderNumber: null, fillerOrderNumber: null, studyInstanceUid: null, description: null, bodyPart: null,
  modality: 'CT', priority: 'ROUTINE', workflowStatus: 'COMPLETED', cancelled: false, status, requestedAt: null, scheduledAt: null,
  performedAt: null, appointmentCancelledAt: null, orderMissing: false, procedureCode: null, procedureCodingSystem: null, patientClass: null, onHold: false, didNotAttendAt: null, waitStartedAt: null, cancelledAt: null,
});

describe('watchWorklist', () => {
  it('announces a study entering the worklist (ADDED) and leaving it for a final (REPORTED), after commit only', () => {
    store = openTrustStore(':memory:');
    const changes: WorklistChange[] = [];
    const watched = watchWorklist(store, (c) => changes.push(c));
    const patientId = watched.transaction((w) => w.createPatient({ family: 'TEST' }));
    watched.transaction((w) => w.saveOrder(order(patientId, 'SCHEDULED')));
    expect(changes).toEqual([]);
    watched.transaction((w) => w.saveOrder(order(patientId, 'COMPLETED')));
    expect(changes).toEqual([{ type: 'ADDED', accessionNumber: 'A1' }]);
    watched.transaction((w) => w.saveOrder(order(patientId, 'PRELIMINARY')));
    expect(changes).toHaveLength(1);
    expect(() =>
      watched.transaction((w) => {
        w.saveOrder(order(patientId, 'FINAL'));
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(changes).toHaveLength(1);
    watched.transaction((w) => w.saveOrder(order(patientId, 'FINAL')));
    expect(changes).toEqual([{ type: 'ADDED', accessionNumber: 'A1' }, { type: 'REPORTED', accessionNumber: 'A1' }]);
    // Everything else of the store is the store's own.
    expect(watched.counts().orders).toBe(1);
  });

  it("inside the ingest's group commit, announces only once the whole group is on disk (its WAL sync returned), and nothing of a group that rolled back or failed to sync", async () => {
    // A file store whose WAL syncs are held until the test lets them go (the store's `syncWal` seam
    // around the real fdatasync), so "committed" and "durable" are two moments the test can see.
    const dir = mkdtempSync(join(tmpdir(), 'worklist-watch-'));
    const held: Array<() => void> = [];
    let failNext = false;
    const syncWal: FileSync = (fd, done) => {
      const fail = failNext;
      held.push(() => (fail ? done(Object.assign(new Error('EIO: disk failed'), { code: 'EIO' })) : fdatasync(fd, done)));
    };
    const releaseSyncs = async () => {
      while (held.length) held.shift()!();
      await new Promise((r) => setTimeout(r, 50));
    };
    try {
      store = openTrustStore(join(dir, 'RXA.db'), { syncWal });
      const changes: WorklistChange[] = [];
      const watched = watchWorklist(store, (c) => changes.push(c));
      const patientId = watched.transaction((w) => w.createPatient({ family: 'TEST' }));
      expect(() =>
        watched.commitGroup(() => {
          watched.transaction((w) => w.saveOrder(order(patientId, 'COMPLETED')));
          throw new Error('the group failed');
        }),
      ).toThrow('the group failed');
      await releaseSyncs();
      expect(changes).toEqual([]);
      expect(watched.counts().orders).toBe(0);
      let seenInside: number | undefined;
      watched.commitGroup(() => {
        watched.transaction((w) => w.saveOrder(order(patientId, 'COMPLETED')));
        seenInside = changes.length;
      });
      expect(seenInside).toBe(0);
      // Committed but its sync is held: not announced yet.
      await new Promise((r) => setTimeout(r, 50));
      expect(changes).toEqual([]);
      await releaseSyncs();
      expect(changes).toEqual([{ type: 'ADDED', accessionNumber: 'A1' }]);
      // A group whose sync fails announces nothing.
      failNext = true;
      watched.commitGroup(() => {
        watched.transaction((w) => w.saveOrder(order(patientId, 'FINAL')));
      });
      await releaseSyncs();
      expect(changes).toEqual([{ type: 'ADDED', accessionNumber: 'A1' }]);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
