import { payloadOfStudyId, studyIdOfPayload, studyIdPayload, badUserInput } from '../../schema/index.ts';
import { encodeTrustCursor, type TrustCursor } from './trust-cursor.ts';
import { joinStudy, type StudyView } from './study-view.ts';
import type { StudyQuery } from './study-query.ts';
import type { StudyIndexHit, StudyIndexPatientScope, StudyIndexQuery, TrustReadModel } from './store/read-model.ts';
import { millisOfSortKey, sortKeyOf } from './store/study-index-row.ts';

export interface StudyPage {
  edges: Array<{ cursor: string; node: StudyView }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Which rows a query is about when it names a patient (Patient.studies, or filter.nhsNumber). */
export function patientScopeOf(store: Pick<TrustReadModel, 'patientsByNhsNumber'>, query: StudyQuery): StudyIndexPatientScope | undefined {
  if (query.patient) return query.patient;
  if (!query.nhsNumber) return undefined;
  // Every record the RIS holds for the number: priors on a duplicate record are the patient's too.
  const patients = store.patientsByNhsNumber(query.nhsNumber);
  // A PACS-only study names its patient by PatientID: the NHS number, or an MRN. At a CHI or H&C
  // trust a PatientID is never read as an NHS number (it would be a CHI/H&C number that passes
  // Modulus 11 too), so only the MRNs of the RIS records link PACS-only studies there.
  const asNhs = (query.nationalNumber ?? 'NHS') === 'NHS' ? [query.nhsNumber] : [];
  const scope: StudyIndexPatientScope = { pacsPatientIds: [...new Set([...asNhs, ...patients.flatMap((p) => p.mrns)])] };
  return patients.length ? { ...scope, risPatientIds: patients.map((p) => p.id) } : scope;
}

/** The index query of a validated StudyQuery and cursor. */
export function toIndexQuery(store: Pick<TrustReadModel, 'patientsByNhsNumber'>, query: StudyQuery, limit: number, after: TrustCursor | undefined): StudyIndexQuery {
  const q: StudyIndexQuery = { limit };
  if (query.accessionNumber !== undefined) q.accessionNumber = query.accessionNumber;
  if (query.modalities?.length) q.modalities = query.modalities;
  if (query.statuses?.length) q.statuses = query.statuses;
  if (query.fromMillis !== undefined) q.fromMillis = query.fromMillis;
  if (query.toMillis !== undefined) q.toMillis = query.toMillis;
  const scope = patientScopeOf(store, query);
  if (scope) q.patient = scope;
  if (after) {
    const idKey = payloadOfStudyId(after.id);
    if (idKey === undefined) throw badUserInput('after', 'not a cursor this server issued');
    q.after = { sortKey: sortKeyOf(after.sortMillis), idKey };
  }
  return q;
}

/** Joins index hits with their orders and synced PACS studies (two store reads, no PACS call). */
export function viewsOfHits(trust: string, store: TrustReadModel, hits: readonly StudyIndexHit[]): StudyView[] {
  const accessions = hits.filter((h) => h.hasOrder && h.accessionNumber !== null).map((h) => h.accessionNumber!);
  const orders = accessions.length ? store.ordersByAccession(accessions) : new Map();
  const uids = hits.map((h) => h.pacsUid).filter((u): u is string => u !== null);
  const pacs = uids.length ? store.pacsStudiesByUid(uids) : new Map();
  const views: StudyView[] = [];
  for (const h of hits) {
    const order = h.hasOrder && h.accessionNumber !== null ? orders.get(h.accessionNumber) : undefined;
    const study = h.pacsUid !== null ? pacs.get(h.pacsUid) : undefined;
    if (!order && !study) continue; // changed between the two reads; the next page re-reads it
    // A further PACS study of an accession is keyed by its UID (primary-pacs-study.ts).
    const keyedBy = study && h.idKey === studyIdPayload('uid', study.studyInstanceUid) ? 'uid' : 'accession';
    const view = joinStudy(trust, order, study, keyedBy);
    // The id the index sorted by must be the id the client sees, or cursors would drift.
    if (view.id !== studyIdOfPayload(trust, h.idKey)) throw new Error(`study index row ${h.idKey} disagrees with its join (${view.id})`);
    views.push(view);
  }
  return views;
}

/**
 * One keyset page of the study index (ARCHITECTURE.md read path): `first` rows strictly after the
 * cursor's position in the network order, read with LIMIT first+1 (the extra row says whether a
 * next page exists). No OFFSET, no PACS call: the cost does not grow with the page number or the
 * trust's size.
 */
export function indexedStudyPage(
  trust: string,
  store: TrustReadModel,
  query: StudyQuery,
  first: number,
  after: TrustCursor | undefined,
): StudyPage & { lastSortMillis: number | null | undefined } {
  const hits = store.studyIndexPage(toIndexQuery(store, query, first + 1, after));
  const hasNextPage = hits.length > first;
  const pageHits = hits.slice(0, first);
  const views = viewsOfHits(trust, store, pageHits);
  const edges = views.map((node) => ({ cursor: encodeTrustCursor({ sortMillis: node.sortMillis, id: node.id }), node }));
  const last = pageHits[pageHits.length - 1];
  return {
    edges,
    pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
    lastSortMillis: last === undefined ? undefined : millisOfSortKey(last.sortKey),
  };
}
