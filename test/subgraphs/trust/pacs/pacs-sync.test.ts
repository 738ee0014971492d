/**
 * Real peers: the DICOMweb simulator over HTTP (capping its answers like a real archive) and a
 * SQLite trust store. Ground truth: the generated archive.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startDicomwebSimulator, type DicomwebSimulator } from '../../../../simulator/dicomweb-simulator.ts';
import { syntheticArchive, syntheticStudy, syntheticNhsNumber } from '../../../../simulator/synthetic-archive.ts';
import { openTrustStore } from '../../../../subgraphs/trust/store/open-trust-store.ts';
import { type TrustStore } from '../../../../subgraphs/trust/store/trust-store.ts';
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

  /** The Study Instance UIDs the store holds, and the simulator's (ground truth), sorted. */
  function uidsOf(s: TrustStore, archive: ReturnType<typeof syntheticArchive>) {
    const truth = archive.studies.map((x) => x.studyInstanceUid).sort();
    const held = [...s.pacsStudiesByUid([...truth, ...extraUids]).keys()].sort();
    return { truth, held, count: s.pacsStudyCount() };
  }
  const extraUids: string[] = [];

  it('a full re-walk adds a study stored late with an old StudyDate and drops one deleted from an old day; polls and re-checks do not', async () => {
    const archive = syntheticArchive({ trust: 'RXA', count: 300, days: 400, now: NOW, seed: 21 });
    sim = await startDicomwebSimulator({ port: 0, studies: () => archive.studies, maxResults: 10 });
    store = openTrustStore(':memory:');
    const sync = new PacsSync({ index: store, client: new DicomWebClient({ baseUrl: sim.url, timezone: 'UTC' }), settings: settings({ fullRecheckHours: 24 }), timezone: 'UTC' });
    await sync.backfillAll();
    // Stored today with a StudyDate 200 days back (a CD import), and one from 300 days back deleted.
    const late = syntheticStudy('RXA', 88_888, NOW.getTime() - 200 * 86_400_000, 'CT', syntheticNhsNumber(88));
    archive.add(late);
    extraUids.push(late.studyInstanceUid);
    const old = archive.studies.filter((x) => x.performedAt && Date.parse(x.performedAt) < NOW.getTime() - 300 * 86_400_000)[0]!;
    extraUids.push(old.studyInstanceUid);
    expect(archive.remove(old.studyInstanceUid)).toBe(true);
    await sync.pollNow();
    await sync.recheckNow();
    expect(store.pacsStudiesByUid([late.studyInstanceUid]).size).toBe(0);
    expect(store.pacsStudiesByUid([old.studyInstanceUid]).size).toBe(1);

    expect(await sync.fullRecheckAll()).toEqual({ added: 1, removed: 1 });
    const { truth, held, count } = uidsOf(store, archive);
    expect(held).toEqual(truth);
    expect(count).toBe(truth.length);
    expect(store.indexedStudies()).toBe(truth.length);
    expect(store.readSyncState().fullRecheck).toMatchObject({ nextTo: null, startedAt: null });
  });

  it('runs the full re-walk at its period a slice per tick, keeps polling meanwhile, and resumes after a restart', async () => {
    const archive = syntheticArchive({ trust: 'RXA', count: 300, days: 400, now: NOW, seed: 22 });
    sim = await startDicomwebSimulator({ port: 0, studies: () => archive.studies, maxResults: 10 });
    store = openTrustStore(':memory:');
    const client = new DicomWebClient({ baseUrl: sim.url, timezone: 'UTC' });
    // A clock that moves 10 ms per reading, so a tick's 250 ms re-walk slice ends after a few windows.
    let t = NOW.getTime();
    const clock = () => (t += 10);
    const windows = new Map<string, number>();
    const make = (name: string, index: TrustStore = store!) => new PacsSync({
      index, client, settings: settings({ fullRecheckHours: 1, intervalMs: 1000 }), timezone: 'UTC', clock,
      onStep: (step) => { if (step.kind === 'full-recheck') windows.set(name, (windows.get(name) ?? 0) + 1); },
    });
    const first = make('first');
    await first.backfillAll();
    await first.tick(); // the back-fill counts as the first pass: the next is due in 1 h
    expect(store.readSyncState().fullRecheck?.lastCompletedAt).not.toBeNull();
    expect(store.readSyncState().fullRecheck?.nextTo).toBeNull();

    const late = syntheticStudy('RXA', 99_999, NOW.getTime() - 250 * 86_400_000, 'MR', syntheticNhsNumber(99));
    archive.add(late);
    extraUids.push(late.studyInstanceUid);
    t += 3_600_000;
    await first.tick();
    const midway = store.readSyncState().fullRecheck!;
    expect(midway.nextTo).not.toBeNull();
    expect(midway.startedAt).not.toBeNull();
    // A study stored now appears at the next tick's poll while the pass is still under way.
    const fresh = syntheticStudy('RXA', 99_998, t, 'CR', syntheticNhsNumber(98));
    archive.add(fresh);
    extraUids.push(fresh.studyInstanceUid);
    t += 2000;
    await first.tick();
    expect(store.pacsStudiesByUid([fresh.studyInstanceUid]).size).toBe(1);
    expect(store.readSyncState().fullRecheck!.nextTo).not.toBeNull();

    // Restart: the pass resumes from its stored window instead of starting again from today.
    await first.stop();
    const second = make('second');
    for (let i = 0; i < 200 && store.readSyncState().fullRecheck!.nextTo !== null; i++) await second.tick();
    expect(store.readSyncState().fullRecheck!.nextTo).toBeNull();
    // One whole pass over the same archive, from scratch, for the window count of a pass.
    const reference = openTrustStore(':memory:');
    const whole = make('whole', reference);
    await whole.backfillAll();
    await whole.fullRecheckAll();
    reference.close();
    expect(windows.get('first')).toBeGreaterThan(0);
    expect(windows.get('second')).toBeGreaterThan(0);
    expect(windows.get('second')!).toBeLessThan(windows.get('whole')!);
    expect(windows.get('first')! + windows.get('second')!).toBeLessThanOrEqual(windows.get('whole')! + 2);
    const { truth, held } = uidsOf(store, archive);
    expect(held).toEqual(truth);
    expect(store.pacsStudiesByUid([late.studyInstanceUid]).size).toBe(1);
  });

  it('a full re-walk that finds the PACS empty does not empty the index', async () => {
    const archive = syntheticArchive({ trust: 'RXA', count: 80, days: 100, now: NOW, seed: 24 });
    let empty = false;
    sim = await startDicomwebSimulator({ port: 0, studies: () => (empty ? [] : archive.studies), maxResults: 10 });
    store = openTrustStore(':memory:');
    const sync = new PacsSync({ index: store, client: new DicomWebClient({ baseUrl: sim.url, timezone: 'UTC' }), settings: settings({ fullRecheckHours: 24 }), timezone: 'UTC' });
    await sync.backfillAll();
    expect(store.pacsStudyCount()).toBe(80);
    empty = true;
    expect(await sync.fullRecheckAll()).toEqual({ added: 0, removed: 0 });
    expect(store.pacsStudyCount()).toBe(80);
  });

  it('does no full re-walk when fullRecheckHours is 0', async () => {
    const archive = syntheticArchive({ trust: 'RXA', count: 50, days: 100, now: NOW, seed: 23 });
    sim = await startDicomwebSimulator({ port: 0, studies: () => archive.studies, maxResults: 10 });
    store = openTrustStore(':memory:');
    let t = NOW.getTime();
    const sync = new PacsSync({ index: store, client: new DicomWebClient({ baseUrl: sim.url, timezone: 'UTC' }), settings: settings({ fullRecheckHours: 0 }), timezone: 'UTC', clock: () => t });
    await sync.backfillAll();
    const late = syntheticStudy('RXA', 66_666, NOW.getTime() - 60 * 86_400_000, 'CT', syntheticNhsNumber(66));
    archive.add(late);
    for (const step of [1, 48]) {
      t += step * 3_600_000;
      await sync.tick();
    }
    expect(store.pacsStudiesByUid([late.studyInstanceUid]).size).toBe(0);
    expect(store.readSyncState().fullRecheck?.lastCompletedAt ?? null).toBeNull();
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
