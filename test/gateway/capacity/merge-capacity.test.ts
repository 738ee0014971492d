import { describe, expect, it } from 'vitest';
import { mergeCapacity, type TrustCapacityAnswer } from '../../../gateway/capacity/merge-capacity.ts';
import type { CapacityReportJson } from '../../../gateway/capacity/capacity-report.ts';
import { capacityResolver } from '../../../subgraphs/trust/capacity/capacity-resolver.ts';
import { computeCapacity } from '../../../subgraphs/trust/capacity/compute-capacity.ts';
import { NOW, ORDERS, REPORTS, SCANNERS, order, report, expectCapacity, expectTurnaround } from '../../subgraphs/trust/capacity/capacity-fixture.ts';

const t = (s: string) => `2026-${s}+01:00`;

/** Trust RXB: a second synthetic trust, CT only, one 20-a-day scanner. */
const RXB_ORDERS = [
  // CT requested 06-08, exam after 12 h, final after 700 h (over 4 weeks).
  order({ accessionNumber: 'B1', status: 'FINAL', requestedAt: t('06-01T13:00:00'), performedAt: t('06-02T01:00:00') }),
  // CT performed 05-20, unreported: older than RXA's oldest (05-26).
  order({ accessionNumber: 'B2', status: 'COMPLETED', requestedAt: t('05-19T09:00:00'), performedAt: t('05-20T09:00:00') }),
  // MR requested in March, still waiting.
  order({ accessionNumber: 'B3', modality: 'MR', status: 'REQUESTED', requestedAt: t('03-02T09:00:00') }),
];
const RXB_REPORTS = new Map([['B1', [report('B1', 1, 'FINAL', '2026-07-01T05:00:00+01:00')]]]);
const RXB_SCANNERS = [{ id: 'CT9', modality: 'CT', examsPerDay: 20 }];

function answer(code: string, name: string, orders = ORDERS, reports = REPORTS, scanners = SCANNERS, groupBy = ['TRUST', 'MODALITY'], now = NOW): TrustCapacityAnswer {
  const ctx = { clock: () => now, config: { code, name, capacity: { scanners } }, store: { findOrders: () => orders, reportsByAccession: () => reports } };
  return { trust: code, report: JSON.parse(JSON.stringify(capacityResolver(null, { groupBy }, ctx))) as CapacityReportJson };
}

