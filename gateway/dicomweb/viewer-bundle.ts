import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

/**
 * The viewer's scripts, bundled from npm packages at run time (no build step, no CDN): the page
 * (`viewer/src/viewer-app.js` with `@cornerstonejs/core` and `@cornerstonejs/dicom-image-loader`)
 * and the image loader's decode Web Worker, both by esbuild's JS API once, on first use, then
 * served from memory. The WASM codecs the worker may ask for (compressed transfer syntaxes) are
 * the packages' own files, served from this origin too.
 */
export interface ViewerBundle {
  /** `/viewer/…` path → body and content type. */
  files: Map<string, { body: Buffer; type: string }>;
}

const JS = 'text/javascript; charset=utf-8';

/**
 * The image loader starts its worker with `new URL('./decodeImageFrameWorker.js', import.meta.url)`
 * (esbuild keeps that expression as is): next to the page script, i.e. `/viewer/decodeImageFrameWorker.js`.
 * Each codec's default WASM address is `new URL('@cornerstonejs/codec-…/…', import.meta.url)`
 * relative to the worker script, i.e. `/viewer/@cornerstonejs/codec-…/…`.
 */
const WASM = [
  '@cornerstonejs/codec-charls/decodewasm',
  '@cornerstonejs/codec-openjpeg/decodewasm',
  '@cornerstonejs/codec-libjxl/decodewasm',
  '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm',
  '@cornerstonejs/codec-openjph/wasm',
];

/**
 * Node built-ins some dependencies `require` (the codecs' Emscripten glue behind an
 * is-this-Node check; whatwg-url's `url` at load): an empty module in the browser, as a browser
 * bundler's `browser` field would give.
 */
const nodeBuiltinsEmpty: Plugin = {
  name: 'node-builtins-empty',
  setup(b) {
    b.onResolve({ filter: /^(node:)?(fs|path|crypto|module|url|worker_threads|ws|perf_hooks|util|os)$/ }, (args) => ({ path: args.path, namespace: 'node-builtin-empty' }));
    b.onLoad({ filter: /.*/, namespace: 'node-builtin-empty' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

function packageDir(name: string): string {
  // `import.meta.resolve` gives the package's ESM entry (dist/esm/index.js); the worker sits beside it.
  return dirname(fileURLToPath(import.meta.resolve(name)));
}

async function bundle(): Promise<ViewerBundle> {
  const loaderEsm = packageDir('@cornerstonejs/dicom-image-loader');
  const result = await build({
    entryPoints: {
      viewer: fileURLToPath(new URL('../../viewer/src/viewer-app.js', import.meta.url)),
      decodeImageFrameWorker: join(loaderEsm, 'decodeImageFrameWorker.js'),
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    outdir: '/viewer',
    plugins: [nodeBuiltinsEmpty],
    logLevel: 'silent',
    legalComments: 'none',
  });
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const out of result.outputFiles) files.set(out.path, { body: Buffer.from(out.contents), type: JS });
  // The codec packages' `exports` map each specifier to its .wasm file.
  for (const spec of WASM) files.set(`/viewer/${spec}`, { body: readFileSync(fileURLToPath(import.meta.resolve(spec))), type: 'application/wasm' });
  return { files };
}

let pending: Promise<ViewerBundle> | undefined;

/** The bundle, built once per process (concurrent first requests share one build). */
export function viewerBundle(): Promise<ViewerBundle> {
  pending ??= bundle().catch((err: unknown) => {
    pending = undefined; // a later request may retry (e.g. after a missing package is installed)
    throw err;
  });
  return pending;
}
