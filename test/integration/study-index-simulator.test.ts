/**
 * Real peers: the built-in DICOMweb simulator (HTTP, QIDO-RS) holding a 100,000-study archive
 * that CAPS every answer at 1,000 rows (with a 299 warning), and a trust subgraph served over
 * HTTP with its SQLite store. Expected values come from the generated archive (ground truth),
 * never from the code under test: the network order, ids and filters are computed here from the
 * schema's contract (schema/study-order.ts, schema/study-id.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { compareStudyOrder, encodeStudyId } from '../../schema/index.ts';
import { startDicomwebSimulator, type DicomwebSimulator } from '../../simulator/dicomweb-simulator.ts';
import { syntheticArchive, syntheticNhsNumber, syntheticStudy, type SyntheticArchive } from '../../simulator/synthetic-archive.ts';
import type { SimStudy } from '../../simulator/sim-study.ts';
import { parseTrustConfig } from '../../subgraphs/trust/config.ts';
import { startTrust, type RunningTrust } from '../../subgraphs/trust/trust-server.ts';
import { openTrustStore } from '../../subgraphs/trust/store/open-trust-store.ts';
import { freePort } from '../helpers/orthanc.ts';
import { gql } from '../helpers/child-process.ts';

const TRUST = 'RXA';
const COUNT = 100_000;
const UNDATED = 40;
const CAP = 1000;
const NOW = new Date();

interface Truth {
  id: string;
  accession: string;
  sortAt: number | null;
  modality: string;
  status: string;
  patientId: string | null;
  risPatient: string | null;
}

/** RIS orders written through the store's own writer before the trust starts (the HL7 apply path's port). */
interface Order {
  accession: string;
  status: 'FINAL' | 'SCHEDULED' | 'REQUESTED';
  scheduledAt: string | null;
  requestedAt: string;
  modality: string;
  nhs: string;
}

const byOrder = (a: Truth, b: Truth) => compareStudyOrder({ sortAt: a.sortAt, id: a.id }, { sortAt: b.sortAt, id: b.id });

