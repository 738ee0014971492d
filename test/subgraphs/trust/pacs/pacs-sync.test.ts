/**
 * Real peers: the DICOMweb simulator over HTTP (capping its answers like a real archive) and a
 * SQLite trust store. Ground truth: the generated archive.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startDicomwebSimulator, type DicomwebSimulator } from '../../../../simulator/dicomweb-simulator.ts';
import { syntheticArchive, syntheticStudy, syntheticNhsNumber } from '../../../../simulator/synthetic-archive.ts';
import { openTrustStore, type TrustStore } from '../../../../subgraphs/trust/store/trust-store.ts';
import { DicomWebClient } from '../../../../subgraphs/trust/pacs/dicomweb-client.ts';
import { PacsSync, type PacsSyncSettings } from '../../../../subgraphs/trust/pacs/pacs-sync.ts';

const NOW = new Date();
const settings = (over: Partial<PacsSyncSettings> = {}): PacsSyncSettings => ({
  intervalMs: 5000, recheckDays: 7, recheckIntervalMs: 60_000, pollDays: 2, pageSize: 10, staleAfterMs: 60_000, undatedSweep: true, ...over,
});

describe('PACS sync into the study index (simulator)', () => {
  let sim: DicomwebSimulator | undefined;
  let store: TrustStore | undefined;
  afterEach(async () => {
    store?.close();
    await sim?.close();
  });

  function archiveWithBusyDay() {
    const archive = syntheticArchive({ trust: 'RXA', count: 400, days: 60, now: NOW, seed: 5, undated: 5 });
    // One day with 35 studies: more than the PACS's cap, so the sync must page within the day.
    const busy = NOW.getTime() - 20 * 86_400_000;
    for (let i = 0; i < 35; i++) archive.add(syntheticStudy('RXA', 10_000 + i, Math.floor(busy / 86_400_000) * 86_400_000 + 3_600_000 + i * 60_000, 'CT', syntheticNhsNumber(i)));
    return archive;
  }

  for (const pageSize of [10, 50]) {
    it(`indexes every study of a PACS that caps answers at 10 rows (sync limit ${pageSize}: ${pageSize === 10 ? 'full pages' : '299 warnings'})`, async () => {
      const archive = archiveWithBusyDay();
      sim = await startDicomwebSimulator({ port: 0, studies: () => archive.studies, maxResults: 10 });
      store = openTrustStore(':memory:');
      const sync = new PacsSync({ index: store, client: new DicomWebClient({ baseUrl: sim.url, timezone: 'UTC' }), settings: settings({ pageSize }), timezone: 'UTC' });
      await sync.backfillAll();
      expect(store.pacsStudyCount()).toBe(archive.studies.length);
      expect(store.indexedStudies()).toBe(archive.studies.length);
      const uids = new Set(archive.studies.map((s) => s.studyInstanceUid));
      expect([...store.pacsStudiesByUid([...uids]).keys()].sort()).toEqual([...uids].sort());
      expect(sync.status()).toMatchObject({ state: 'CURRENT', complete: true, lastError: null });
    });
  }

  it('resumes a back-fill from its stored position after a restart', async () => {
    const archive = archiveWithBusyDay();
    sim = await startDicomwebSimulator({ port: 0, studies: () => archive.studies, maxResults: 10 });
    store = openTrustStore(':memory:');
    const client = new DicomWebClient({ baseUrl: sim.url, timezone: 'UTC' });
    const full = new PacsSync({ index: openTrustStore(':memory:'), client, settings: settings(), timezone: 'UTC' });
    await full.backfillAll();

    const first = new PacsSync({ index: store, client, settings: settings(), timezone: 'UTC' });
    let windows = 0;
    await expect(first.backfillAll(() => {
      if (++windows === 6) throw new Error('process killed');
    })).rejects.toThrow('process killed');
    const position = store.readSyncState().backfill;
    expect(position.nextTo).not.toBeNull();
    expect(position.datesDone).toBe(false);

    const second = new PacsSync({ index: store, client, settings: settings(), timezone: 'UTC' });
    await second.backfillAll();
    expect(store.pacsStudyCount()).toBe(archive.studies.length);
    expect(first.requests + second.requests).toBeLessThan(full.requests + 10);
    expect(second.requests).toBeLessThan(full.requests);
  });

  it('polls new studies in and drops deleted ones on re-check', async () => {
    const archive = syntheticArchive({ trust: 'RXA', count: 100, days: 30, now: NOW, seed: 9 });
    sim = await startDicomwebSimulator({ port: 0, studies: () => archive.studies, maxResults: 10 });
    store = openTrustStore(':memory:');
    const sync = new PacsSync({ index: store, client: new DicomWebClient({ baseUrl: sim.url, timezone: 'UTC' }), settings: settings(), timezone: 'UTC' });
    await sync.backfillAll();
    archive.add(syntheticStudy('RXA', 77_777, NOW.getTime() - 60_000, 'MR', syntheticNhsNumber(77)));
    await sync.pollNow();
    expect(store.pacsStudyCount()).toBe(101);
    const recent = archive.studies.filter((s) => s.performedAt && Date.parse(s.performedAt) > NOW.getTime() - 5 * 86_400_000 && s.studyInstanceUid !== '2.25.1000077777')[0]!;
    archive.remove(recent.studyInstanceUid);
    await sync.recheckNow();
    expect(store.pacsStudyCount()).toBe(100);
    expect(store.pacsStudiesByUid([recent.studyInstanceUid]).size).toBe(0);
  });

  it('keeps the index and reports FAILED-worthy errors without the PACS address when the PACS is gone', async () => {
    const archive = syntheticArchive({ trust: 'RXA', count: 30, days: 10, now: NOW, seed: 3 });
    sim = await startDicomwebSimulator({ port: 0, studies: () => archive.studies });
    store = openTrustStore(':memory:');
    const sync = new PacsSync({ index: store, client: new DicomWebClient({ baseUrl: sim.url, timezone: 'UTC', timeoutMs: 1000 }), settings: settings({ staleAfterMs: 1 }), timezone: 'UTC' });
    await sync.backfillAll();
    await sim.close();
    sim = undefined;
    await sync.tick();
    expect(store.indexedStudies()).toBe(30);
    const status = sync.status();
    expect(status.lastError).toMatch(/^PACS unavailable \(unreachable/);
    expect(status.lastError).not.toMatch(/127\.0\.0\.1/);
  });
});
