import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ATTRIBUTES, availableAt, toJsonObject, type AttributeDef, type DicomJsonObject, type DicomRow, type QueryLevel } from './dicom-attributes.ts';
import { page, parseQidoQuery, QidoQueryError } from './qido-matching.ts';
import type { SimStudy } from './sim-study.ts';

export interface DicomwebSimulatorOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Read on every request, so a live feed's new studies show up at once. */
  studies: () => readonly SimStudy[];
  /**
   * Optional fast path for big archives (tests and benches at 10^5–10^6 studies): the studies
   * whose StudyDate lies in [from, to] (YYYYMMDD, either end open). Used to narrow a study search
   * that has a StudyDate match before the matchers run; must agree with `studies()`.
   */
  studiesInDateRange?: (from: string | undefined, to: string | undefined) => readonly SimStudy[];
  /**
   * Caps every QIDO-RS answer at this many rows, as many PACS do (dcm4chee, some vendor
   * archives): the rest is dropped and a `Warning: 299` says how many more matched (PS3.18
   * 8.3.4.4). @default no cap
   */
  maxResults?: number;
}

export interface DicomwebSimulator {
  /** The DICOMweb service root, e.g. `http://127.0.0.1:8042/dicom-web`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const SERVER = 'imaging-network-pacs-simulator';
const ROOT = '/dicom-web';
const JSON_TYPE = 'application/dicom+json';

/** OHIF and other browser viewers call DICOMweb cross-origin (DOMAIN.md, OHIF). */
const CORS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
  'Access-Control-Allow-Headers': 'Accept, Authorization, Content-Type',
  'Access-Control-Expose-Headers': 'Content-Type, Warning',
  'Access-Control-Max-Age': '600',
};

