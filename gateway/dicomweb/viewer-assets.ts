import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';

/**
 * The image viewer at `/viewer`: static files from the `viewer/` folder of this package (read once
 * at start; no CDN, works offline). The Content-Security-Policy keeps every request the page
 * makes on the gateway's origin (`'self'`): images and DICOMweb come only from
 * `/dicom-web/{trust}/…`, and nothing can leave for another host even by mistake.
 */
const FILES: Record<string, { file: string; type: string }> = {
  '/viewer': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/viewer/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/viewer/viewer.js': { file: 'viewer.js', type: 'text/javascript; charset=utf-8' },
  '/viewer/viewer.css': { file: 'viewer.css', type: 'text/css; charset=utf-8' },
};

export const VIEWER_CSP = "default-src 'self'; img-src 'self' blob: data:; connect-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const cache = new Map<string, Buffer>();

function load(file: string): Buffer {
  let body = cache.get(file);
  if (!body) {
    body = readFileSync(new URL(`../../viewer/${file}`, import.meta.url));
    cache.set(file, body);
  }
  return body;
}

/** Serves `path` when it is a viewer file; false otherwise. */
export function serveViewer(path: string, res: ServerResponse): boolean {
  const asset = FILES[path];
  if (!asset) return false;
  const body = load(asset.file);
  res.writeHead(200, {
    'content-type': asset.type,
    'content-length': body.length,
    'content-security-policy': VIEWER_CSP,
    // The page URL carries a viewer token: never send it on as a Referer, never cache it.
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
  return true;
}
