/**
 * `CapacityReport` (network.graphql) as JSON, keyed by field name: what each trust answers to the
 * gateway's capacity selection (capacity-forward.ts) and what the merge returns.
 */

export interface TrustRef {
  code: string;
  name: string;
}

export interface TurnaroundJson {
  count: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  sketch: string | null;
}

export interface CapacityRowJson {
  trust: TrustRef | null;
  modality: string | null;
  priority: string | null;
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

export interface CapacityReportJson {
  rows: CapacityRowJson[];
  total: CapacityRowJson;
  unavailableTrusts: TrustRef[];
}
