import { toModality } from '../../../schema/index.ts';
import type { StudyStatusValue } from '../../../schema/generated/enums.ts';
import type { RisOrderRow } from '../store/read-model.ts';
import type { RisReportRow } from '../ris/ingest-port.ts';
import { CapacityAccumulator, type CapacityKeys, type CapacityRowData } from './capacity-row.ts';
import type { CapacityDimension, CapacityQuery } from './capacity-query.ts';
import { DAY_MS, HOUR_MS, hoursInWindow, inWindow, resolveWindow, type CapacityWindow } from './capacity-window.ts';
import { dm01TestOf, type Dm01ProcedureMap } from './dm01-test.ts';
import { firstFinalReportMillis } from './first-final-report.ts';
import { isoWeekMonday, isoWeekSpan } from './iso-week.ts';

/** A scanner declared in the trust config (`capacity.scanners`). */
export interface DeclaredScanner {
  id: string;
  modality: string;
  examsPerDay: number;
}

export interface CapacityOptions {
  /** This trust's ODS code. */
  trust: string;
  /** "Now" of the snapshot measures and of the default window. */
  now: Date;
  /** The zone weeks are counted in (Europe/London for the network). */
  timezone: string;
  filter: CapacityQuery;
  groupBy: readonly CapacityDimension[];
  scanners: readonly DeclaredScanner[];
  /** The trust's procedure codes → DM01 tests (`capacity.dm01Procedures`). @default {} */
  dm01Procedures?: Dm01ProcedureMap;
  /**
   * Accessions whose images are in the PACS, with the PACS's performed time: images win over a
   * stale RIS status (a study imaged but never sent "complete" is performed). @default none
   */
  imaged?: ReadonlyMap<string, string | null>;
  /**
   * The backlog as it was at `filter.asOfMillis`: each order's state then, from the store's
   * status history. Orders absent from it did not exist yet. Required when asOf is given.
   */
  history?: ReadonlyMap<string, BacklogState>;
}

/** An order's backlog state at an instant (one row of the store's status history). */
export interface BacklogState {
  status: string;
  performed: boolean;
  waitStartedAt: string | null;
}

export interface CapacityResult {
  /** One row per group with any activity, sorted by modality, priority, week (nulls last). */
  rows: CapacityRowData[];
  total: CapacityRowData;
}

/** DM01 (NHS England diagnostic waiting times): a wait counts from 6 weeks = 42 × 24 h. */
export const DM01_WAIT_MS = 42 * DAY_MS;
/** NHS England reporting-turnaround guidance (August 2023): every exam reported within 4 weeks. */
export const REPORT_WITHIN_MS = 28 * DAY_MS;

/** Study statuses (StudyStatus) of a performed study that has no final report yet. */
const UNREPORTED = new Set(['COMPLETED', 'PRELIMINARY']);
/**
 * Study statuses of an order still waiting for its examination (cancelled ones never wait). A
 * booked (scheduled) test not yet performed is still waiting (DM01); so is one on hold, one whose
 * patient has arrived but not been scanned, and one whose patient did not attend (with the clock
 * restarted at the DNA).
 */
const WAITING: ReadonlySet<string> = new Set<StudyStatusValue>(['REQUESTED', 'SCHEDULED', 'ARRIVED', 'ON_HOLD', 'DID_NOT_ATTEND']);

interface Instant {
  millis: number;
  at: string;
}

function instant(at: string | null): Instant | undefined {
  if (at === null) return undefined;
  const millis = Date.parse(at);
  return Number.isNaN(millis) ? undefined : { millis, at };
}

