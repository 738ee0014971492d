import type { GraphQLResolveInfo } from 'graphql';
import { DateScalar, DateTimeScalar, decodeStudyId, toModality as toModalityValue } from '../../schema/index.ts';
import type { TrustContext } from './trust-context.ts';
import { joinStudy, studyModalities, studyStatus, type StudyView } from './study-view.ts';
import { requireFirst, requireNhsNumber, toStudyQuery, type StudyFilterInput, type StudyQuery } from './study-query.ts';
import { indexedStudyPage, viewsOfHits, type StudyPage } from './study-page.ts';
import { decodeTrustCursor } from './trust-cursor.ts';
import { reportPacsUnavailable, reportPartialError } from './partial-errors.ts';
import {
  dicomNhsNumber,
  patientConflicts,
  patientIdentifiers,
  patientNhsNumber,
  patientScope,
  risPatientOfPacsStudy,
  type PatientView,
} from './patient-view.ts';
import { studyLinks } from './pacs/dicomweb-links.ts';
import { DICOMWEB_PREFIX } from './pacs/dicomweb-pass-through.ts';
import { currentReport } from './ris/current-report.ts';
import type { RisReportRow } from './ris/ingest-port.ts';
import { capacityResolver } from './capacity/capacity-resolver.ts';
import { pageMayBeIncomplete } from './pacs/pacs-index-status.ts';
import { payloadOfStudyId, ErrorCode } from '../../schema/index.ts';
import { reportingResolvers } from './reporting/reporting-resolvers.ts';

type Connection = StudyPage & { unavailableTrusts: never[] };

/**
 * A page of studies from the study index (no PACS call). While the back-fill has not reached
 * the page's time range, the answer says so with an `INDEX_INCOMPLETE` error beside the data:
 * never a silently short page.
 */
function studyConnection(
  ctx: TrustContext,
  info: GraphQLResolveInfo,
  query: StudyQuery,
  first: number | null | undefined,
  after: string | null | undefined,
): Connection {
  const n = requireFirst(first, ctx.config.maxPageSize);
  const cursor = after != null ? decodeTrustCursor(after) : undefined;
  const page = indexedStudyPage(ctx.config.code, ctx.store, query, n, cursor);
  const status = ctx.pacsIndex();
  if (pageMayBeIncomplete(status, { hasNextPage: page.pageInfo.hasNextPage, lastSortMillis: page.lastSortMillis, toMillis: query.toMillis })) {
    const through = status.backfilledThrough ? ` (read down to ${status.backfilledThrough})` : '';
    reportPartialError(ctx, info, `The trust's study index is still being filled from its PACS${through}; studies older than that may be missing here.`, ErrorCode.INDEX_INCOMPLETE);
  }
  return { edges: page.edges, pageInfo: page.pageInfo, unavailableTrusts: [] };
}

/** Looks a study up by its network id within this trust (null when not ours or unknown). */
async function studyById(ctx: TrustContext, info: GraphQLResolveInfo, id: string): Promise<StudyView | null> {
  const key = decodeStudyId(id);
  if (!key || key.trust !== ctx.config.code) return null;
  const idKey = payloadOfStudyId(id)!;
  const hits = ctx.store.studyIndexPage({ idKey, limit: 1 });
  const [view] = viewsOfHits(ctx.config.code, ctx.store, hits);
  if (view) return view;
  if (key.kind === 'accession') return null;
  // A PACS study the sync has not indexed yet: ask the PACS (one UID-list request per batch).
  try {
    const pacs = await ctx.pacsLoaders.studyByUid.load(key.value);
    if (!pacs) return null;
    const live = joinStudy(ctx.config.code, undefined, pacs);
    return live.id === id ? live : null;
  } catch (err) {
    reportPacsUnavailable(ctx, info, err);
    return null;
  }
}

function trustRef(ctx: TrustContext) {
  return { code: ctx.config.code, name: ctx.config.name };
}

