/**
 * Keeps the study index in step with the trust's PACS over standard QIDO-RS (PS3.18 10.6), for
 * any DICOMweb PACS (no vendor API needed):
 *
 * - back-fill: StudyDate windows (PS3.4 C.2.2.2.5 range matching) walked backwards from today to
 *   the oldest study. A window whose answer the PACS capped (a full page at `limit`, or a 299
 *   "additional results" warning) is split in two and both halves read, so no study is skipped
 *   whatever the PACS's cap; a capped single day is paged with `offset`. The position is stored
 *   after every window, so a restart resumes. Studies without a StudyDate are found by a final
 *   paged sweep without a date filter (no QIDO match selects "no date").
 * - incremental: the most recent `pollDays` days every `intervalMs`;
 * - re-check: the last `recheckDays` days every `recheckIntervalMs`, for late series and for
 *   studies deleted from the PACS (a re-read window is complete, so what it lacks is gone).
 * - full re-walk: every `fullRecheckHours`, the back-fill's windows walked again from today to the
 *   oldest study, a slice per tick (polls keep their turn), resumable: a study stored late with a
 *   StudyDate older than the re-check's days (a PACS without Orthanc's /changes tells nobody) is
 *   added, and a study deleted from an old day is dropped (each re-read window is complete).
 *
 * One step runs at a time. Failures are kept (`lastError`) and retried on the next tick; the
 * index keeps answering from what it holds.
 */
import { DateTime } from 'luxon';
import { INITIAL_FULL_RECHECK, type FullRecheckPosition, type PacsIndexPort, type PacsSyncState, type SyncedStudy } from './pacs-index-port.ts';
import { pacsIndexStatus, type PacsIndexStatus } from './pacs-index-status.ts';
import { addDays, nextSpanDays, splitWindow, windowDays, windowEndingOn, type DateWindow } from './study-date-windows.ts';
import type { DicomWebClient } from './dicomweb-client.ts';
import { PacsUnavailableError } from './pacs-unavailable-error.ts';

export interface PacsSyncSettings {
  /** Poll of the recent days. @default 5000 */
  intervalMs: number;
  /** Days re-read in full by the re-check. @default 7 */
  recheckDays: number;
  /** How often the re-check runs. @default 60000 */
  recheckIntervalMs: number;
  /** Days (today included) read by each poll. @default 2 */
  pollDays: number;
  /** `limit` of each QIDO request. @default 1000 */
  pageSize: number;
  /** The index is STALE (or FAILED, with an error) after this long without a successful step. @default 60000 */
  staleAfterMs: number;
  /** Run the final sweep without a date filter (studies without StudyDate). @default true */
  undatedSweep: boolean;
  /**
   * Hours between passes of the full re-walk of the archive (config `pacs.sync.fullRecheckHours`,
   * default 24 there); 0 or absent: no re-walk.
   */
  fullRecheckHours?: number;
}

export interface SyncLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface PacsSyncOptions {
  index: PacsIndexPort;
  client: Pick<DicomWebClient, 'searchStudyPage'>;
  settings: PacsSyncSettings;
  /** IANA zone the PACS's StudyDate is local to ("today" for the windows). */
  timezone: string;
  log?: SyncLogger;
  /** @default Date.now */
  clock?: () => number;
  /** Called after every step (metrics). */
  onStep?: (step: { kind: 'poll' | 'recheck' | 'backfill' | 'sweep' | 'full-recheck'; studies: number; requests: number; ok: boolean }) => void;
}

const OLDEST_DAY = '1900-01-01';

const quiet: SyncLogger = { info() {}, warn() {} };

/** How long one tick may spend back-filling before it yields to polls (ms). */
const BACKFILL_SLICE_MS = 1000;
/** How long one tick may spend on the full re-walk (at least one window): it is background work. */
const FULL_RECHECK_SLICE_MS = 250;
const HOUR_MS = 3_600_000;

export class PacsSync {
  readonly #o: PacsSyncOptions;
  readonly #log: SyncLogger;
  readonly #clock: () => number;
  #state: PacsSyncState;
  #indexed: number;
  #lastPollMs = Number.NEGATIVE_INFINITY;
  #lastRecheckMs = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;
  /** Set by stop(): a running back-fill slice ends after its current window. */
  #halting = false;
  #pollRequested = false;
  #recheckRequested = false;
  #requests = 0;
  /** Studies named by a trigger, read by UID at the next tick. */
  readonly #namedStudies = new Set<string>();
  /** The next back-fill window, already asked for (pipelining: see #backfillStep). */
  #prefetch: { key: string; read: Promise<{ seen: Map<string, SyncedStudy>; found: number; done: boolean }> } | undefined;

