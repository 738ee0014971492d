import { describe, expect, it } from 'vitest';
import { dueAtRule } from '../../../../subgraphs/trust/reporting/reporting-targets.ts';

const order = (priority: 'STAT' | 'URGENT' | 'ROUTINE' | null, performedAt: string | null) => ({ priority, performedAt, scheduledAt: null, requestedAt: null });
const H = 3_600_000;
const T = '2026-04-01T10:00:00+01:00';

describe('reporting targets (README, Network reporting)', () => {
  it('defaults: STAT 1 h; URGENT 24 h (emergency 4 h); ROUTINE inpatient/emergency 24 h, else 4 weeks', () => {
    const due = dueAtRule({});
    const t = Date.parse(T);
    expect(due(order('STAT', T), 'OUTPATIENT')).toBe(t + H);
    expect(due(order('URGENT', T), null)).toBe(t + 24 * H);
    expect(due(order('URGENT', T), 'EMERGENCY')).toBe(t + 4 * H);
    expect(due(order('ROUTINE', T), 'INPATIENT')).toBe(t + 24 * H);
    expect(due(order('ROUTINE', T), 'EMERGENCY')).toBe(t + 24 * H);
    expect(due(order('ROUTINE', T), null)).toBe(t + 672 * H);
    expect(due(order(null, T), 'INPATIENT')).toBe(t + 24 * H);
  });
  it('a trust\'s targets override the defaults class by class', () => {
    const due = dueAtRule({ ROUTINE: { OUTPATIENT: 336 } });
    expect(due(order('ROUTINE', T), null)).toBe(Date.parse(T) + 336 * H);
    expect(due(order('ROUTINE', T), 'INPATIENT')).toBe(Date.parse(T) + 24 * H);
  });
  it('counts from the scheduled or requested time when the exam time is missing; null without any time', () => {
    const due = dueAtRule({});
    expect(due({ priority: 'STAT', performedAt: null, scheduledAt: T, requestedAt: null }, null)).toBe(Date.parse(T) + H);
    expect(due(order('STAT', null), null)).toBeNull();
  });
});
