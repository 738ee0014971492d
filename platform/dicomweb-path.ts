/**
 * The DICOMweb resources the network passes through (gateway `/dicom-web/{trust}/…` and the
 * trust's `/dicom-web/…`), recognised from the path relative to the service root (PS3.18 8.2).
 * Anything else is refused before any PACS is asked, so the pass-through is not an open proxy to
 * the PACS's other APIs (Orthanc's REST API lives on the same port).
 *
 * - QIDO-RS (PS3.18 10.6): `studies`, `series`, `instances`, `studies/{s}/series`,
 *   `studies/{s}/instances`, `studies/{s}/series/{se}/instances`.
 * - WADO-RS (PS3.18 10.4): `studies/{s}[/series/{se}[/instances/{i}]]`, each with `/metadata`;
 *   `…/instances/{i}/frames/{list}`; bulk data URIs (`…/bulk/…`, as Orthanc emits them).
 * - Rendered and thumbnail resources (PS3.18 10.4.1.1.3 and 10.4.1.1.4): `/rendered` and
 *   `/thumbnail` on a study, series, instance or frame list.
 */

/** What a request asks for; `studyInstanceUid` is set for everything scoped to one study. */
export interface DicomwebResource {
  transaction: 'QIDO-RS' | 'WADO-RS';
  /** Human-readable, for the audit: `instance`, `series metadata`, `frames 1,2 rendered`, `studies search`… */
  what: string;
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  sopInstanceUid?: string;
  /** The path as parsed, without a leading or trailing slash. */
  path: string;
}

/** PS3.5 §9.1: digits and dots, no leading zeros in a component, at most 64 characters. */
const UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;
/** PS3.18 10.4.1.1.2: a comma-separated list of 1-based frame numbers. */
const FRAME_LIST = /^[1-9][0-9]{0,8}(,[1-9][0-9]{0,8}){0,99}$/;
/** Orthanc's bulk data URIs: `bulk/7fe00010` or nested sequence paths `bulk/00540016/0/00181072`. */
const BULK_PATH = /^[0-9A-Fa-f]{8}(\/[0-9]{1,6}\/[0-9A-Fa-f]{8})*$/;

function isUid(value: string | undefined): value is string {
  return value !== undefined && value.length <= 64 && UID.test(value);
}

/**
 * Parses `path` (relative to the DICOMweb root, no query). Returns undefined for anything that is
 * not one of the resources above (unknown segment, a malformed UID or frame list, `..`).
 */
export function parseDicomwebPath(path: string): DicomwebResource | undefined {
  const clean = path.replace(/^\/+/, '').replace(/\/+$/, '');
  if (clean.length === 0 || clean.length > 1024) return undefined;
  const parts = clean.split('/');
  const [resource = ''] = parts;
  if (parts.length === 1 && ['studies', 'series', 'instances'].includes(resource)) {
    return { transaction: 'QIDO-RS', what: `${resource} search`, path: clean };
  }
  if (parts[0] !== 'studies' || !isUid(parts[1])) return undefined;
  const ids: Pick<DicomwebResource, 'studyInstanceUid' | 'seriesInstanceUid' | 'sopInstanceUid'> = { studyInstanceUid: parts[1] };
  let level = 'study';
  let i = 2;
  if (parts[i] === 'series' && parts.length === i + 1) return { transaction: 'QIDO-RS', what: 'series search', ...ids, path: clean };
  if (parts[i] === 'instances' && parts.length === i + 1) return { transaction: 'QIDO-RS', what: 'instances search', ...ids, path: clean };
  if (parts[i] === 'series') {
    const series = parts[i + 1];
    if (!isUid(series)) return undefined;
    ids.seriesInstanceUid = series;
    level = 'series';
    i += 2;
    if (parts[i] === 'instances' && parts.length === i + 1) return { transaction: 'QIDO-RS', what: 'instances search', ...ids, path: clean };
    if (parts[i] === 'instances') {
      const instance = parts[i + 1];
      if (!isUid(instance)) return undefined;
      ids.sopInstanceUid = instance;
      level = 'instance';
      i += 2;
    }
  }
  const rest = parts.slice(i);
  const wado = (what: string): DicomwebResource => ({ transaction: 'WADO-RS', what, ...ids, path: clean });
  if (rest.length === 0) return wado(level);
  if (rest.length === 1 && (rest[0] === 'metadata' || rest[0] === 'rendered' || rest[0] === 'thumbnail')) return wado(`${level} ${rest[0]}`);
  if (level !== 'instance') return undefined;
  if (rest[0] === 'frames' && rest[1] !== undefined && FRAME_LIST.test(rest[1])) {
    if (rest.length === 2) return wado(`frames ${rest[1]}`);
    if (rest.length === 3 && (rest[2] === 'rendered' || rest[2] === 'thumbnail')) return wado(`frames ${rest[1]} ${rest[2]}`);
    return undefined;
  }
  if (rest[0] === 'bulk' && BULK_PATH.test(rest.slice(1).join('/'))) return wado(`bulk data ${rest.slice(1).join('/')}`);
  return undefined;
}

/**
 * The text a gateway→trust DICOMweb call is signed over (platform/request-signature.ts signs it in
 * place of a body, which a GET does not have): the method, the path and query as sent, and the
 * root the trust is to write into URLs it passes back. A changed path, query or root breaks the
 * signature. The `DICOMWEB` line keeps these texts apart from GraphQL bodies (JSON objects).
 */
export function dicomwebSigningText(method: string, pathAndQuery: string, publicRoot: string): string {
  return `DICOMWEB\n${method.toUpperCase()}\n${pathAndQuery}\n${publicRoot}`;
}

/** Header carrying the root the trust writes into the URLs of its answers (signed). */
export const DICOMWEB_ROOT_HEADER = 'x-imaging-network-dicomweb-root';

/** Request headers a DICOMweb pass-through forwards (content negotiation and ranges, PS3.18 8.7). */
export const FORWARDED_REQUEST_HEADERS = ['accept', 'range', 'if-none-match', 'if-modified-since', 'if-range'] as const;

/** Response headers a DICOMweb pass-through passes back (content, ranges, caching, QIDO warnings). */
export const FORWARDED_RESPONSE_HEADERS = [
  'content-type',
  'content-length',
  'content-range',
  'accept-ranges',
  'etag',
  'last-modified',
  'warning',
  'content-location',
] as const;

/** Roles that may retrieve images: clinicians and radiologists (analysts never see images). */
export const IMAGE_ROLES: readonly string[] = ['clinician', 'radiologist'];

export function mayRetrieveImages(roles: readonly string[]): boolean {
  return roles.some((r) => IMAGE_ROLES.includes(r));
}
