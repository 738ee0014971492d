/**
 * A real Orthanc (1.10, DICOMweb plugin) for integration tests: own temp storage, loopback only,
 * a free port, killed on stop and on process exit.
 *
 * Availability: when Orthanc, its DICOMweb plugin or dcmtk's dump2dcm is missing, tests skip with
 * a loud message, except under `CI=true`, where `startOrthanc` throws so the test FAILS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningOrthanc {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `url + '/dicom-web'` */
  dicomweb: string;
  stop(): Promise<void>;
  /** Stores DICOM files through the REST API (`POST /instances`). */
  upload(dicomFiles: Buffer[]): Promise<void>;
}

export interface StartOrthancOptions {
  /** Turns on HTTP basic auth with this one user. */
  auth?: { username: string; password: string };
}

const PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';
const ORTHANC_CANDIDATES = ['/usr/sbin/Orthanc', '/usr/bin/Orthanc', '/usr/local/bin/Orthanc'];
const DUMP2DCM_CANDIDATES = ['/usr/bin/dump2dcm', '/usr/local/bin/dump2dcm'];

function firstExisting(paths: readonly string[]): string | undefined {
  return paths.find((p) => existsSync(p));
}

/** What is missing to run Orthanc tests, or undefined when all is there. */
export function orthancMissing(): string | undefined {
  const missing: string[] = [];
  if (!firstExisting(ORTHANC_CANDIDATES)) missing.push('Orthanc binary');
  if (!existsSync(PLUGIN)) missing.push(`DICOMweb plugin (${PLUGIN})`);
  if (!firstExisting(DUMP2DCM_CANDIDATES)) missing.push('dcmtk dump2dcm');
  return missing.length > 0 ? missing.join(', ') : undefined;
}

export function orthancAvailable(): boolean {
  return orthancMissing() === undefined;
}

/** True when the caller should skip (not CI, peer missing); prints why, loudly. */
export function skipWithoutOrthanc(): boolean {
  const missing = orthancMissing();
  if (missing === undefined || process.env['CI'] === 'true') return false;
  console.warn(`\n!!! SKIPPING Orthanc integration tests: missing ${missing}. Under CI=true they fail instead. !!!\n`);
  return true;
}

export function dump2dcmPath(): string {
  const path = firstExisting(DUMP2DCM_CANDIDATES);
  if (!path) throw new Error('dcmtk dump2dcm is not installed (apt-get install dcmtk)');
  return path;
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function authHeader(auth: StartOrthancOptions['auth']): Record<string, string> {
  return auth ? { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` } : {};
}

async function startOnce(opts: StartOrthancOptions): Promise<RunningOrthanc> {
  const binary = firstExisting(ORTHANC_CANDIDATES)!;
  const dir = mkdtempSync(join(tmpdir(), 'orthanc-test-'));
  const port = await freePort();
  const config = {
    Name: 'imaging-network-test',
    HttpPort: port,
    RemoteAccessAllowed: false,
    DicomServerEnabled: false,
    StorageDirectory: join(dir, 'db'),
    IndexDirectory: join(dir, 'db'),
    AuthenticationEnabled: opts.auth !== undefined,
    RegisteredUsers: opts.auth ? { [opts.auth.username]: opts.auth.password } : {},
    Plugins: [PLUGIN],
    DicomWeb: { Enable: true, Root: '/dicom-web/', Host: `127.0.0.1:${port}` },
    ConcurrentJobs: 1,
    SaveJobs: false,
    HttpThreadsCount: 8,
  };
  const configPath = join(dir, 'orthanc.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2));

  const child = spawn(binary, [configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  killAllOnExit();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  child.once('exit', () => live.delete(child));

  const url = `http://127.0.0.1:${port}`;
  const headers = authHeader(opts.auth);
  // SIGKILL, not SIGTERM: a graceful stop waits ~3 s for idle keep-alive connections, and the
  // storage is thrown away anyway.
  const stop = async (): Promise<void> => {
    child.kill('SIGKILL');
    await waitForExit(child, 5000);
    live.delete(child);
    rmSync(dir, { recursive: true, force: true });
  };

  // Ready when /system answers (about 0.1 s); give up after 15 s or when the process dies.
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`Orthanc exited with ${child.exitCode} before it was ready:\n${stderr}`);
    }
    try {
      const res = await fetch(`${url}/system`, { headers, signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (attempt > 300) {
      await stop();
      throw new Error(`Orthanc did not become ready on ${url}:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  const upload = async (files: Buffer[]): Promise<void> => {
    for (const file of files) {
      const res = await fetch(`${url}/instances`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/dicom' },
        body: new Uint8Array(file),
      });
      const text = await res.text();
      if (!res.ok || !/"Status"\s*:\s*"(Success|AlreadyStored)"/.test(text)) {
        throw new Error(`Orthanc refused an instance (HTTP ${res.status}): ${text.slice(0, 300)}`);
      }
    }
  };

  return { url, dicomweb: `${url}/dicom-web`, stop, upload };
}

/**
 * Starts Orthanc in the foreground on a free loopback port. Retries twice if the port was taken
 * between choosing it and Orthanc binding it.
 */
export async function startOrthanc(opts: StartOrthancOptions = {}): Promise<RunningOrthanc> {
  const missing = orthancMissing();
  if (missing !== undefined) {
    throw new Error(`Cannot run Orthanc integration tests: missing ${missing}. Install orthanc, orthanc-dicomweb and dcmtk.`);
  }
  let lastError: unknown;
  for (let i = 0; i < 3; i++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}