/**
 * Activity, backlog and turnaround of one trust (`Query.capacity`, network.graphql), from the RIS
 * orders and their report versions. Pure: no clock, no store.
 *
 * Only RIS orders count: a PACS study without an order was never requested through the RIS, so it
 * is not part of the trust's requested/reported workload (and has no request or report times).
 *
 * Each measure is placed in the week of its own event (see `CapacityDimension.WEEK`): requested
 * and waitingOver6Weeks by the request, scheduled by the schedule, performed, unreported and
 * request→performed by the examination, reported and performed→report by the first final report.
 * Window measures count events inside the inclusive window whatever the order's status now (a
 * cancelled order was still requested); the backlog measures are a snapshot at `now` and ignore
 * the window, and cancelled orders are never in them. Durations that come out negative (an exam
 * before its request, a report before its exam) are inconsistent data and are not measured.
 *
 * Scanner capacity of a group = Σ examsPerDay × hours of the window / 24 over the declared
 * scanners of the group: those of its modality when grouped by MODALITY (all of the trust's, else,
 * within `filter.modalities`), over the part of its week inside the window when grouped by WEEK
 * (167 or 169 hours in a week with a clock change). Utilisation = performed studies of a declared
 * modality / that capacity; null when no scanner is declared or the capacity is 0.
 */
export function computeCapacity(
  orders: readonly RisOrderRow[],
  reportsByAccession: ReadonlyMap<string, readonly RisReportRow[]>,
  opts: CapacityOptions,
): CapacityResult {
  const window = resolveWindow(opts.filter, opts.now);
  const { filter } = opts;
  if (filter.trusts && !filter.trusts.includes(opts.trust)) {
    return { rows: [], total: new CapacityAccumulator(keysOf([], opts.trust, null, null, null)).toRow(null) };
  }
  const scanners = opts.scanners.filter((s) => !filter.modalities || filter.modalities.includes(toModality(s.modality)));
  const declared = new Set(scanners.map((s) => toModality(s.modality)));
  const groups = new Map<string, CapacityAccumulator>();
  const total = new CapacityAccumulator(keysOf([], opts.trust, null, null, null));
  // The backlog's instant: now, or the census instant asked for (`CapacityFilter.asOf`).
  const backlogAt = filter.asOfMillis ?? opts.now.getTime();
  const waitedSince = backlogAt - DM01_WAIT_MS;
  const dm01Map = opts.dm01Procedures ?? {};

  for (const order of orders) {
    const modality = toModality(order.modality);
    if (filter.modalities && !filter.modalities.includes(modality)) continue;
    if (filter.priorities && (order.priority === null || !filter.priorities.includes(order.priority))) continue;
    const at = (event: Instant | undefined) => {
      const week = event ? isoWeekMonday(event.millis, opts.timezone) : null;
      const keys = keysOf(opts.groupBy, opts.trust, modality, order.priority, week);
      const id = `${keys.trust}|${keys.modality}|${keys.priority}|${keys.week}`;
      let acc = groups.get(id);
      if (!acc) groups.set(id, (acc = new CapacityAccumulator(keys)));
      return [acc, total] as const;
    };
    const requested = instant(order.requestedAt);
    const scheduled = instant(order.scheduledAt);
    const performed = instant(order.performedAt);
    const reported = firstFinalReportMillis(reportsByAccession.get(order.accessionNumber) ?? []);

    if (requested && inWindow(window, requested.millis)) for (const a of at(requested)) a.requested++;
    if (scheduled && inWindow(window, scheduled.millis)) for (const a of at(scheduled)) a.scheduled++;
    if (performed && inWindow(window, performed.millis)) {
      for (const a of at(performed)) {
        a.performed++;
        if (declared.has(modality)) a.performedOnDeclared++;
        if (requested && performed.millis >= requested.millis) a.requestToPerformedHours.push((performed.millis - requested.millis) / HOUR_MS);
      }
    }
    if (reported && inWindow(window, reported.millis)) {
      for (const a of at(reported)) {
        a.reported++;
        if (performed && reported.millis >= performed.millis) {
          a.performedToReportedHours.push((reported.millis - performed.millis) / HOUR_MS);
          if (reported.millis - performed.millis <= REPORT_WITHIN_MS) a.reportedWithin4Weeks++;
        }
      }
    }
    const state = backlogState(order, opts, backlogAt);
    if (!state) continue;
    if (UNREPORTED.has(state.status) || (state.imagedNotReported && WAITING.has(state.status))) {
      for (const a of at(state.performedAt)) a.noteUnreported(state.performedAt);
    }
    // DM01: only the DM01 imaging tests, never planned/surveillance ones; the clock runs from the
    // request received (restarted by a DNA or a patient cancellation) to the examination.
    const waitStart = instant(state.waitStartedAt);
    if (
      WAITING.has(state.status) && !state.performed && waitStart && waitStart.millis < waitedSince &&
      order.priority !== 'PLANNED' && dm01TestOf(order, dm01Map) !== null
    ) {
      for (const a of at(requested ?? waitStart)) a.waitingOver6Weeks++;
    }
  }

  const capacityOf = (keys: CapacityKeys, grouped: boolean) => {
    const own = grouped && opts.groupBy.includes('MODALITY') ? scanners.filter((s) => toModality(s.modality) === keys.modality) : scanners;
    if (own.length === 0) return null;
    const hours = grouped && opts.groupBy.includes('WEEK') ? weekHoursInWindow(window, keys.week, opts.timezone) : (window.toMillis - window.fromMillis) / HOUR_MS;
    return own.reduce((sum, s) => sum + s.examsPerDay, 0) * (hours / 24);
  };
  const rows = [...groups.values()].map((g) => g.toRow(capacityOf(g.keys, true))).sort(compareRows);
  return { rows, total: total.toRow(capacityOf(total.keys, false)) };
}

