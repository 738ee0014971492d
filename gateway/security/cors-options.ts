import type { CORSOptions } from 'graphql-yoga';

/**
 * CORS for the gateway (Fetch standard §3.2, "CORS protocol"): only the configured origins get
 * CORS headers, each answered with exactly its own origin; nothing else is reflected, and
 * credentials are never allowed (tokens travel in `Authorization`, which needs no credentials
 * mode, so a page on another origin can never ride on a browser's cookies or HTTP auth).
 * Yoga's default reflects ANY origin with `Access-Control-Allow-Credentials: true`.
 */
export function corsOptions(origins: readonly string[]): (request: Request) => CORSOptions {
  const allowed = new Set(origins);
  return (request) => {
    const origin = request.headers.get('origin');
    if (origin === null || !allowed.has(origin)) return false;
    return {
      origin: [origin],
      credentials: false,
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'accept'],
      maxAge: 600,
    };
  };
}

/**
 * True when a request comes from a page of another site or origin (Fetch Metadata
 * `Sec-Fetch-Site`, else an `Origin` that is not the gateway's own). Pages with a development
 * token in them (the demo's IDE) are never served to such requests.
 */
export function fromOtherOrigin(request: Request): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = request.headers.get('origin');
  if (origin === null) return false;
  try {
    return new URL(origin).host !== new URL(request.url).host;
  } catch {
    return true;
  }
}
