/**
 * DM01 as NHS England defines it (issue 14, item 15). Expected counts are worked out by hand from
 * the DM01 rules (which tests count, planned exclusion, clock start and restart), never from the
 * code under test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { capacityResolver } from '../../../../subgraphs/trust/capacity/capacity-resolver.ts';
import { computeCapacity } from '../../../../subgraphs/trust/capacity/compute-capacity.ts';
import { dm01TestOf } from '../../../../subgraphs/trust/capacity/dm01-test.ts';
import { message, msh, orm, pid, seg, siu } from '../../../fixtures/ris/hl7-fixtures.ts';
import { openClinicalHarness, type ClinicalHarness } from '../clinical-harness.ts';
import { NOW, order } from './capacity-fixture.ts';

const t = (s: string) => `2026-${s}+01:00`;
// NOW is 2026-06-29T12:00+01:00: the 6-week line is 2026-05-18T12:00+01:00.
const LONG_AGO = t('04-01T09:00:00');
const opts = { trust: 'RXA', now: NOW, timezone: 'Europe/London', filter: {}, groupBy: [] as const, scanners: [] };
const waiting = (orders: Parameters<typeof computeCapacity>[0], extra: Partial<Parameters<typeof computeCapacity>[2]> = {}) =>
  computeCapacity(orders, new Map(), { ...opts, groupBy: [], ...extra }).total.waitingOver6Weeks;

describe('DM01: which tests count', () => {
  it('waitingOver6Weeks counts only DM01 imaging tests (MRI, CT, non-obstetric US, barium enema, DEXA)', () => {
    const orders = [
      order({ accessionNumber: 'MR', modality: 'MR', description: 'MRI knee', requestedAt: LONG_AGO }),
      order({ accessionNumber: 'CT', modality: 'CT', description: 'CT chest', requestedAt: LONG_AGO }),
      order({ accessionNumber: 'USA', modality: 'US', description: 'US abdomen', requestedAt: LONG_AGO }),
      order({ accessionNumber: 'USO', modality: 'US', description: 'Obstetric dating scan', requestedAt: LONG_AGO }),
      order({ accessionNumber: 'BAE', modality: 'RF', description: 'Barium enema', requestedAt: LONG_AGO }),
      order({ accessionNumber: 'RF', modality: 'RF', description: 'Barium swallow', requestedAt: LONG_AGO }),
      order({ accessionNumber: 'DEXA', modality: 'BMD', description: 'DEXA scan', requestedAt: LONG_AGO }),
      order({ accessionNumber: 'CR', modality: 'CR', description: 'Chest X-ray', requestedAt: LONG_AGO }),
      order({ accessionNumber: 'NM', modality: 'NM', description: 'Bone scan', requestedAt: LONG_AGO }),
      order({ accessionNumber: 'MG', modality: 'MG', description: 'Mammogram', requestedAt: LONG_AGO }),
    ];
    // MR, CT, US abdomen, barium enema, DEXA.
    expect(waiting(orders)).toBe(5);
  });

  it("the trust's procedure map classifies local codes first", () => {
    const map = { LOC99: 'CT', UABDO: 'NONE' } as const;
    expect(dm01TestOf({ modality: 'OT', procedureCode: 'LOC99', description: 'Local thing' }, map)).toBe('CT');
    expect(dm01TestOf({ modality: 'US', procedureCode: 'UABDO', description: 'US abdomen' }, map)).toBeNull();
    expect(dm01TestOf({ modality: 'US', procedureCode: 'UOBDA', description: 'US' }, {})).toBeNull();
  });

  it('planned/surveillance examinations are excluded from DM01', () => {
    const orders = [
      order({ accessionNumber: 'P', modality: 'CT', priority: 'PLANNED', requestedAt: LONG_AGO }),
      order({ accessionNumber: 'R', modality: 'CT', priority: 'ROUTINE', requestedAt: LONG_AGO }),
    ];
    expect(waiting(orders)).toBe(1);
  });

  it('a booked (scheduled) test not yet performed is still waiting; one on hold too', () => {
    const orders = [
      order({ accessionNumber: 'S', modality: 'MR', status: 'SCHEDULED', requestedAt: LONG_AGO, scheduledAt: t('07-10T09:00:00') }),
      order({ accessionNumber: 'H', modality: 'MR', status: 'ON_HOLD', requestedAt: LONG_AGO }),
      order({ accessionNumber: 'D', modality: 'MR', status: 'COMPLETED', requestedAt: LONG_AGO, performedAt: t('06-01T09:00:00') }),
    ];
    expect(waiting(orders)).toBe(2);
  });

  it('images win over a stale RIS status: an imaged study is performed (not waiting) and unreported', () => {
    const orders = [order({ accessionNumber: 'IMG', modality: 'CT', status: 'SCHEDULED', requestedAt: LONG_AGO })];
    const r = computeCapacity(orders, new Map(), { ...opts, groupBy: [], imaged: new Map([['IMG', t('05-02T10:00:00')]]) });
    expect(r.total.waitingOver6Weeks).toBe(0);
    expect(r.total.unreported).toBe(1);
    expect(r.total.oldestUnreportedAt).toBe(t('05-02T10:00:00'));
  });
});

describe('DM01 clock through the RIS feed', () => {
  let h: ClinicalHarness;
  afterEach(() => h?.close());
  const p = { mrn: 'M1' };
  const hl7 = (iso: string) => iso.replace(/[-:T]/g, '').slice(0, 14);
  const daysAgo = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 19);

  it('the clock restarts when the patient did not attend', async () => {
    h = openClinicalHarness({ timezone: 'UTC' });
    const now = new Date();
    await h.send(orm({ controlId: 'O1', patient: p, accession: 'A1', modality: 'MR', procedure: 'MRKNE^MRI knee', orderTime: hl7(daysAgo(now, 70)) }));
    await h.send(orm({ controlId: 'O2', patient: p, accession: 'A2', modality: 'MR', procedure: 'MRKNE^MRI knee', orderTime: hl7(daysAgo(now, 70)) }));
    await h.send(siu({ controlId: 'S1', event: 'S12', patient: p, filler: 'A1', start: hl7(daysAgo(now, 20)) }));
    // A1's patient did not attend 20 days ago: the clock restarts there (under 6 weeks now).
    await h.send(siu({ controlId: 'S2', event: 'S26', patient: p, filler: 'A1', msh: { time: hl7(daysAgo(now, 20)) } }));
    const report = await capacityResolver(null, {}, { clock: () => now, config: { code: 'RXA', name: 'T', capacity: { scanners: [] } }, store: h.store });
    expect(report.total.waitingOver6Weeks).toBe(1);
  });

  it('the clock restarts when the patient cancels (SIU^S15 with a patient reason), and a resent NW does not undo it', async () => {
    h = openClinicalHarness({ timezone: 'UTC' });
    const now = new Date();
    const order = orm({ controlId: 'O1', patient: p, accession: 'A1', modality: 'CT', procedure: 'CTHEA^CT head', orderTime: hl7(daysAgo(now, 70)) });
    await h.send(order);
    const cancel = message(
      msh({ type: 'SIU^S15^SIU_S12', controlId: 'S1', time: hl7(daysAgo(now, 10)) }),
      seg('SCH', { 1: 'APT-A1', 6: 'PATCAN^Cancelled by patient', 27: 'A1' }),
      pid(p),
    );
    expect((await h.send(cancel)).code).toBe('AA');
    await h.send(order.replace('|O1|', '|O1-resend|'));
    const report = await capacityResolver(null, {}, { clock: () => now, config: { code: 'RXA', name: 'T', capacity: { scanners: [] } }, store: h.store });
    expect(report.total.waitingOver6Weeks).toBe(0);
  });

  it('images the PACS sync stored win over a stale RIS status (performed, so unreported and not waiting)', async () => {
    h = openClinicalHarness({ timezone: 'UTC' });
    const now = new Date();
    await h.send(orm({ controlId: 'O1', patient: p, accession: 'A1', modality: 'MR', procedure: 'MRKNE^MRI knee', orderTime: hl7(daysAgo(now, 60)) }));
    const ctx = { clock: () => now, config: { code: 'RXA', name: 'T', capacity: { scanners: [] } }, store: h.store };
    expect(capacityResolver(null, {}, ctx).total).toMatchObject({ waitingOver6Weeks: 1, unreported: 0 });
    const performedAt = new Date(now.getTime() - 10 * 86_400_000).toISOString().replace(/\.\d+Z$/, '+00:00');
    h.store.upsertPacsStudies([{
      study: { studyInstanceUid: '1.2.826.0.1.3680043.9.1', accessionNumber: 'A1', patientId: 'M1', issuerOfPatientId: null, patientName: null, birthDate: null, sex: null, modalities: ['MR'], description: null, performedAt, imageCount: 20, seriesCount: 2 },
      studyDate: performedAt.slice(0, 10).replace(/-/g, ''),
    }]);
    expect(capacityResolver(null, {}, ctx).total).toMatchObject({ waitingOver6Weeks: 0, unreported: 1, oldestUnreportedAt: performedAt });
  });

  it('CapacityFilter.asOf gives the backlog as it was at a past instant, from the status history', async () => {
    h = openClinicalHarness({ timezone: 'UTC' });
    const start = new Date();
    await h.send(orm({ controlId: 'O1', patient: p, accession: 'A1', modality: 'CT', procedure: 'CTCHE^CT chest', orderTime: hl7(daysAgo(start, 60)) }));
    await new Promise((r) => setTimeout(r, 20));
    const census = new Date();
    await new Promise((r) => setTimeout(r, 20));
    // After the census: the exam is done.
    await h.send(orm({ controlId: 'O2', patient: p, accession: 'A1', control: 'SC', status: 'CM', modality: 'CT', procedure: 'CTCHE^CT chest' }));
    const ctx = { clock: () => new Date(), config: { code: 'RXA', name: 'T', capacity: { scanners: [] } }, store: h.store };
    const now = await capacityResolver(null, {}, ctx);
    const then = await capacityResolver(null, { filter: { asOf: census.toISOString() } }, ctx);
    expect(now.total).toMatchObject({ waitingOver6Weeks: 0, unreported: 1 });
    expect(then.total).toMatchObject({ waitingOver6Weeks: 1, unreported: 0 });
    // Before the order existed, there was nothing.
    const before = await capacityResolver(null, { filter: { asOf: new Date(start.getTime() - 1000).toISOString() } }, ctx);
    expect(before.total.waitingOver6Weeks).toBe(0);
  });
});
