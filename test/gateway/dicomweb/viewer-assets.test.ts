import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveViewer } from '../../../gateway/dicomweb/viewer-assets.ts';

// The viewer files over real HTTP (node:http on port 0), as the gateway serves them; the first
// request for a script builds the esbuild bundle from node_modules.
describe('serveViewer', () => {
  let server: Server;
  let origin: string;
  const errors: unknown[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (!serveViewer((req.url ?? '/').split('?')[0]!, res, (err) => errors.push(err))) {
        res.writeHead(418);
        res.end('not a viewer file');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('serves the page with a CSP that keeps every request on the origin and allows no inline script or eval', async () => {
    const res = await fetch(`${origin}/viewer?trust=RH8&study=1.2.3&token=t`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|'unsafe-eval'|https?:|\*/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toContain('<script type="module" src="/viewer/viewer.js">');
  });

  it('bundles the page script and the decode worker from npm: the worker next to the page, no Node require left', async () => {
    const page = await fetch(`${origin}/viewer/viewer.js`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/javascript/);
    const js = await page.text();
    // The image loader starts its worker from this URL (dicom-image-loader init.js); esbuild must leave it so.
    expect(js).toContain('new URL("./decodeImageFrameWorker.js",import.meta.url)');
    // A Node built-in left as require() throws when the page loads ("Dynamic require of … is not supported").
    expect(js).not.toContain('Dynamic require of');
    const worker = await fetch(`${origin}/viewer/decodeImageFrameWorker.js`);
    expect(worker.status).toBe(200);
    expect(worker.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await worker.text()).not.toContain('Dynamic require of');
    expect(errors).toEqual([]);
  }, 60_000);

  it('serves each WASM codec at the address the loader asks for, byte-identical to the package file', async () => {
    const codecs = {
      '@cornerstonejs/codec-charls/decodewasm': 'codec-charls/dist/charlswasm_decode.wasm',
      '@cornerstonejs/codec-openjpeg/decodewasm': 'codec-openjpeg/dist/openjpegwasm_decode.wasm',
      '@cornerstonejs/codec-libjxl/decodewasm': 'codec-libjxl/dist/jpegxlwasm_decode.wasm',
      '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm': 'codec-libjpeg-turbo-8bit/dist/libjpegturbowasm_decode.wasm',
      '@cornerstonejs/codec-openjph/wasm': 'codec-openjph/dist/openjphjs.wasm',
    };
    for (const [path, file] of Object.entries(codecs)) {
      const res = await fetch(`${origin}/viewer/${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/wasm');
      const body = Buffer.from(await res.arrayBuffer());
      expect(body.subarray(0, 4)).toEqual(Buffer.from([0x00, 0x61, 0x73, 0x6d])); // "\0asm"
      expect(body.equals(readFileSync(new URL(`../../../node_modules/@cornerstonejs/${file}`, import.meta.url)))).toBe(true);
    }
  }, 60_000);

  it('answers 404 for an unknown bundle file and leaves other paths to the caller', async () => {
    expect((await fetch(`${origin}/viewer/@cornerstonejs/codec-none/wasm`)).status).toBe(404);
    expect((await fetch(`${origin}/viewer/secret.txt`)).status).toBe(418);
  });
});
