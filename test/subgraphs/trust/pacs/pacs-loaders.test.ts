import { describe, expect, it } from 'vitest';
import { createPacsLoaders } from '../../../../subgraphs/trust/pacs/pacs-loaders.ts';
import { PacsUnavailableError, type StudySearch } from '../../../../subgraphs/trust/pacs/dicomweb-client.ts';
import type { PacsSeries, PacsStudy } from '../../../../subgraphs/trust/pacs/study-mapping.ts';

const s = (study: string, uid: string, number: number | null): PacsSeries =>
  ({ studyInstanceUid: study, seriesInstanceUid: uid, modality: 'CT', number, description: null, bodyPart: null, instanceCount: 1 });
const st = (uid: string): PacsStudy => ({
  studyInstanceUid: uid, accessionNumber: null, patientId: null, issuerOfPatientId: null, patientName: null, birthDate: null,
  sex: null, modalities: [], description: null, performedAt: null, imageCount: null, seriesCount: null,
});

function fakeClient(fail = false) {
  const calls = { series: [] as string[][], studies: [] as StudySearch[] };
  return {
    calls,
    async searchSeries(uids: readonly string[]) {
      calls.series.push([...uids]);
      if (fail) throw new PacsUnavailableError('timeout', 'PACS late');
      return [s('1.1', '1.1.3', null), s('1.1', '1.1.2', 2), s('1.2', '1.2.1', 1), s('1.1', '1.1.1', 1), s('9.9', '9.9.1', 1)];
    },
    async searchStudies(query: StudySearch) {
      calls.studies.push(query);
      if (fail) throw new PacsUnavailableError('unreachable', 'PACS down');
      return [st('1.2'), st('1.1')];
    },
  };
}

describe('createPacsLoaders', () => {
  it('batches the series of every study loaded in one tick into one searchSeries call', async () => {
    const client = fakeClient();
    const { seriesByStudy } = createPacsLoaders(client);
    const [a, b, c] = await Promise.all(['1.1', '1.2', '1.3'].map((u) => seriesByStudy.load(u)));
    expect(client.calls.series).toEqual([['1.1', '1.2', '1.3']]);
    expect(a!.map((x) => x.seriesInstanceUid)).toEqual(['1.1.1', '1.1.2', '1.1.3']); // by number, unnumbered last
    expect(b!.map((x) => x.seriesInstanceUid)).toEqual(['1.2.1']);
    expect(c).toEqual([]);
  });

  it('batches study lookups into one UID-list search, null for unknown studies', async () => {
    const client = fakeClient();
    const { studyByUid } = createPacsLoaders(client);
    const found = await Promise.all(['1.1', '1.3', '1.2'].map((u) => studyByUid.load(u)));
    expect(client.calls.studies).toEqual([{ studyInstanceUids: ['1.1', '1.3', '1.2'] }]);
    expect(found.map((x) => x?.studyInstanceUid ?? null)).toEqual(['1.1', null, '1.2']);
    await studyByUid.load('1.1');
    expect(client.calls.studies).toHaveLength(1); // cached for the request
  });

  it('rejects every key of a failed batch with the PacsUnavailableError', async () => {
    const { seriesByStudy, studyByUid } = createPacsLoaders(fakeClient(true));
    const results = await Promise.allSettled([seriesByStudy.load('1.1'), seriesByStudy.load('1.2'), studyByUid.load('1.1')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(results.map((r) => (r as PromiseRejectedResult).reason.reason)).toEqual(['timeout', 'timeout', 'unreachable']);
  });
});
