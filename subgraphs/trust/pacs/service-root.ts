/**
 * A DICOMweb service root (PS3.18 8.2: the base URL every resource path is appended to), as
 * configured: it may carry `user:pass@` (fetch refuses such URLs and logs must never show
 * them), a trailing slash, a query or a fragment. This splits it into a clean root and the
 * credentials.
 */
export interface ServiceRoot {
  /** `scheme://host[:port]/path` without credentials, query, fragment or trailing slash. */
  root: string;
  /** Credentials that were embedded in the URL, percent-decoded. */
  credentials?: { username: string; password: string };
}

/** @throws TypeError when `url` is not an absolute http(s) URL (a configuration error). */
export function parseServiceRoot(url: string): ServiceRoot {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError('DICOMweb root is not an absolute URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`DICOMweb root must be http or https, not ${parsed.protocol}`);
  }
  const credentials = parsed.username || parsed.password
    ? { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) }
    : undefined;
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  const root = parsed.toString().replace(/\/+$/, '');
  return credentials ? { root, credentials } : { root };
}

/** Removes `user:pass@` from every URL in a text (error causes can quote the URL). */
export function stripCredentials(text: string): string {
  return text.replace(/(\/\/)[^/@\s]*@/g, '$1');
}
