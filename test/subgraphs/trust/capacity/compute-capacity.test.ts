import { describe, expect, it } from 'vitest';
import { computeCapacity, type CapacityOptions } from '../../../../subgraphs/trust/capacity/compute-capacity.ts';
import type { CapacityRowData } from '../../../../subgraphs/trust/capacity/capacity-row.ts';
import { isValidNhsNumber } from '../../../../schema/index.ts';
import { NOW, ORDERS, REPORTS, SCANNERS, order, report, expectCapacity, expectTurnaround } from './capacity-fixture.ts';

const base: CapacityOptions = { trust: 'RXA', now: NOW, timezone: 'Europe/London', filter: {}, groupBy: [], scanners: SCANNERS };

function byModality(rows: CapacityRowData[], m: string): CapacityRowData {
  const row = rows.find((r) => r.modality === m);
  if (!row) throw new Error(`no ${m} row`);
  return row;
}

describe('computeCapacity: hand-computed fixture, default 28-day window, by MODALITY', () => {
  const { rows, total } = computeCapacity(ORDERS, REPORTS, { ...base, groupBy: ['MODALITY'] });

  it('has one row per modality with activity, sorted', () => {
    expect(rows.map((r) => r.modality)).toEqual(['CT', 'MR', 'OT', 'US']);
    expect(rows.every((r) => r.trust === null && r.priority === null && r.week === null)).toBe(true);
  });

  it('CT', () => {
    const ct = byModality(rows, 'CT');
    // requested in window: A1, A2, A3 (A4 April, A11 May 25); scheduled: A3; performed: A1-A4.
    expect(ct).toMatchObject({ requested: 3, scheduled: 1, performed: 4, reported: 3, unreported: 2, waitingOver6Weeks: 0 });
    // A3 and A11 are COMPLETED; A11 (05-26) waited longest.
    expect(ct.oldestUnreportedAt).toBe('2026-05-26T09:00:00+01:00');
    // request→exam hours [6, 24, 72, 1800]: lower-rank p50 = [⌊1.5⌋] = 24, p90 = [⌊2.7⌋] = 72, p95 = 72.
    expectTurnaround(ct.requestToPerformed, { count: 4, p50: 24, p90: 72, p95: 72 });
    // exam→first final [24 (A1), 120 (A2's F, not its C), 24 (A4)]: all within 4 weeks.
    expectTurnaround(ct.performedToReported, { count: 3, p50: 24, p95: 24 });
    expect(ct.reportedWithin4WeeksPercent).toBe(100);
    // one scanner × 10/day × 28 days = 280; 4 performed.
    expectCapacity(ct, 280, 4);
  });

  it('MR', () => {
    const mr = byModality(rows, 'MR');
    // requested: A6, A12; performed: A12; reported: A7 (06-05) and A12 (C on 06-13); waiting: A5.
    expect(mr).toMatchObject({ requested: 2, scheduled: 0, performed: 1, reported: 2, unreported: 0, waitingOver6Weeks: 1, oldestUnreportedAt: null });
    expectTurnaround(mr.requestToPerformed, { count: 1, p50: 48 });
    // exam→report [24, 816]: p50 = [⌊0.5⌋] = 24; A7's 816 h is over 672 h: 1 of 2 within 4 weeks.
    expectTurnaround(mr.performedToReported, { p50: 24 });
    expect(mr.reportedWithin4WeeksPercent).toBe(50);
    // (5 + 3)/day × 28 = 224 ('mr' is read as MR).
    expectCapacity(mr, 224, 1);
  });

  it('US (cancelled: requested and scheduled, no backlog) and OT (unknown modality, no scanners)', () => {
    expect(byModality(rows, 'US')).toMatchObject({ requested: 1, scheduled: 1, performed: 0, unreported: 0, waitingOver6Weeks: 0, scannerCapacity: null, utilisation: null });
    const ot = byModality(rows, 'OT');
    expect(ot).toMatchObject({ requested: 1, performed: 1, reported: 0, unreported: 1, oldestUnreportedAt: '2026-06-22T09:30:00+01:00', scannerCapacity: null, utilisation: null });
    expectTurnaround(ot.requestToPerformed, { p50: 0.5 });
    expect(ot.performedToReported).toEqual({ count: 0, p50: null, p90: null, p95: null, sketch: null });
    expect(ot.reportedWithin4WeeksPercent).toBeNull();
  });

  it('total', () => {
    expect(total).toMatchObject({ trust: null, modality: null, requested: 7, scheduled: 2, performed: 6, reported: 5, unreported: 3, waitingOver6Weeks: 1 });
    expect(total.oldestUnreportedAt).toBe('2026-05-26T09:00:00+01:00');
    // [0.5, 6, 24, 48, 72, 1800]: p50 = [⌊2.5⌋] = 24, p90 = [⌊4.5⌋] = 72.
    expectTurnaround(total.requestToPerformed, { count: 6, p50: 24, p90: 72 });
    // [24, 24, 24, 120, 816]: p90 = [⌊3.6⌋] = 120; 4 of 5 within 4 weeks.
    expectTurnaround(total.performedToReported, { p90: 120 });
    expect(total.reportedWithin4WeeksPercent).toBe(80);
    // (10 + 8) × 28 = 504; performed on declared scanners: CT 4 + MR 1.
    expectCapacity(total, 504, 5);
  });

  it('carries no patient data', () => {
    expect(isValidNhsNumber('9990000018')).toBe(true);
    const json = JSON.stringify({ rows, total });
    for (const s of ['9990000018', 'JONES', 'SMITH', 'M12345', 'D123', '"A1"', 'synthetic']) expect(json).not.toContain(s);
  });
});

