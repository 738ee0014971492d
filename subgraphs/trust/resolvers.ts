import type { GraphQLResolveInfo } from 'graphql';
import { DateScalar, DateTimeScalar, decodeStudyId, toModality as toModalityValue } from '../../schema/index.ts';
import type { TrustContext } from './trust-context.ts';
import { joinStudy, studyModalities, studyStatus, type StudyView } from './study-view.ts';
import { requireFirst, requireNhsNumber, toStudyQuery, type StudyFilterInput, type StudyQuery } from './study-query.ts';
import { searchStudies } from './study-search.ts';
import { pageStudies, type StudyPage } from './study-page.ts';
import { decodeTrustCursor } from './trust-cursor.ts';
import { reportPacsUnavailable } from './partial-errors.ts';
import {
  patientIdentifiers,
  patientNhsNumber,
  patientScope,
  risPatientOfPacsStudy,
  type PatientView,
} from './patient-view.ts';
import { studyLinks } from './pacs/dicomweb-links.ts';
import type { RisReportRow } from './store/read-model.ts';
import { capacityResolver } from './capacity/capacity-resolver.ts';
import { reportingResolvers } from './reporting/reporting-resolvers.ts';

type Connection = StudyPage & { unavailableTrusts: never[] };

async function studyConnection(
  ctx: TrustContext,
  info: GraphQLResolveInfo,
  query: StudyQuery,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection> {
  const n = requireFirst(first, ctx.config.maxPageSize);
  const cursor = after != null ? decodeTrustCursor(after) : undefined;
  const result = await searchStudies(ctx.config.code, ctx.store, ctx.searchPacs, query);
  if (result.pacsError !== undefined) reportPacsUnavailable(ctx, info, result.pacsError);
  return { ...pageStudies(result.studies, n, cursor), unavailableTrusts: [] };
}

/** Looks a study up by its network id within this trust (null when not ours or unknown). */
async function studyById(ctx: TrustContext, info: GraphQLResolveInfo, id: string): Promise<StudyView | null> {
  const key = decodeStudyId(id);
  if (!key || key.trust !== ctx.config.code) return null;
  if (key.kind === 'accession') {
    const result = await searchStudies(ctx.config.code, ctx.store, ctx.searchPacs, {
      accessionNumber: key.value,
    });
    if (result.pacsError !== undefined) reportPacsUnavailable(ctx, info, result.pacsError);
    return result.studies.find((s) => s.id === id) ?? null;
  }
  const pacs = await ctx.pacsLoaders.studyByUid.load(key.value);
  if (!pacs) return null;
  const view = joinStudy(ctx.config.code, undefined, pacs);
  return view.id === id ? view : null;
}

function currentReport(reports: readonly RisReportRow[]): RisReportRow | null {
  return reports.length ? reports[reports.length - 1]! : null;
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
      const query = toStudyQuery(args.filter);
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
      const ris = ctx.store.patientByNhsNumber(nhs);
      if (ris) return { trust: ctx.config.code, ris, dicom: undefined } satisfies PatientView;
      try {
        const studies = await ctx.searchPacs({ patientId: nhs });
        const dicom = studies.find((s) => s.patientId === nhs);
        return dicom ? ({ trust: ctx.config.code, ris: undefined, dicom } satisfies PatientView) : null;
      } catch (err) {
        reportPacsUnavailable(ctx, info, err);
        return null;
      }
    },
    trusts: (_: unknown, __: unknown, ctx: TrustContext) => [trustRef(ctx)],
    capacity: capacityResolver,
    ...reportingResolvers.Query,
  },
  Mutation: reportingResolvers.Mutation,
  Subscription: reportingResolvers.Subscription,
  Report: reportingResolvers.Report,
  Reporter: reportingResolvers.Reporter,
  Trust: {
    __resolveReference: (ref: { code: string }, ctx: TrustContext) => (ref.code === ctx.config.code ? trustRef(ctx) : null),
    name: (t: { code: string; name?: string }, _: unknown, ctx: TrustContext) => t.name ?? ctx.config.name,
  },
  Study: {
    __resolveReference: (ref: { id: string }, ctx: TrustContext, info: GraphQLResolveInfo) => studyById(ctx, info, ref.id),
    trust: (_: StudyView, __: unknown, ctx: TrustContext) => trustRef(ctx),
    patient: async (s: StudyView, _: unknown, ctx: TrustContext): Promise<PatientView> => {
      if (s.order) return { trust: s.trust, ris: await ctx.patients.load(s.order.patientId), dicom: s.pacs };
      const ris = s.pacs ? risPatientOfPacsStudy(ctx.store, s.pacs) : undefined;
      return { trust: s.trust, ris, dicom: s.pacs };
    },
    modalities: (s: StudyView) => studyModalities(s),
    description: (s: StudyView) => s.order?.description ?? s.pacs?.description ?? null,
    bodyPart: (s: StudyView) => s.order?.bodyPart ?? null,
    priority: (s: StudyView) => s.order?.priority ?? null,
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
    imageCount: async (s: StudyView, _: unknown, ctx: TrustContext, info: GraphQLResolveInfo) => {
      if (s.pacs) return s.pacs.imageCount;
      if (!s.studyInstanceUid) return null;
      try {
        return (await ctx.pacsLoaders.studyByUid.load(s.studyInstanceUid))?.imageCount ?? null;
      } catch (err) {
        reportPacsUnavailable(ctx, info, err);
        return null;
      }
    },
    dicomweb: (s: StudyView, _: unknown, ctx: TrustContext) =>
      s.pacs ? studyLinks(ctx.config.pacs.publicUrl ?? ctx.config.pacs.dicomweb, s.pacs.studyInstanceUid) : null,
    ...reportingResolvers.Study,
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
    studies: (p: PatientView, args: { first?: number | null; after?: string | null }, ctx: TrustContext, info: GraphQLResolveInfo) =>
      studyConnection(ctx, info, { patient: patientScope(p) }, args.first, args.after),
  },
};