  constructor(options: PacsSyncOptions) {
    this.#o = options;
    this.#log = options.log ?? quiet;
    this.#clock = options.clock ?? Date.now;
    this.#state = options.index.readSyncState();
    this.#state.fullRecheck = { ...INITIAL_FULL_RECHECK, ...this.#state.fullRecheck };
    this.#indexed = options.index.indexedStudies();
  }

  /** The index's completeness and freshness now (cheap: no store read). */
  status(): PacsIndexStatus {
    const status = pacsIndexStatus(this.#state, this.#indexed, this.#clock(), this.#o.settings.staleAfterMs);
    // Without the undated sweep, the dated walk is the whole back-fill.
    if (!this.#o.settings.undatedSweep && this.#state.backfill.datesDone && !status.complete) {
      return { ...status, complete: true, state: status.state === 'BACKFILLING' ? 'CURRENT' : status.state };
    }
    return status;
  }

  /**
   * `status()` with the row count read from the store now: RIS orders join the index between
   * sync steps, and `Trust.pacsIndex.indexedStudies` must not lag them. One COUNT per call, so
   * it serves the `pacsIndex` field and metric scrapes, not the per-page completeness check.
   */
  currentStatus(): PacsIndexStatus {
    this.#indexed = this.#o.index.indexedStudies();
    return this.status();
  }

  /** QIDO-RS requests made so far. */
  get requests(): number {
    return this.#requests;
  }

  /** Starts the loop; the first tick runs at once. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#halting = false;
    this.#schedule(0);
  }

  /** Stops the loop and waits for a running step to end. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#halting = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /**
   * Asks for a poll (and a re-check when `deleted`) at the next tick, now (Orthanc /changes);
   * `studyUids` are read by UID whatever their StudyDate (a study stored late with an old date).
   */
  trigger(opts: { deleted?: boolean; studyUids?: readonly string[] } = {}): void {
    this.#pollRequested = true;
    if (opts.deleted) this.#recheckRequested = true;
    for (const uid of opts.studyUids ?? []) this.#namedStudies.add(uid);
    if (!this.#stopped && this.#running === undefined) this.#schedule(0);
  }

  /** Runs one tick now (poll if due, re-check if due, a slice of back-fill). */
  async tick(): Promise<void> {
    if (this.#running) return this.#running;
    this.#running = this.#tick().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /**
   * Ticks until the back-fill is complete, a step fails, or `budgetMs` has passed (at start: a
   * small PACS is indexed before the trust says it is ready).
   */
  async fillFor(budgetMs: number): Promise<void> {
    const until = this.#clock() + budgetMs;
    do {
      await this.tick();
    } while (!this.status().complete && this.#state.lastError === null && this.#clock() < until && !this.#halting);
  }

  /**
   * Back-fills until every study has been read (or the PACS fails: thrown). For `reindex` and
   * tests; `onProgress` gets the studies indexed so far and the day reached.
   */
  async backfillAll(onProgress?: (indexed: number, reachedDay: string | null) => void): Promise<void> {
    for (;;) {
      const b = this.#state.backfill;
      if (b.datesDone && (b.sweepDone || !this.#o.settings.undatedSweep)) break;
      await this.#backfillStep();
      this.#succeeded();
      onProgress?.(this.#indexed, this.#state.backfill.nextTo);
    }
    this.#indexed = this.#o.index.indexedStudies();
  }

  /** Reads the recent days now (and removes what the PACS no longer holds there). */
  async pollNow(): Promise<void> {
    await this.#poll(this.#o.settings.pollDays, 'poll');
    this.#succeeded();
  }

  /** Re-reads the last `recheckDays` days now. */
  async recheckNow(): Promise<void> {
    await this.#poll(this.#o.settings.recheckDays, 'recheck');
    this.#succeeded();
  }

  /**
   * Runs one whole pass of the full re-walk now (for tests and operators); returns the studies
   * it added and removed. A pass already under way is finished from where it stands.
   */
  async fullRecheckAll(): Promise<{ added: number; removed: number }> {
    const f = this.#fullRecheck();
    if (f.nextTo === null) this.#beginFullRecheck();
    for (;;) {
      const result = await this.#fullRecheckStep();
      if (result) {
        this.#succeeded();
        return result;
      }
    }
  }

  #fullRecheck(): FullRecheckPosition {
    return (this.#state.fullRecheck ??= { ...INITIAL_FULL_RECHECK });
  }

  #backfillComplete(): boolean {
    const b = this.#state.backfill;
    return b.datesDone && (b.sweepDone || !this.#o.settings.undatedSweep);
  }

  /** A pass runs, or the last one ended `fullRecheckHours` ago (the back-fill was the first). */
  #fullRecheckDue(now: number): boolean {
    const hours = this.#o.settings.fullRecheckHours ?? 0;
    if (hours <= 0 || !this.#backfillComplete()) return false;
    const f = this.#fullRecheck();
    if (f.nextTo !== null) return true;
    if (f.lastCompletedAt === null) {
      f.lastCompletedAt = new Date(now).toISOString();
      return false;
    }
    return now - Date.parse(f.lastCompletedAt) >= hours * HOUR_MS;
  }

  #beginFullRecheck(): void {
    const f = this.#fullRecheck();
    f.nextTo = addDays(this.#today(), 1);
    f.spanDays = 1;
    f.startedAt = new Date(this.#clock()).toISOString();
    f.added = 0;
    f.removed = 0;
    f.found = 0;
  }

  /**
   * One window of the full re-walk, read in full (split where the PACS caps, as the back-fill),
   * stored, and what the index holds in that window but the PACS no longer does removed. Returns
   * the pass's totals when this window ended it (nothing older in the PACS), else undefined.
   */
  async #fullRecheckStep(): Promise<{ added: number; removed: number } | undefined> {
    const f = this.#fullRecheck();
    if (f.nextTo === null) this.#beginFullRecheck();
    const before = this.#requests;
    const w = windowEndingOn(f.nextTo!, f.spanDays);
    const { seen, found, done } = await this.#readBackfillWindow(w);
    f.added += this.#o.index.upsertPacsStudies([...seen.values()]);
    f.found = (f.found ?? 0) + found;
    // Nothing older in the PACS: whatever older the index still holds was deleted. Not when the
    // whole pass read nothing at all: a PACS answering empty (a permission or configuration
    // change) must not empty the index in one step; the re-check's days still follow it.
    const emptyPass = done && f.found === 0;
    if (emptyPass) this.#log.warn({}, 'full re-walk found no study in the PACS at all; the index keeps its older studies');
    const from = done && !emptyPass ? '0' : compact(w.from);
    f.nextTo = addDays(w.from, -1);
    f.spanDays = nextSpanDays(windowDays(w), found, this.#o.settings.pageSize);
    let result: { added: number; removed: number } | undefined;
    if (done) {
      result = { added: f.added, removed: 0 };
      f.nextTo = null;
      f.startedAt = null;
      f.lastCompletedAt = new Date(this.#clock()).toISOString();
    }
    // The removals and the position after this window in one transaction: a crash repeats it.
    const removed = this.#o.index.removePacsStudiesNotSeen(from, compact(w.to), new Set(seen.keys()), this.#state);
    f.removed += removed;
    if (result) {
      result.removed = f.removed;
      this.#log.info({ added: result.added, removed: result.removed }, 'full re-walk of the PACS complete');
    }
    this.#o.onStep?.({ kind: 'full-recheck', studies: found, requests: this.#requests - before, ok: true });
    return result;
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.tick().then(() => {
        const b = this.#state.backfill;
        const backfilling = this.#state.lastError === null && !(b.datesDone && (b.sweepDone || !this.#o.settings.undatedSweep));
        this.#schedule(backfilling ? 0 : this.#pollRequested ? 0 : this.#o.settings.intervalMs);
      });
    }, ms);
    this.#timer.unref?.();
  }

  async #tick(): Promise<void> {
    const s = this.#o.settings;
    try {
      const now = this.#clock();
      if (this.#pollRequested || now - this.#lastPollMs >= s.intervalMs) {
        this.#pollRequested = false;
        this.#lastPollMs = now;
        await this.#poll(s.pollDays, 'poll');
      }
      if (this.#namedStudies.size) {
        const uids = [...this.#namedStudies].slice(0, 100);
        const page = await this.#page({ studyInstanceUids: uids, limit: uids.length + 1 });
        this.#o.index.upsertPacsStudies(page.studies);
        for (const uid of uids) this.#namedStudies.delete(uid);
      }
      if (this.#state.backfill.datesDone && (this.#recheckRequested || now - this.#lastRecheckMs >= s.recheckIntervalMs)) {
        this.#recheckRequested = false;
        this.#lastRecheckMs = now;
        await this.#poll(s.recheckDays, 'recheck');
        this.#state.lastRecheckAt = new Date(this.#clock()).toISOString();
      }
      if (this.#fullRecheckDue(now)) {
        const slice = this.#clock() + FULL_RECHECK_SLICE_MS;
        do {
          if (await this.#fullRecheckStep()) break;
        } while (!this.#halting && this.#clock() < slice);
      }
      const until = this.#clock() + BACKFILL_SLICE_MS;
      while (!this.#halting && this.#clock() < until) {
        const b = this.#state.backfill;
        if (b.datesDone && (b.sweepDone || !s.undatedSweep)) break;
        await this.#backfillStep();
      }
      this.#succeeded();
    } catch (err) {
      this.#failed(err);
    }
  }

  #today(): string {
    return DateTime.fromMillis(this.#clock(), { zone: this.#o.timezone }).toISODate()!;
  }

  /** Reads the last `days` days (today and tomorrow included: clocks and zones differ) in full. */
  async #poll(days: number, kind: 'poll' | 'recheck'): Promise<void> {
    const today = this.#today();
    const w: DateWindow = { from: addDays(today, -(Math.max(1, days) - 1)), to: addDays(today, 1) };
    const before = this.#requests;
    const seen = new Map<string, SyncedStudy>();
    const found = await this.#readWindow(w, seen);
    this.#o.index.upsertPacsStudies([...seen.values()]);
    const removed = this.#o.index.removePacsStudiesNotSeen(compact(w.from), compact(w.to), new Set(seen.keys()));
    if (removed > 0) this.#log.info({ removed, from: w.from, to: w.to }, 'studies no longer in the PACS removed from the index');
    this.#o.onStep?.({ kind, studies: found, requests: this.#requests - before, ok: true });
  }

  /** One back-fill window (with its splits), or one page of the undated sweep. */
  async #backfillStep(): Promise<void> {
    const s = this.#o.settings;
    const b = this.#state.backfill;
    const before = this.#requests;
    if (!b.datesDone) {
      if (b.nextTo === null) {
        b.startedOn = this.#today();
        b.nextTo = addDays(b.startedOn, 1);
      }
      const w = windowEndingOn(b.nextTo, b.spanDays);
      const key = `${w.from}/${w.to}`;
      const pending = this.#prefetch?.key === key ? this.#prefetch.read : this.#readBackfillWindow(w);
      this.#prefetch = undefined;
      const { seen, found, done } = await pending;
      if (found > 0) b.oldestDate = w.from;
      b.nextTo = addDays(w.from, -1);
      b.spanDays = nextSpanDays(windowDays(w), found, s.pageSize);
      if (done) b.datesDone = true;
      if (!b.datesDone) {
        // Ask for the next window now, and let the request leave before the (synchronous) write
        // below: the PACS answers while this process writes (a separate PACS works in parallel).
        const next = windowEndingOn(b.nextTo, b.spanDays);
        const read = this.#readBackfillWindow(next);
        read.catch(() => undefined); // a failure surfaces when the next step awaits it
        this.#prefetch = { key: `${next.from}/${next.to}`, read };
        await new Promise((r) => setImmediate(r));
      }
      // The window's studies and the position after it, in one transaction: a crash repeats it.
      this.#o.index.upsertPacsStudies([...seen.values()], this.#state);
      this.#o.onStep?.({ kind: 'backfill', studies: found, requests: this.#requests - before, ok: true });
      return;
    }
    if (!s.undatedSweep || b.sweepDone) return;
    const page = await this.#page({ limit: s.pageSize, offset: b.sweepOffset });
    // Dated studies were read by their windows; only the undated (and any dated after the
    // back-fill began, which the polls also read) are new here.
    const fresh = page.studies.filter((x) => x.studyDate === '' || x.studyDate > compact(b.startedOn ?? '9999-12-31'));
    b.sweepOffset += page.rows;
    if (page.rows === 0 || !page.capped) b.sweepDone = true;
    this.#o.index.upsertPacsStudies(fresh, this.#state);
    this.#o.onStep?.({ kind: 'sweep', studies: fresh.length, requests: this.#requests - before, ok: true });
  }

  /** One back-fill window read in full, and whether anything older exists when it was empty. */
  async #readBackfillWindow(w: DateWindow): Promise<{ seen: Map<string, SyncedStudy>; found: number; done: boolean }> {
    const seen = new Map<string, SyncedStudy>();
    const found = await this.#readWindow(w, seen);
    // Before 1900 there is no DICOM (1993) study worth walking towards.
    let done = w.from < OLDEST_DAY;
    if (found === 0 && !done) {
      // Nothing in this window: is there anything older at all? (One row is enough to know.)
      const probe = await this.#page({ dateTo: addDays(w.from, -1), limit: 1 });
      done = probe.rows === 0;
    }
    return { seen, found, done };
  }

  /**
   * Every study of a window, gathered into `seen` (by UID: servers repeat rows); returns how many
   * distinct studies it holds. A capped answer is split in two (newer half first); a capped
   * single day is paged by offset.
   */
  async #readWindow(w: DateWindow, seen: Map<string, SyncedStudy>): Promise<number> {
    const limit = this.#o.settings.pageSize;
    const first = await this.#page({ dateFrom: w.from, dateTo: w.to, limit });
    if (!first.capped) return gather(first.studies, seen);
    if (windowDays(w) >= 2) {
      const [newer, older] = splitWindow(w);
      return (await this.#readWindow(newer, seen)) + (await this.#readWindow(older, seen));
    }
    // One day holds more than the PACS answers at once: page it (PS3.18 8.3.4.4 offset).
    let count = gather(first.studies, seen);
    let offset = first.rows;
    for (;;) {
      const page = await this.#page({ dateFrom: w.from, dateTo: w.to, limit, offset });
      const added = gather(page.studies, seen);
      count += added;
      offset += page.rows;
      if (page.rows === 0 || !page.capped) break;
      if (added === 0) {
        throw new PacsUnavailableError('http-status', `PACS repeats rows when paged with offset within ${w.from}; studies of that day cannot all be read`);
      }
    }
    return count;
  }

  async #page(q: { dateFrom?: string; dateTo?: string; studyInstanceUids?: readonly string[]; limit: number; offset?: number }) {
    this.#requests++;
    return this.#o.client.searchStudyPage(q);
  }

  #succeeded(): void {
    this.#state.lastSyncAt = new Date(this.#clock()).toISOString();
    this.#state.lastError = null;
    this.#indexed = this.#o.index.indexedStudies();
    this.#o.index.writeSyncState(this.#state);
  }

  #failed(err: unknown): void {
    // Client-visible (Trust.pacsIndex.lastError): the failure's kind, never the PACS's address.
    const reason = err instanceof PacsUnavailableError
      ? `PACS unavailable (${err.reason}${err.status !== undefined ? `, HTTP ${err.status}` : ''})`
      : err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    if (this.#state.lastError !== reason) this.#log.warn({ reason }, 'PACS sync step failed; the index answers from what it holds');
    this.#state.lastError = reason;
    try {
      this.#o.index.writeSyncState(this.#state);
    } catch {
      // The store failing too is reported by the store's own callers.
    }
    this.#o.onStep?.({ kind: 'poll', studies: 0, requests: 0, ok: false });
  }
}

/** Adds studies not yet in `seen`; returns how many were new. */
function gather(studies: readonly SyncedStudy[], seen: Map<string, SyncedStudy>): number {
  let added = 0;
  for (const x of studies) {
    if (seen.has(x.study.studyInstanceUid)) continue;
    seen.set(x.study.studyInstanceUid, x);
    added++;
  }
  return added;
}

/** YYYY-MM-DD → YYYYMMDD (DA, PS3.5 6.2), as the store keeps StudyDate. */
function compact(iso: string): string {
  return iso.replaceAll('-', '');
}
