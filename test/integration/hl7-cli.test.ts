/**
 * Real peers: an `imaging-network trust` process receives files sent by `imaging-network send`
 * over real MLLP (TCP); `imaging-network hl7 failed` and `hl7 replay` work on its store while it
 * runs (SQLite WAL), as an integrator would use them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adt, NHS, orm } from '../fixtures/ris/hl7-fixtures.ts';
import { freePort } from '../helpers/orthanc.ts';
import { gql, runCli, waitForHttp, type RunningChild } from '../helpers/child-process.ts';
import { startDicomwebSimulator } from '../../simulator/index.ts';
import { stopPeers } from '../helpers/stop-peers.ts';

const CLI = fileURLToPath(new URL('../../bin/imaging-network.js', import.meta.url));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('integrator tools: send, hl7 failed, hl7 replay', () => {
  let trust: RunningChild;
  let pacs: { close(): Promise<void> };
  let dir: string;
  let url: string;
  let mllpPort: number;
  const config = (accessionNumber: string) => ({
    code: 'RXA',
    name: 'CLI trust',
    http: { port: 0 },
    mllp: { port: 0 },
    pacs: { dicomweb: 'http://127.0.0.1:9/dicom-web' },
    store: { sqlite: join(dir, 'RXA.db') },
    hl7: { accessionNumber },
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hl7-cli-'));
    const sim = await startDicomwebSimulator({ port: 0, studies: () => [] });
    pacs = sim;
    const httpPort = await freePort();
    mllpPort = await freePort();
    // Strict dialect: accession only from IPC-1, so a v2.3 ORM (accession in OBR-18) is refused.
    writeFileSync(join(dir, 'strict.json'), JSON.stringify({ ...config('IPC-1'), http: { port: httpPort }, mllp: { port: mllpPort }, pacs: { dicomweb: sim.url } }));
    writeFileSync(join(dir, 'fixed.json'), JSON.stringify({ ...config('auto'), pacs: { dicomweb: sim.url } }));
    trust = runCli(['trust', '--config', join(dir, 'strict.json')]);
    await waitForHttp(`http://127.0.0.1:${httpPort}/healthz`, trust);
    url = `http://127.0.0.1:${httpPort}/graphql`;
  });

  afterAll(() => stopPeers(trust, pacs));

  it('sends files, prints each ACK, and keeps what could not be applied', () => {
    const patient = { mrn: 'CLI-1', nhs: NHS.b, name: 'CLITEST^ALEX' };
    writeFileSync(join(dir, '1-adt.hl7'), adt('A04', 'CLI-ADT-1', patient).replace(/\r/g, '\r\n'));
    writeFileSync(join(dir, '2-orm.hl7'), orm({ controlId: 'CLI-ORM-1', patient, accession: 'CLI-ACC-1', orderTime: '20260401090000' }));
    writeFileSync(join(dir, '3-garbage.hl7'), 'MSH|^~\\&|RIS|RXA01|NETWORK|RXA|20260401||ORM^O01|CLI-BAD-1|P|2.3\rPID|1||\rthis is not HL7');
    writeFileSync(join(dir, '4-unknown.hl7'), 'MSH|^~\\&|RIS|RXA01|NETWORK|RXA|20260401||QRY^Q01|CLI-QRY-1|P|2.3\r');
    const sent = cli('send', `127.0.0.1:${mllpPort}`, ...['1-adt', '2-orm', '3-garbage', '4-unknown'].map((f) => join(dir, `${f}.hl7`)));
    const lines = sent.out.trim().split('\n').map((l) => l.split('\t'));
    expect(lines.map((l) => [l[0]!.split('/').pop(), l[1], l[2]])).toEqual([
      ['1-adt.hl7', 'AA', 'CLI-ADT-1'],
      ['2-orm.hl7', 'AE', 'CLI-ORM-1'],
      ['3-garbage.hl7', lines[2]![1], 'CLI-BAD-1'],
      ['4-unknown.hl7', 'AR', 'CLI-QRY-1'],
    ]);
    expect(['AA', 'AE', 'AR']).toContain(lines[2]![1]);
    expect(lines[1]![3]).toMatch(/IPC-1/);
    expect(sent.code).toBe(1);
    expect(sent.err).toMatch(/sent 4 message\(s\)/);

    const failed = cli('hl7', 'failed', '--config', join(dir, 'strict.json'));
    expect(failed.code).toBe(0);
    expect(failed.out).toContain('CLI-ORM-1');
    expect(failed.out).toContain('CLI-QRY-1');
    expect(failed.out).not.toMatch(new RegExp(NHS.b));
  });

  it('replays kept messages after the dialect is fixed, applying them once', async () => {
    const before = await gql<{ study: unknown }>(url, '{ studies(filter: { accessionNumber: "CLI-ACC-1" }) { edges { cursor } } }');
    expect(before.data).toEqual({ studies: { edges: [] } });
    const replay = cli('hl7', 'replay', '--config', join(dir, 'fixed.json'));
    expect(replay.out).toMatch(/replayed 1, still failing [12]/);
    const after = await gql<{ studies: { edges: Array<{ node: { accessionNumber: string; status: string; patient: { nhsNumber: string } } }> } }>(
      url,
      '{ studies(filter: { accessionNumber: "CLI-ACC-1" }) { edges { node { accessionNumber status patient { nhsNumber } } } } }',
    );
    expect(after.data!.studies.edges).toEqual([{ node: { accessionNumber: 'CLI-ACC-1', status: 'REQUESTED', patient: { nhsNumber: NHS.b } } }]);
    // Replaying again applies nothing twice.
    const again = cli('hl7', 'replay', '--config', join(dir, 'fixed.json'));
    expect(again.out).toMatch(/replayed 0/);
    const failed = cli('hl7', 'failed', '--config', join(dir, 'fixed.json'));
    expect(failed.out).not.toContain('CLI-ORM-1');
  });

  it('explains bad usage', () => {
    expect(cli('send', 'nohostport', 'x.hl7').err).toMatch(/HOST:PORT expected/);
    expect(cli('send').err).toMatch(/a target and at least one file are required/);
    expect(cli('hl7', 'failed').err).toMatch(/--config FILE is required/);
  });
});
