import { describe, expect, it } from 'vitest';
import { isoWeekHours, isoWeekMonday } from '../../../../subgraphs/trust/capacity/iso-week.ts';
import { computeCapacity } from '../../../../subgraphs/trust/capacity/compute-capacity.ts';
import { order } from './capacity-fixture.ts';

const LONDON = 'Europe/London';
const week = (iso: string) => isoWeekMonday(Date.parse(iso), LONDON);

/** Week hours and instant → Monday, per clock change (independent source: the UK clock-change dates). */
const CLOCK_CHANGES = [
  {
    name: 'spring 2026 (Sunday 29 March, 01:00 GMT → 02:00 BST): the week of 23 March has 167 hours',
    hours: [['2026-03-23', 167], ['2026-03-30', 168]],
    // Sunday 23:30 BST is still the week of the 23rd; 23:30 UTC that night is Monday 00:30 BST.
    weeks: [['2026-03-23T00:00:00Z', '2026-03-23'], ['2026-03-22T23:59:59Z', '2026-03-16'], ['2026-03-29T23:30:00+01:00', '2026-03-23'], ['2026-03-29T23:30:00Z', '2026-03-30']],
  },
  {
    name: 'autumn 2026 (Sunday 25 October, 02:00 BST → 01:00 GMT): the week of 19 October has 169 hours',
    hours: [['2026-10-19', 169]],
    // In summer a week starts at Sunday 23:00 UTC.
    weeks: [['2026-10-25T23:30:00Z', '2026-10-19'], ['2026-10-26T00:00:00Z', '2026-10-26'], ['2026-10-18T22:59:59Z', '2026-10-12'], ['2026-10-18T23:00:00Z', '2026-10-19']],
  },
] as const;

describe('ISO weeks in Europe/London across the clock changes', () => {
  it.each(CLOCK_CHANGES)('$name', ({ hours, weeks }) => {
    for (const [monday, expected] of hours) expect(isoWeekHours(monday, LONDON), monday).toBe(expected);
    for (const [instant, monday] of weeks) expect(week(instant), instant).toBe(monday);
  });
});

describe('computeCapacity across clock changes', () => {
  const scanners = [{ id: 'CT1', modality: 'CT', examsPerDay: 24 }];

  it('turnaround hours are elapsed hours: 23 h over the spring change, 25 h over the autumn one', () => {
    const orders = [
      order({ accessionNumber: 'S1', status: 'COMPLETED', requestedAt: '2026-03-28T12:00:00+00:00', performedAt: '2026-03-29T12:00:00+01:00' }),
      order({ accessionNumber: 'S2', status: 'COMPLETED', requestedAt: '2026-10-24T12:00:00+01:00', performedAt: '2026-10-25T12:00:00+00:00' }),
    ];
    const result = computeCapacity(orders, new Map(), {
      trust: 'RXA', now: new Date('2026-11-01T00:00:00Z'), timezone: LONDON, groupBy: ['WEEK'], scanners,
      filter: { fromMillis: Date.parse('2026-03-01T00:00:00Z') },
    });
    const [spring, autumn] = result.rows;
    expect(spring).toMatchObject({ week: '2026-03-23', performed: 1, unreported: 1 });
    expect(autumn).toMatchObject({ week: '2026-10-19', performed: 1, unreported: 1 });
    expect(spring!.requestToPerformed.p50).toBeGreaterThan(23 * 0.99);
    expect(spring!.requestToPerformed.p50).toBeLessThan(23 * 1.01);
    expect(autumn!.requestToPerformed.p50).toBeGreaterThan(25 * 0.99);
    expect(autumn!.requestToPerformed.p50).toBeLessThan(25 * 1.01);
    // Week rows get the capacity of their own week: 24 a day × 167 h / 24 and × 169 h / 24.
    expect(spring!.scannerCapacity).toBe(167);
    expect(autumn!.scannerCapacity).toBe(169);
  });

  it('each measure falls in the week of its own event', () => {
    const orders = [
      // requested Sunday 29 March 23:30 BST (week of 23rd), performed Monday 30th, final Monday 6 April.
      order({ accessionNumber: 'W1', status: 'FINAL', requestedAt: '2026-03-29T23:30:00+01:00', scheduledAt: '2026-03-30T08:00:00+01:00', performedAt: '2026-03-30T09:00:00+01:00' }),
    ];
    const reports = new Map([['W1', [{ accessionNumber: 'W1', version: 1, status: 'FINAL' as const, text: '', reportedAt: '2026-04-06T09:00:00+01:00', author: null, kind: 'ORIGINAL' as const, hasAttachment: false, reporter: null, assistant: null }]]]);
    const { rows } = computeCapacity(orders, reports, {
      trust: 'RXA', now: new Date('2026-04-10T00:00:00Z'), timezone: LONDON, groupBy: ['WEEK'], scanners,
      filter: { fromMillis: Date.parse('2026-03-23T00:00:00Z'), toMillis: Date.parse('2026-04-10T00:00:00Z') },
    });
    expect(rows.map((r) => [r.week, r.requested, r.scheduled, r.performed, r.reported])).toEqual([
      ['2026-03-23', 1, 0, 0, 0],
      ['2026-03-30', 0, 1, 1, 0],
      ['2026-04-06', 0, 0, 0, 1],
    ]);
    // The window starts with the week of the 23rd: its 167 hours count; the week of 6 April is
    // cut at the window's end (Friday 10th 01:00 BST: 4 days + 1 h = 97 h).
    expect(rows.map((r) => r.scannerCapacity)).toEqual([167, 168, 97]);
    expect(rows[1]!.utilisation).toBeCloseTo(1 / 168, 12);
  });
});
