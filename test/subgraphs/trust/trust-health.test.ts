/**
 * Issue 16 follow-up: a trust whose store could not sync its WAL acknowledges no HL7 message and
 * refuses writes until restarted; `/healthz` must say so (503, `failing`) instead of `ok`. Real
 * peers: the trust's own HTTP server and MLLP listener, an MLLP sender over loopback TCP; the
 * disk's fdatasync is wrapped (the store's `syncWal` seam) to fail as a disk can.
 */
import { fdatasync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTrustConfig } from '../../../subgraphs/trust/config.ts';
import { startTrust, type RunningTrust } from '../../../subgraphs/trust/trust-server.ts';
import { Hl7Message } from '../../../subgraphs/trust/ris/hl7/index.ts';
import { MllpClient } from '../../../subgraphs/trust/ris/mllp/mllp-client.ts';
import type { FileSync } from '../../../platform/wal-file-sync.ts';
import { orm } from '../../fixtures/ris/hl7-fixtures.ts';

let dir: string | undefined;
let trust: RunningTrust | undefined;
afterEach(async () => {
  await trust?.close();
  trust = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const message = (i: number) => orm({ controlId: `HEALTH-${i}`, patient: { mrn: `MRN${i}` }, accession: `HACC${i}`, orderTime: '20250115103000' });

async function health(t: RunningTrust): Promise<{ status: number; body: { status: string; reason?: string } }> {
  const res = await fetch(`http://127.0.0.1:${t.httpPort}/healthz`);
  return { status: res.status, body: (await res.json()) as { status: string; reason?: string } };
}

describe('trust /healthz after a failed WAL sync', () => {
  it('is ok while syncs succeed, then failing (503, with the reason) once one failed and the message went unacknowledged', async () => {
    dir = mkdtempSync(join(tmpdir(), 'trust-health-'));
    let diskFails = false;
    const syncWal: FileSync = (fd, done) => (diskFails ? done(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' })) : fdatasync(fd, done));
    const config = parseTrustConfig({
      code: 'RXA',
      name: 'Health trust',
      http: { port: 0 },
      mllp: { port: 0 },
      pacs: { dicomweb: 'http://127.0.0.1:9/dicom-web' },
      store: { sqlite: join(dir, 'RXA.db') },
    });
    trust = await startTrust(config, { log: pino({ level: 'silent' }), syncWal });
    expect(await health(trust)).toEqual({ status: 200, body: { status: 'ok', trust: 'RXA' } });

    const first = new MllpClient('127.0.0.1', trust.mllpPort, { timeoutMs: 5_000 });
    try {
      expect(Hl7Message.parse(await first.send(message(1))).get('MSA-1')).toBe('AA');
    } finally {
      await first.close();
    }

    diskFails = true;
    const second = new MllpClient('127.0.0.1', trust.mllpPort, { timeoutMs: 3_000 });
    try {
      // No ACK: the listener closes the connection (or the sender times out); either way it rejects.
      await expect(second.send(message(2))).rejects.toThrow();
    } finally {
      await second.close().catch(() => undefined);
    }
    const after = await health(trust);
    expect(after.status).toBe(503);
    expect(after.body.status).toBe('failing');
    expect(after.body.reason).toMatch(/could not sync to disk \(EIO\).*restarted/);
  });
});
