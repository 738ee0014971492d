import type { CapacityRowJsonOf } from '../../../schema/capacity-row.ts';
import { turnaroundOf } from './turnaround-sketch.ts';

/** The group keys of a row; a key is null when the report is not grouped by it (or has no value). */
export type CapacityKeys = Pick<CapacityRowData, 'trust' | 'modality' | 'priority' | 'week'>;

/** One `CapacityRow` (network.graphql) as the trust computes it; `trust` is the ODS code. */
export type CapacityRowData = CapacityRowJsonOf<string>;

/** Running totals of one group while the orders are read. */
export class CapacityAccumulator {
  requested = 0;
  scheduled = 0;
  performed = 0;
  /** Performed studies of a modality the trust declares scanners for (utilisation's numerator). */
  performedOnDeclared = 0;
  reported = 0;
  unreported = 0;
  oldestUnreported: { millis: number; at: string } | undefined;
  waitingOver6Weeks = 0;
  readonly requestToPerformedHours: number[] = [];
  readonly performedToReportedHours: number[] = [];
  reportedWithin4Weeks = 0;

  constructor(readonly keys: CapacityKeys) {}

  noteUnreported(performed: { millis: number; at: string } | undefined): void {
    this.unreported++;
    if (performed && (!this.oldestUnreported || performed.millis < this.oldestUnreported.millis)) this.oldestUnreported = performed;
  }

  /** The row, given the scanner capacity of its group (null: no scanner declared for it). */
  toRow(scannerCapacity: number | null): CapacityRowData {
    const ptr = turnaroundOf(this.performedToReportedHours);
    return {
      ...this.keys,
      requested: this.requested,
      scheduled: this.scheduled,
      performed: this.performed,
      reported: this.reported,
      unreported: this.unreported,
      oldestUnreportedAt: this.oldestUnreported?.at ?? null,
      waitingOver6Weeks: this.waitingOver6Weeks,
      requestToPerformed: turnaroundOf(this.requestToPerformedHours),
      performedToReported: ptr,
      // Not rounded: the gateway recovers the within-4-weeks count as percent × count / 100.
      reportedWithin4WeeksPercent: ptr.count > 0 ? (this.reportedWithin4Weeks / ptr.count) * 100 : null,
      scannerCapacity,
      utilisation: scannerCapacity !== null && scannerCapacity > 0 ? this.performedOnDeclared / scannerCapacity : null,
    };
  }
}