describe('study index over a capped DICOMweb PACS (simulator, 100,000 studies)', () => {
  let archive: SyntheticArchive;
  let sim: DicomwebSimulator;
  let trust: RunningTrust;
  let url: string;
  const orders: Order[] = [];
  const risNhs = syntheticNhsNumber(900_001);

  /** Ground truth of every study the trust should list, from the archive and the orders. */
  function truth(): Truth[] {
    const byAccession = new Map(orders.map((o) => [o.accession, o]));
    const out: Truth[] = [];
    const seen = new Set<string>();
    for (const s of archive.studies) {
      const o = byAccession.get(s.accessionNumber);
      seen.add(s.accessionNumber);
      out.push({
        id: encodeStudyId({ trust: TRUST, kind: 'accession', value: s.accessionNumber }),
        accession: s.accessionNumber,
        sortAt: s.performedAt ? Date.parse(s.performedAt) : null,
        modality: s.series[0]!.modality,
        status: o ? o.status : 'COMPLETED',
        patientId: o ? null : s.patientId,
        risPatient: o ? o.nhs : null,
      });
    }
    for (const o of orders) {
      if (seen.has(o.accession)) continue;
      out.push({
        id: encodeStudyId({ trust: TRUST, kind: 'accession', value: o.accession }),
        accession: o.accession,
        sortAt: Date.parse(o.scheduledAt ?? o.requestedAt),
        modality: o.modality,
        status: o.status,
        patientId: null,
        risPatient: o.nhs,
      });
    }
    return out.sort(byOrder);
  }

  async function page(filter: Record<string, unknown> | null, first: number, after: string | null) {
    type Page = { studies: { edges: Array<{ node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    const res = await gql<Page>(url, 'query($f: StudyFilter, $n: Int, $a: String) { studies(filter: $f, first: $n, after: $a) { edges { node { id } } pageInfo { hasNextPage endCursor } } }', { f: filter, n: first, a: after });
    expect(res.errors).toBeUndefined();
    return res.data!.studies;
  }

  async function allIds(filter: Record<string, unknown> | null, first = 200, maxPages = 10_000): Promise<string[]> {
    const ids: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < maxPages; i++) {
      const p = await page(filter, first, after);
      ids.push(...p.edges.map((e) => e.node.id));
      if (!p.pageInfo.hasNextPage) return ids;
      after = p.pageInfo.endCursor;
    }
    return ids;
  }

  async function pacsIndex() {
    const res = await gql<{ trusts: Array<{ pacsIndex: { state: string; indexedStudies: number; backfilledThrough: string | null; lastError: string | null } }> }>(url, '{ trusts { pacsIndex { state indexedStudies backfilledThrough lastSyncAt lagSeconds lastError } } }');
    expect(res.errors).toBeUndefined();
    return res.data!.trusts[0]!.pacsIndex;
  }

  async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 240_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    archive = syntheticArchive({ trust: TRUST, count: COUNT, days: 3 * 365, now: NOW, seed: 11, undated: UNDATED });
    sim = await startDicomwebSimulator({ port: 0, studies: () => archive.studies, studiesInDateRange: (f, t) => archive.inDateRange(f, t), maxResults: CAP });

    // RIS orders: 300 reported studies joined to PACS studies, 200 booked and 100 requested ones
    // that have no images yet; all of one patient known to the RIS by NHS number.
    for (let i = 0; i < 300; i++) {
      const s = archive.studies[UNDATED + i * 97]!;
      orders.push({ accession: s.accessionNumber, status: 'FINAL', scheduledAt: null, requestedAt: new Date(Date.parse(s.performedAt) - 86_400_000).toISOString(), modality: s.series[0]!.modality, nhs: risNhs });
    }
    for (let i = 0; i < 300; i++) {
      const booked = i < 200;
      const at = NOW.getTime() + (booked ? 1 : -1) * (i + 1) * 3_600_000;
      orders.push({ accession: `RIS${String(i).padStart(6, '0')}`, status: booked ? 'SCHEDULED' : 'REQUESTED', scheduledAt: booked ? new Date(at).toISOString() : null, requestedAt: new Date(at - 86_400_000).toISOString(), modality: 'MR', nhs: risNhs });
    }
    const dir = mkdtempSync(join(tmpdir(), 'study-index-'));
    const storePath = join(dir, 'RXA.db');
    const store = openTrustStore(storePath);
    store.transaction((w) => {
      const patientId = w.createPatient({ nhsNumber: risNhs, family: 'SYNTH', given: ['RIS'] });
      w.addMrn(patientId, 'RISMRN1');
      for (const o of orders) {
        w.saveOrder({
          accessionNumber: o.accession, patientId, placerOrderNumber: null, fillerOrderNumber: null, studyInstanceUid: null,
          description: `${o.modality} order`, bodyPart: null, modality: o.modality, priority: 'ROUTINE',
          workflowStatus: o.status === 'FINAL' ? 'COMPLETED' : o.status, cancelled: false, status: o.status,
          requestedAt: o.requestedAt, scheduledAt: o.scheduledAt, performedAt: null, appointmentCancelledAt: null,
          orderMissing: false, procedureCode: null, procedureCodingSystem: null, patientClass: null, onHold: false, didNotAttendAt: null, waitStartedAt: null, cancelledAt: null,
        });
      }
    });
    store.close();

    const config = parseTrustConfig({
      code: TRUST, name: 'Synthetic', timezone: 'UTC', http: { port: await freePort() }, mllp: { port: 0 },
      pacs: { dicomweb: sim.url, sync: { intervalMs: 500, recheckIntervalMs: 1500, startupWaitMs: 0, pageSize: 1000 } },
      store: { sqlite: storePath },
    });
    trust = await startTrust(config, { log: pino({ level: process.env.TEST_LOG ?? 'silent' }) });
    url = trust.url;
  }, 300_000);

  afterAll(async () => {
    await trust?.close();
    await sim?.close().catch(() => {});
  });

  it('says BACKFILLING (and INDEX_INCOMPLETE on pages it cannot vouch for) until the capped PACS is fully indexed, then CURRENT', async () => {
    const early = await gql<{ studies: { edges: unknown[] } }>(url, '{ studies(first: 5, filter: { to: "2000-01-01T00:00:00Z" }) { edges { cursor } } }');
    // startupWaitMs 0: the trust answered after one 1-second back-fill slice, far from 100,000 studies.
    const status = await pacsIndex();
    expect(status.state).toBe('BACKFILLING');
    expect(status.indexedStudies).toBeLessThan(truth().length);
    expect(early.data!.studies.edges).toEqual([]);
    expect(early.errors?.map((e) => e.extensions?.['code'])).toEqual(['INDEX_INCOMPLETE']);
    const done = await until('the back-fill', async () => {
      const s = await pacsIndex();
      return s.state === 'CURRENT' ? s : undefined;
    });
    expect(done.indexedStudies).toBe(truth().length);
    expect(done.lastError).toBeNull();
  }, 300_000);

  it('pages newest first exactly as the ground truth, page after page, to the end (undated studies last)', async () => {
    const expected = truth().map((t) => t.id);
    const ids = await allIds(null, 200);
    expect(ids.length).toBe(expected.length);
    expect(ids).toEqual(expected);
  }, 300_000);

  it('filters by modality, status, date range, NHS number and accession exactly as the ground truth', async () => {
    const all = truth();
    expect(await allIds({ modalities: ['NM'] })).toEqual(all.filter((t) => t.modality === 'NM').map((t) => t.id));
    const ctMr = all.filter((t) => t.modality === 'CT' || t.modality === 'MR').map((t) => t.id);
    expect(await allIds({ modalities: ['CT', 'MR'] }, 200, 5)).toEqual(ctMr.slice(0, 1000));
    expect(await allIds({ statuses: ['SCHEDULED', 'REQUESTED'] })).toEqual(all.filter((t) => t.status === 'SCHEDULED' || t.status === 'REQUESTED').map((t) => t.id));
    expect(await allIds({ statuses: ['FINAL'] })).toEqual(all.filter((t) => t.status === 'FINAL').map((t) => t.id));
    const from = NOW.getTime() - 40 * 86_400_000;
    const to = NOW.getTime() - 30 * 86_400_000;
    expect(await allIds({ from: new Date(from).toISOString(), to: new Date(to).toISOString() }))
      .toEqual(all.filter((t) => t.sortAt !== null && t.sortAt >= from && t.sortAt <= to).map((t) => t.id));
    // A patient only the PACS knows (PatientID = NHS number) and the RIS patient (orders + MRN).
    const pacsNhs = archive.studies.find((s) => /^999/.test(s.patientId) && !orders.some((o) => o.accession === s.accessionNumber))!.patientId;
    expect(await allIds({ nhsNumber: pacsNhs })).toEqual(all.filter((t) => t.patientId === pacsNhs).map((t) => t.id));
    expect(await allIds({ nhsNumber: risNhs })).toEqual(all.filter((t) => t.risPatient === risNhs || t.patientId === risNhs).map((t) => t.id));
    const one = all[12_345]!;
    expect(await allIds({ accessionNumber: one.accession })).toEqual([one.id]);
    expect(await allIds({ accessionNumber: one.accession, modalities: [one.modality === 'CT' ? 'MR' : 'CT'] })).toEqual([]);
  }, 300_000);

  it('shows a study stored in the PACS on page 1 after the next poll, and drops a deleted one after a re-check', async () => {
    // Booked RIS orders lie in the future and sort first; page 1 of the PACS studies is asked
    // with the status a PACS-only study has (COMPLETED).
    const completed = { statuses: ['COMPLETED'] };
    const fresh: SimStudy = syntheticStudy(TRUST, 5_000_000, Math.floor(Date.now() / 1000) * 1000 + 60_000, 'CT', syntheticNhsNumber(3));
    archive.add(fresh);
    const freshId = encodeStudyId({ trust: TRUST, kind: 'accession', value: fresh.accessionNumber });
    await until('the new study on page 1', async () => ((await page(completed, 10, null)).edges[0]?.node.id === freshId ? true : undefined), 20_000);

    const gone = archive.studies.filter((s) => s.performedAt).sort((a, b) => Date.parse(b.performedAt) - Date.parse(a.performedAt))[3]!;
    const goneId = encodeStudyId({ trust: TRUST, kind: 'accession', value: gone.accessionNumber });
    expect((await page(completed, 20, null)).edges.map((e) => e.node.id)).toContain(goneId);
    archive.remove(gone.studyInstanceUid);
    await until('the deleted study to leave page 1', async () => (!(await page(completed, 20, null)).edges.some((e) => e.node.id === goneId) ? true : undefined), 20_000);
    expect((await page(completed, 20, null)).edges.map((e) => e.node.id)).toEqual(truth().filter((t) => t.status === 'COMPLETED').slice(0, 20).map((t) => t.id));
    expect((await page(null, 200, null)).edges.map((e) => e.node.id)).toEqual(truth().slice(0, 200).map((t) => t.id));
  }, 300_000);

  it('keeps answering pages from the index when the PACS is stopped; the index turns STALE/FAILED, never silently', async () => {
    const before = await allIds(null, 100, 3);
    await sim.close();
    expect(await allIds(null, 100, 3)).toEqual(before);
    const series = await gql<{ studies: { edges: Array<{ node: { series: unknown[] } }> } }>(url, '{ studies(first: 3, filter: { statuses: [COMPLETED] }) { edges { node { id series { seriesInstanceUid } } } } }');
    expect(series.data!.studies.edges).toHaveLength(3);
    expect(series.errors?.map((e) => e.extensions?.['code'])).toContain('PACS_UNAVAILABLE');
    const status = await until('the sync to notice', async () => {
      const s = await pacsIndex();
      return s.lastError !== null ? s : undefined;
    }, 20_000);
    expect(status.lastError).toMatch(/PACS unavailable/);
    expect(status.lastError).not.toMatch(/127\.0\.0\.1/);
  }, 300_000);
});
