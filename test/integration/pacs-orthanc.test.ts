/**
 * Real peer: Orthanc 1.10 with the DICOMweb plugin (test/helpers/orthanc.ts), loaded with
 * synthetic studies written by dcmtk (test/helpers/dicom-fixtures.ts). Proves the QIDO-RS query
 * strings, DICOM JSON mapping, batching and failure handling against a server, not a mock.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DicomWebClient, PacsUnavailableError, type DicomWebClientOptions } from '../../subgraphs/trust/pacs/dicomweb-client.ts';
import { createPacsLoaders } from '../../subgraphs/trust/pacs/pacs-loaders.ts';
import { encodeMatchValue } from '../../subgraphs/trust/pacs/qido-query.ts';
import { syntheticStudy, type SyntheticStudySpec } from '../helpers/dicom-fixtures.ts';
import { skipWithoutOrthanc, startOrthanc, type RunningOrthanc } from '../helpers/orthanc.ts';

const skip = skipWithoutOrthanc();

interface Fixture {
  spec: SyntheticStudySpec;
  uid: string;
  seriesUids: string[];
}

const BASE: Record<string, SyntheticStudySpec> = {
  ctHead: {
    patientId: '9990000018', patientName: "O'BRIEN^Zoë^Ann^Dr", birthDate: '19700101', sex: 'F',
    issuerOfPatientId: 'NHS', accessionNumber: 'RXA0001', studyDate: '20260115', studyTime: '093000', description: 'CT Head',
    series: [
      { modality: 'CT', number: 2, description: 'Coronal', bodyPart: 'HEAD', instances: 1 },
      { modality: 'CT', number: 1, description: 'Axial', bodyPart: 'HEAD', instances: 2 },
    ],
  },
  // 01:30 on 2026-03-29 does not exist in London (clocks go 01:00 GMT → 02:00 BST).
  springForward: {
    patientId: '9990000018', patientName: "O'BRIEN^Zoë^Ann^Dr", accessionNumber: 'RXA0002', studyDate: '20260329', studyTime: '013000',
    series: [{ modality: 'MR', instances: 1 }],
  },
  beforeSpringForward: {
    patientId: '9990000042', patientName: 'TEST^EARLY', accessionNumber: 'RXA0006', studyDate: '20260329', studyTime: '003000',
    series: [{ modality: 'MR', instances: 1 }],
  },
  // 01:30 on 2026-10-25 happens twice (BST then GMT): the earlier, +01:00, is chosen.
  fallBack: {
    patientId: '9990000026', patientName: 'SMITH^JANE', accessionNumber: "A&B #1%+,'x", studyDate: '20261025', studyTime: '013000',
    series: [{ modality: 'US', instances: 1 }],
  },
  // Matches the wildcard pattern the tricky accession above is sent as; must be filtered out.
  decoyAccession: {
    patientId: '9990000026', patientName: 'SMITH^JANE', accessionNumber: 'AXBX#1%+,Yx', studyDate: '20261025', studyTime: '020000',
    series: [{ modality: 'US', instances: 1 }],
  },
  offsetGiven: {
    patientId: 'MRN 77/X', patientName: 'JONES^TOM', accessionNumber: 'RXA0004', studyDate: '20260701', studyTime: '120000',
    timezoneOffset: '-0500', series: [{ modality: 'CR', instances: 1 }],
  },
  decoyPatient: {
    patientId: 'MRN-77/X', patientName: 'JONES^TIM', accessionNumber: 'RXA0005', studyDate: '20251231',
    series: [{ modality: 'DX', instances: 1 }],
  },
  punctuation: {
    patientId: '9990000050', patientName: 'TEST^PUNCT', accessionNumber: 'Q-1._~!$():@/;=', studyDate: '20260201', studyTime: '101010.5',
    series: [{ modality: 'MR', number: 1, instances: 1 }, { modality: 'CT', number: 2, instances: 1 }],
  },
};

/** 20 studies of one patient in 2024, two series each: the batching tests. */
const BULK: SyntheticStudySpec[] = Array.from({ length: 20 }, (_, i) => ({
  patientId: '9990000034', patientName: 'BULK^PATIENT', accessionNumber: `BULK${String(i).padStart(3, '0')}`,
  studyDate: `202406${String(i + 1).padStart(2, '0')}`, studyTime: '120000',
  series: [
    { modality: i % 2 === 0 ? 'CT' : 'MR', number: 1, description: 'First', bodyPart: 'CHEST', instances: 1 },
    { modality: i % 2 === 0 ? 'CT' : 'MR', number: 2, description: 'Second', bodyPart: 'ABDOMEN', instances: 1 },
  ],
}));

