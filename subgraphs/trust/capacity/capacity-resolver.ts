import type { StudyStatusValue } from '../../../schema/generated/enums.ts';
import type { TrustConfig } from '../config.ts';
import type { RisOrderRow, TrustReadModel } from '../store/read-model.ts';
import type { RisReportRow } from '../ris/ingest-port.ts';
import type { CapacityRowData } from './capacity-row.ts';
import { toCapacityDimensions, toCapacityQuery, type CapacityFilterInput, type CapacityQuery } from './capacity-query.ts';
import { resolveWindow } from './capacity-window.ts';
import { computeCapacity, type BacklogState } from './compute-capacity.ts';
import { CAPACITY_WEEK_ZONE } from './iso-week.ts';

/** What `Query.capacity` needs of the trust's per-request context. */
export interface CapacityContext {
  config: Pick<TrustConfig, 'code' | 'name'> & { capacity: Pick<TrustConfig['capacity'], 'scanners'> & Partial<Pick<TrustConfig['capacity'], 'dm01Procedures'>> };
  store: Pick<TrustReadModel, 'findOrders' | 'reportsByAccession'> &
    Partial<Pick<TrustReadModel, 'statusHistoryAsOf' | 'pacsStudiesByAccession' | 'capacityAccessions' | 'ordersByAccession'>>;
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
const NOT_PERFORMED: ReadonlySet<string> = new Set<StudyStatusValue>(['REQUESTED', 'SCHEDULED', 'ARRIVED', 'ON_HOLD', 'DID_NOT_ATTEND']);
/** Statuses that can put an order in the backlog (compute-capacity.ts: WAITING ∪ UNREPORTED). */
const BACKLOG_STATUSES: readonly string[] = [...NOT_PERFORMED, 'COMPLETED', 'PRELIMINARY'];

interface CapacityInputs {
  orders: RisOrderRow[];
  reports: Map<string, RisReportRow[]>;
  history: Map<string, BacklogState> | undefined;
}

/**
 * The orders (with their reports and, for `asOf`, their backlog state then) that can count in
 * this report, read through the study index: those with an event in the window, and those in the
 * backlog (now, from the index's status column; at `asOf`, from the status history). Every other
 * order would add nothing (computeCapacity counts only window events and backlog states), so the
 * figures equal those over every order, and the cost follows the window's activity and the
 * backlog instead of the trust's size. A store without the index (a test double) is read whole.
 */
function readCapacityInputs(ctx: CapacityContext, filter: CapacityQuery, now: Date): CapacityInputs {
  const asOf = filter.asOfMillis !== undefined ? new Date(filter.asOfMillis).toISOString() : undefined;
  const store = ctx.store;
  if (!store.capacityAccessions || !store.ordersByAccession) {
    const orders = store.findOrders({});
    const history = asOf !== undefined ? (store.statusHistoryAsOf?.(asOf) ?? new Map()) : undefined;
    return { orders, reports: store.reportsByAccession(orders.map((o) => o.accessionNumber)), history };
  }
  const window = resolveWindow(filter, now);
  const history = asOf !== undefined ? (store.statusHistoryAsOf?.(asOf, BACKLOG_STATUSES) ?? new Map()) : undefined;
  const accessions = new Set(store.capacityAccessions({
    fromMillis: window.fromMillis,
    toMillis: window.toMillis,
    ...(history ? {} : { backlogStatuses: BACKLOG_STATUSES }),
    ...(filter.priorities ? { priorities: filter.priorities } : {}),
  }));
  for (const accession of history?.keys() ?? []) accessions.add(accession);
  // findOrders' order (by accession number), so ties resolve as they would over every order.
  const byAccession = store.ordersByAccession([...accessions]);
  const orders = [...byAccession.values()].sort((a, b) => (a.accessionNumber < b.accessionNumber ? -1 : a.accessionNumber > b.accessionNumber ? 1 : 0));
  return { orders, reports: store.reportsByAccession(orders.map((o) => o.accessionNumber)), history };
}

/**
 * `Query.capacity` of the trust subgraph. Weeks are always counted in Europe/London, not in the
 * trust's configured zone: the network's SDL fixes the zone so that the gateway can add up the
 * same week of every trust. A filter that leaves this trust out answers no rows and a zero total
 * (without reading the store), so the gateway may send one filter to every trust. Arguments are
 * checked before anything is read (a bad one throws BAD_USER_INPUT at once).
 */
export function capacityResolver(_: unknown, args: CapacityArgs, ctx: CapacityContext): CapacityReportResult {
  const now = ctx.clock?.() ?? new Date();
  const filter = toCapacityQuery(args.filter, now);
  const groupBy = toCapacityDimensions(args.groupBy);
  const { code, name } = ctx.config;
  const excluded = filter.trusts !== undefined && !filter.trusts.includes(code);
  const { orders, reports, history } = excluded ? { orders: [], reports: new Map(), history: undefined } : readCapacityInputs(ctx, filter, now);
  const imaged = excluded ? undefined : imagedAccessions(orders, ctx);
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
 * Which orders the RIS still shows as not performed have images in the PACS (images win over a
 * stale RIS status), from the PACS studies the study index holds (the QIDO-RS sync's copy: no
 * PACS call). The earliest performed time among an accession's studies is the examination's.
 */
function imagedAccessions(orders: readonly RisOrderRow[], ctx: CapacityContext): Map<string, string | null> | undefined {
  if (!ctx.store.pacsStudiesByAccession) return undefined;
  const waiting = orders.filter((o) => NOT_PERFORMED.has(o.status) && o.performedAt === null).map((o) => o.accessionNumber);
  if (waiting.length === 0) return undefined;
  const out = new Map<string, string | null>();
  for (const [accession, studies] of ctx.store.pacsStudiesByAccession(waiting)) {
    const times = studies.map((s) => s.performedAt).filter((t): t is string => t !== null).sort((a, b) => Date.parse(a) - Date.parse(b));
    out.set(accession, times[0] ?? null);
  }
  return out;
}
