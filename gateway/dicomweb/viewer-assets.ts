import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { viewerBundle } from './viewer-bundle.ts';

/**
 * The image viewer at `/viewer`: the page and its style sheet from the `viewer/` folder of this
 * package (read once), its scripts (Cornerstone3D, the decode Web Worker) and WASM codecs from
 * the bundle built from npm packages on first use (viewer-bundle.ts). No CDN, works offline. The
 * Content-Security-Policy keeps every request the page makes on the gateway's origin (`'self'`):
 * DICOMweb comes only from `/dicom-web/{trust}/…`, and nothing can leave for another host even by
 * mistake. `'wasm-unsafe-eval'` lets the worker compile the codecs' WebAssembly (compressed
 * transfer syntaxes); it does not allow `eval` of JavaScript.
 */
const STATIC: Record<string, { file: string; type: string }> = {
  '/viewer': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/viewer/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/viewer/viewer.css': { file: 'viewer.css', type: 'text/css; charset=utf-8' },
};

export const VIEWER_CSP =
  "default-src 'self'; img-src 'self' blob: data:; connect-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const cache = new Map<string, Buffer>();

function load(file: string): Buffer {
  let body = cache.get(file);
  if (!body) {
    body = readFileSync(new URL(`../../viewer/${file}`, import.meta.url));
    cache.set(file, body);
  }
  return body;
}

function send(res: ServerResponse, body: Buffer, type: string): void {
  res.writeHead(200, {
    'content-type': type,
    'content-length': body.length,
    'content-security-policy': VIEWER_CSP,
    // The page URL carries a viewer token: never send it on as a Referer, never cache it.
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

/** A path the bundle may hold (its scripts and codecs); anything else under /viewer/ is not ours. */
function isBundlePath(path: string): boolean {
  return path === '/viewer/viewer.js' || path === '/viewer/decodeImageFrameWorker.js' || path.startsWith('/viewer/@cornerstonejs/');
}

/**
 * Serves `path` when it is a viewer file (answering asynchronously for bundled scripts); false
 * otherwise. `onError` hears a failed bundle build (answered 500).
 */
export function serveViewer(path: string, res: ServerResponse, onError: (err: unknown) => void = () => {}): boolean {
  const asset = STATIC[path];
  if (asset) {
    send(res, load(asset.file), asset.type);
    return true;
  }
  if (!isBundlePath(path)) return false;
  viewerBundle().then(
    ({ files }) => {
      const file = files.get(path);
      if (file) send(res, file.body, file.type);
      else {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`no viewer file ${path}\n`);
      }
    },
    (err: unknown) => {
      onError(err);
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('the viewer could not be built (see the gateway log)\n');
    },
  );
  return true;
}
