import type { GraphQLResolveInfo } from 'graphql';
import type { TrustConfig } from '../config.ts';
import type { PacsStudy } from '../pacs/study-mapping.ts';
import type { StudySearch } from '../pacs/dicomweb-client.ts';
import { reportPacsUnavailable, type PartialErrorSink } from '../partial-errors.ts';
import type { RisOrderRow, TrustReadModel } from '../store/read-model.ts';
import type { CapacityRowData } from './capacity-row.ts';
import { toCapacityDimensions, toCapacityQuery, type CapacityFilterInput, type CapacityQuery } from './capacity-query.ts';
import { DAY_MS } from './capacity-window.ts';
import { computeCapacity, type BacklogState } from './compute-capacity.ts';
import { CAPACITY_WEEK_ZONE } from './iso-week.ts';

/** What `Query.capacity` needs of the trust's per-request context. */
export interface CapacityContext extends Partial<PartialErrorSink> {
  config: Pick<TrustConfig, 'code' | 'name'> & { capacity: Pick<TrustConfig['capacity'], 'scanners'> & Partial<Pick<TrustConfig['capacity'], 'dm01Procedures'>> };
  store: Pick<TrustReadModel, 'findOrders' | 'reportsByAccession'> & Partial<Pick<TrustReadModel, 'statusHistoryAsOf'>>;
  /**
   * QIDO-RS study search of the trust's PACS: which waiting orders already have images (images
   * win over a stale RIS status). Without it, the RIS statuses stand.
   */
  searchPacs?: (search: StudySearch) => Promise<PacsStudy[]>;
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

/** RIS statuses of an order not yet performed (see compute-capacity.ts, WAITING). */
const NOT_PERFORMED = new Set(['REQUESTED', 'SCHEDULED', 'ARRIVED', 'ON_HOLD', 'DID_NOT_ATTEND']);

/**
 * `Query.capacity` of the trust subgraph. Weeks are always counted in Europe/London, not in the
 * trust's configured zone: the network's SDL fixes the zone so that the gateway can add up the
 * same week of every trust. A filter that leaves this trust out answers no rows and a zero total
 * (without reading the store), so the gateway may send one filter to every trust. Arguments are
 * checked before anything is read (a bad one throws BAD_USER_INPUT at once).
 */
export function capacityResolver(
  _: unknown,
  args: CapacityArgs,
  ctx: CapacityContext,
  info?: GraphQLResolveInfo,
): CapacityReportResult | Promise<CapacityReportResult> {
  const now = ctx.clock?.() ?? new Date();
  const filter = toCapacityQuery(args.filter, now);
  const groupBy = toCapacityDimensions(args.groupBy);
  const { code } = ctx.config;
  const excluded = filter.trusts !== undefined && !filter.trusts.includes(code);
  const orders = excluded ? [] : ctx.store.findOrders({});
  // Without a PACS to ask (or nothing waiting), the answer is synchronous.
  const waiting = excluded || !ctx.searchPacs ? [] : orders.filter((o) => NOT_PERFORMED.has(o.status) && o.performedAt === null);
  if (waiting.length === 0) return answer(filter, groupBy, now, orders, undefined, ctx);
  return imagedAccessions(waiting, ctx, info).then((imaged) => answer(filter, groupBy, now, orders, imaged, ctx));
}

function answer(
  filter: CapacityQuery,
  groupBy: ReturnType<typeof toCapacityDimensions>,
  now: Date,
  orders: readonly RisOrderRow[],
  imaged: Map<string, string | null> | undefined,
  ctx: CapacityContext,
): CapacityReportResult {
  const { code, name } = ctx.config;
  const excluded = filter.trusts !== undefined && !filter.trusts.includes(code);
  const reports = excluded ? new Map() : ctx.store.reportsByAccession(orders.map((o) => o.accessionNumber));
  let history: Map<string, BacklogState> | undefined;
  if (!excluded && filter.asOfMillis !== undefined) {
    history = ctx.store.statusHistoryAsOf?.(new Date(filter.asOfMillis).toISOString()) ?? new Map();
  }
  const result = computeCapacity(orders, reports, {
    trust: code,
    now,
    timezone: CAPACITY_WEEK_ZONE,
    filter,
    groupBy,
    scanners: ctx.config.capacity.scanners,
    dm01Procedures: ctx.config.capacity.dm01Procedures ?? {},
    ...(imaged ? { imaged } : {}),
    ...(history ? { history } : {}),
  });
  const withTrust = (row: CapacityRowData): CapacityRowResult => ({ ...row, trust: row.trust === null ? null : { code, name } });
  return { rows: result.rows.map(withTrust), total: withTrust(result.total), unavailableTrusts: [] };
}

/**
 * Which orders the RIS still shows as not performed have images in the PACS: ONE QIDO-RS study
 * search over the dates those orders could have been imaged on (from the oldest such request),
 * matched on accession number. A PACS that fails leaves the RIS statuses standing and says so
 * (PACS_UNAVAILABLE on this field). The search is bounded by `pacs.maxResults`; the study index
 * (PACS sync into the store) is the place this belongs once it exists.
 */
async function imagedAccessions(waiting: readonly RisOrderRow[], ctx: CapacityContext, info: GraphQLResolveInfo | undefined): Promise<Map<string, string | null> | undefined> {
  if (!ctx.searchPacs) return undefined;
  const starts = waiting.map((o) => Date.parse(o.requestedAt ?? o.scheduledAt ?? '')).filter((m) => !Number.isNaN(m));
  if (starts.length === 0) return undefined;
  // A day earlier: StudyDate is a local date (PS3.18 QIDO date ranges match dates, not instants).
  const from = new Date(Math.min(...starts) - DAY_MS).toISOString().slice(0, 10);
  try {
    const studies = await ctx.searchPacs({ dateFrom: from });
    // Joined on accession number within the trust (ARCHITECTURE.md, data rules).
    const wanted = new Set(waiting.map((o) => o.accessionNumber));
    const out = new Map<string, string | null>();
    for (const s of studies) if (s.accessionNumber && wanted.has(s.accessionNumber)) out.set(s.accessionNumber, s.performedAt);
    return out;
  } catch (err) {
    if (info && ctx.partialErrors) reportPacsUnavailable(ctx as PartialErrorSink, info, err);
    return undefined;
  }
}
