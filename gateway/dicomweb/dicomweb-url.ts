import { ErrorCode } from '../../schema/error-codes.ts';
import { parseDicomwebPath, type DicomwebResource } from '../../platform/dicomweb-path.ts';
import { TRUST_CODE_PATTERN } from '../../schema/trust-code.ts';

/**
 * The gateway's DICOMweb URLs: `/dicom-web/{trust}[/token/{viewer token}]/{DICOMweb path}[?query]`,
 * the viewer token also accepted as `?token=`. Pure parsing; the route does the rest.
 */
export const GATEWAY_DICOMWEB_PREFIX = '/dicom-web';

export interface Target {
  trust: string;
  /** Path under the trust's DICOMweb root, e.g. `studies/1.2/series`. */
  resource: DicomwebResource;
  /** Query string without `token`, with its `?` (or empty). */
  query: string;
  /** The viewer token, from the path prefix or `?token=`. */
  token?: string;
  /** The token came in the path: URLs in the answer keep it. */
  tokenInPath: boolean;
}

/** A request refused before the trust is asked: status, client-safe message, error code. */
export class Refusal extends Error {
  constructor(readonly status: number, message: string, readonly code: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

/** `/dicom-web/RXA/token/T/studies/…?a=b&token=T` → its parts; throws Refusal (404) otherwise. */
export function parseGatewayDicomwebUrl(url: string): Target {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const rawQuery = q === -1 ? '' : url.slice(q + 1);
  const parts = path.slice(GATEWAY_DICOMWEB_PREFIX.length + 1).split('/');
  const trust = parts.shift() ?? '';
  if (!TRUST_CODE_PATTERN.test(trust)) throw new Refusal(404, 'unknown trust: use /dicom-web/{trust ODS code}/…', ErrorCode.BAD_USER_INPUT);
  let token: string | undefined;
  let tokenInPath = false;
  if (parts[0] === 'token') {
    token = parts[1];
    tokenInPath = true;
    parts.splice(0, 2);
  }
  // Only `token` is ours; the rest of the query goes to the PACS as written (Orthanc does not
  // percent-decode QIDO values: re-encoding would change what it matches).
  const kept: string[] = [];
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    if (pair.startsWith('token=')) {
      if (token === undefined) token = decodeURIComponent(pair.slice(6));
      continue;
    }
    kept.push(pair);
  }
  const resource = parseDicomwebPath(parts.join('/'));
  if (!resource) throw new Refusal(404, 'not a DICOMweb resource (PS3.18 QIDO-RS / WADO-RS)', ErrorCode.BAD_USER_INPUT);
  return { trust, resource, query: kept.length ? `?${kept.join('&')}` : '', ...(token !== undefined ? { token } : {}), tokenInPath };
}