describe('mergeCapacity', () => {
  // RXB's B1 report is on 07-01, after now (06-29): it is not reported in the window.
  const rxa = answer('RXA', 'Synthetic A NHS Trust');
  const rxb = answer('RXB', 'Synthetic B NHS Trust', RXB_ORDERS, RXB_REPORTS, RXB_SCANNERS);

  it('keeps rows of different trusts apart when grouped by TRUST, sorted by trust, modality', () => {
    const merged = mergeCapacity([rxb, rxa]);
    expect(merged.rows.map((r) => `${r.trust!.code}/${r.modality}`)).toEqual(['RXA/CT', 'RXA/MR', 'RXA/OT', 'RXA/US', 'RXB/CT', 'RXB/MR']);
    expect(merged.rows[4]!.trust).toEqual({ code: 'RXB', name: 'Synthetic B NHS Trust' });
  });

  it('merges the totals (hand-computed)', () => {
    const { total, unavailableTrusts } = mergeCapacity([rxa, rxb], [{ code: 'RXC', name: 'Late NHS Trust' }]);
    // RXA: requested 7, performed 6, unreported 3, waiting 1. RXB: B1 requested 06-01 13:00 (in
    // the window), performed 06-02; B2 unreported; B3 waiting.
    expect(total).toMatchObject({ trust: null, requested: 8, performed: 7, reported: 5, unreported: 4, waitingOver6Weeks: 2 });
    expect(total.oldestUnreportedAt).toBe('2026-05-20T09:00:00+01:00');
    // request→exam: RXA [0.5, 6, 24, 48, 72, 1800] ∪ RXB [12]: p50 = [⌊3⌋] = 24, p90 = [⌊5.4⌋] = 72.
    expectTurnaround(total.requestToPerformed, { count: 7, p50: 24, p90: 72 });
    // 4 of RXA's 5 reports within 4 weeks; RXB reported nothing in the window.
    expect(total.reportedWithin4WeeksPercent).toBe(80);
    // capacity 504 + 20 × 28 = 1064; performed on declared: RXA 5 + RXB 1.
    expectCapacity(total, 1064, 6);
    expect(unavailableTrusts).toEqual([{ code: 'RXC', name: 'Late NHS Trust' }]);
  });

  it('merges rows of the same modality across trusts when not grouped by TRUST', () => {
    const a = answer('RXA', 'A', ORDERS, REPORTS, SCANNERS, ['MODALITY']);
    const b = answer('RXB', 'B', RXB_ORDERS, RXB_REPORTS, RXB_SCANNERS, ['MODALITY']);
    const ct = mergeCapacity([a, b]).rows.find((r) => r.modality === 'CT')!;
    // RXA CT: requested 3, performed 4, unreported 2 (oldest 05-26), capacity 280;
    // RXB CT: requested 1, performed 1, unreported 1 (05-20), capacity 560.
    expect(ct).toMatchObject({ trust: null, requested: 4, performed: 5, unreported: 3, oldestUnreportedAt: '2026-05-20T09:00:00+01:00', scannerCapacity: 840 });
    expect(ct.utilisation).toBeCloseTo(5 / 840, 12);
    // [6, 24, 72, 1800] ∪ [12]: p50 = [2] = 24.
    expectTurnaround(ct.requestToPerformed, { p50: 24 });
  });

  it('equals the trust computation over the union of the orders (counts and turnarounds)', () => {
    const opts = { trust: 'RXA', now: NOW, timezone: 'Europe/London', filter: {}, groupBy: ['MODALITY', 'PRIORITY', 'WEEK'] as const, scanners: SCANNERS };
    const half = (i: number) => i % 2;
    const parts = [0, 1].map((h) => {
      const orders = ORDERS.filter((_, i) => half(i) === h);
      const r = computeCapacity(orders, REPORTS, { ...opts, groupBy: [...opts.groupBy] });
      return { trust: 'RXA', report: { rows: r.rows, total: r.total, unavailableTrusts: [] } as unknown as CapacityReportJson };
    });
    const whole = computeCapacity(ORDERS, REPORTS, { ...opts, groupBy: [...opts.groupBy] });
    // (Both halves declare the same scanners, so capacity is not compared here; it is checked by hand above.)
    const merged = mergeCapacity(parts);
    const counts = (r: { requested: number; scheduled: number; performed: number; reported: number; unreported: number; waitingOver6Weeks: number; oldestUnreportedAt: string | null; modality: string | null; week: string | null; priority: string | null }) =>
      [r.modality, r.priority, r.week, r.requested, r.scheduled, r.performed, r.reported, r.unreported, r.waitingOver6Weeks, r.oldestUnreportedAt];
    expect(merged.rows.map(counts)).toEqual(whole.rows.map(counts));
    expect(counts(merged.total)).toEqual(counts(whole.total));
    expect(merged.total.reportedWithin4WeeksPercent).toBeCloseTo(whole.total.reportedWithin4WeeksPercent!, 12);
    merged.rows.forEach((row, i) => {
      expect(row.requestToPerformed.count).toBe(whole.rows[i]!.requestToPerformed.count);
      expect(row.requestToPerformed.p95).toBe(whole.rows[i]!.requestToPerformed.p95);
    });
  });

  it('with no answers: no rows, a zero total, every trust unavailable', () => {
    const merged = mergeCapacity([], [{ code: 'RXB', name: 'B' }, { code: 'RXA', name: 'A' }]);
    expect(merged.rows).toEqual([]);
    expect(merged.total).toMatchObject({ requested: 0, unreported: 0, scannerCapacity: null, utilisation: null, reportedWithin4WeeksPercent: null });
    expect(merged.unavailableTrusts.map((t) => t.code)).toEqual(['RXA', 'RXB']);
  });

  it('carries no patient data', () => {
    const json = JSON.stringify(mergeCapacity([rxa, rxb]));
    for (const s of ['9990000018', 'JONES', 'SMITH', 'M12345', '"A1"', '"B1"']) expect(json).not.toContain(s);
  });
});
