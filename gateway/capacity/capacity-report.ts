/**
 * `CapacityReport` (network.graphql) as JSON, keyed by field name: what each trust answers to the
 * gateway's capacity selection (capacity-forward.ts) and what the merge returns.
 */
import type { CapacityRowJsonOf, TurnaroundJson } from '../../schema/capacity-row.ts';

export interface TrustRef {
  code: string;
  name: string;
}

export type { TurnaroundJson };

export type CapacityRowJson = CapacityRowJsonOf<TrustRef>;

export interface CapacityReportJson {
  rows: CapacityRowJson[];
  total: CapacityRowJson;
  unavailableTrusts: TrustRef[];
}
