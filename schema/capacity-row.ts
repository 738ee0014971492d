/**
 * `CapacityRow` and `Turnaround` (network.graphql) as JSON, keyed by field name: the contract a
 * trust computes (subgraphs/trust/capacity/) and the gateway merges (gateway/capacity/). Only the
 * `trust` key differs between the two sides (the ODS code in the trust, `{ code, name }` on the
 * wire), so it is a parameter.
 */

/** The measures of one turnaround (`Turnaround`), hours. */
export interface TurnaroundJson {
  count: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  /** base64 DDSketch protobuf (schema/turnaround-sketch.ts); null when nothing was measured. */
  sketch: string | null;
}

/** One `CapacityRow`; a group key is null when the report is not grouped by it (or has no value). */
export interface CapacityRowJsonOf<TrustKey> {
  trust: TrustKey | null;
  modality: string | null;
  priority: string | null;
  /** Monday `YYYY-MM-DD`. */
  week: string | null;
  requested: number;
  scheduled: number;
  performed: number;
  reported: number;
  unreported: number;
  oldestUnreportedAt: string | null;
  waitingOver6Weeks: number;
  requestToPerformed: TurnaroundJson;
  performedToReported: TurnaroundJson;
  reportedWithin4WeeksPercent: number | null;
  utilisation: number | null;
  scannerCapacity: number | null;
}
