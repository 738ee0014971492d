/**
 * A real Orthanc (1.10, DICOMweb plugin) as a simulated trust's PACS: loopback only, a free HTTP
 * port, storage kept in `storageDir` between runs, seeded from the simulated world with Part 10
 * files carrying small real images (synthetic-image.ts: 64 × 64 MONOCHROME2 phantoms) over the
 * REST API (`POST /instances`).
 *
 * A FEW instances per series (`instancesPerSeries`, default 1): the world's series hold up to a
 * few hundred instances each, and a demo must be ready in 30 s on two cores, so only instances
 * 1…k of each series are stored. Through this PACS, NumberOfSeriesRelatedInstances (0020,1209) is
 * at most k; the demo banner says so.
 */
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import { resolve } from 'node:path';
import { simImageFile } from './synthetic-image.ts';
import { startOrthancProcess } from './orthanc-process.ts';
import type { SimStudy } from './sim-study.ts';


export { orthancInstalled } from './orthanc-process.ts';

export interface OrthancPacsOptions {
  /** Orthanc's storage and index; created if missing, kept between runs. */
  storageDir: string;
  /** Studies to store at start; series already stored (an earlier run) are skipped. */
  studies: readonly SimStudy[];
  /** Called as seeding goes: instances stored or found stored so far, out of `total`. */
  onProgress?: (done: number, total: number) => void;
  /** Uploads in flight at once. @default 8 */
  concurrency?: number;
  /** Orthanc's `Name` (shown at `/system`). @default 'imaging-network-pacs' */
  name?: string;
  /** Instances 1…k stored per series (fewer when the series has fewer). @default 1 */
  instancesPerSeries?: number;
}

export interface SeedingReport {
  /** Instances sent by this start. */
  uploaded: number;
  /** Series that an earlier run had already stored. */
  alreadyStored: number;
  /** Wall time of the seeding (lookup of stored series plus uploads), in milliseconds. */
  ms: number;
}

export interface OrthancPacs {
  /** The DICOMweb service root, e.g. `http://127.0.0.1:PORT/dicom-web`. */
  dicomweb: string;
  port: number;
  /** What seeding at start did. */
  seeding: SeedingReport;
  /** Stores instances 1…k of every series not stored yet (e.g. studies the live feed performed). */
  addStudies(studies: readonly SimStudy[]): Promise<void>;
  /** Stops Orthanc; its storage stays. */
  close(): Promise<void>;
}

/** One HTTP exchange over the keep-alive agent; rejects on a non-2xx status. */
function request(agent: http.Agent, port: number, method: string, path: string, body?: Buffer): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: body ? { 'content-type': 'application/dicom', 'content-length': body.length } : {},
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolveBody(text);
          else reject(new Error(`Orthanc answered ${method} ${path} with HTTP ${status}: ${text.slice(0, 300)}`));
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`Orthanc did not answer ${method} ${path} in 30 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `task` over `items` with at most `limit` in flight; the first failure rejects. */
async function boundedEach<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Series Instance UIDs Orthanc holds already (`GET /series?expand`, MainDicomTags). */
async function storedSeries(agent: http.Agent, port: number): Promise<Set<string>> {
  const stats = JSON.parse(await request(agent, port, 'GET', '/statistics')) as { CountSeries?: number };
  if (!stats.CountSeries) return new Set();
  const series = JSON.parse(await request(agent, port, 'GET', '/series?expand')) as Array<{ MainDicomTags?: { SeriesInstanceUID?: string } }>;
  return new Set(series.map((s) => s.MainDicomTags?.SeriesInstanceUID).filter((u): u is string => typeof u === 'string'));
}

/**
 * Starts a real Orthanc on a free loopback port with its storage in `storageDir`, and stores
 * instances 1…k of every series of `studies` that it does not hold yet. Resolves when seeding is
 * done.
 */
export async function startOrthancPacs(opts: OrthancPacsOptions): Promise<OrthancPacs> {
  const storageDir = resolve(opts.storageDir);
  mkdirSync(storageDir, { recursive: true });
  const concurrency = opts.concurrency ?? 8;
  const perSeries = opts.instancesPerSeries ?? 1;
  if (!Number.isInteger(perSeries) || perSeries < 1) throw new Error(`instancesPerSeries must be a positive integer; got ${perSeries}`);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a positive integer; got ${concurrency}`);
  // Keep-alive: one TCP connection per upload lane for the whole seeding.
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const proc = await startOrthancProcess({
    storageDir,
    name: opts.name ?? 'imaging-network-pacs',
    // A demo's storage: no fsync per file. A crash can lose the last files; the next start finds
    // their series missing and stores them again.
    config: { SyncStorageArea: false },
  }).catch((err: unknown) => {
    agent.destroy();
    throw err;
  });
  const { port } = proc;
  const known = new Set<string>();
  let closed = false;

  const store = async (studies: readonly SimStudy[], onProgress?: (done: number, total: number) => void): Promise<number> => {
    const work = studies.flatMap((study) => study.series.filter((s) => !known.has(s.seriesInstanceUid)).map((series) => ({ study, series })));
    const total = work.length;
    let done = 0;
    await boundedEach(work, concurrency, async ({ study, series }) => {
      // A concurrent call may have stored it meanwhile.
      if (known.has(series.seriesInstanceUid)) {
        onProgress?.(++done, total);
        return;
      }
      const count = Math.max(1, Math.min(perSeries, series.instanceCount));
      for (let n = 1; n <= count; n++) {
        const body = await request(agent, port, 'POST', '/instances', simImageFile(study, series, n, count));
        // Orthanc answers 200 with Status Success or AlreadyStored (OverwriteInstances false).
        const status = (JSON.parse(body) as { Status?: string }).Status;
        if (status !== 'Success' && status !== 'AlreadyStored') throw new Error(`Orthanc did not store ${study.accessionNumber} series ${series.seriesNumber}: ${body.slice(0, 300)}`);
      }
      known.add(series.seriesInstanceUid);
      onProgress?.(++done, total);
    });
    return total;
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    agent.destroy();
    await proc.stop();
  };

  try {
    const started = Date.now();
    for (const uid of await storedSeries(agent, port)) known.add(uid);
    const wanted = opts.studies.reduce((n, s) => n + s.series.length, 0);
    const alreadyStored = opts.studies.reduce((n, s) => n + s.series.filter((x) => known.has(x.seriesInstanceUid)).length, 0);
    opts.onProgress?.(alreadyStored, wanted);
    const uploaded = await store(opts.studies, opts.onProgress && ((done) => opts.onProgress!(alreadyStored + done, wanted)));
    return {
      dicomweb: `http://127.0.0.1:${port}/dicom-web`,
      port,
      seeding: { uploaded, alreadyStored, ms: Date.now() - started },
      addStudies: async (studies) => {
        if (closed) throw new Error('this Orthanc PACS is closed');
        await store(studies);
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
