import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { ErrorCode, studyIdOfPayload, studyIdPayload } from '../../../schema/index.ts';
import { requireFirst } from '../study-query.ts';
import { joinStudy, studyModalities, type StudyView } from '../study-view.ts';
import { viewsOfHits } from '../study-page.ts';
import type { TrustContext } from '../trust-context.ts';
import type { CallerIdentity } from '../../../platform/request-signature.ts';
import type { RisOrderRow } from '../store/read-model.ts';
import type { RisReportRow } from '../ris/ingest-port.ts';
import type { ClaimRow, NetworkReportRow, PatientClassValue } from '../store/reporting-model.ts';
import { reporterObject } from './reporter.ts';
import type { TrustReporting } from './trust-reporting.ts';
import { decodeWorklistCursor, encodeWorklistCursor } from './worklist-cursor.ts';
import { matchesWorklistFilter, toWorklistFilter, type WorklistFilterInput } from './worklist-filter.ts';

/** The order's patient class (PV1-2, table 0004); null when not known. */
function patientClassOf(order: RisOrderRow | undefined): PatientClassValue | null {
  return order?.patientClass ?? null;
}

/** Per-request batching of claims and network report rows: one store call each, however many studies. */
interface ReportingLoaders {
  claims: DataLoader<string, ClaimRow | undefined>;
  networkReports: DataLoader<string, Map<number, NetworkReportRow>>;
}
const loaders = new WeakMap<object, ReportingLoaders>();

