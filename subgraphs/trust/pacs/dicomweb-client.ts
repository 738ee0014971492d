/**
 * The trust's QIDO-RS client (DICOM PS3.18 10.6, Search Transaction) over Node's global fetch
 * (undici: keep-alive pooled per origin by default, so every search reuses connections).
 *
 * Contract:
 * - every failure of the PACS is a `PacsUnavailableError` with a `reason`. A malformed argument
 *   (a date that is not YYYY-MM-DD, a modality that is not a CS code) throws RangeError before
 *   any request: that is the caller's bug, not the PACS's;
 * - a search never makes requests in proportion to rows: series of many studies go in one
 *   request by UID list matching (PS3.4 C.2.2.2.2), split only to keep URLs under ~8 KB;
 * - results are paged with `limit`/`offset` (PS3.18 8.3.4.4) up to `maxResults`, and
 *   de-duplicated by UID (some servers repeat rows across pages while data arrives);
 * - rows come back in the PACS's order, which is not by date (Orthanc: internal order);
 *   callers sort.
 */
import { IANAZone } from 'luxon';
import { readDicomJsonArray, readString, DicomJsonError, type DicomJsonDataset } from './dicom-json.ts';
import { DicomTag } from './dicom-tags.ts';
import type { SyncedStudy } from './pacs-index-port.ts';
import { answerWasCapped } from './study-date-windows.ts';
import { mapSeriesRows, mapStudies, type Mapped, type PacsSeries, type PacsStudy } from './study-mapping.ts';
import { buildSeriesQuery, buildStudyQuery, encodeMatchValue, isDicomUid, splitUidList, type QidoStudyQuery } from './qido-query.ts';
import { PacsUnavailableError } from './pacs-unavailable-error.ts';
import { parseServiceRoot, stripCredentials } from './service-root.ts';
import { warnsOfMoreResults } from './qido-warning.ts';

export { PacsUnavailableError } from './pacs-unavailable-error.ts';
export type { PacsFailureReason } from './pacs-unavailable-error.ts';

/** What `searchStudies` can filter on. All given conditions must hold. */
export interface StudySearch {
  /** Exact match. */
  accessionNumber?: string;
  /** Exact match on PatientID (0010,0020). */
  patientId?: string;
  /** A PN pattern such as `SMITH^J*` (PS3.4 C.2.2.2.4); matched by the PACS, case-insensitively. */
  patientName?: string;
  /** Any of these modalities is in the study (ModalitiesInStudy). */
  modalities?: string[];
  /** YYYY-MM-DD, inclusive, on the local StudyDate. */
  dateFrom?: string;
  /** YYYY-MM-DD, inclusive. */
  dateTo?: string;
  /** Only these studies. Values that are not DICOM UIDs match nothing. */
  studyInstanceUids?: string[];
}

export type PacsAuth = { type: 'basic'; username: string; password: string } | { type: 'bearer'; token: string };

/** Minimal logger (pino's shape). Never gets patient data above debug. */
export interface PacsLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface DicomWebClientOptions {
  /** DICOMweb service root, e.g. `http://127.0.0.1:8042/dicom-web`; `user:pass@` becomes basic auth. */
  baseUrl: string;
  auth?: PacsAuth;
  /** Per HTTP request, including reading the body. @default 5000 */
  timeoutMs?: number;
  /** IANA zone of the PACS's local times (StudyDate/StudyTime). @default 'Europe/London' */
  timezone?: string;
  /** Cap on rows per search, across pages. @default 10000 */
  maxResults?: number;
  /** `limit` per QIDO request. @default 1000 */
  pageSize?: number;
  /**
   * How several modalities are asked for: `list` sends `ModalitiesInStudy=CT,MR` (one request;
   * Orthanc 1.10 matches any); `separate` sends one request per modality, for servers without
   * list matching on CS attributes. @default 'list'
   */
  modalityMatching?: 'list' | 'separate';
  /** URLs stay at or under this many characters. @default 8000 */
  maxUrlLength?: number;
  /** Called before every HTTP request (URL without credentials). */
  onRequest?: (request: { method: 'GET'; url: string }) => void;
  logger?: PacsLogger;
}

