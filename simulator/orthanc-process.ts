/**
 * Running a real Orthanc (1.10, DICOMweb plugin) process: the one place that knows its binary,
 * its config, how to tell it is ready, and how to make sure it never outlives this process. Used
 * by the demo's PACS (orthanc-pacs.ts) and by the integration tests' Orthanc (test/helpers).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ORTHANC_CANDIDATES = ['/usr/sbin/Orthanc', '/usr/bin/Orthanc', '/usr/local/bin/Orthanc'];
export const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';
/** util-linux; lets the kernel kill Orthanc when this process dies, even by SIGKILL. */
const SETPRIV = '/usr/bin/setpriv';

export function orthancBinary(): string | undefined {
  return ORTHANC_CANDIDATES.find((p) => existsSync(p));
}

/** Whether Orthanc and its DICOMweb plugin are installed (Debian: orthanc, orthanc-dicomweb). */
export function orthancInstalled(): boolean {
  return orthancBinary() !== undefined && existsSync(DICOMWEB_PLUGIN);
}

/** A port that was free on 127.0.0.1 a moment ago (Orthanc cannot be told to pick one). */
export function freeLoopbackPort(): Promise<number> {
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

// Orthanc must never outlive this process: killed on stop, on exit, and (with setpriv's
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

export interface OrthancProcessOptions {
  /** Storage and index (created if missing) and the config file. */
  storageDir: string;
  /** Orthanc's `Name` (shown at `/system`). */
  name: string;
  /** Config keys added to (or overriding) the base config, e.g. `RegisteredUsers`. */
  config?: Record<string, unknown>;
  /** Headers for the readiness probe (basic auth when the config turns it on). */
  headers?: Record<string, string>;
}

export interface OrthancProcess {
  child: ChildProcess;
  port: number;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Kills Orthanc (SIGKILL) and waits for it to exit; its storage stays. */
  stop(): Promise<void>;
}

/**
 * SIGKILL, not SIGTERM: a graceful stop takes about 3 s (measured, Orthanc 1.10), and nothing is
 * lost: Orthanc commits each stored instance to its SQLite index before answering (a restart
 * after SIGKILL found every series).
 */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await waitForExit(child, 5000);
}

async function spawnOnce(opts: OrthancProcessOptions): Promise<OrthancProcess> {
  const binary = orthancBinary();
  if (!binary || !existsSync(DICOMWEB_PLUGIN)) {
    throw new Error(`Orthanc is not installed (need ${ORTHANC_CANDIDATES.join(' or ')} and ${DICOMWEB_PLUGIN}; apt-get install orthanc orthanc-dicomweb)`);
  }
  const port = await freeLoopbackPort();
  const db = join(opts.storageDir, 'db');
  mkdirSync(db, { recursive: true });
  const config = {
    Name: opts.name,
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
    ...opts.config,
  };
  const configPath = join(opts.storageDir, 'orthanc.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const [command, args] = existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'SIGKILL', '--', binary, configPath]] : [binary, [configPath]];
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
  const url = `http://127.0.0.1:${port}`;
  const proc: OrthancProcess = { child, port, url, stop: () => stopProcess(child) };

  // Ready when /system answers (about 0.1 s); give up after 15 s or when the process dies.
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (spawnError) throw new Error(`Orthanc could not be started: ${(spawnError as Error).message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`Orthanc exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${stderr}`);
    }
    try {
      const res = await fetch(`${url}/system`, { headers: opts.headers ?? {}, signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.ok) return proc;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await proc.stop();
      throw new Error(`Orthanc did not answer on ${url} within 15 s:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts Orthanc and waits until it answers, retrying twice if another process took the port. */
export async function startOrthancProcess(opts: OrthancProcessOptions): Promise<OrthancProcess> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await spawnOnce(opts);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}
