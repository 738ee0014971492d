/**
 * Capacity through the study index (a real SQLite trust store) must say exactly what the capacity
 * rules say over EVERY order and report (the reading before issue 11: `findOrders({})`), while
 * reading only the orders of the window and the backlog. The reference is the same store read
 * whole through a store double without the index's capacity reader.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { capacityResolver, type CapacityContext } from '../../../../subgraphs/trust/capacity/capacity-resolver.ts';
import { openTrustStore } from '../../../../subgraphs/trust/store/open-trust-store.ts';
import { type TrustStore } from '../../../../subgraphs/trust/store/trust-store.ts';
import type { PriorityValue, ReportStatusValue, StudyStatusValue } from '../../../../schema/generated/enums.ts';
import type { WorkflowStatus } from '../../../../subgraphs/trust/ris/ingest-port.ts';

const DAY = 86_400_000;
const STATUSES: StudyStatusValue[] = ['REQUESTED', 'SCHEDULED', 'ARRIVED', 'ON_HOLD', 'DID_NOT_ATTEND', 'IN_PROGRESS', 'COMPLETED', 'PRELIMINARY', 'FINAL', 'AMENDED', 'CANCELLED'];
const MODALITIES = ['CT', 'MR', 'US', 'CR', 'XYZ', null];
const PRIORITIES: (PriorityValue | null)[] = ['ROUTINE', 'URGENT', 'STAT', 'SUSPECTED_CANCER', 'PLANNED', null];
const SCANNERS = [{ id: 'CT1', modality: 'CT', examsPerDay: 40 }, { id: 'MR1', modality: 'MR', examsPerDay: 20 }];

/** Deterministic pseudo-random numbers (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('capacity from the study index', () => {
  let store: TrustStore | undefined;
  afterEach(() => store?.close());

  /** Orders over 200 days before now, with every status and report shape. */
  function seed(s: TrustStore, count: number, rnd: () => number, now: number, prefix: string, status?: StudyStatusValue): void {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const iso = (ms: number) => new Date(ms).toISOString();
    s.transaction((w) => {
      const patientId = w.createPatient({ nhsNumber: '9990000018', family: 'SYNTH', given: ['CAP'] });
      for (let i = 0; i < count; i++) {
        const accessionNumber = `${prefix}${String(i).padStart(5, '0')}`;
        const requested = now - Math.floor(rnd() * 200 * DAY);
        const scheduled = rnd() < 0.6 ? requested + Math.floor(rnd() * 30 * DAY) : null;
        const performed = rnd() < 0.6 ? requested + Math.floor((rnd() - 0.05) * 40 * DAY) : null;
        const st = status ?? pick(STATUSES);
        w.saveOrder({
          accessionNumber, patientId, placerOrderNumber: null, fillerOrderNumber: null, studyInstanceUid: null,
          description: pick(['MRI knee', 'CT head', 'US abdomen', 'Obstetric dating scan', 'Barium enema', 'DEXA scan', null]),
          bodyPart: null, modality: pick(MODALITIES), priority: pick(PRIORITIES),
          workflowStatus: (['REQUESTED', 'SCHEDULED', 'ARRIVED', 'IN_PROGRESS', 'COMPLETED'].includes(st) ? st : 'COMPLETED') as WorkflowStatus,
          cancelled: st === 'CANCELLED', status: st,
          requestedAt: rnd() < 0.95 ? iso(requested) : null, scheduledAt: scheduled === null ? null : iso(scheduled),
          performedAt: performed === null ? null : iso(performed), appointmentCancelledAt: null, orderMissing: false,
          procedureCode: rnd() < 0.3 ? pick(['MRKNE', 'UOBDAT', 'CTHEA']) : null, procedureCodingSystem: null, patientClass: null,
          onHold: st === 'ON_HOLD', didNotAttendAt: null, waitStartedAt: rnd() < 0.3 ? iso(requested + Math.floor(rnd() * 20 * DAY)) : null, cancelledAt: null,
        });
        const versions = Math.floor(rnd() * 4);
        for (let v = 0; v < versions; v++) {
          const reportStatus = pick<ReportStatusValue>(['PRELIMINARY', 'FINAL', 'CORRECTED', 'CANCELLED']);
          const at = (performed ?? requested) + Math.floor((rnd() - 0.1) * 40 * DAY);
          w.addReportVersion({
            accessionNumber, status: reportStatus, resultStatus: reportStatus[0]!, text: 'synthetic', reportedAt: rnd() < 0.95 ? iso(at) : null,
            author: null, kind: 'ORIGINAL', attachment: null, reporter: null, assistant: null, patientId, journalId: null,
          });
        }
      }
    });
  }

  function contexts(s: TrustStore, now: Date) {
    const read: string[][] = [];
    const config = { code: 'RXA', name: 'Synthetic', capacity: { scanners: SCANNERS, dm01Procedures: { MRKNE: 'MRI' as const, CTHEA: 'NONE' as const } } };
    const viaIndex: CapacityContext = {
      clock: () => now, config,
      store: {
        findOrders: () => { throw new Error('capacity must not read every order'); },
        reportsByAccession: (a) => s.reportsByAccession(a),
        statusHistoryAsOf: (at, st) => s.statusHistoryAsOf(at, st),
        pacsStudiesByAccession: (a) => s.pacsStudiesByAccession(a),
        capacityAccessions: (scope) => s.capacityAccessions(scope),
        ordersByAccession: (a) => { read.push([...a]); return s.ordersByAccession(a); },
      },
    };
    // The reference: every order and every report, as capacity read them before the index.
    const whole: CapacityContext = {
      clock: () => now, config,
      store: {
        findOrders: (q) => s.findOrders(q),
        reportsByAccession: (a) => s.reportsByAccession(a),
        statusHistoryAsOf: (at) => s.statusHistoryAsOf(at),
        pacsStudiesByAccession: (a) => s.pacsStudiesByAccession(a),
      },
    };
    return { viaIndex, whole, read };
  }

  const GROUPINGS = [[], ['TRUST'], ['MODALITY'], ['PRIORITY'], ['WEEK'], ['MODALITY', 'PRIORITY', 'WEEK']];

  it('equals the rules over every order for every grouping, window and filter, reading only the window and the backlog', () => {
    store = openTrustStore(':memory:');
    const now = new Date();
    seed(store, 1500, random(7), now.getTime(), 'A');
    const { viaIndex, whole, read } = contexts(store, now);
    const filters = [
      undefined,
      { from: new Date(now.getTime() - 90 * DAY).toISOString(), to: new Date(now.getTime() - 30 * DAY).toISOString() },
      { from: new Date(now.getTime() - 7 * DAY).toISOString() },
      { modalities: ['CT', 'OT'], priorities: ['ROUTINE', 'URGENT'] },
      { priorities: [] },
      { trusts: ['RXA'], from: new Date(now.getTime() - 400 * DAY).toISOString() },
    ];
    let checked = 0;
    for (const filter of filters) {
      for (const groupBy of GROUPINGS) {
        const args = { filter: filter ?? null, groupBy };
        const expected = capacityResolver(null, args, whole);
        expect(capacityResolver(null, args, viaIndex)).toEqual(expected);
        checked++;
      }
    }
    expect(checked).toBe(filters.length * GROUPINGS.length);
    // The comparison is not vacuous: the default window has activity, a backlog and turnarounds.
    const total = capacityResolver(null, {}, whole).total;
    expect(total.requested).toBeGreaterThan(50);
    expect(total.performedToReported.count).toBeGreaterThan(10);
    expect(total.unreported).toBeGreaterThan(10);
    expect(total.waitingOver6Weeks).toBeGreaterThan(5);
    // A 7-day window reads far fewer orders than the store holds.
    read.length = 0;
    capacityResolver(null, { filter: { from: new Date(now.getTime() - 7 * DAY).toISOString() } }, viaIndex);
    expect(read.flat().length).toBeLessThan(1500);
  });

  it('equals the rules over every order for a backlog as of a past instant (status history)', async () => {
    store = openTrustStore(':memory:');
    const rnd = random(11);
    seed(store, 600, rnd, Date.now(), 'B');
    await new Promise((r) => setTimeout(r, 20));
    const asOf = new Date();
    await new Promise((r) => setTimeout(r, 20));
    // After asOf: half of them change status (reported, cancelled), and new orders arrive.
    seed(store, 300, random(11), Date.now(), 'B', 'FINAL');
    seed(store, 300, rnd, Date.now(), 'C');
    const now = new Date();
    const { viaIndex, whole } = contexts(store, now);
    for (const groupBy of GROUPINGS) {
      const args = { filter: { asOf: asOf.toISOString() }, groupBy };
      expect(capacityResolver(null, args, viaIndex)).toEqual(capacityResolver(null, args, whole));
    }
    const then = capacityResolver(null, { filter: { asOf: asOf.toISOString() } }, whole).total;
    const current = capacityResolver(null, {}, whole).total;
    expect(then.unreported + then.waitingOver6Weeks).toBeGreaterThan(0);
    expect(then).not.toEqual(current);
  });

  it('a store written before migration 7 gets the capacity columns filled on its first open', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'capacity-index-')), 'RXA.db');
    const now = new Date();
    store = openTrustStore(path);
    seed(store, 400, random(3), now.getTime(), 'D');
    const expected = capacityResolver(null, { groupBy: ['MODALITY', 'WEEK'] }, contexts(store, now).whole);
    store.close();
    // As a version-6 store left them: no capacity columns filled, and the refill flag migration 7 sets.
    const db = new Database(path);
    db.exec(`UPDATE study_index SET requested_ms = NULL, scheduled_ms = NULL, ris_performed_ms = NULL, first_final_ms = NULL;
             INSERT OR REPLACE INTO pacs_sync_state (name, value) VALUES ('index_needs_fill', 'true');`);
    expect(db.prepare('SELECT COUNT(*) FROM study_index WHERE requested_ms IS NOT NULL').pluck().get()).toBe(0);
    db.close();
    store = openTrustStore(path);
    expect(capacityResolver(null, { groupBy: ['MODALITY', 'WEEK'] }, contexts(store, now).viaIndex)).toEqual(expected);
    expect(expected.total.requested).toBeGreaterThan(0);
  });
});
