/**
 * A real Orthanc (1.10, DICOMweb plugin) as a simulated trust's PACS: loopback only, a free HTTP
 * port, storage kept in `storageDir` between runs, seeded from the simulated world with header-only
 * Part 10 files (dicom-part10-writer.ts) over the REST API (`POST /instances`).
 *
 * ONE instance per series: the world's series hold up to a few hundred instances each, and a
 * demo must be ready in 30 s on two cores, so only instance 1 of each series is stored. Through
 * this PACS, NumberOfSeriesRelatedInstances (0020,1209) is 1 and NumberOfStudyRelatedInstances
 * (0020,1208) is the series count; the demo banner says so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { simInstanceFile } from './dicom-part10-writer.ts';
import type { SimStudy } from './sim-study.ts';

const ORTHANC_CANDIDATES = ['/usr/sbin/Orthanc', '/usr/bin/Orthanc', '/usr/local/bin/Orthanc'];
const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';
/** util-linux; lets the kernel kill Orthanc when this process dies, even by SIGKILL. */
const SETPRIV = '/usr/bin/setpriv';

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
  /** Stores instance 1 of every series not stored yet (e.g. studies the live feed performed). */
  addStudies(studies: readonly SimStudy[]): Promise<void>;
  /** Stops Orthanc; its storage stays. */
  close(): Promise<void>;
}

function orthancBinary(): string | undefined {
  return ORTHANC_CANDIDATES.find((p) => existsSync(p));
}

/** Whether Orthanc and its DICOMweb plugin are installed (Debian: orthanc, orthanc-dicomweb). */
export function orthancInstalled(): boolean {
  return orthancBinary() !== undefined && existsSync(DICOMWEB_PLUGIN);
}

/** A port that was free on 127.0.0.1 a moment ago (Orthanc cannot be told to pick one). */
async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

// Orthanc must never outlive this process: killed on close, on exit, and (with setpriv's
// parent-death signal) by the kernel if this process is killed outright.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function killOnExit(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => resolveExit(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveExit(true);
    });
  });
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

interface RunningProcess {
  child: ChildProcess;
  port: number;
  stderr(): string;
  spawnError(): Error | undefined;
}

async function spawnOrthanc(storageDir: string, name: string): Promise<RunningProcess> {
  const binary = orthancBinary();
  if (!binary || !existsSync(DICOMWEB_PLUGIN)) {
    throw new Error(`Orthanc is not installed (need ${ORTHANC_CANDIDATES.join(' or ')} and ${DICOMWEB_PLUGIN}; apt-get install orthanc orthanc-dicomweb)`);
  }
  const port = await freeLoopbackPort();
  const db = join(storageDir, 'db');
  mkdirSync(db, { recursive: true });
  const config = {
    Name: name,
    HttpPort: port,
    // Orthanc 1.10 has no bind-address option: it listens on every interface and refuses any
    // client that is not localhost.
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    DicomServerEnabled: false,
    StorageDirectory: db,
    IndexDirectory: db,
    Plugins: [DICOMWEB_PLUGIN],
    // Host makes the plugin's RetrieveURL (0008,1190) and BulkDataURIs point at this port.
    DicomWeb: { Enable: true, Root: '/dicom-web/', Host: `127.0.0.1:${port}` },
    KeepAlive: true,
    TcpNoDelay: true,
    HttpThreadsCount: 8,
    ConcurrentJobs: 1,
    SaveJobs: false,
    // A demo's storage: no fsync per file. A crash can lose the last files; the next start finds
    // their series missing and stores them again.
    SyncStorageArea: false,
  };
  const configPath = join(storageDir, 'orthanc.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const [command, args] = existsSync(SETPRIV)
    ? [SETPRIV, ['--pdeathsig', 'SIGKILL', '--', binary, configPath]]
    : [binary, [configPath]];
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  killOnExit(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  // A spawn failure (ENOENT, EACCES) is an 'error' event, which would otherwise crash the process.
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });
  return { child, port, stderr: () => stderr, spawnError: () => spawnError };
}

/** Waits until `/system` answers; throws when Orthanc exits first or after 15 s. */
async function waitReady(proc: RunningProcess, agent: http.Agent): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const spawnError = proc.spawnError();
    if (spawnError) throw new Error(`Orthanc could not be started: ${spawnError.message}`);
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(`Orthanc exited (${proc.child.exitCode ?? proc.child.signalCode}) before it was ready:\n${proc.stderr()}`);
    }
    try {
      await request(agent, proc.port, 'GET', '/system');
      return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`Orthanc did not answer on 127.0.0.1:${proc.port} within 15 s:\n${proc.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * SIGKILL, not SIGTERM: a graceful stop takes about 3 s (measured, Orthanc 1.10), three PACS
 * stopping one after another would hold up Ctrl-C, and nothing is lost: Orthanc commits each
 * stored instance to its SQLite index before answering (a restart after SIGKILL found every
 * series), and seeding re-stores whatever series a restart does not find.
 */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await waitForExit(child, 5000);
}

/** Starts Orthanc, retrying twice if another process took the port before Orthanc bound it. */
async function startProcess(storageDir: string, name: string, agent: http.Agent): Promise<RunningProcess> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const proc = await spawnOrthanc(storageDir, name);
    try {
      await waitReady(proc, agent);
      return proc;
    } catch (err) {
      lastError = err;
      await stopProcess(proc.child);
    }
  }
  throw lastError;
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
 * instance 1 of every series of `studies` that it does not hold yet. Resolves when seeding is
 * done.
 */
export async function startOrthancPacs(opts: OrthancPacsOptions): Promise<OrthancPacs> {
  const storageDir = resolve(opts.storageDir);
  mkdirSync(storageDir, { recursive: true });
  const concurrency = opts.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a positive integer; got ${concurrency}`);
  // Keep-alive: one TCP connection per upload lane for the whole seeding.
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const proc = await startProcess(storageDir, opts.name ?? 'imaging-network-pacs', agent).catch((err: unknown) => {
    agent.destroy();
    throw err;
  });
  const { child, port } = proc;
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
      const body = await request(agent, port, 'POST', '/instances', simInstanceFile(study, series, 1));
      // Orthanc answers 200 with Status Success or AlreadyStored (OverwriteInstances false).
      const status = (JSON.parse(body) as { Status?: string }).Status;
      if (status !== 'Success' && status !== 'AlreadyStored') throw new Error(`Orthanc did not store ${study.accessionNumber} series ${series.seriesNumber}: ${body.slice(0, 300)}`);
      known.add(series.seriesInstanceUid);
      onProgress?.(++done, total);
    });
    return total;
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    agent.destroy();
    await stopProcess(child);
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