/**
 * An order's backlog state at `backlogAt`: its status then (now, or from the status history),
 * whether it had been performed (by the RIS, or images in the PACS: images win over a stale RIS
 * status), and the DM01 clock start. Undefined when the order did not exist yet.
 */
function backlogState(order: RisOrderRow, opts: CapacityOptions, backlogAt: number) {
  const then = opts.filter.asOfMillis !== undefined ? opts.history?.get(order.accessionNumber) : undefined;
  if (opts.filter.asOfMillis !== undefined && !then) return undefined;
  const status = then?.status ?? order.status;
  const risPerformed = instant(order.performedAt);
  const pacsAt = opts.imaged?.has(order.accessionNumber) ? instant(opts.imaged.get(order.accessionNumber) ?? null) : undefined;
  const imaged = opts.imaged?.has(order.accessionNumber) === true && (pacsAt === undefined || pacsAt.millis <= backlogAt);
  const performed =
    (then ? then.performed : risPerformed !== undefined) ||
    (risPerformed !== undefined && risPerformed.millis <= backlogAt && opts.filter.asOfMillis !== undefined) ||
    imaged;
  return {
    status,
    performed,
    imagedNotReported: imaged,
    performedAt: risPerformed ?? pacsAt,
    waitStartedAt: (then ? then.waitStartedAt : order.waitStartedAt) ?? order.requestedAt,
  };
}

function keysOf(groupBy: readonly CapacityDimension[], trust: string, modality: string | null, priority: string | null, week: string | null): CapacityKeys {
  return {
    trust: groupBy.includes('TRUST') ? trust : null,
    modality: groupBy.includes('MODALITY') ? modality : null,
    priority: groupBy.includes('PRIORITY') ? priority : null,
    week: groupBy.includes('WEEK') ? week : null,
  };
}

function weekHoursInWindow(window: CapacityWindow, week: string | null, zone: string): number {
  if (week === null) return 0;
  const span = isoWeekSpan(week, zone);
  return hoursInWindow(window, span.startMillis, span.endMillis);
}

/** Orders rows by their keys (trust, modality, priority, week), nulls last. */
export function compareRows(a: CapacityKeys, b: CapacityKeys): number {
  for (const k of ['trust', 'modality', 'priority', 'week'] as const) {
    const x = a[k];
    const y = b[k];
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return x < y ? -1 : 1;
  }
  return 0;
}
