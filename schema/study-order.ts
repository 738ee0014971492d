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
  if (a.sortAt !== b.sortAt) {
    if (a.sortAt === null) return 1;
    if (b.sortAt === null) return -1;
    return b.sortAt - a.sortAt;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Parses a DateTime string into epoch ms for ordering; null for null/undefined. */
export function sortMillis(dateTime: string | null | undefined): number | null {
  if (dateTime == null) return null;
  const ms = Date.parse(dateTime);
  return Number.isNaN(ms) ? null : ms;
}
