import { describe, expect, it } from 'vitest';
import { addDays, answerWasCapped, nextSpanDays, splitWindow, windowDays, windowEndingOn, MAX_SPAN_DAYS } from '../../../../subgraphs/trust/pacs/study-date-windows.ts';

describe('StudyDate windows (pure)', () => {
  it('adds calendar days across month, year and leap-day boundaries', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-03-29', 0)).toBe('2026-03-29');
  });

  it('builds the window of N days ending on a day, inclusive', () => {
    expect(windowEndingOn('2026-01-10', 10)).toEqual({ from: '2026-01-01', to: '2026-01-10' });
    expect(windowEndingOn('2026-01-10', 1)).toEqual({ from: '2026-01-10', to: '2026-01-10' });
    expect(windowDays({ from: '2026-01-01', to: '2026-01-10' })).toBe(10);
  });

  it('splits a capped window into two halves covering it exactly, newer half first', () => {
    for (const days of [2, 3, 7, 10, 365]) {
      const w = windowEndingOn('2026-06-30', days);
      const [newer, older] = splitWindow(w);
      expect(newer.to).toBe(w.to);
      expect(older.from).toBe(w.from);
      expect(addDays(older.to, 1)).toBe(newer.from);
      expect(windowDays(newer) + windowDays(older)).toBe(days);
      expect(windowDays(newer)).toBeGreaterThanOrEqual(1);
      expect(windowDays(older)).toBeGreaterThanOrEqual(1);
    }
    expect(() => splitWindow({ from: '2026-01-01', to: '2026-01-01' })).toThrow(RangeError);
  });

  it('widens after empty windows, narrows towards half a page per window, within 1..MAX_SPAN_DAYS', () => {
    expect(nextSpanDays(4, 0, 1000)).toBe(16);
    expect(nextSpanDays(3000, 0, 1000)).toBe(MAX_SPAN_DAYS);
    expect(nextSpanDays(10, 1000, 1000)).toBe(5);
    expect(nextSpanDays(1, 5000, 1000)).toBe(1);
    expect(nextSpanDays(10, 10, 1000)).toBe(40);
  });

  it('calls an answer capped when it is a full page or a 299 says more exist', () => {
    expect(answerWasCapped(1000, 1000, false)).toBe(true);
    expect(answerWasCapped(999, 1000, false)).toBe(false);
    expect(answerWasCapped(500, 1000, true)).toBe(true);
  });
});
