/**
 * Real peers: Orthanc (DICOMweb plugin) seeded with dcmtk-generated files, behind a counting
 * proxy; the trust runs as a real `imaging-network trust` process from a minimal config.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { freePort, skipWithoutOrthanc, startOrthanc, type RunningOrthanc } from '../helpers/orthanc.ts';
import { syntheticStudy } from '../helpers/dicom-fixtures.ts';
import { startCountingProxy, type CountingProxy } from '../../bench/counting-proxy.ts';
import { gql, runCli, waitForHttp, type RunningChild } from '../helpers/child-process.ts';
import { decodeStudyId } from '../../schema/study-id.ts';

const skip = skipWithoutOrthanc();
const MODALITIES = ['CT', 'MR', 'CR', 'US'];

interface Truth {
  uid: string;
  accession: string;
  patientId: string;
  date: string;
  time: string;
  modality: string;
  seriesCount: number;
  instances: number;
}

describe.skipIf(skip)('trust subgraph over a real PACS (Orthanc)', () => {
  let orthanc: RunningOrthanc;
  let proxy: CountingProxy;
  let trust: RunningChild;
  let url: string;
  const truth: Truth[] = [];

  beforeAll(async () => {
    orthanc = await startOrthanc();
    const files: Buffer[] = [];
    for (let i = 0; i < 25; i++) {
      const modality = MODALITIES[i % MODALITIES.length]!;
      const day = String(1 + (i % 28)).padStart(2, '0');
      const spec = {
        patientId: i % 5 === 0 ? '9990000018' : `MRN${1000 + (i % 7)}`,
        patientName: i % 5 === 0 ? "O'BRIEN^Zoë^Ann" : `TEST^PATIENT${i % 7}`,
        birthDate: '19800101',
        sex: i % 2 ? 'M' : 'F',
        accessionNumber: `ACC${String(i).padStart(4, '0')}`,
        studyDate: `2026${i < 12 ? '03' : '10'}${day}`,
        studyTime: `${String(8 + (i % 10)).padStart(2, '0')}3000`,
        description: `${modality} study ${i}`,
        series: Array.from({ length: 1 + (i % 3) }, (_, s) => ({
          modality,
          number: s + 1,
          description: `series ${s + 1}`,
          bodyPart: 'CHEST',
          instances: 1 + ((i + s) % 2),
        })),
      };
      const made = syntheticStudy(spec);
      files.push(...made.files);
      truth.push({
        uid: made.studyInstanceUid,
        accession: spec.accessionNumber,
        patientId: spec.patientId,
        date: spec.studyDate,
        time: spec.studyTime,
        modality,
        seriesCount: spec.series.length,
        instances: spec.series.reduce((n, s) => n + s.instances, 0),
      });
    }
    await orthanc.upload(files);
    proxy = await startCountingProxy(orthanc.url);

    const dir = mkdtempSync(join(tmpdir(), 'trust-pacs-'));
    const httpPort = await freePort();
    const config = {
      code: 'RXA',
      name: 'Test Trust A',
      http: { port: httpPort },
      mllp: { port: await freePort() },
      pacs: { dicomweb: `${proxy.url}/dicom-web`, sync: { intervalMs: 500, recheckIntervalMs: 1000 } },
      store: { sqlite: join(dir, 'RXA.db') },
    };
    writeFileSync(join(dir, 'trust.json'), JSON.stringify(config));
    trust = runCli(['trust', '--config', join(dir, 'trust.json')]);
    await waitForHttp(`http://127.0.0.1:${httpPort}/healthz`, trust);
    url = `http://127.0.0.1:${httpPort}/graphql`;
  });

  afterAll(async () => {
    await trust?.stop();
    await proxy?.close();
    await orthanc?.stop();
  });

  /** Ground truth order: StudyDate+StudyTime newest first (all in one zone), ties by id. */
  function expectedOrder(rows: Truth[]): string[] {
    return [...rows].sort((a, b) => (b.date + b.time).localeCompare(a.date + a.time) || a.accession.localeCompare(b.accession)).map((t) => t.accession);
  }

  async function allPages(filter: Record<string, unknown> | null, pageSize: number): Promise<string[]> {
    const out: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 100; guard++) {
      type Page = { studies: { edges: Array<{ node: { accessionNumber: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
      const res: { data?: Page; errors?: unknown[] } = await gql<Page>(
        url,
        'query($f: StudyFilter, $n: Int, $a: String) { studies(filter: $f, first: $n, after: $a) { edges { node { accessionNumber } } pageInfo { hasNextPage endCursor } } }',
        { f: filter, n: pageSize, a: after },
      );
      expect(res.errors).toBeUndefined();
      out.push(...res.data!.studies.edges.map((e) => e.node.accessionNumber));
      if (!res.data!.studies.pageInfo.hasNextPage) return out;
      after = res.data!.studies.pageInfo.endCursor;
    }
    throw new Error('paging did not end');
  }

  it('answers studies as the DICOM files say, newest first', async () => {
    const res = await gql<{ studies: { edges: Array<{ node: Record<string, unknown> }> } }>(
      url,
      `{ studies(first: 200) { edges { node { id accessionNumber studyInstanceUid status modalities description imageCount performedAt
          trust { code name } patient { nhsNumber name { family given } birthDate sex identifiers { type value trust { code } } }
          dicomweb { studyUrl wadoRoot qidoRoot } } } unavailableTrusts { code } } }`,
    );
    expect(res.errors).toBeUndefined();
    const nodes = res.data!.studies.edges.map((e) => e.node);
    expect(nodes.map((n) => n.accessionNumber)).toEqual(expectedOrder(truth));
    for (const node of nodes) {
      const t = truth.find((x) => x.accession === node['accessionNumber'])!;
      expect(node['studyInstanceUid']).toBe(t.uid);
      expect(node['status']).toBe('COMPLETED');
      expect(node['modalities']).toEqual([t.modality]);
      expect(node['imageCount']).toBe(t.instances);
      expect(node['trust']).toEqual({ code: 'RXA', name: 'Test Trust A' });
      expect(decodeStudyId(node['id'] as string)).toEqual({ trust: 'RXA', kind: 'accession', value: t.accession });
      const offset = t.date.slice(4, 6) === '03' && Number(t.date.slice(6)) >= 29 ? '+01:00' : t.date.slice(4, 6) === '10' && Number(t.date.slice(6)) < 25 ? '+01:00' : '+00:00';
      const iso = `${t.date.slice(0, 4)}-${t.date.slice(4, 6)}-${t.date.slice(6)}T${t.time.slice(0, 2)}:${t.time.slice(2, 4)}:${t.time.slice(4, 6)}`;
      expect([`${iso}${offset}`, offset === '+00:00' ? `${iso}Z` : '']).toContain(node['performedAt']);
      const patient = node['patient'] as { nhsNumber: string | null; identifiers: Array<{ type: string; value: string }> };
      if (t.patientId === '9990000018') {
        expect(patient.nhsNumber).toBe('9990000018');
        expect(node['patient']).toMatchObject({ name: { family: "O'BRIEN", given: ['Zoë', 'Ann'] } });
      } else {
        expect(patient.nhsNumber).toBeNull();
        expect(patient.identifiers).toEqual([{ type: 'MRN', value: t.patientId, trust: { code: 'RXA' } }]);
      }
      expect((node['dicomweb'] as { studyUrl: string }).studyUrl).toMatch(new RegExp(`/dicom-web/studies/${t.uid}$`));
    }
  });

  it('pages through every study exactly once with any page size', async () => {
    const expected = expectedOrder(truth);
    for (const size of [1, 4, 7, 25]) expect(await allPages(null, size)).toEqual(expected);
  });

  it('pushes filters down and applies them exactly', async () => {
    expect(await allPages({ accessionNumber: 'ACC0007' }, 10)).toEqual(['ACC0007']);
    expect(await allPages({ modalities: ['MR'] }, 10)).toEqual(expectedOrder(truth.filter((t) => t.modality === 'MR')));
    expect(await allPages({ modalities: ['MR', 'US'] }, 10)).toEqual(expectedOrder(truth.filter((t) => t.modality === 'MR' || t.modality === 'US')));
    expect(await allPages({ nhsNumber: '999 000 0018' }, 10)).toEqual(expectedOrder(truth.filter((t) => t.patientId === '9990000018')));
    const march = truth.filter((t) => t.date >= '20260305' && t.date <= '20260310');
    expect(await allPages({ from: '2026-03-05T00:00:00Z', to: '2026-03-10T23:59:59Z' }, 10)).toEqual(expectedOrder(march));
    expect(await allPages({ statuses: ['SCHEDULED'] }, 10)).toEqual([]);
    expect(await allPages({ trusts: ['RH8'] }, 10)).toEqual([]);
  });

  it('fetches series of a 20-study page in at most 2 QIDO requests', async () => {
    proxy.reset();
    const res = await gql<{ studies: { edges: Array<{ node: { accessionNumber: string; imageCount: number; series: Array<{ seriesInstanceUid: string; modality: string; number: number; bodyPart: string; description: string; instanceCount: number }> } }> } }>(
      url,
      '{ studies(first: 20) { edges { node { accessionNumber imageCount series { seriesInstanceUid modality number bodyPart description instanceCount } } } } }',
    );
    expect(res.errors).toBeUndefined();
    // The sync's own polls (StudyDate windows) run beside; the page itself asks once, for series.
    const qido = proxy.paths().filter((p) => p.split(' ')[1]!.startsWith('/dicom-web/') && !p.includes('StudyDate='));
    expect(qido.length).toBeLessThanOrEqual(1);
    expect(res.data!.studies.edges).toHaveLength(20);
    for (const { node } of res.data!.studies.edges) {
      const t = truth.find((x) => x.accession === node.accessionNumber)!;
      expect(node.series).toHaveLength(t.seriesCount);
      expect(node.series.map((s) => s.number).sort()).toEqual(Array.from({ length: t.seriesCount }, (_, i) => i + 1));
      for (const s of node.series) expect(s).toMatchObject({ modality: t.modality, bodyPart: 'CHEST' });
      expect(node.series.reduce((n, s) => n + s.instanceCount, 0)).toBe(t.instances);
    }
  });

  it('body part comes from the PACS series (BodyPartExamined) when the RIS gives none', async () => {
    proxy.reset();
    const res = await gql<{ studies: { edges: Array<{ node: { accessionNumber: string; bodyPart: string | null } }> } }>(
      url,
      '{ studies(first: 20) { edges { node { accessionNumber bodyPart } } } }',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.studies.edges).toHaveLength(20);
    // Every series of the seeded files says BodyPartExamined CHEST; this trust's RIS sent nothing.
    for (const { node } of res.data!.studies.edges) expect(node.bodyPart).toBe('CHEST');
    // At most one series QIDO for the page (batched). Study-level searches are left out: the
    // PACS sync polls on its own clock and may land inside this window.
    expect(proxy.paths().filter((p) => /^\/dicom-web\/(series|studies\/[^/?]+\/series)/.test(p.split(' ')[1]!)).length).toBeLessThanOrEqual(1);
  });

  it('resolves study(id) and _entities references', async () => {
    const list = await gql<{ studies: { edges: Array<{ node: { id: string; accessionNumber: string } }> } }>(url, '{ studies(first: 3) { edges { node { id accessionNumber } } } }');
    const [a, b] = list.data!.studies.edges.map((e) => e.node);
    const one = await gql<{ study: { accessionNumber: string } | null }>(url, 'query($id: ID!) { study(id: $id) { accessionNumber } }', { id: a!.id });
    expect(one.data!.study).toEqual({ accessionNumber: a!.accessionNumber });
    const ents = await gql<{ _entities: Array<{ accessionNumber: string } | null> }>(
      url,
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Study { accessionNumber } } }',
      { r: [{ __typename: 'Study', id: a!.id }, { __typename: 'Study', id: b!.id }, { __typename: 'Study', id: 'S1.RXA.YTpOT1RIRVJF' }] },
    );
    expect(ents.data!._entities).toEqual([{ accessionNumber: a!.accessionNumber }, { accessionNumber: b!.accessionNumber }, null]);
    const other = await gql<{ study: unknown }>(url, '{ study(id: "S1.RH8.YTpBQ0MwMDAx") { id } }');
    expect(other.data!.study).toBeNull();
  });

  it('answers patient(nhsNumber) and refuses an invalid NHS number with BAD_USER_INPUT', async () => {
    const ok = await gql<{ patient: { nhsNumber: string; studies: { edges: unknown[] } } }>(url, '{ patient(nhsNumber: "9990000018") { nhsNumber studies(first: 50) { edges { cursor } } } }');
    expect(ok.data!.patient.nhsNumber).toBe('9990000018');
    expect(ok.data!.patient.studies.edges).toHaveLength(truth.filter((t) => t.patientId === '9990000018').length);
    const bad = await gql(url, '{ patient(nhsNumber: "9990000019") { nhsNumber } }');
    expect(bad.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.message).toMatch(/nhsNumber/);
    const badFilter = await gql(url, '{ studies(filter: { nhsNumber: "123" }) { edges { cursor } } }');
    expect(badFilter.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.nhsNumber' });
    const badCursor = await gql(url, '{ studies(after: "nope") { edges { cursor } } }');
    expect(badCursor.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
    const tooMany = await gql(url, '{ studies(first: 5000) { edges { cursor } } }');
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first' });
  });

  it('serves an SDL that composes into a valid supergraph', async () => {
    const res = await gql<{ _service: { sdl: string } }>(url, '{ _service { sdl } }');
    const composed = composeServices([{ name: 'RXA', url, typeDefs: parse(res.data!._service.sdl) }]);
    expect(composed.errors ?? []).toEqual([]);
    expect(composed.supergraphSdl).toContain('type Study');
  });

  it('shows a study stored in Orthanc on page 1 after the next poll, and drops it after a re-check once deleted', async () => {
    const today = new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/London' }).replaceAll('-', '');
    const made = syntheticStudy({
      patientId: 'MRN9999', patientName: 'NEW^ARRIVAL', birthDate: '19900101', sex: 'F', accessionNumber: 'ACCNEW1',
      studyDate: today, studyTime: '000100', description: 'CT new',
      series: [{ modality: 'CT', number: 1, description: 'series 1', bodyPart: 'CHEST', instances: 1 }],
    });
    await orthanc.upload(made.files);
    const first = async () => (await gql<{ studies: { edges: Array<{ node: { accessionNumber: string } }> } }>(url, '{ studies(first: 1) { edges { node { accessionNumber } } } }')).data!.studies.edges[0]?.node.accessionNumber;
    for (let i = 0; i < 100 && (await first()) !== 'ACCNEW1'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await first()).toBe('ACCNEW1');

    const lookup = (await (await fetch(`${orthanc.url}/tools/lookup`, { method: 'POST', body: made.studyInstanceUid })).json()) as Array<{ ID: string; Type: string }>;
    const id = lookup.find((x) => x.Type === 'Study')!.ID;
    expect((await fetch(`${orthanc.url}/studies/${id}`, { method: 'DELETE' })).status).toBe(200);
    for (let i = 0; i < 100 && (await first()) === 'ACCNEW1'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await first()).toBe(expectedOrder(truth)[0]);
  });

  it('answers pages from the study index when the PACS is down; PACS_UNAVAILABLE only on live PACS fields', async () => {
    await orthanc.stop();
    // No PACS field selected: the page comes from the index, with no error at all.
    const res = await gql<{ studies: { edges: Array<{ node: { accessionNumber: string; imageCount: number } }> } }>(url, '{ studies(first: 25) { edges { node { accessionNumber imageCount } } } }');
    expect(res.errors).toBeUndefined();
    expect(res.data!.studies.edges.map((e) => e.node.accessionNumber)).toEqual(expectedOrder(truth));
    for (const { node } of res.data!.studies.edges) expect(node.imageCount).toBe(truth.find((t) => t.accession === node.accessionNumber)!.instances);
    // Series need the live PACS: the rows stand, series are empty, and the error says why.
    const live = await gql<{ studies: { edges: Array<{ node: { accessionNumber: string; series: unknown[] } }> } }>(url, '{ studies(first: 5) { edges { node { accessionNumber series { seriesInstanceUid } } } } }');
    expect(live.data!.studies.edges).toHaveLength(5);
    expect(live.errors?.map((e) => e.extensions?.['code'])).toContain('PACS_UNAVAILABLE');
    expect(JSON.stringify(live.errors)).not.toMatch(/127\.0\.0\.1/);
    const health = await fetch(url.replace('/graphql', '/healthz'));
    expect(health.status).toBe(200);
  });
});
