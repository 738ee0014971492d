import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeStudyId } from '../../../../schema/study-id.ts';
import type { PacsStudy } from '../../../../subgraphs/trust/pacs/study-mapping.ts';
import { indexedStudyPage } from '../../../../subgraphs/trust/study-page.ts';
import type { StudyView } from '../../../../subgraphs/trust/study-view.ts';
import { omi, orm, oru } from '../../../fixtures/ris/hl7-fixtures.ts';
import { openClinicalHarness, type ClinicalHarness } from '../clinical-harness.ts';

/** A QIDO-RS study row as the PACS would return it (the PACS side of the join is data here). */
function pacsStudy(uid: string, accession: string | null, performedAt: string | null): PacsStudy {
  return {
    studyInstanceUid: uid,
    accessionNumber: accession,
    patientId: 'M1',
    issuerOfPatientId: null,
    patientName: null,
    birthDate: null,
    sex: null,
    modalities: ['CT'],
    description: null,
    performedAt,
    imageCount: 10,
    seriesCount: 1,
  };
}

let h: ClinicalHarness;

/** The PACS studies as the QIDO-RS sync stores them, then every study of the trust's index. */
function studiesWith(pacs: PacsStudy[]): StudyView[] {
  h.store.upsertPacsStudies(pacs.map((study) => ({ study, studyDate: (study.performedAt ?? '').slice(0, 10).replace(/-/g, '') })));
  return indexedStudyPage('RXA', h.store, {}, 50, undefined).edges.map((e) => e.node);
}
beforeEach(() => {
  h = openClinicalHarness();
});
afterEach(() => h.close());

describe('one accession, several PACS studies', () => {
  it('one accession with two PACS studies gives two studies with distinct ids, both joined to the order', async () => {
    await h.send(orm({ controlId: 'O1', patient: { mrn: 'M1' }, accession: 'A1', modality: 'CT' }));
    await h.send(oru({ controlId: 'R1', patient: { mrn: 'M1' }, accession: 'A1', status: 'F' }));
    // The re-scan (later) is listed first by the PACS: the original keeps the accession id anyway.
    const rescan = pacsStudy('1.2.826.0.1.3680043.2.2', 'A1', '2025-01-15T11:00:00+00:00');
    const original = pacsStudy('1.2.826.0.1.3680043.2.9', 'A1', '2025-01-15T10:00:00+00:00');
    const studies = studiesWith([rescan, original]);
    expect(studies).toHaveLength(2);
    const ids = studies.map((s) => s.id);
    expect(new Set(ids).size).toBe(2);
    const byUid = new Map(studies.map((s) => [s.studyInstanceUid, s]));
    expect(decodeStudyId(byUid.get(original.studyInstanceUid)!.id)).toEqual({ trust: 'RXA', kind: 'accession', value: 'A1' });
    expect(decodeStudyId(byUid.get(rescan.studyInstanceUid)!.id)).toEqual({ trust: 'RXA', kind: 'uid', value: rescan.studyInstanceUid });
    for (const s of studies) expect(s.order?.status).toBe('FINAL');
    // Each is found again by its own id (study(id) reads the index by id).
    for (const s of studies) expect(indexedStudyPage('RXA', h.store, { accessionNumber: 'A1' }, 10, undefined).edges.map((e) => e.node.id)).toContain(s.id);
  });

  it('the re-scan arriving first and the original later: the original takes the accession id, no row is lost', async () => {
    await h.send(orm({ controlId: 'O1', patient: { mrn: 'M1' }, accession: 'A3', modality: 'CT' }));
    const rescan = pacsStudy('1.2.826.0.1.3680043.2.32', 'A3', '2025-01-15T11:00:00+00:00');
    const original = pacsStudy('1.2.826.0.1.3680043.2.31', 'A3', '2025-01-15T10:00:00+00:00');
    expect(studiesWith([rescan]).map((s) => decodeStudyId(s.id)?.kind)).toEqual(['accession']);
    const both = studiesWith([original]);
    expect(both).toHaveLength(2);
    expect(both.find((s) => s.studyInstanceUid === original.studyInstanceUid)!.id).toBe(both.find((s) => decodeStudyId(s.id)?.kind === 'accession')!.id);
  });

  it('the study the order named (OMI IPC-3) is the primary one', async () => {
    const named = '1.2.826.0.1.3680043.2.50';
    await h.send(omi({ controlId: 'O1', patient: { mrn: 'M1' }, ipcs: [{ accession: 'A2', uid: named }] }));
    const other = pacsStudy('1.2.826.0.1.3680043.2.10', 'A2', '2025-01-15T09:00:00+00:00');
    const studies = studiesWith([other, pacsStudy(named, 'A2', '2025-01-15T12:00:00+00:00')]);
    const primary = studies.find((s) => decodeStudyId(s.id)?.kind === 'accession');
    expect(primary?.studyInstanceUid).toBe(named);
    expect(studies).toHaveLength(2);
  });

  it('two PACS-only studies of one accession both appear', async () => {
    const a = pacsStudy('1.2.826.0.1.3680043.2.20', 'P1', '2025-01-10T10:00:00+00:00');
    const b = pacsStudy('1.2.826.0.1.3680043.2.21', 'P1', '2025-01-11T10:00:00+00:00');
    const studies = studiesWith([b, a]);
    expect(studies.map((s) => s.studyInstanceUid).sort()).toEqual([a.studyInstanceUid, b.studyInstanceUid]);
    expect(new Set(studies.map((s) => s.id)).size).toBe(2);
  });
});
