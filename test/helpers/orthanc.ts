/**
 * A real Orthanc (1.10, DICOMweb plugin) for integration tests: own temp storage, loopback only,
 * a free port, killed on stop and on process exit.
 *
 * Availability: when Orthanc, its DICOMweb plugin or dcmtk's dump2dcm is missing, tests skip with
 * a loud message, except under `CI=true`, where `startOrthanc` throws so the test FAILS.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DICOMWEB_PLUGIN, freeLoopbackPort, orthancBinary, startOrthancProcess, type OrthancProcess } from '../../simulator/orthanc-process.ts';

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

const DUMP2DCM_CANDIDATES = ['/usr/bin/dump2dcm', '/usr/local/bin/dump2dcm'];

function firstExisting(paths: readonly string[]): string | undefined {
  return paths.find((p) => existsSync(p));
}

/** What is missing to run Orthanc tests, or undefined when all is there. */
export function orthancMissing(): string | undefined {
  const missing: string[] = [];
  if (!orthancBinary()) missing.push('Orthanc binary');
  if (!existsSync(DICOMWEB_PLUGIN)) missing.push(`DICOMweb plugin (${DICOMWEB_PLUGIN})`);
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
export const freePort = freeLoopbackPort;

function authHeader(auth: StartOrthancOptions['auth']): Record<string, string> {
  return auth ? { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` } : {};
}

async function startOnce(opts: StartOrthancOptions): Promise<RunningOrthanc> {
  const dir = mkdtempSync(join(tmpdir(), 'orthanc-test-'));
  const headers = authHeader(opts.auth);
  let proc: OrthancProcess;
  try {
    proc = await startOrthancProcess({
      storageDir: dir,
      name: 'imaging-network-test',
      config: { AuthenticationEnabled: opts.auth !== undefined, RegisteredUsers: opts.auth ? { [opts.auth.username]: opts.auth.password } : {} },
      headers,
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const { url } = proc;
  // The storage is thrown away with the test.
  const stop = async (): Promise<void> => {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  };

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
 * Starts Orthanc in the foreground on a free loopback port, in its own temporary storage
 * (simulator/orthanc-process.ts runs it, retrying if the port was taken meanwhile).
 */
export async function startOrthanc(opts: StartOrthancOptions = {}): Promise<RunningOrthanc> {
  const missing = orthancMissing();
  if (missing !== undefined) {
    throw new Error(`Cannot run Orthanc integration tests: missing ${missing}. Install orthanc, orthanc-dicomweb and dcmtk.`);
  }
  return startOnce(opts);
}