interface SearchOptions {
  studiesInDateRange?: DicomwebSimulatorOptions['studiesInDateRange'];
  maxResults?: number;
  /** Told how many matches the cap left out (for the 299 warning). */
  onCapped?: (more: number) => void;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function rowsAt(studies: readonly SimStudy[], level: QueryLevel, studyUid?: string, seriesUid?: string): DicomRow[] {
  const out: DicomRow[] = [];
  for (const study of studies) {
    if (studyUid !== undefined && study.studyInstanceUid !== studyUid) continue;
    if (level === 'study') {
      out.push({ study });
      continue;
    }
    for (const series of study.series) {
      if (seriesUid !== undefined && series.seriesInstanceUid !== seriesUid) continue;
      if (level === 'series') out.push({ study, series });
      else for (let i = 1; i <= series.instanceCount; i++) out.push({ study, series, instance: i });
    }
  }
  return out;
}

function retrieveUrl(base: string, row: DicomRow, level: QueryLevel): string {
  let url = `${base}/studies/${row.study.studyInstanceUid}`;
  if (level !== 'study' && row.series) url += `/series/${row.series.seriesInstanceUid}`;
  if (level === 'instance' && row.series && row.instance) url += `/instances/${row.series.seriesInstanceUid}.${row.instance}`;
  return url;
}

/**
 * QIDO-RS search (PS3.18 10.6): the level's default attributes (tables 10.6.3-3/-4/-5: a series
 * or instance search returns its study's key attributes too) plus `includefield`, matched,
 * then offset/limit. Results keep the PACS's internal order (the `studies()` order), like
 * Orthanc. No match is `200 []`, as Orthanc answers (PS3.18 allows 200 or 204).
 */
function search(base: string, studies: readonly SimStudy[], level: QueryLevel, params: URLSearchParams, studyUid?: string, seriesUid?: string, opts: SearchOptions = {}): DicomJsonObject[] {
  const q = parseQidoQuery(params, level);
  if (level === 'study' && opts.studiesInDateRange) {
    const range = params.get('StudyDate') ?? params.get('00080020');
    const m = range ? /^(\d{8})?-?(\d{8})?$/.exec(range) : null;
    if (range && m) studies = range.includes('-') ? opts.studiesInDateRange(m[1], m[2]) : opts.studiesInDateRange(range, range);
  }
  const attrs: AttributeDef[] = ATTRIBUTES.filter((a) => {
    if (!availableAt(a, level)) return false;
    if (q.include === 'all') return true;
    const own = a.level === level && a.default;
    const key = a.keyword === 'StudyInstanceUID' || (level === 'instance' && a.keyword === 'SeriesInstanceUID');
    return own || key || q.include.includes(a);
  });
  const rows = rowsAt(studies, level, studyUid, seriesUid).filter((r) => q.matchers.every((m) => m(r)));
  let paged = page(rows, q);
  if (opts.maxResults !== undefined && paged.length > opts.maxResults) {
    opts.onCapped?.(rows.length - q.offset - opts.maxResults);
    paged = paged.slice(0, opts.maxResults);
  } else if (opts.maxResults !== undefined && q.limit === undefined && rows.length - q.offset > paged.length) {
    opts.onCapped?.(rows.length - q.offset - paged.length);
  }
  return paged.map((r) => toJsonObject(attrs, r, { '00081190': { vr: 'UR', Value: [retrieveUrl(base, r, level)] } }));
}

/** WADO-RS metadata (PS3.18 10.4.1.1.2, F.2): every attribute of each instance. 404 when nothing is there. */
function metadata(studies: readonly SimStudy[], studyUid: string, seriesUid?: string, sopUid?: string): DicomJsonObject[] {
  let rows = rowsAt(studies, 'instance', studyUid, seriesUid);
  if (sopUid !== undefined) rows = rows.filter((r) => `${r.series?.seriesInstanceUid}.${r.instance}` === sopUid);
  if (rows.length === 0) throw new HttpError(404, `no such ${sopUid ? 'instance' : seriesUid ? 'series' : 'study'} in this PACS`);
  return rows.map((r) => toJsonObject(ATTRIBUTES, r));
}

function acceptsJson(req: http.IncomingMessage): boolean {
  const accept = req.headers.accept;
  return !accept || /application\/(dicom\+)?json|\*\/\*|application\/\*/.test(accept);
}

function route(base: string, studies: readonly SimStudy[], path: string, params: URLSearchParams, opts: SearchOptions = {}): DicomJsonObject[] {
  const p = path.slice(ROOT.length).split('/').filter((x) => x !== '').map(decodeURIComponent);
  const [a, s, b, se, c, i, d] = p;
  if (p.length === 1 && a === 'studies') return search(base, studies, 'study', params, undefined, undefined, opts);
  if (p.length === 1 && a === 'series') return search(base, studies, 'series', params, undefined, undefined, opts);
  if (p.length === 1 && a === 'instances') return search(base, studies, 'instance', params, undefined, undefined, opts);
  if (a === 'studies' && s) {
    if (p.length === 3 && b === 'series') return search(base, studies, 'series', params, s);
    if (p.length === 3 && b === 'instances') return search(base, studies, 'instance', params, s);
    if (p.length === 3 && b === 'metadata') return metadata(studies, s);
    if (p.length === 5 && b === 'series' && se && c === 'instances') return search(base, studies, 'instance', params, s, se);
    if (p.length === 5 && b === 'series' && se && c === 'metadata') return metadata(studies, s, se);
    if (p.length === 7 && b === 'series' && se && c === 'instances' && i && d === 'metadata') return metadata(studies, s, se, i);
  }
  throw new HttpError(404, `no DICOMweb resource at ${path} (this simulator serves QIDO-RS and WADO-RS metadata only)`);
}

function homePage(studies: readonly SimStudy[], url: string): string {
  return `<!doctype html><meta charset="utf-8"><title>PACS simulator</title>
<h1>imaging-network PACS simulator</h1>
<p>This is a <strong>simulator</strong>, not a PACS: synthetic patients only, no pixel data.
It serves DICOMweb QIDO-RS and WADO-RS metadata for ${studies.length} simulated studies at
<code>${url}</code>.</p>`;
}

/** The simulated PACS: DICOMweb over node:http, bound to loopback by default. */
export async function startDicomwebSimulator(options: DicomwebSimulatorOptions): Promise<DicomwebSimulator> {
  const host = options.host ?? '127.0.0.1';
  let base = '';
  const server = http.createServer((req, res) => {
    let warning: string | undefined;
    const send = (status: number, type: string | null, body: string): void => {
      res.writeHead(status, { Server: SERVER, ...CORS, ...(type ? { 'Content-Type': type } : {}), ...(warning ? { Warning: warning } : {}), 'Content-Length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    try {
      if (req.method === 'OPTIONS') return send(204, null, '');
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'this simulator is read-only: GET only');
      const url = new URL(req.url ?? '/', 'http://simulator');
      const studies = options.studies();
      if (url.pathname === '/' || url.pathname === '') return send(200, 'text/html; charset=utf-8', homePage(studies, base));
      if (url.pathname !== ROOT && !url.pathname.startsWith(`${ROOT}/`)) throw new HttpError(404, `not found; the DICOMweb root is ${ROOT}`);
      if (!acceptsJson(req)) throw new HttpError(406, `only ${JSON_TYPE} is served`);
      const body = route(base, studies, url.pathname, url.searchParams, {
        ...(options.studiesInDateRange ? { studiesInDateRange: options.studiesInDateRange } : {}),
        ...(options.maxResults !== undefined ? { maxResults: options.maxResults } : {}),
        onCapped: (more) => {
          warning = `299 ${SERVER}: "There are ${more} additional results that match the query."`;
        },
      });
      return send(200, JSON_TYPE, JSON.stringify(body));
    } catch (err) {
      const status = err instanceof HttpError ? err.status : err instanceof QidoQueryError ? 400 : 500;
      const message = err instanceof Error ? err.message : String(err);
      return send(status, 'text/plain; charset=utf-8', `${message}\n`);
    }
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  base = `http://${host}:${port}${ROOT}`;
  return {
    url: base,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
