/**
 * The one order every study list in the network follows (Query.studies, Patient.studies, every
 * trust, the gateway's merge): newest `sortAt` first, studies without a time last, ties broken by
 * `id` ascending (code-unit order, as JavaScript compares strings).
 */

export interface StudySortKey {
  /** Epoch milliseconds of the study's sort time, or null when it has none. */
  sortAt: number | null;
  id: string;
}

/** Negative when `a` comes before `b`. */
export function compareStudyOrder(a: StudySortKey, b: StudySortKey): number {
  return compareTimeThenId(a.sortAt, a.id, b.sortAt, b.id, 'newest-first');
}

/**
 * The shape every network list order shares: by a time (newest or oldest first), rows without a
 * time last, ties by `id` ascending in code-unit order. `studies` is newest `sortAt` first; the
 * worklist is oldest `dueAt` first (most overdue first).
 */
export function compareTimeThenId(aTime: number | null, aId: string, bTime: number | null, bId: string, direction: 'newest-first' | 'oldest-first'): number {
  if (aTime !== bTime) {
    if (aTime === null) return 1;
    if (bTime === null) return -1;
    return direction === 'newest-first' ? bTime - aTime : aTime - bTime;
  }
  return aId < bId ? -1 : aId > bId ? 1 : 0;
}

/** Parses a DateTime string into epoch ms for ordering; null for null/undefined. */
export function sortMillis(dateTime: string | null | undefined): number | null {
  if (dateTime == null) return null;
  const ms = Date.parse(dateTime);
  return Number.isNaN(ms) ? null : ms;
}