/** Resolvers of the trust subgraph (Federation 2: `_entities` resolves Study and Trust). */
export const resolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  Query: {
    studies: async (
      _: unknown,
      args: { filter?: StudyFilterInput | null; first?: number | null; after?: string | null },
      ctx: TrustContext,
      info: GraphQLResolveInfo,
    ) => {
      const query = { ...toStudyQuery(args.filter), nationalNumber: ctx.config.hl7.nationalNumber };
      if (args.filter?.trusts && !args.filter.trusts.includes(ctx.config.code)) {
        requireFirst(args.first, ctx.config.maxPageSize);
        if (args.after != null) decodeTrustCursor(args.after);
        return { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, unavailableTrusts: [] };
      }
      return studyConnection(ctx, info, query, args.first, args.after);
    },
    study: (_: unknown, args: { id: string }, ctx: TrustContext, info: GraphQLResolveInfo) => studyById(ctx, info, args.id),
    patient: async (_: unknown, args: { nhsNumber: string }, ctx: TrustContext, info: GraphQLResolveInfo) => {
      const nhs = requireNhsNumber(args.nhsNumber, 'nhsNumber');
      // Every record the RIS holds for the number (patient-view.ts): priors on each are the patient's.
      const records = ctx.store.patientsByNhsNumber(nhs);
      const nationalNumber = ctx.config.hl7.nationalNumber;
      if (records.length) return { trust: ctx.config.code, ris: records[0], records, dicom: undefined, nationalNumber } satisfies PatientView;
      // A patient only the PACS knows: their newest indexed PACS-only study carries the header.
      const [hit] = ctx.store.studyIndexPage({ patient: { pacsPatientIds: [nhs] }, limit: 1 });
      const dicom = hit?.pacsUid ? ctx.store.pacsStudiesByUid([hit.pacsUid]).get(hit.pacsUid) : undefined;
      if (dicom?.patientId === nhs && dicomNhsNumber(dicom, nationalNumber) === nhs) return { trust: ctx.config.code, ris: undefined, dicom, nationalNumber } satisfies PatientView;
      if (!ctx.pacsIndex().complete) {
        reportPartialError(ctx, info, "The trust's study index is still being filled from its PACS; this patient may have studies not read yet.", ErrorCode.INDEX_INCOMPLETE);
      }
      return null;
    },
    trusts: (_: unknown, __: unknown, ctx: TrustContext) => [trustRef(ctx)],
    capacity: capacityResolver,
    ...reportingResolvers.Query,
  },
  Mutation: reportingResolvers.Mutation,
  Subscription: reportingResolvers.Subscription,
  Reporter: reportingResolvers.Reporter,
  Trust: {
    __resolveReference: (ref: { code: string }, ctx: TrustContext) => (ref.code === ctx.config.code ? trustRef(ctx) : null),
    name: (t: { code: string; name?: string }, _: unknown, ctx: TrustContext) => t.name ?? ctx.config.name,
    pacsIndex: (t: { code: string }, _: unknown, ctx: TrustContext) => {
      if (t.code !== ctx.config.code) return null;
      const { complete: _complete, ...status } = ctx.pacsIndex({ fresh: true });
      return status;
    },
  },
  Study: {
    __resolveReference: (ref: { id: string }, ctx: TrustContext, info: GraphQLResolveInfo) => studyById(ctx, info, ref.id),
    trust: (_: StudyView, __: unknown, ctx: TrustContext) => trustRef(ctx),
    patient: async (s: StudyView, _: unknown, ctx: TrustContext): Promise<PatientView> => {
      const nationalNumber = ctx.config.hl7.nationalNumber;
      if (s.order) return { trust: s.trust, ris: await ctx.patients.load(s.order.patientId), dicom: s.pacs, nationalNumber };
      const ris = s.pacs ? risPatientOfPacsStudy(ctx.store, s.pacs, nationalNumber) : undefined;
      return { trust: s.trust, ris, dicom: s.pacs, nationalNumber };
    },
    modalities: (s: StudyView) => studyModalities(s),
    description: (s: StudyView) => s.order?.description ?? s.pacs?.description ?? null,
    bodyPart: async (s: StudyView, _: unknown, ctx: TrustContext, info: GraphQLResolveInfo) => {
      if (s.order?.bodyPart) return s.order.bodyPart;
      // The RIS gave none: the PACS series' BodyPartExamined (0018,0015), first one valued.
      if (!s.studyInstanceUid || (!s.pacs && !s.order?.studyInstanceUid)) return null;
      try {
        const series = await ctx.pacsLoaders.seriesByStudy.load(s.studyInstanceUid);
        return series.find((x) => x.bodyPart)?.bodyPart ?? null;
      } catch (err) {
        reportPacsUnavailable(ctx, info, err);
        return null;
      }
    },
    priority: (s: StudyView) => s.order?.priority ?? null,
    procedure: (s: StudyView) =>
      s.order && (s.order.procedureCode || s.order.description)
        ? { code: s.order.procedureCode, codingSystem: s.order.procedureCodingSystem, display: s.order.description }
        : null,
    patientClass: (s: StudyView) => s.order?.patientClass ?? null,
    orderMissing: (s: StudyView) => (s.order ? s.order.orderMissing : true),
    status: (s: StudyView) => studyStatus(s),
    requestedAt: (s: StudyView) => s.order?.requestedAt ?? null,
    scheduledAt: (s: StudyView) => s.order?.scheduledAt ?? null,
    performedAt: (s: StudyView) => s.performedAt,
    sortAt: (s: StudyView) => s.sortAt,
    report: async (s: StudyView, _: unknown, ctx: TrustContext) =>
      s.accessionNumber ? currentReport(await ctx.reports.load(s.accessionNumber)) : null,
    reports: (s: StudyView, _: unknown, ctx: TrustContext) => (s.accessionNumber ? ctx.reports.load(s.accessionNumber) : []),
    series: async (s: StudyView, _: unknown, ctx: TrustContext, info: GraphQLResolveInfo) => {
      if (!s.studyInstanceUid) return [];
      try {
        return await ctx.pacsLoaders.seriesByStudy.load(s.studyInstanceUid);
      } catch (err) {
        reportPacsUnavailable(ctx, info, err);
        return [];
      }
    },
    // From the synced copy of the PACS study (the index), never a live call: a study the PACS
    // has not reported has no image count yet.
    imageCount: (s: StudyView) => s.pacs?.imageCount ?? null,
    // The trust's own DICOMweb pass-through (signed, like /graphql), never the PACS's address:
    // the gateway answers this field with its own URLs and a viewer token (issue 13).
    dicomweb: (s: StudyView, _: unknown, ctx: TrustContext & { request?: Request }) =>
      s.pacs ? studyLinks(`${new URL(ctx.request?.url ?? 'http://localhost/').origin}${DICOMWEB_PREFIX}`, s.pacs.studyInstanceUid) : null,
    ...reportingResolvers.Study,
  },
  Report: {
    // A version written in the network names its reporter as the token did (employing trust
    // included); one the RIS sent names OBR-32 at this trust.
    reporter: (r: RisReportRow, args: unknown, ctx: TrustContext) => {
      const fromRis = r.reporter ? { ...r.reporter, trust: trustRef(ctx) } : null;
      if (!ctx.reporting) return fromRis;
      return reportingResolvers.Report.reporter(r, args, ctx).then((network) => network ?? fromRis);
    },
    delivery: reportingResolvers.Report.delivery,
    assistant: (r: RisReportRow, _: unknown, ctx: TrustContext) => (r.assistant ? { ...r.assistant, trust: trustRef(ctx) } : null),
  },
  Series: {
    modality: (s: { modality: string }) => toModalityValue(s.modality),
  },
  Patient: {
    nhsNumber: (p: PatientView) => patientNhsNumber(p),
    name: (p: PatientView) => {
      if (p.ris) return p.ris.family || p.ris.given.length ? { family: p.ris.family, given: p.ris.given } : null;
      return p.dicom?.patientName ?? null;
    },
    birthDate: (p: PatientView) => p.ris?.birthDate ?? p.dicom?.birthDate ?? null,
    sex: (p: PatientView) => p.ris?.sex ?? p.dicom?.sex ?? null,
    identifiers: (p: PatientView, _: unknown, ctx: TrustContext) =>
      patientIdentifiers(p).map((i) => ({ ...i, trust: trustRef(ctx) })),
    conflicts: (p: PatientView, _: unknown, ctx: TrustContext) =>
      patientConflicts(p).map((c) => ({ ...c, trusts: c.trusts.map(() => trustRef(ctx)) })),
    studies: (p: PatientView, args: { first?: number | null; after?: string | null }, ctx: TrustContext, info: GraphQLResolveInfo) =>
      studyConnection(ctx, info, { patient: patientScope(p) }, args.first, args.after),
  },
};
