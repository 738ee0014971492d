import { afterEach, describe, expect, it } from 'vitest';
import { encodeStudyId, studyIdOfPayload } from '../../../../schema/study-id.ts';
import type { WorklistRow } from '../../../../subgraphs/trust/store/reporting-model.ts';

const idOf = (r: WorklistRow) => studyIdOfPayload('RXA', r.hit.idKey);
import { openTrustStore } from '../../../../subgraphs/trust/store/open-trust-store.ts';
import { type TrustStore } from '../../../../subgraphs/trust/store/trust-store.ts';
import type { OrderRecord } from '../../../../subgraphs/trust/ris/ingest-port.ts';
import { dueAtRule } from '../../../../subgraphs/trust/reporting/reporting-targets.ts';

let store: TrustStore;
afterEach(() => store?.close());

function order(accession: string, status: OrderRecord['status'], performedAt: string | null, priority: OrderRecord['priority'] = 'ROUTINE', modality = 'CT'): Omit<OrderRecord, 'patientId'> {
  return {
    accessionNumber: accession, placerOrderNumber: null, fillerOrderNumber: null, studyInstanceUid: null, description: null, bodyPart: null,
    modality, priority, workflowStatus: 'COMPLETED', cancelled: status === 'CANCELLED', status, requestedAt: null, scheduledAt: null, performedAt, appointmentCancelledAt: null, orderMissing: false, procedureCode: null, procedureCodingSystem: null, patientClass: null, onHold: false, didNotAttendAt: null, waitStartedAt: null, cancelledAt: null,
  };
}

function seed(orders: Array<Omit<OrderRecord, 'patientId'>>) {
  store = openTrustStore(':memory:');
  store.transaction((w) => {
    const patientId = w.createPatient({ family: 'TEST' });
    for (const o of orders) w.saveOrder({ ...o, patientId });
  });
  return store.reporting(dueAtRule({}));
}

const rad = (sub: string) => ({ sub, given: null, family: null, gmc: null, trust: null });

describe('SQLite reporting store', () => {
  it('worklist: needs-report studies only, by dueAt then id, in keyset pages that neither skip nor repeat', () => {
    const reporting = seed([
      order('A1', 'COMPLETED', '2026-04-01T10:00:00Z'),
      order('A2', 'PRELIMINARY', '2026-04-01T10:00:00Z'),
      order('A3', 'COMPLETED', '2026-04-05T10:00:00Z', 'STAT'),
      order('A4', 'FINAL', '2026-04-01T09:00:00Z'),
      order('A5', 'CANCELLED', '2026-04-01T09:00:00Z'),
      order('A6', 'SCHEDULED', null),
      order('A7', 'COMPLETED', null),
    ]);
    const id = (a: string) => encodeStudyId({ trust: 'RXA', kind: 'accession', value: a });
    // A3 is STAT (due +1 h) so it comes first; A1 and A2 tie on dueAt and go by id; A7 has no time: last.
    const tie = [id('A1'), id('A2')].sort();
    const expected = [id('A3'), ...tie, id('A7')];
    const seen: string[] = [];
    let after;
    for (;;) {
      const page = reporting.worklistPage({ nowMs: Date.parse('2026-04-02T00:00:00Z'), first: 1, ...(after ? { after } : {}) });
      seen.push(...page.rows.map(idOf));
      const last = page.rows.at(-1);
      if (!page.hasNextPage || !last) break;
      after = { dueMs: last.dueMs, id: idOf(last) };
    }
    expect(seen).toEqual(expected);
    const overdue = reporting.worklistPage({ nowMs: Date.parse('2026-04-30T00:00:00Z'), first: 10, overdueOnly: true });
    expect(overdue.rows.map(idOf)).toEqual([id('A3'), ...tie]);
    expect(reporting.worklistPage({ nowMs: 0, first: 10, priorities: ['STAT'] }).rows.map(idOf)).toEqual([id('A3')]);
    expect(reporting.worklistPage({ nowMs: 0, first: 10, modalities: ['MR'] }).rows).toEqual([]);
  });

  it('claims: one holder; the holder renews; an expired lease can be taken; release only by the holder', () => {
    const reporting = seed([order('A1', 'COMPLETED', '2026-04-01T10:00:00Z')]);
    const t = 1_000_000;
    expect(reporting.claim('A1', rad('a'), t, 1000)).toMatchObject({ ok: true, claim: { holder: { sub: 'a' }, expiresAtMs: t + 1000 } });
    expect(reporting.claim('A1', rad('b'), t + 10, 1000)).toMatchObject({ ok: false, heldBy: { holder: { sub: 'a' } } });
    expect(reporting.claim('A1', rad('a'), t + 20, 1000)).toMatchObject({ ok: true, claim: { claimedAtMs: t, expiresAtMs: t + 1020 } });
    expect(reporting.release('A1', 'b', t + 30)).toBe(false);
    expect(reporting.renew('A1', 'b', t + 30, 1000)).toBeUndefined();
    expect(reporting.claim('A1', rad('b'), t + 1020, 1000)).toMatchObject({ ok: true, claim: { holder: { sub: 'b' }, claimedAtMs: t + 1020 } });
    expect(reporting.worklistPage({ nowMs: t + 1500, first: 5, claimed: true }).rows).toHaveLength(1);
    expect(reporting.worklistPage({ nowMs: t + 3000, first: 5, claimed: false }).rows).toHaveLength(1);
    expect(reporting.takeExpiredClaims(t + 3000).map((c) => c.holder.sub)).toEqual(['b']);
    expect(reporting.release('A1', 'b', t + 3000)).toBe(false);
  });

  it('reads PV1-2 patient class from the order: targets and the filter by class (unknown counts as outpatient)', () => {
    const reporting = seed([
      { ...order('IN1', 'COMPLETED', '2026-04-01T10:00:00Z'), patientClass: 'INPATIENT' },
      order('OUT1', 'COMPLETED', '2026-04-01T09:00:00Z'),
    ]);
    const id = (a: string) => encodeStudyId({ trust: 'RXA', kind: 'accession', value: a });
    // The inpatient is due in 24 h, the study of unknown class in 4 weeks (outpatient).
    const page = reporting.worklistPage({ nowMs: 0, first: 10 });
    expect(page.rows.map(idOf)).toEqual([id('IN1'), id('OUT1')]);
    expect(page.rows[0]!.dueMs).toBe(Date.parse('2026-04-01T10:00:00Z') + 24 * 3_600_000);
    expect(page.rows[1]!.dueMs).toBe(Date.parse('2026-04-01T09:00:00Z') + 672 * 3_600_000);
    expect(reporting.worklistPage({ nowMs: 0, first: 10, patientClasses: ['INPATIENT'] }).rows.map(idOf)).toEqual([id('IN1')]);
    expect(reporting.worklistPage({ nowMs: 0, first: 10, patientClasses: ['OUTPATIENT'] }).rows.map(idOf)).toEqual([id('OUT1')]);
  });
});
