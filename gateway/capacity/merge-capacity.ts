import type { CapacityReportJson, CapacityRowJson, TrustRef } from './capacity-report.ts';
import { mergeTurnarounds } from './merge-turnaround.ts';

/** One trust's answer to the gateway's capacity selection. */
export interface TrustCapacityAnswer {
  /** The trust's ODS code. */
  trust: string;
  report: CapacityReportJson;
}

const ZERO_ROW: CapacityRowJson = {
  trust: null, modality: null, priority: null, week: null,
  requested: 0, scheduled: 0, performed: 0, reported: 0, unreported: 0,
  oldestUnreportedAt: null, waitingOver6Weeks: 0,
  requestToPerformed: { count: 0, p50: null, p90: null, p95: null, sketch: null },
  performedToReported: { count: 0, p50: null, p90: null, p95: null, sketch: null },
  reportedWithin4WeeksPercent: null, utilisation: null, scannerCapacity: null,
};

/**
 * The network's capacity report from the trusts' reports (IHE XCA-style aggregation: trusts that
 * failed are named in `unavailableTrusts`, the rest stand). Pure.
 *
 * Rows with the same group keys (trust code, modality, priority, week) merge: counts add,
 * `oldestUnreportedAt` is the earliest, turnarounds merge their sketches (merge-turnaround.ts),
 * `reportedWithin4WeeksPercent` is Σ within / Σ measured, `utilisation` Σ performed on declared
 * scanners / Σ `scannerCapacity`. The SDL has no field for the two numerators, so each trust's is
 * recovered from what it sends: within = percent × performedToReported.count / 100, performed on
 * declared = utilisation × scannerCapacity, both rounded to the integer they were computed from
 * (a trust sends the unrounded quotient). The total merges the trusts' totals, so it holds every
 * trust's full declared capacity. Rows are sorted by trust code, modality, priority, week, nulls
 * last.
 */
export function mergeCapacity(answers: readonly TrustCapacityAnswer[], unavailable: readonly TrustRef[] = []): CapacityReportJson {
  const groups = new Map<string, CapacityRowJson[]>();
  for (const { report } of answers) {
    for (const row of report.rows) {
      const id = JSON.stringify([row.trust?.code ?? null, row.modality, row.priority, row.week]);
      const group = groups.get(id);
      if (group) group.push(row);
      else groups.set(id, [row]);
    }
  }
  const rows = [...groups.values()].map(mergeRows).sort(compareRows);
  const total = mergeRows(answers.map((a) => a.report.total));
  const missing = new Map<string, TrustRef>();
  for (const t of [...unavailable, ...answers.flatMap((a) => a.report.unavailableTrusts)]) if (!missing.has(t.code)) missing.set(t.code, t);
  const unavailableTrusts = [...missing.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return { rows, total, unavailableTrusts };
}

function mergeRows(parts: readonly CapacityRowJson[]): CapacityRowJson {
  const [first] = parts;
  if (first === undefined) return structuredClone(ZERO_ROW);
  const sum = (pick: (r: CapacityRowJson) => number) => parts.reduce((s, r) => s + pick(r), 0);
  const requestToPerformed = mergeTurnarounds(parts.map((r) => r.requestToPerformed));
  const performedToReported = mergeTurnarounds(parts.map((r) => r.performedToReported));
  const within = sum((r) => Math.round(((r.reportedWithin4WeeksPercent ?? 0) * r.performedToReported.count) / 100));
  const declared = parts.filter((r) => r.scannerCapacity !== null);
  const scannerCapacity = declared.length > 0 ? declared.reduce((s, r) => s + r.scannerCapacity!, 0) : null;
  const performedOnDeclared = declared.reduce((s, r) => s + Math.round((r.utilisation ?? 0) * r.scannerCapacity!), 0);
  return {
    trust: first.trust ? { code: first.trust.code, name: first.trust.name } : null,
    modality: first.modality,
    priority: first.priority,
    week: first.week,
    requested: sum((r) => r.requested),
    scheduled: sum((r) => r.scheduled),
    performed: sum((r) => r.performed),
    reported: sum((r) => r.reported),
    unreported: sum((r) => r.unreported),
    oldestUnreportedAt: earliest(parts.map((r) => r.oldestUnreportedAt)),
    waitingOver6Weeks: sum((r) => r.waitingOver6Weeks),
    requestToPerformed,
    performedToReported,
    reportedWithin4WeeksPercent: performedToReported.count > 0 ? (within / performedToReported.count) * 100 : null,
    utilisation: scannerCapacity !== null && scannerCapacity > 0 ? performedOnDeclared / scannerCapacity : null,
    scannerCapacity,
  };
}

/** The earliest instant; compared as instants, returned as the trust wrote it (with its offset). */
function earliest(times: ReadonlyArray<string | null>): string | null {
  let best: string | null = null;
  for (const t of times) if (t !== null && (best === null || Date.parse(t) < Date.parse(best))) best = t;
  return best;
}

function compareRows(a: CapacityRowJson, b: CapacityRowJson): number {
  const ka = [a.trust?.code ?? null, a.modality, a.priority, a.week];
  const kb = [b.trust?.code ?? null, b.modality, b.priority, b.week];
  for (let i = 0; i < ka.length; i++) {
    const x = ka[i] ?? null;
    const y = kb[i] ?? null;
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return x < y ? -1 : 1;
  }
  return 0;
}
