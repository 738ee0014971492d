/**
 * StudyDate windows for walking a PACS with QIDO-RS date range matching (PS3.4 C.2.2.2.5,
 * `StudyDate=d1-d2`, inclusive). Pure: dates are ISO `YYYY-MM-DD` calendar days (StudyDate is a
 * local date without zone, so the arithmetic is on UTC calendar days).
 */

export interface DateWindow {
  /** Inclusive, YYYY-MM-DD. */
  from: string;
  /** Inclusive, YYYY-MM-DD. */
  to: string;
}

const DAY_MS = 86_400_000;

function dayNumber(iso: string): number {
  return Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / DAY_MS;
}

function isoOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** `iso` moved by `days` calendar days. */
export function addDays(iso: string, days: number): string {
  return isoOfDay(dayNumber(iso) + days);
}

/** Days in a window (1 for a single day). */
export function windowDays(w: DateWindow): number {
  return dayNumber(w.to) - dayNumber(w.from) + 1;
}

/** The window of `spanDays` days ending on `to`. */
export function windowEndingOn(to: string, spanDays: number): DateWindow {
  return { from: addDays(to, -(Math.max(1, Math.floor(spanDays)) - 1)), to };
}

/**
 * The two halves of a window the PACS capped: newer half first (the back-fill walks backwards,
 * so the newest studies are indexed first). A one-day window cannot be split by date.
 */
export function splitWindow(w: DateWindow): [DateWindow, DateWindow] {
  const days = windowDays(w);
  if (days < 2) throw new RangeError(`a one-day window cannot be split: ${w.from}`);
  const newerDays = Math.floor(days / 2);
  const newer = { from: addDays(w.to, -(newerDays - 1)), to: w.to };
  return [newer, { from: w.from, to: addDays(newer.from, -1) }];
}

/** Most days one back-fill window may span (ten years: a sparse archive is crossed quickly). */
export const MAX_SPAN_DAYS = 3650;

/**
 * The next window's width after one that held `found` studies over `days` days, aiming at about
 * half a page (`limit`) per window: wide enough to cross quiet years fast, narrow enough that
 * the PACS seldom caps the answer (a capped window costs one extra request to split).
 */
export function nextSpanDays(days: number, found: number, limit: number): number {
  if (found === 0) return Math.min(MAX_SPAN_DAYS, Math.max(1, days) * 4);
  const perDay = found / Math.max(1, days);
  const target = Math.floor(limit / 2 / perDay);
  return Math.min(MAX_SPAN_DAYS, Math.max(1, Math.min(target, days * 4)));
}

/** True when an answer may be missing matches: a full page at `limit`, or a 299 "additional results" warning. */
export function answerWasCapped(rows: number, limit: number, warnsOfMore: boolean): boolean {
  return rows >= limit || warnsOfMore;
}