describe.skipIf(skip)('DicomWebClient against Orthanc', () => {
  let orthanc: RunningOrthanc;
  const base: Record<string, Fixture> = {};
  const bulk: Fixture[] = [];
  const all: Fixture[] = [];
  let client: DicomWebClient;
  const newClient = (extra: Partial<DicomWebClientOptions> = {}) => new DicomWebClient({ baseUrl: orthanc.dicomweb, ...extra });
  const uidsOf = (studies: { studyInstanceUid: string }[]) => studies.map((s) => s.studyInstanceUid).sort();
  const expected = (pred: (s: SyntheticStudySpec) => boolean) => all.filter((f) => pred(f.spec)).map((f) => f.uid).sort();

  beforeAll(async () => {
    orthanc = await startOrthanc();
    const files: Buffer[] = [];
    for (const [name, spec] of Object.entries(BASE)) {
      const s = syntheticStudy(spec);
      base[name] = { spec, uid: s.studyInstanceUid, seriesUids: s.seriesInstanceUids };
      files.push(...s.files);
    }
    for (const spec of BULK) {
      const s = syntheticStudy(spec);
      bulk.push({ spec, uid: s.studyInstanceUid, seriesUids: s.seriesInstanceUids });
      files.push(...s.files);
    }
    all.push(...Object.values(base), ...bulk);
    await orthanc.upload(files);
    client = newClient();
  });
  afterAll(async () => {
    await orthanc?.stop();
  });

  it('finds a study by accession number and maps every field, PN groups included', async () => {
    const before = client.requestCount;
    const studies = await client.searchStudies({ accessionNumber: 'RXA0001' });
    expect(client.requestCount - before).toBe(1);
    expect(studies).toEqual([{
      studyInstanceUid: base['ctHead']!.uid,
      accessionNumber: 'RXA0001',
      patientId: '9990000018',
      issuerOfPatientId: 'NHS',
      patientName: { family: "O'BRIEN", given: ['Zoë', 'Ann'] },
      birthDate: '1970-01-01',
      sex: 'FEMALE',
      modalities: ['CT'],
      description: 'CT Head',
      performedAt: '2026-01-15T09:30:00+00:00',
      imageCount: 3,
      seriesCount: 2,
    }]);
  });

  it('matches an accession number holding & # % + , \' exactly (wildcards on the wire, exact filter after)', async () => {
    expect(encodeMatchValue("A&B #1%+,'x").exact).toBe(false);
    const studies = await client.searchStudies({ accessionNumber: "A&B #1%+,'x" });
    expect(uidsOf(studies)).toEqual([base['fallBack']!.uid]);
  });

  it('sends URL-safe punctuation raw and Orthanc matches it exactly', async () => {
    expect(encodeMatchValue('Q-1._~!$():@/;=').exact).toBe(true);
    const studies = await client.searchStudies({ accessionNumber: 'Q-1._~!$():@/;=' });
    expect(uidsOf(studies)).toEqual([base['punctuation']!.uid]);
    expect(studies[0]!.modalities.sort()).toEqual(['CT', 'MR']);
    expect(studies[0]!.performedAt).toBe('2026-02-01T10:10:10.500+00:00');
  });

  it('filters by patient id, including one with a space (decoy excluded)', async () => {
    expect(uidsOf(await client.searchStudies({ patientId: '9990000018' }))).toEqual(expected((s) => s.patientId === '9990000018'));
    expect(uidsOf(await client.searchStudies({ patientId: 'MRN 77/X' }))).toEqual([base['offsetGiven']!.uid]);
  });

  it('matches a PN pattern with ^ and an apostrophe', async () => {
    const studies = await client.searchStudies({ patientName: "O'BRIEN^Zo*" });
    expect(uidsOf(studies)).toEqual(expected((s) => s.patientName.startsWith("O'BRIEN^")));
    expect(uidsOf(await client.searchStudies({ patientName: 'JONES^T?M' }))).toEqual([base['offsetGiven']!.uid, base['decoyPatient']!.uid].sort());
  });

  it('filters by one modality, and by several in one list-matching request', async () => {
    expect(uidsOf(await client.searchStudies({ modalities: ['US'] }))).toEqual(expected((s) => s.series.some((x) => x.modality === 'US')));
    const before = client.requestCount;
    const both = await client.searchStudies({ modalities: ['US', 'CR'] });
    expect(client.requestCount - before).toBe(1);
    expect(uidsOf(both)).toEqual(expected((s) => s.series.some((x) => x.modality === 'US' || x.modality === 'CR')));
  });

  it('gives the same answer with one request per modality', async () => {
    const separate = newClient({ modalityMatching: 'separate' });
    const studies = await separate.searchStudies({ modalities: ['US', 'CR'] });
    expect(separate.requestCount).toBe(2);
    expect(uidsOf(studies)).toEqual(expected((s) => s.series.some((x) => x.modality === 'US' || x.modality === 'CR')));
  });

  it('filters by closed, open-start, open-end and single-day date ranges', async () => {
    const day = (s: SyntheticStudySpec) => s.studyDate;
    expect(uidsOf(await client.searchStudies({ dateFrom: '2026-03-29', dateTo: '2026-10-25' })))
      .toEqual(expected((s) => day(s) >= '20260329' && day(s) <= '20261025'));
    expect(uidsOf(await client.searchStudies({ dateTo: '2026-01-15' }))).toEqual(expected((s) => day(s) <= '20260115'));
    expect(uidsOf(await client.searchStudies({ dateFrom: '2026-07-01' }))).toEqual(expected((s) => day(s) >= '20260701'));
    expect(uidsOf(await client.searchStudies({ dateFrom: '2026-03-29', dateTo: '2026-03-29' })))
      .toEqual(expected((s) => day(s) === '20260329'));
    // Conditions combine: a date window and a modality.
    expect(uidsOf(await client.searchStudies({ dateFrom: '2026-01-01', modalities: ['MR'] })))
      .toEqual(expected((s) => day(s) >= '20260101' && s.series.some((x) => x.modality === 'MR')));
  });

  it('reads study times across both 2026 BST changes and honours TimezoneOffsetFromUTC', async () => {
    const loaders = createPacsLoaders(client);
    const before = client.requestCount;
    const names = ['springForward', 'beforeSpringForward', 'fallBack', 'offsetGiven', 'decoyPatient'] as const;
    const studies = await Promise.all(names.map((n) => loaders.studyByUid.load(base[n]!.uid)));
    expect(client.requestCount - before).toBe(1);
    expect(studies.map((s) => s?.performedAt)).toEqual([
      '2026-03-29T02:30:00+01:00',
      '2026-03-29T00:30:00+00:00',
      '2026-10-25T01:30:00+01:00',
      '2026-07-01T12:00:00-05:00',
      '2025-12-31T00:00:00+00:00',
    ]);
    expect(await loaders.studyByUid.load('2.25.1')).toBeNull();
  });

  it('searches the series of 20 studies in ONE request by UID list matching', async () => {
    const uids = bulk.map((b) => b.uid);
    const before = client.requestCount;
    const series = await client.searchSeries(uids);
    expect(client.requestCount - before).toBe(1);
    expect(series).toHaveLength(40);
    expect(series.map((s) => s.seriesInstanceUid).sort()).toEqual(bulk.flatMap((b) => b.seriesUids).sort());
    const first = series.find((s) => s.seriesInstanceUid === bulk[0]!.seriesUids[0])!;
    expect(first).toEqual({
      studyInstanceUid: bulk[0]!.uid, seriesInstanceUid: bulk[0]!.seriesUids[0], modality: 'CT',
      number: 1, description: 'First', bodyPart: 'CHEST', instanceCount: 1,
    });
  });

  it('batches seriesByStudy loads of a page into one request, grouped and ordered per study', async () => {
    const loaders = createPacsLoaders(client);
    const before = client.requestCount;
    const uids = [...bulk.map((b) => b.uid), base['ctHead']!.uid, '2.25.42'];
    const perStudy = await Promise.all(uids.map((u) => loaders.seriesByStudy.load(u)));
    expect(client.requestCount - before).toBe(1);
    expect(perStudy.slice(0, 20).every((s) => s.length === 2)).toBe(true);
    expect(perStudy[20]!.map((s) => [s.number, s.description, s.instanceCount])).toEqual([[1, 'Axial', 2], [2, 'Coronal', 1]]);
    expect(perStudy[21]).toEqual([]);
  });

  it('pages with limit/offset under maxResults', async () => {
    const paged = newClient({ pageSize: 7 });
    const studies = await paged.searchStudies({ patientId: '9990000034' });
    expect(uidsOf(studies)).toEqual(bulk.map((b) => b.uid).sort());
    expect(paged.requestCount).toBe(3); // 7 + 7 + 6
    const capped = newClient({ pageSize: 7, maxResults: 10 });
    expect(await capped.searchStudies({ patientId: '9990000034' })).toHaveLength(10);
    expect(capped.requestCount).toBe(2);
  });

  it('answers ping', async () => {
    expect(await client.ping()).toBe(true);
  });
});