function reportingOf(ctx: TrustContext): TrustReporting {
  if (!ctx.reporting) throw new GraphQLError('Network reporting is not running at this trust', { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
  return ctx.reporting;
}

function loadersOf(ctx: TrustContext): ReportingLoaders {
  let l = loaders.get(ctx);
  if (!l) {
    const r = reportingOf(ctx);
    l = {
      claims: new DataLoader(async (accessions: readonly string[]) => {
        const found = r.store.liveClaims(accessions, Date.now());
        return accessions.map((a) => found.get(a));
      }),
      networkReports: new DataLoader(async (accessions: readonly string[]) => {
        const found = r.store.networkReports(accessions);
        return accessions.map((a) => found.get(a) ?? new Map());
      }),
    };
    loaders.set(ctx, l);
  }
  return l;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The study of an accession as lists show it: the index row joined with its order and synced PACS study. */
function studyOfAccession(ctx: TrustContext, accessionNumber: string): StudyView | undefined {
  const hits = ctx.store.studyIndexPage({ idKey: studyIdPayload('accession', accessionNumber), limit: 1 });
  const [view] = viewsOfHits(ctx.config.code, ctx.store, hits);
  if (view) return view;
  const order = ctx.store.ordersByAccession([accessionNumber]).get(accessionNumber);
  return order ? joinStudy(ctx.config.code, order, undefined) : undefined;
}

/** A `Claim` as resolvers return it: the lease plus the study it is on. */
function claimObject(ctx: TrustContext, claim: ClaimRow, study?: StudyView) {
  const view = study ?? studyOfAccession(ctx, claim.accessionNumber);
  return { study: view, claimedBy: reporterObject(claim.holder), claimedAt: iso(claim.claimedAtMs), expiresAt: iso(claim.expiresAtMs) };
}

function callerOf(ctx: TrustContext) {
  return (ctx as TrustContext & { caller?: CallerIdentity }).caller;
}

/** Delivery state as the schema names it (outbox ACKED → DELIVERED). */
function deliveryObject(row: NetworkReportRow) {
  const d = row.delivery;
  return {
    state: d.status === 'ACKED' ? 'DELIVERED' : d.status === 'PENDING' ? 'PENDING' : 'REJECTED',
    attempts: d.attempts,
    lastAttemptAt: d.lastAttemptAt,
    lastError: d.lastError,
    ackedAt: d.ackedAt,
    messageControlId: d.controlId,
  };
}

async function networkVersion(ctx: TrustContext, r: RisReportRow): Promise<NetworkReportRow | undefined> {
  if (!ctx.reporting) return undefined;
  return (await loadersOf(ctx).networkReports.load(r.accessionNumber)).get(r.version);
}

/** The reporting resolvers, merged into the trust's resolver map (resolvers.ts). */
export const reportingResolvers = {
  Query: {
    worklist: (
      _: unknown,
      args: { filter?: WorklistFilterInput | null; first?: number | null; after?: string | null },
      ctx: TrustContext,
    ) => {
      const first = requireFirst(args.first, ctx.config.maxPageSize);
      const after = args.after != null ? decodeWorklistCursor(args.after) : undefined;
      const filter = toWorklistFilter(args.filter);
      const empty = { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, unavailableTrusts: [] };
      if (filter.trusts && !filter.trusts.includes(ctx.config.code)) return empty;
      const r = reportingOf(ctx);
      const page = r.store.worklistPage({
        ...(filter.modalities ? { modalities: filter.modalities } : {}),
        ...(filter.priorities ? { priorities: filter.priorities } : {}),
        ...(filter.patientClasses ? { patientClasses: filter.patientClasses } : {}),
        ...(filter.claimed !== undefined ? { claimed: filter.claimed } : {}),
        ...(filter.overdueOnly ? { overdueOnly: true } : {}),
        ...(after ? { after } : {}),
        nowMs: Date.now(),
        first,
      });
      // Rows and views pair up by id (a row whose study changed between the two reads is left
      // out; the next page re-reads it).
      const views = new Map(viewsOfHits(ctx.config.code, ctx.store, page.rows.map((r) => r.hit)).map((v) => [v.id, v]));
      const edges = page.rows.flatMap((row) => {
        const id = studyIdOfPayload(ctx.config.code, row.hit.idKey);
        const node = views.get(id);
        return node ? [{ cursor: encodeWorklistCursor({ dueMs: row.dueMs, id }), node }] : [];
      });
      return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null }, unavailableTrusts: [] };
    },
  },
  Mutation: {
    claimStudy: (_: unknown, args: { id: string }, ctx: TrustContext) => claimObject(ctx, reportingOf(ctx).claim(args.id, callerOf(ctx))),
    renewClaim: (_: unknown, args: { id: string }, ctx: TrustContext) => claimObject(ctx, reportingOf(ctx).renew(args.id, callerOf(ctx))),
    releaseStudy: (_: unknown, args: { id: string }, ctx: TrustContext) => reportingOf(ctx).release(args.id, callerOf(ctx)),
    submitReport: (_: unknown, args: { studyId: string; report: { text: string; status: string } }, ctx: TrustContext) =>
      reportingOf(ctx).submit(args.studyId, args.report, callerOf(ctx)),
  },
  Subscription: {
    worklistChanged: {
      /**
       * This trust's worklist changes matching the filter, each with the study as it is now.
       * Filtered after the change, so a study leaving the filter (e.g. claimed while watching
       * unclaimed only) is still announced once: clients remove it on CLAIMED/REPORTED.
       */
      subscribe: async function* (_: unknown, args: { filter?: WorklistFilterInput | null }, ctx: TrustContext & { request?: Request }) {
        const filter = toWorklistFilter(args.filter);
        const r = reportingOf(ctx);
        if (filter.trusts && !filter.trusts.includes(ctx.config.code)) return;
        const { claimed: _claimed, ...withoutClaimed } = filter;
        for await (const change of r.events.subscribe(ctx.request?.signal)) {
          const study = studyOfAccession(ctx, change.accessionNumber);
          const order = study?.order;
          if (!study || !order) continue;
          const claimed = r.store.liveClaims([change.accessionNumber], Date.now()).has(change.accessionNumber);
          const dueMs = r.dueAt({ ...order, performedAt: study.performedAt }, patientClassOf(order));
          if (!matchesWorklistFilter(withoutClaimed, { trust: ctx.config.code, order, modalities: studyModalities(study), dueMs, claimed, patientClass: patientClassOf(order) }, Date.now())) continue;
          yield { worklistChanged: { type: change.type, study } };
        }
      },
    },
  },
  Study: {
    dueAt: (s: StudyView, _: unknown, ctx: TrustContext) => {
      const rule = ctx.reporting?.dueAt;
      if (!rule) return null;
      // The joined performed time (the RIS's, else the PACS's), as the index computes it.
      const due = rule({ performedAt: s.performedAt, scheduledAt: s.order?.scheduledAt ?? null, requestedAt: s.order?.requestedAt ?? null, priority: s.order?.priority ?? null }, patientClassOf(s.order));
      return due === null ? null : iso(due);
    },
    claim: async (s: StudyView, _: unknown, ctx: TrustContext) => {
      if (!s.accessionNumber || !ctx.reporting) return null;
      const claim = await loadersOf(ctx).claims.load(s.accessionNumber);
      return claim ? claimObject(ctx, claim, s) : null;
    },
  },
  Report: {
    reporter: async (r: RisReportRow, _: unknown, ctx: TrustContext) => {
      const row = await networkVersion(ctx, r);
      return row ? reporterObject(row.reporter) : null;
    },
    delivery: async (r: RisReportRow, _: unknown, ctx: TrustContext) => {
      const row = await networkVersion(ctx, r);
      return row ? deliveryObject(row) : null;
    },
  },
  Reporter: {
    trust: (r: { trust: { code: string } | null }, _: unknown, ctx: TrustContext) =>
      r.trust ? { code: r.trust.code, name: r.trust.code === ctx.config.code ? ctx.config.name : r.trust.code } : null,
  },
};
