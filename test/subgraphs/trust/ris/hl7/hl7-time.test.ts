import { describe, expect, it } from 'vitest';
import { formatHl7Time, parseHl7Time } from '../../../../../subgraphs/trust/ris/hl7/index.ts';

const london = { timezone: 'Europe/London' };

describe('parseHl7Time (DTM, v2.5 2A.3.22)', () => {
  it('reads local times across the spring BST change (2026-03-29 01:00 GMT → 02:00 BST)', () => {
    expect(parseHl7Time('20260329003000', london)).toBe('2026-03-29T00:30:00+00:00');
    expect(parseHl7Time('20260329023000', london)).toBe('2026-03-29T02:30:00+01:00');
    // 01:30 does not exist that night: moved forward by the gap.
    expect(parseHl7Time('20260329013000', london)).toBe('2026-03-29T02:30:00+01:00');
    expect(parseHl7Time('20260328120000', london)).toBe('2026-03-28T12:00:00+00:00');
    expect(parseHl7Time('20260330120000', london)).toBe('2026-03-30T12:00:00+01:00');
  });

  it('reads local times across the autumn change (2026-10-25 02:00 BST → 01:00 GMT)', () => {
    expect(parseHl7Time('20261025003000', london)).toBe('2026-10-25T00:30:00+01:00');
    expect(parseHl7Time('20261025023000', london)).toBe('2026-10-25T02:30:00+00:00');
    // 01:30 happens twice: the later (GMT) instant is taken; an explicit offset settles it.
    expect(parseHl7Time('20261025013000', london)).toBe('2026-10-25T01:30:00+00:00');
    expect(parseHl7Time('20261025013000+0100', london)).toBe('2026-10-25T01:30:00+01:00');
  });

  it('keeps explicit offsets', () => {
    expect(parseHl7Time('20260701120000+0530', london)).toBe('2026-07-01T12:00:00+05:30');
    expect(parseHl7Time('20260701120000-0400', london)).toBe('2026-07-01T12:00:00-04:00');
    expect(parseHl7Time('20260101120000+0000', london)).toBe('2026-01-01T12:00:00+00:00');
  });

  it('reads partial precision as the start of the period, fractions as given', () => {
    expect(parseHl7Time('20260701', london)).toBe('2026-07-01T00:00:00+01:00');
    expect(parseHl7Time('20260101', london)).toBe('2026-01-01T00:00:00+00:00');
    expect(parseHl7Time('202607', london)).toBe('2026-07-01T00:00:00+01:00');
    expect(parseHl7Time('2026', london)).toBe('2026-01-01T00:00:00+00:00');
    expect(parseHl7Time('202607011230', london)).toBe('2026-07-01T12:30:00+01:00');
    expect(parseHl7Time('20260701123045.1234', london)).toBe('2026-07-01T12:30:45.1234+01:00');
  });

  it('answers null for garbage and impossible values', () => {
    for (const v of ['', 'garbage', '2026-07-01', '20261301', '20260230', '20260701246000', '2026070112', '20260701120000+2500', '20260701120000+01', '202607011200001', '""']) {
      // '2026070112' (hours without minutes) is valid DTM; keep it out of the null list.
      if (v === '2026070112') continue;
      expect(parseHl7Time(v, london), v).toBeNull();
    }
    expect(parseHl7Time('2026070112', london)).toBe('2026-07-01T12:00:00+01:00');
  });
});

describe('formatHl7Time', () => {
  it('writes DTM with the offset of the ISO value', () => {
    expect(formatHl7Time('2026-03-29T02:30:00+01:00')).toBe('20260329023000+0100');
    expect(formatHl7Time('2026-03-29T01:30:00.120Z')).toBe('20260329013000.120+0000');
    expect(formatHl7Time('2026-07-01T12:00:00-04:00')).toBe('20260701120000-0400');
    expect(() => formatHl7Time('not a time')).toThrow(RangeError);
  });

  it('round-trips with parseHl7Time', () => {
    for (const iso of ['2026-10-25T01:30:00+01:00', '2026-10-25T01:30:00+00:00', '2026-03-29T00:59:59+00:00']) {
      expect(parseHl7Time(formatHl7Time(iso), london)).toBe(iso);
    }
  });
});
