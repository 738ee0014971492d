import type { PacsStudy } from './study-mapping.ts';

/**
 * What the PACS sync needs of the trust's store (the port pacs/ owns; store/ implements it).
 * Every call is one transaction: a crash leaves the index and the sync position consistent.
 */

/** A PACS study as the sync read it, with the StudyDate it was found under ('' when none). */
export interface SyncedStudy {
  study: PacsStudy;
  /** StudyDate (0008,0020) YYYYMMDD as the PACS holds it; '' when the study has none. */
  studyDate: string;
}

/** Where the back-fill stands; stored, so a restart resumes instead of starting over. */
export interface BackfillPosition {
  /** Upper end (YYYY-MM-DD, inclusive) of the next window to read; null before the first. */
  nextTo: string | null;
  /** Width of the next window, in days (adapted to the PACS's density). */
  spanDays: number;
  /** Every dated study down to the oldest has been read. */
  datesDone: boolean;
  /** The final sweep without a date filter (studies without StudyDate) has run. */
  sweepDone: boolean;
  /** Offset reached by the sweep (resumable). */
  sweepOffset: number;
  /** When the back-fill began (ISO); the windows newer than this are the incremental poll's. */
  startedOn: string | null;
  /** YYYY-MM-DD of the oldest dated study found, once `datesDone`. */
  oldestDate?: string | null;
}

/**
 * Where the slow full re-walk of the archive stands (`pacs.sync.fullRecheckHours`): the same
 * windows as the back-fill, walked again from today to the oldest study; stored, so a restart
 * resumes the pass instead of starting it over.
 */
export interface FullRecheckPosition {
  /** Upper end (YYYY-MM-DD, inclusive) of the next window; null while no pass runs. */
  nextTo: string | null;
  /** Width of the next window, in days. */
  spanDays: number;
  /** When the running pass began (ISO instant); null while none runs. */
  startedAt: string | null;
  /** When the last pass ended (ISO instant); the back-fill's completion counts as the first pass. */
  lastCompletedAt: string | null;
  /** Studies the running pass found missing (added) and gone (removed) so far. */
  added: number;
  removed: number;
  /** Studies the running pass has read so far (absent in a position stored before it was kept). */
  found?: number;
}

export const INITIAL_FULL_RECHECK: FullRecheckPosition = { nextTo: null, spanDays: 1, startedAt: null, lastCompletedAt: null, added: 0, removed: 0 };

export interface PacsSyncState {
  backfill: BackfillPosition;
  /** The full re-walk (absent in a state stored before it existed: INITIAL_FULL_RECHECK). */
  fullRecheck?: FullRecheckPosition;
  /** Last successful sync step (ISO instant). */
  lastSyncAt: string | null;
  /** Last failure, cleared by the next success. */
  lastError: string | null;
  /** Last full re-check of the recent days (ISO instant). */
  lastRecheckAt: string | null;
}

export const INITIAL_SYNC_STATE: PacsSyncState = {
  backfill: { nextTo: null, spanDays: 1, datesDone: false, sweepDone: false, sweepOffset: 0, startedOn: null },
  lastSyncAt: null,
  lastError: null,
  lastRecheckAt: null,
};

export interface PacsIndexPort {
  /**
   * Stores (insert or replace) PACS studies and re-joins their index rows; returns how many were
   * new. `state`, when given, is written in the same transaction (the position after this batch).
   */
  upsertPacsStudies(rows: readonly SyncedStudy[], state?: PacsSyncState): number;
  /**
   * Removes the PACS studies whose StudyDate lies in [from, to] (YYYYMMDD, inclusive) and that
   * are not in `seen` (deleted from the PACS); returns how many. Their orders stay indexed.
   */
  removePacsStudiesNotSeen(from: string, to: string, seen: ReadonlySet<string>, state?: PacsSyncState): number;
  readSyncState(): PacsSyncState;
  writeSyncState(state: PacsSyncState): void;
  /** Rows in the study index. */
  indexedStudies(): number;
  /** PACS studies stored so far. */
  pacsStudyCount(): number;
  /** Empties the PACS side and the sync state, and rebuilds the index from the orders (reindex). */
  resetPacsIndex(): void;
}