describe('computeCapacity: filters and grouping', () => {
  it('groups by PRIORITY (null for orders without one) and TRUST', () => {
    const { rows } = computeCapacity(ORDERS, REPORTS, { ...base, groupBy: ['TRUST', 'PRIORITY'] });
    expect(rows.map((r) => [r.trust, r.priority, r.requested])).toEqual([
      ['RXA', 'ROUTINE', 5], // A1, A2, A6, A8, A12
      ['RXA', 'URGENT', 1],
      ['RXA', 'STAT', 0], // reported only (A7)
      ['RXA', null, 1],
    ].sort((a, b) => (a[1] === null ? 1 : b[1] === null ? -1 : String(a[1]) < String(b[1]) ? -1 : 1)));
    // Capacity is not split by priority: every row's denominator is the trust's 504.
    expect(rows.every((r) => r.scannerCapacity === 504)).toBe(true);
  });

  it('filters by modality and priority; scanners follow the modality filter', () => {
    const { rows, total } = computeCapacity(ORDERS, REPORTS, { ...base, filter: { modalities: ['CT'], priorities: ['URGENT'] } });
    expect(rows).toHaveLength(1);
    expect(total).toMatchObject({ requested: 1, performed: 1, unreported: 1, scannerCapacity: 280 });
    expect(total.utilisation).toBeCloseTo(1 / 280, 12);
  });

  it('a trust filter without this trust answers no rows and a zero total', () => {
    const { rows, total } = computeCapacity(ORDERS, REPORTS, { ...base, filter: { trusts: ['RYY'] } });
    expect(rows).toEqual([]);
    expect(total).toMatchObject({ requested: 0, performed: 0, unreported: 0, waitingOver6Weeks: 0, scannerCapacity: null, utilisation: null });
  });

  it('an empty window: zero counts, null percentiles; the backlog is still a snapshot of now', () => {
    const filter = { fromMillis: Date.parse('2025-01-01T00:00:00Z'), toMillis: Date.parse('2025-01-08T00:00:00Z') };
    const { rows, total } = computeCapacity(ORDERS, REPORTS, { ...base, filter, groupBy: ['MODALITY'] });
    expect(total).toMatchObject({ requested: 0, scheduled: 0, performed: 0, reported: 0, unreported: 3, waitingOver6Weeks: 1 });
    expect(total.requestToPerformed).toEqual({ count: 0, p50: null, p90: null, p95: null, sketch: null });
    expect(total.reportedWithin4WeeksPercent).toBeNull();
    // 7 days × 18 a day, nothing performed.
    expect(total.scannerCapacity).toBe(126);
    expect(total.utilisation).toBe(0);
    expect(rows.map((r) => [r.modality, r.unreported, r.waitingOver6Weeks])).toEqual([['CT', 2, 0], ['MR', 0, 1], ['OT', 1, 0]]);
  });

  it('no orders at all', () => {
    const { rows, total } = computeCapacity([], new Map(), { ...base, groupBy: ['WEEK'] });
    expect(rows).toEqual([]);
    expect(total).toMatchObject({ requested: 0, unreported: 0, oldestUnreportedAt: null, scannerCapacity: 504, utilisation: 0 });
  });

  it('does not measure negative durations (an exam before its request)', () => {
    const odd = [order({ accessionNumber: 'N1', status: 'FINAL', requestedAt: '2026-06-10T10:00:00+01:00', performedAt: '2026-06-10T09:00:00+01:00' })];
    const reports = new Map([['N1', [report('N1', 1, 'FINAL', '2026-06-10T08:00:00+01:00')]]]);
    const { total } = computeCapacity(odd, reports, base);
    expect(total).toMatchObject({ performed: 1, reported: 1 });
    expectTurnaround(total.requestToPerformed, { count: 0 });
    expectTurnaround(total.performedToReported, { count: 0 });
  });
});
