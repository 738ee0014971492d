/** Real peers: the `imaging-network reindex` process, the DICOMweb simulator over HTTP, SQLite. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDicomwebSimulator, type DicomwebSimulator } from '../../simulator/dicomweb-simulator.ts';
import { syntheticArchive } from '../../simulator/synthetic-archive.ts';
import { openTrustStore } from '../../subgraphs/trust/store/open-trust-store.ts';
import { runCli } from '../helpers/child-process.ts';

describe('imaging-network reindex', () => {
  const archive = syntheticArchive({ trust: 'RXA', count: 1500, days: 400, now: new Date(), seed: 21, undated: 3 });
  let sim: DicomwebSimulator;
  let dir: string;

  beforeAll(async () => {
    sim = await startDicomwebSimulator({ port: 0, studies: () => archive.studies, maxResults: 200 });
    dir = mkdtempSync(join(tmpdir(), 'reindex-'));
    const store = openTrustStore(join(dir, 'RXA.db'));
    store.transaction((w) => {
      const p = w.createPatient({ nhsNumber: null });
      w.saveOrder({
        accessionNumber: 'RIS-ONLY-1', patientId: p, placerOrderNumber: null, fillerOrderNumber: null, studyInstanceUid: null, description: null,
        bodyPart: null, modality: 'MR', priority: null, workflowStatus: 'REQUESTED', cancelled: false, status: 'REQUESTED',
        requestedAt: '2026-01-01T09:00:00Z', scheduledAt: null, performedAt: null, appointmentCancelledAt: null,
        orderMissing: false, procedureCode: null, procedureCodingSystem: null, patientClass: null, onHold: false, didNotAttendAt: null, waitStartedAt: null, cancelledAt: null,
      });
    });
    store.close();
    writeFileSync(join(dir, 'trust.json'), JSON.stringify({
      code: 'RXA', name: 'A', timezone: 'UTC', http: { port: 0 }, mllp: { port: 0 },
      pacs: { dicomweb: sim.url, sync: { pageSize: 200 } }, store: { sqlite: join(dir, 'RXA.db') },
    }));
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('rebuilds the index from the store and the whole (capped) PACS, with progress, and exits 0', async () => {
    const run = runCli(['reindex', '--config', join(dir, 'trust.json')]);
    const code = await new Promise<number | null>((resolve) => run.child.once('exit', (c) => resolve(c)));
    expect(code, run.output()).toBe(0);
    expect(run.output()).toMatch(/PACS days/);
    expect(run.output()).toMatch(new RegExp(`reindex RXA: ${archive.studies.length + 1} studies indexed \\(${archive.studies.length} from the PACS\\)`));
    const store = openTrustStore(join(dir, 'RXA.db'), { readonly: true });
    expect(store.pacsStudyCount()).toBe(archive.studies.length);
    expect(store.indexedStudies()).toBe(archive.studies.length + 1);
    expect(store.readSyncState().backfill).toMatchObject({ datesDone: true, sweepDone: true });
    store.close();
  }, 120_000);

  it('refuses to run without --config', async () => {
    const run = runCli(['reindex']);
    const code = await new Promise<number | null>((resolve) => run.child.once('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(run.output()).toMatch(/--config FILE is required/);
  });
});