const silent: PacsLogger = { debug() {}, warn() {} };

export class DicomWebClient {
  readonly #root: string;
  readonly #authorization: string | undefined;
  readonly #timeoutMs: number;
  readonly #timezone: string;
  readonly #maxResults: number;
  readonly #pageSize: number;
  readonly #modalityMatching: 'list' | 'separate';
  readonly #maxUrlLength: number;
  readonly #onRequest: DicomWebClientOptions['onRequest'];
  readonly #log: PacsLogger;
  #requestCount = 0;

  constructor(options: DicomWebClientOptions) {
    const { root, credentials } = parseServiceRoot(options.baseUrl);
    this.#root = root;
    const auth: PacsAuth | undefined = options.auth ?? (credentials && { type: 'basic', ...credentials });
    this.#authorization = auth === undefined ? undefined
      : auth.type === 'basic' ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`
      : `Bearer ${auth.token}`;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#timezone = options.timezone ?? 'Europe/London';
    if (!IANAZone.isValidZone(this.#timezone)) throw new TypeError(`PACS timezone is not an IANA zone: ${JSON.stringify(this.#timezone)}`);
    this.#maxResults = options.maxResults ?? 10_000;
    this.#pageSize = Math.min(options.pageSize ?? 1000, this.#maxResults);
    this.#modalityMatching = options.modalityMatching ?? 'list';
    this.#maxUrlLength = options.maxUrlLength ?? 8000;
    this.#onRequest = options.onRequest;
    this.#log = options.logger ?? silent;
  }

  /** HTTP requests made so far (tests count them to prove batching). */
  get requestCount(): number {
    return this.#requestCount;
  }

  /** The service root without credentials. */
  get root(): string {
    return this.#root;
  }

  /** Studies matching every condition, de-duplicated by StudyInstanceUID, in the PACS's order. */
  async searchStudies(query: StudySearch): Promise<PacsStudy[]> {
    const base: QidoStudyQuery = { ...query };
    delete base.studyInstanceUids;
    delete base.modalities;
    const modalityGroups = !query.modalities?.length ? [undefined]
      : this.#modalityMatching === 'list' ? [query.modalities] : query.modalities.map((m) => [m]);
    let uidGroups: (string[] | undefined)[] = [undefined];
    if (query.studyInstanceUids !== undefined) {
      const uids = query.studyInstanceUids.filter(isDicomUid);
      if (uids.length === 0) return [];
      uidGroups = splitUidList(uids, this.#uidBudget('/studies', buildStudyQuery({ ...base, modalities: query.modalities, studyInstanceUids: ['1'] })));
    }
    const searches: QidoStudyQuery[] = [];
    for (const modalities of modalityGroups) {
      for (const studyInstanceUids of uidGroups) {
        const q: QidoStudyQuery = { ...base };
        if (modalities) q.modalities = modalities;
        if (studyInstanceUids) q.studyInstanceUids = studyInstanceUids;
        searches.push(q);
      }
    }
    const pages = await Promise.all(searches.map((q) =>
      this.#searchAll('/studies', (limit, offset) => buildStudyQuery({ ...q, limit, offset }),
        (rows) => mapStudies(rows, { timezone: this.#timezone }), (s) => s.studyInstanceUid)));
    const byUid = new Map<string, PacsStudy>();
    for (const study of pages.flat()) if (!byUid.has(study.studyInstanceUid)) byUid.set(study.studyInstanceUid, study);
    return [...byUid.values()].filter(exactFilter(query));
  }

  /**
   * The series of these studies, in one `/series?StudyInstanceUID=a,b,c` request (split only
   * when the URL would pass `maxUrlLength`). Values that are not UIDs are ignored.
   */
  async searchSeries(studyInstanceUids: readonly string[]): Promise<PacsSeries[]> {
    const uids = [...new Set(studyInstanceUids.filter(isDicomUid))];
    if (uids.length === 0) return [];
    const chunks = splitUidList(uids, this.#uidBudget('/series', buildSeriesQuery({ studyInstanceUids: ['1'] })));
    const results = await Promise.all(chunks.map((chunk) =>
      this.#searchAll('/series', (limit, offset) => buildSeriesQuery({ studyInstanceUids: chunk, limit, offset }),
        mapSeriesRows, (s) => s.seriesInstanceUid)));
    return results.flat();
  }

  /**
   * ONE QIDO-RS study request (no paging of its own), for the index sync: the studies of a
   * StudyDate window (or of the whole PACS when no dates are given) from `offset`, at most
   * `limit`, each with the StudyDate it holds, and whether the PACS capped the answer (a full
   * page, or a 299 "additional results" warning: PS3.18 8.3.4.4).
   */
  async searchStudyPage(q: { dateFrom?: string; dateTo?: string; studyInstanceUids?: readonly string[]; limit: number; offset?: number }): Promise<{ studies: SyncedStudy[]; rows: number; capped: boolean }> {
    const query: QidoStudyQuery = { limit: q.limit };
    if (q.studyInstanceUids !== undefined) {
      query.studyInstanceUids = q.studyInstanceUids.filter(isDicomUid);
      if (query.studyInstanceUids.length === 0) return { studies: [], rows: 0, capped: false };
    }
    if (q.dateFrom !== undefined) query.dateFrom = q.dateFrom;
    if (q.dateTo !== undefined) query.dateTo = q.dateTo;
    if (q.offset) query.offset = q.offset;
    const { rows, warning } = await this.#get('/studies', buildStudyQuery(query));
    const studies: SyncedStudy[] = [];
    const mapped = this.#map(rows, (r) => mapStudies(r, { timezone: this.#timezone }));
    if (mapped.skipped > 0) this.#log.warn({ skipped: mapped.skipped }, 'PACS study rows without a StudyInstanceUID skipped');
    const dates = new Map<string, string>();
    for (const ds of rows) {
      const uid = readString(ds, DicomTag.StudyInstanceUID);
      if (uid !== null) dates.set(uid, readString(ds, DicomTag.StudyDate) ?? '');
    }
    for (const study of mapped.rows) studies.push({ study, studyDate: dates.get(study.studyInstanceUid) ?? '' });
    return { studies, rows: rows.length, capped: answerWasCapped(rows.length, q.limit, warnsOfMoreResults(warning)) };
  }

  /** True when the PACS answers a minimal QIDO search; never throws. */
  async ping(): Promise<boolean> {
    try {
      await this.#get('/studies', 'limit=1&includefield=0020000D');
      return true;
    } catch {
      return false;
    }
  }

  /** Characters left for a UID list once the rest of the URL (with room for paging) is counted. */
  #uidBudget(resource: string, queryWithOneUid: string): number {
    const overhead = `${this.#root}${resource}?${queryWithOneUid}&limit=${this.#maxResults}&offset=${this.#maxResults}`.length - 1;
    return Math.max(64, this.#maxUrlLength - overhead);
  }

  async #searchAll<T>(
    resource: string,
    query: (limit: number, offset: number) => string,
    map: (rows: DicomJsonDataset[]) => Mapped<T>,
    key: (row: T) => string,
  ): Promise<T[]> {
    const seen = new Map<string, T>();
    let offset = 0;
    let more = false;
    while (seen.size < this.#maxResults) {
      const limit = Math.min(this.#pageSize, this.#maxResults - seen.size);
      const { rows, warning } = await this.#get(resource, query(limit, offset));
      const mapped = this.#map(rows, map);
      if (mapped.skipped > 0) this.#log.warn({ resource, skipped: mapped.skipped }, 'PACS rows without their UIDs skipped');
      const before = seen.size;
      for (const row of mapped.rows) if (!seen.has(key(row))) seen.set(key(row), row);
      offset += rows.length;
      // A full page may be followed by more; so may a page the server cut short with a 299.
      more = rows.length >= limit || warnsOfMoreResults(warning);
      if (!more || rows.length === 0 || seen.size === before) break;
    }
    if (more && seen.size >= this.#maxResults) {
      this.#log.warn({ resource, maxResults: this.#maxResults }, 'PACS search truncated at maxResults');
    }
    return [...seen.values()].slice(0, this.#maxResults);
  }

  #map<T>(rows: DicomJsonDataset[], map: (rows: DicomJsonDataset[]) => Mapped<T>): Mapped<T> {
    try {
      return map(rows);
    } catch (err) {
      if (err instanceof DicomJsonError) throw new PacsUnavailableError('not-dicom-json', `PACS at ${this.#root} answered ${err.message}`, { cause: err });
      throw err;
    }
  }

  async #get(resource: string, query: string): Promise<{ rows: DicomJsonDataset[]; warning: string | null }> {
    const url = `${this.#root}${resource}?${query}`;
    this.#requestCount++;
    this.#onRequest?.({ method: 'GET', url });
    this.#log.debug({ url }, 'QIDO-RS request');
    const headers: Record<string, string> = { accept: 'application/dicom+json, application/json;q=0.9' };
    if (this.#authorization) headers['authorization'] = this.#authorization;
    const where = `PACS at ${this.#root}`;
    let body: string;
    let warning: string | null;
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(this.#timeoutMs) });
      warning = res.headers.get('warning');
      if (warning) this.#log.debug({ warning }, 'QIDO-RS warning');
      if (!res.ok) {
        await res.body?.cancel().catch(() => {});
        throw statusError(where, res.status);
      }
      if (res.status === 204) return { rows: [], warning }; // PS3.18 10.6.3.2: no matches
      body = await res.text();
    } catch (err) {
      if (err instanceof PacsUnavailableError) throw err;
      throw transportError(where, err, this.#timeoutMs);
    }
    // Some servers answer an empty 200 for no matches; that is an empty result, not garbage.
    if (body.trim() === '') return { rows: [], warning };
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (err) {
      throw new PacsUnavailableError('not-json', `${where} answered something that is not JSON`, { cause: err });
    }
    try {
      return { rows: readDicomJsonArray(parsed), warning };
    } catch (err) {
      throw new PacsUnavailableError('not-dicom-json', `${where} answered ${(err as Error).message}`, { cause: err });
    }
  }
}

function statusError(where: string, status: number): PacsUnavailableError {
  if (status === 400) return new PacsUnavailableError('bad-request', `${where} refused a query value (HTTP 400)`, { status });
  if (status === 401 || status === 403) return new PacsUnavailableError('unauthorized', `${where} refused the credentials (HTTP ${status})`, { status });
  return new PacsUnavailableError('http-status', `${where} answered HTTP ${status}`, { status });
}

function transportError(where: string, err: unknown, timeoutMs: number): PacsUnavailableError {
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new PacsUnavailableError('timeout', `${where} did not answer within ${timeoutMs} ms`, { cause: err });
  }
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const detail = typeof cause?.code === 'string' ? cause.code
    : typeof cause?.message === 'string' ? cause.message
    : err instanceof Error ? err.message : String(err);
  return new PacsUnavailableError('unreachable', `${where} unreachable (${stripCredentials(detail)})`, { cause: err });
}

/**
 * Keeps rows whose accession number and patient id are exactly the ones asked for, when the
 * query had to use wildcards to reach them (see qido-query.ts).
 */
function exactFilter(query: StudySearch): (s: PacsStudy) => boolean {
  const accession = query.accessionNumber !== undefined && !encodeMatchValue(query.accessionNumber).exact ? query.accessionNumber : undefined;
  const patientId = query.patientId !== undefined && !encodeMatchValue(query.patientId).exact ? query.patientId : undefined;
  return (s) => (accession === undefined || s.accessionNumber === accession) && (patientId === undefined || s.patientId === patientId);
}
