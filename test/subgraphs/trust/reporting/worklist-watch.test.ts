import { afterEach, describe, expect, it } from 'vitest';
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

  it('inside the ingest\'s group commit, announces only once the whole group committed, and nothing of a group that rolled back', () => {
    store = openTrustStore(':memory:');
    const changes: WorklistChange[] = [];
    const watched = watchWorklist(store, (c) => changes.push(c));
    const patientId = watched.transaction((w) => w.createPatient({ family: 'TEST' }));
    expect(() =>
      watched.commitGroup(() => {
        watched.transaction((w) => w.saveOrder(order(patientId, 'COMPLETED')));
        throw new Error('the group failed');
      }),
    ).toThrow('the group failed');
    expect(changes).toEqual([]);
    expect(watched.counts().orders).toBe(0);
    let seenInside: number | undefined;
    watched.commitGroup(() => {
      watched.transaction((w) => w.saveOrder(order(patientId, 'COMPLETED')));
      seenInside = changes.length;
    });
    expect(seenInside).toBe(0);
    expect(changes).toEqual([{ type: 'ADDED', accessionNumber: 'A1' }]);
  });
});