describe.skipIf(skip)('DicomWebClient against Orthanc with basic auth', () => {
  let orthanc: RunningOrthanc;
  const auth = { username: 'pacs', password: 'S3cret-pw' };

  beforeAll(async () => {
    orthanc = await startOrthanc({ auth });
    const s = syntheticStudy({ patientId: '9990000107', patientName: 'AUTH^TEST', accessionNumber: 'AUTH1', studyDate: '20260301', series: [{ modality: 'CT', instances: 1 }] });
    await orthanc.upload(s.files);
  });
  afterAll(async () => {
    await orthanc?.stop();
  });

  it('works with the right credentials, given as options or in the URL', async () => {
    const client = new DicomWebClient({ baseUrl: orthanc.dicomweb, auth: { type: 'basic', ...auth } });
    expect((await client.searchStudies({ accessionNumber: 'AUTH1' })).map((s) => s.patientId)).toEqual(['9990000107']);
    const inUrl = new DicomWebClient({ baseUrl: orthanc.dicomweb.replace('http://', `http://${auth.username}:${auth.password}@`) });
    expect(await inUrl.searchStudies({ accessionNumber: 'AUTH1' })).toHaveLength(1);
    expect(inUrl.root).not.toContain(auth.password);
  });

  it('wrong or missing credentials give PacsUnavailableError(unauthorized) without leaking them', async () => {
    const wrong = new DicomWebClient({ baseUrl: orthanc.dicomweb.replace('http://', 'http://pacs:wrong-pw@') });
    const err = await wrong.searchStudies({ accessionNumber: 'AUTH1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PacsUnavailableError);
    expect(err).toMatchObject({ code: 'PACS_UNAVAILABLE', reason: 'unauthorized', status: 401 });
    expect((err as Error).message).not.toContain('wrong-pw');
    const none = new DicomWebClient({ baseUrl: orthanc.dicomweb });
    await expect(none.searchStudies({})).rejects.toMatchObject({ reason: 'unauthorized' });
    expect(await none.ping()).toBe(false);
  });
});

describe.skipIf(skip)('DicomWebClient when the PACS is down or broken', () => {
  let garbage: Server;
  let garbageUrl: string;

  beforeAll(async () => {
    garbage = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/dicom+json' });
      res.end('not json');
    });
    await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r));
    garbageUrl = `http://127.0.0.1:${(garbage.address() as AddressInfo).port}/dicom-web`;
  });
  afterAll(async () => {
    await new Promise((r) => garbage.close(r));
  });

  it('Orthanc stopped → PacsUnavailableError(unreachable)', async () => {
    const orthanc = await startOrthanc();
    const client = new DicomWebClient({ baseUrl: orthanc.dicomweb });
    expect(await client.ping()).toBe(true);
    await orthanc.stop();
    const err = await client.searchStudies({ patientId: '9990000018' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PacsUnavailableError);
    expect(err).toMatchObject({ code: 'PACS_UNAVAILABLE', reason: 'unreachable' });
    expect(await client.ping()).toBe(false);
  });

  it('a server answering "not json" → PacsUnavailableError(not-json)', async () => {
    const client = new DicomWebClient({ baseUrl: garbageUrl });
    await expect(client.searchStudies({})).rejects.toMatchObject({ code: 'PACS_UNAVAILABLE', reason: 'not-json' });
    await expect(client.searchSeries(['2.25.1'])).rejects.toBeInstanceOf(PacsUnavailableError);
  });
});
