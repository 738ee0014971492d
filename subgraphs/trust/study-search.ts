import { compareStudyOrder } from '../../schema/index.ts';
import type { RisOrderRow, TrustReadModel } from './store/read-model.ts';
import type { PacsStudy } from './pacs/study-mapping.ts';
import type { StudySearch } from './pacs/dicomweb-client.ts';
import { joinStudy, studyModalities, studyStatus, type StudyView } from './study-view.ts';
import type { StudyQuery } from './study-query.ts';
import { primaryPacsStudy } from './primary-pacs-study.ts';

/** What the search needs of the PACS: one QIDO-RS study search (with its pushed-down filters). */
export type SearchPacs = (search: StudySearch) => Promise<PacsStudy[]>;

export interface StudySearchResult {
  /** Every matching study, in the network order. */
  studies: StudyView[];
  /** Set when the PACS failed: the RIS rows still stand, PACS data is missing. */
  pacsError?: unknown;
}

const DAY_MS = 86_400_000;

/** YYYY-MM-DD of an instant, widened by `days` (DICOM StudyDate has no zone; ±1 day covers it). */
function isoDay(millis: number, days: number): string {
  return new Date(millis + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The QIDO-RS searches that cover a query (PS3.18 10.6). Filters go to the PACS where they are
 * exact enough to join on: accession, patient ids, modalities, and the date window widened by a
 * day each side (StudyDate is a local date; the exact window is applied after the join).
 */
export function pacsSearchesFor(query: StudyQuery, patientIds: readonly string[] | undefined): StudySearch[] {
  const base: StudySearch = {};
  if (query.accessionNumber) base.accessionNumber = query.accessionNumber;
  if (query.modalities?.length) base.modalities = query.modalities;
  if (query.fromMillis !== undefined) base.dateFrom = isoDay(query.fromMillis, -1);
  if (query.toMillis !== undefined) base.dateTo = isoDay(query.toMillis, 1);
  if (patientIds === undefined) return [base];
  return patientIds.map((patientId) => ({ ...base, patientId }));
}

/** True when the joined study passes every condition of the query. */
export function matchesQuery(view: StudyView, query: StudyQuery, scope: { risPatientIds?: readonly number[]; pacsPatientIds: ReadonlySet<string> } | undefined): boolean {
  if (scope) {
    const risMatch = view.order !== undefined && scope.risPatientIds !== undefined && scope.risPatientIds.includes(view.order.patientId);
    const pacsMatch = view.order === undefined && view.pacs?.patientId != null && scope.pacsPatientIds.has(view.pacs.patientId);
    if (!risMatch && !pacsMatch) return false;
  }
  if (query.accessionNumber !== undefined && view.accessionNumber !== query.accessionNumber) return false;
  if (query.modalities?.length) {
    const mods = studyModalities(view);
    if (!query.modalities.some((m) => mods.includes(m))) return false;
  }
  if (query.statuses?.length && !query.statuses.includes(studyStatus(view))) return false;
  if (query.fromMillis !== undefined && (view.sortMillis === null || view.sortMillis < query.fromMillis)) return false;
  if (query.toMillis !== undefined && (view.sortMillis === null || view.sortMillis > query.toMillis)) return false;
  return true;
}

/**
 * Finds the studies of one trust that match a query: RIS orders from the store and PACS studies
 * from QIDO-RS, joined on accession number (else on the order's Study Instance UID), filtered,
 * and sorted in the network order. Two PACS requests at most per patient id; none per row.
 */
export async function searchStudies(
  trust: string,
  store: TrustReadModel,
  searchPacs: SearchPacs,
  query: StudyQuery,
): Promise<StudySearchResult> {
  // Which patient, if the query is about one.
  let scope: { risPatientIds?: number[]; pacsPatientIds: Set<string> } | undefined;
  if (query.patient) {
    scope = { pacsPatientIds: new Set(query.patient.pacsPatientIds) };
    if (query.patient.risPatientIds?.length) scope.risPatientIds = query.patient.risPatientIds;
  } else if (query.nhsNumber) {
    // Every record the RIS holds for the number: priors on a duplicate record are the patient's too.
    const patients = store.patientsByNhsNumber(query.nhsNumber);
    scope = { pacsPatientIds: new Set([query.nhsNumber, ...patients.flatMap((p) => p.mrns)]) };
    if (patients.length) scope.risPatientIds = patients.map((p) => p.id);
  }

  let orders: RisOrderRow[];
  if (scope && scope.risPatientIds === undefined) orders = [];
  else {
    const orderQuery: { accessionNumber?: string; patientId?: number } = {};
    if (query.accessionNumber) orderQuery.accessionNumber = query.accessionNumber;
    if (scope?.risPatientIds === undefined) orders = store.findOrders(orderQuery);
    else orders = scope.risPatientIds.flatMap((patientId) => store.findOrders({ ...orderQuery, patientId }));
  }

  let pacsStudies: PacsStudy[] = [];
  let pacsError: unknown;
  try {
    const searches = pacsSearchesFor(query, scope ? [...scope.pacsPatientIds] : undefined);
    const results = await Promise.all(searches.map((s) => searchPacs(s)));
    const byUid = new Map<string, PacsStudy>();
    for (const list of results) for (const s of list) byUid.set(s.studyInstanceUid, s);
    pacsStudies = [...byUid.values()];
  } catch (err) {
    pacsError = err;
  }

  const views = joinOrdersAndPacs(trust, store, orders, pacsStudies);
  const studies = views.filter((v) => matchesQuery(v, query, scope)).sort(compareViews);
  return pacsError === undefined ? { studies } : { studies, pacsError };
}

export function compareViews(a: StudyView, b: StudyView): number {
  return compareStudyOrder({ sortAt: a.sortMillis, id: a.id }, { sortAt: b.sortMillis, id: b.id });
}

/**
 * The join (ARCHITECTURE.md: RIS orders and PACS studies join on accession number within a
 * trust). PACS studies whose accession belongs to an order outside `orders` are joined to that
 * order too (RIS wins). Several PACS studies of one accession all appear, each with its own id:
 * the order joins every one of them and the primary keeps the accession id (primary-pacs-study.ts).
 */
export function joinOrdersAndPacs(
  trust: string,
  store: TrustReadModel,
  orders: readonly RisOrderRow[],
  pacsStudies: readonly PacsStudy[],
): StudyView[] {
  const pacsByAccession = new Map<string, PacsStudy[]>();
  const pacsByUid = new Map<string, PacsStudy>();
  for (const p of pacsStudies) {
    if (p.accessionNumber) {
      const list = pacsByAccession.get(p.accessionNumber) ?? [];
      list.push(p);
      pacsByAccession.set(p.accessionNumber, list);
    }
    pacsByUid.set(p.studyInstanceUid, p);
  }
  const used = new Set<string>();
  const views: StudyView[] = [];
  const joinAll = (order: RisOrderRow | undefined, candidates: readonly PacsStudy[]): void => {
    const primary = primaryPacsStudy(candidates, order?.studyInstanceUid);
    views.push(joinStudy(trust, order, primary));
    for (const p of candidates) {
      used.add(p.studyInstanceUid);
      if (p !== primary) views.push(joinStudy(trust, order, p, 'uid'));
    }
  };
  const seenAccessions = new Set<string>();
  for (const order of orders) {
    seenAccessions.add(order.accessionNumber);
    let candidates = pacsByAccession.get(order.accessionNumber) ?? [];
    if (candidates.length === 0 && order.studyInstanceUid) {
      const byUid = pacsByUid.get(order.studyInstanceUid);
      if (byUid && !used.has(byUid.studyInstanceUid)) candidates = [byUid];
    }
    joinAll(order, candidates);
  }
  const unmatched = pacsStudies.filter((p) => !used.has(p.studyInstanceUid));
  const accessions = unmatched
    .map((p) => p.accessionNumber)
    .filter((a): a is string => !!a && !seenAccessions.has(a));
  const moreOrders = accessions.length ? store.ordersByAccession(accessions) : new Map<string, RisOrderRow>();
  for (const p of unmatched) {
    if (used.has(p.studyInstanceUid)) continue;
    if (!p.accessionNumber) {
      used.add(p.studyInstanceUid);
      views.push(joinStudy(trust, undefined, p));
      continue;
    }
    if (seenAccessions.has(p.accessionNumber)) {
      // Its accession's order was joined above without it (that order matched another study by
      // IPC-3 UID only): a further study of that order.
      used.add(p.studyInstanceUid);
      views.push(joinStudy(trust, orders.find((o) => o.accessionNumber === p.accessionNumber), p, 'uid'));
      continue;
    }
    seenAccessions.add(p.accessionNumber);
    joinAll(moreOrders.get(p.accessionNumber), (pacsByAccession.get(p.accessionNumber) ?? [p]).filter((c) => !used.has(c.studyInstanceUid)));
  }
  return views;
}
