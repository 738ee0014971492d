import type { PacsIndexStateValue } from '../../../schema/generated/enums.ts';
import type { PacsSyncState } from './pacs-index-port.ts';
import { addDays } from './study-date-windows.ts';

/** `PacsIndexState` (network.graphql). */
export type PacsIndexState = PacsIndexStateValue;

/** `Trust.pacsIndex` as the trust answers it. */
export interface PacsIndexStatus {
  state: PacsIndexState;
  indexedStudies: number;
  /** YYYY-MM-DD: the back-fill has read every study on or after this StudyDate; null before its first window. */
  backfilledThrough: string | null;
  lastSyncAt: string | null;
  lagSeconds: number | null;
  lastError: string | null;
  /** Every study of the PACS has been read once (dates down to the oldest, then the undated sweep). */
  complete: boolean;
}

/**
 * The index's state from the stored sync state and the clock. FAILED: the last step failed and
 * nothing has succeeded for `staleAfterMs`; STALE: no success for `staleAfterMs`; BACKFILLING:
 * the first full pass is not finished; CURRENT otherwise. Pure.
 */
export function pacsIndexStatus(
  state: PacsSyncState,
  indexedStudies: number,
  nowMs: number,
  staleAfterMs: number,
): PacsIndexStatus {
  const complete = state.backfill.datesDone && state.backfill.sweepDone;
  const lastMs = state.lastSyncAt === null ? null : Date.parse(state.lastSyncAt);
  const lagSeconds = lastMs === null ? null : Math.max(0, Math.round((nowMs - lastMs) / 1000));
  const late = lastMs === null || nowMs - lastMs > staleAfterMs;
  let s: PacsIndexState;
  if (state.lastError !== null && late) s = 'FAILED';
  else if (!complete) s = 'BACKFILLING';
  else if (late) s = 'STALE';
  else s = 'CURRENT';
  const through = state.backfill.datesDone ? null : state.backfill.nextTo;
  return {
    state: s,
    indexedStudies,
    backfilledThrough: backfilledThrough(state, through),
    lastSyncAt: state.lastSyncAt,
    lagSeconds,
    lastError: state.lastError,
    complete,
  };
}

/** The oldest day fully read: the day after the next window's upper end, or the oldest study's day. */
function backfilledThrough(state: PacsSyncState, nextTo: string | null): string | null {
  if (state.backfill.datesDone) return state.backfill.oldestDate ?? null;
  if (nextTo === null) return null;
  return addDays(nextTo, 1);
}

/**
 * True when a page may lack studies because the back-fill has not reached its time range: the
 * back-fill is unfinished and the page runs past its end (no next page), or its last row, or the
 * filter's upper bound, is older than the day the back-fill has read down to (a day of margin:
 * StudyDate is a local date).
 */
export function pageMayBeIncomplete(
  status: Pick<PacsIndexStatus, 'complete' | 'backfilledThrough'>,
  page: { hasNextPage: boolean; lastSortMillis: number | null | undefined; toMillis?: number | undefined },
): boolean {
  if (status.complete) return false;
  if (!page.hasNextPage) return true;
  if (status.backfilledThrough === null) return true;
  const through = Date.parse(`${status.backfilledThrough}T00:00:00Z`) + 86_400_000;
  if (page.toMillis !== undefined && page.toMillis < through) return true;
  return page.lastSortMillis === null || page.lastSortMillis === undefined || page.lastSortMillis < through;
}
