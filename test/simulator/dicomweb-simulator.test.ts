import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDicomwebSimulator, type DicomwebSimulator } from '../../simulator/dicomweb-simulator.ts';
import type { SimSeries, SimStudy } from '../../simulator/sim-study.ts';

function series(uid: string, n: number, modality: string, count: number): SimSeries {
  return { seriesInstanceUid: uid, seriesNumber: n, modality, seriesDescription: `S${n}`, bodyPartExamined: 'CHEST', sopClassUid: '1.2.840.10008.5.1.4.1.1.2', instanceCount: count };
}
function study(uid: string, acc: string, date: string, name: string, pid: string, s: SimSeries[]): SimStudy {
  return {
    trust: 'RXA', studyInstanceUid: uid, accessionNumber: acc, patientId: pid, issuerOfPatientId: 'RXA', nhsNumber: '9990000018',
    patientName: name, patientBirthDate: '19600101', patientSex: 'F', studyDate: date, studyTime: '101500', timezoneOffsetFromUtc: '+0000',
    performedAt: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}T10:15:00+00:00`, studyDescription: `Study ${acc}`,
    studyId: acc, referringPhysicianName: 'Ref^Doc', institutionName: 'Sim', series: s,
  };
}
const STUDIES: SimStudy[] = [
  study('1.2.1', 'ACC1', '20260301', "O'Brien^Siân", 'P1', [series('1.2.1.1', 1, 'CT', 3), series('1.2.1.2', 2, 'CT', 2)]),
  study('1.2.2', 'ACC2', '20260305', 'Smith^John', 'P2', [series('1.2.2.1', 1, 'CT', 1), series('1.2.2.2', 2, 'PT', 2)]),
  study('1.2.3', 'ACC3', '20260310', 'Smithson^Ann', 'P1', [series('1.2.3.1', 1, 'MR', 4)]),
];

let sim: DicomwebSimulator;
beforeAll(async () => {
  sim = await startDicomwebSimulator({ port: 0, studies: () => STUDIES });
});
afterAll(async () => {
  await sim.close();
});

type Obj = Record<string, { vr: string; Value?: unknown[] }>;
async function qido(path: string): Promise<Obj[]> {
  const res = await fetch(`${sim.url}${path}`, { headers: { Accept: 'application/dicom+json' } });
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/dicom+json');
  return (await res.json()) as Obj[];
}
const uids = (rows: Obj[], tag = '0020000D') => rows.map((r) => r[tag]!.Value![0]);

describe('DICOMweb simulator over HTTP (PS3.18)', () => {
  it('binds loopback, names itself a simulator, and sends CORS headers', async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dicom-web$/);
    const res = await fetch(`${sim.url}/studies`, { headers: { Origin: 'http://viewer.example' } });
    expect(res.headers.get('server')).toBe('imaging-network-pacs-simulator');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const pre = await fetch(`${sim.url}/studies`, { method: 'OPTIONS' });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toContain('GET');
    const home = await fetch(sim.url.replace('/dicom-web', '/'));
    expect(await home.text()).toMatch(/simulator/i);
  });

  it('returns study attributes in DICOM JSON (PN as Alphabetic, IS as numbers, ModalitiesInStudy)', async () => {
    const [s] = await qido('/studies?AccessionNumber=ACC2');
    expect(s!['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Smith^John' }] });
    expect(s!['00080061']).toEqual({ vr: 'CS', Value: ['CT', 'PT'] });
    expect(s!['00201208']).toEqual({ vr: 'IS', Value: [3] });
    expect(s!['00081030']!.Value).toEqual(['Study ACC2']);
    expect(s!['00081190']!.Value![0]).toBe(`${sim.url}/studies/1.2.2`);
    expect(s!['00080080']).toBeUndefined();
    const [withInst] = await qido('/studies?AccessionNumber=ACC2&includefield=00080080');
    expect(withInst!['00080080']!.Value).toEqual(['Sim']);
  });

  it('matches single values, UID lists, wildcards (PN case-insensitive) and ModalitiesInStudy', async () => {
    expect(uids(await qido('/studies?PatientID=P1'))).toEqual(['1.2.1', '1.2.3']);
    expect(uids(await qido('/studies?StudyInstanceUID=1.2.3,1.2.1,9.9'))).toEqual(['1.2.1', '1.2.3']);
    expect(uids(await qido('/studies?PatientName=smith*'))).toEqual(['1.2.2', '1.2.3']);
    expect(uids(await qido('/studies?PatientName=SMITH^JOHN'))).toEqual(['1.2.2']);
    expect(uids(await qido(`/studies?PatientName=${encodeURIComponent("O'Brien^Si?n")}`))).toEqual(['1.2.1']);
    expect(uids(await qido('/studies?AccessionNumber=acc1'))).toEqual([]); // case-sensitive outside PN
    expect(uids(await qido('/studies?AccessionNumber=ACC?'))).toEqual(['1.2.1', '1.2.2', '1.2.3']);
    expect(uids(await qido('/studies?ModalitiesInStudy=PT'))).toEqual(['1.2.2']);
    expect(uids(await qido('/studies?ModalitiesInStudy=MR,PT'))).toEqual(['1.2.2', '1.2.3']);
    expect(uids(await qido('/studies?00100020=P2'))).toEqual(['1.2.2']);
    expect(uids(await qido('/studies?NotAnAttribute=1&fuzzymatching=true'))).toHaveLength(3); // ignored
  });

  it('matches date ranges d1-d2, -d2, d1- and single dates', async () => {
    expect(uids(await qido('/studies?StudyDate=20260302-20260310'))).toEqual(['1.2.2', '1.2.3']);
    expect(uids(await qido('/studies?StudyDate=-20260305'))).toEqual(['1.2.1', '1.2.2']);
    expect(uids(await qido('/studies?StudyDate=20260306-'))).toEqual(['1.2.3']);
    expect(uids(await qido('/studies?StudyDate=20260301'))).toEqual(['1.2.1']);
  });

  it('answers 400 with a message for an invalid date or range, and for a bad limit', async () => {
    for (const q of ['StudyDate=2026-03-01', 'StudyDate=20260310-20260301', 'StudyDate=20261301', 'StudyDate=-', 'limit=-1', 'offset=x']) {
      const res = await fetch(`${sim.url}/studies?${q}`);
      expect(res.status, q).toBe(400);
      expect(await res.text()).toMatch(/StudyDate|limit|offset/);
    }
  });

  it('pages with limit and offset, without skipping or repeating', async () => {
    const all = uids(await qido('/studies'));
    const pages = [...uids(await qido('/studies?limit=2')), ...uids(await qido('/studies?limit=2&offset=2'))];
    expect(pages).toEqual(all);
    expect(await qido('/studies?offset=10')).toEqual([]); // empty result: 200 [] as Orthanc answers
  });

  it('lists series of a study and series of several studies by UID list', async () => {
    const s = await qido('/studies/1.2.1/series');
    expect(uids(s, '0020000E')).toEqual(['1.2.1.1', '1.2.1.2']);
    expect(s[0]!['00180015']!.Value).toEqual(['CHEST']);
    expect(s[0]!['00201209']!.Value).toEqual([3]);
    const many = await qido('/series?StudyInstanceUID=1.2.1,1.2.2&Modality=CT');
    expect(uids(many, '0020000E')).toEqual(['1.2.1.1', '1.2.1.2', '1.2.2.1']);
    expect(uids(many)).toEqual(['1.2.1', '1.2.1', '1.2.2']);
  });

  it('lists instances of a series', async () => {
    const inst = await qido('/studies/1.2.1/series/1.2.1.1/instances');
    expect(uids(inst, '00080018')).toEqual(['1.2.1.1.1', '1.2.1.1.2', '1.2.1.1.3']);
    expect(inst.map((i) => i['00200013']!.Value![0])).toEqual([1, 2, 3]);
  });

  it('serves WADO-RS metadata at study and series level, 404 for an unknown study', async () => {
    const meta = await qido('/studies/1.2.2/metadata');
    expect(meta).toHaveLength(3);
    expect(meta[0]!['00100010']!.Value).toEqual([{ Alphabetic: 'Smith^John' }]);
    expect(meta[0]!['00101002']!.Value).toEqual([
      { '00100020': { vr: 'LO', Value: ['9990000018'] }, '00100021': { vr: 'LO', Value: ['NHS'] }, '00100022': { vr: 'CS', Value: ['TEXT'] } },
    ]);
    const series = await qido('/studies/1.2.2/series/1.2.2.2/metadata');
    expect(series.map((i) => i['00080060']!.Value![0])).toEqual(['PT', 'PT']);
    expect((await fetch(`${sim.url}/studies/9.9.9/metadata`)).status).toBe(404);
  });

  it('sees studies added after start (the live feed)', async () => {
    const extra: SimStudy[] = [...STUDIES];
    const live = await startDicomwebSimulator({ port: 0, studies: () => extra });
    try {
      extra.push(study('1.2.4', 'ACC4', '20260311', 'New^Pat', 'P4', [series('1.2.4.1', 1, 'CR', 1)]));
      const res = await fetch(`${live.url}/studies?AccessionNumber=ACC4`);
      expect(((await res.json()) as unknown[]).length).toBe(1);
    } finally {
      await live.close();
    }
  });
});
