import type { TrustConfig } from '../config.ts';
import type { TrustReadModel } from '../store/read-model.ts';
import type { CapacityRowData } from './capacity-row.ts';
import { toCapacityDimensions, toCapacityQuery, type CapacityFilterInput } from './capacity-query.ts';
import { computeCapacity } from './compute-capacity.ts';
import { CAPACITY_WEEK_ZONE } from './iso-week.ts';

/** What `Query.capacity` needs of the trust's per-request context. */
export interface CapacityContext {
  config: Pick<TrustConfig, 'code' | 'name' | 'capacity'>;
  store: Pick<TrustReadModel, 'findOrders' | 'reportsByAccession'>;
  /** The clock of the snapshot measures and of the default window. @default () => new Date() */
  clock?: () => Date;
}

export interface CapacityArgs {
  filter?: CapacityFilterInput | null;
  groupBy?: readonly string[] | null;
}

type TrustRef = { code: string; name: string };
type CapacityRowResult = Omit<CapacityRowData, 'trust'> & { trust: TrustRef | null };

/** `CapacityReport` as the trust answers it (its own figures only). */
export interface CapacityReportResult {
  rows: CapacityRowResult[];
  total: CapacityRowResult;
  unavailableTrusts: TrustRef[];
}

/**
 * `Query.capacity` of the trust subgraph. Weeks are always counted in Europe/London, not in the
 * trust's configured zone: the network's SDL fixes the zone so that the gateway can add up the
 * same week of every trust. A filter that leaves this trust out answers no rows and a zero total
 * (without reading the store), so the gateway may send one filter to every trust.
 */
export function capacityResolver(_: unknown, args: CapacityArgs, ctx: CapacityContext): CapacityReportResult {
  const now = ctx.clock?.() ?? new Date();
  const filter = toCapacityQuery(args.filter, now);
  const groupBy = toCapacityDimensions(args.groupBy);
  const { code, name } = ctx.config;
  const excluded = filter.trusts !== undefined && !filter.trusts.includes(code);
  const orders = excluded ? [] : ctx.store.findOrders({});
  const reports = excluded ? new Map() : ctx.store.reportsByAccession(orders.map((o) => o.accessionNumber));
  const result = computeCapacity(orders, reports, {
    trust: code,
    now,
    timezone: CAPACITY_WEEK_ZONE,
    filter,
    groupBy,
    scanners: ctx.config.capacity.scanners,
  });
  const withTrust = (row: CapacityRowData): CapacityRowResult => ({ ...row, trust: row.trust === null ? null : { code, name } });
  return { rows: result.rows.map(withTrust), total: withTrust(result.total), unavailableTrusts: [] };
}
