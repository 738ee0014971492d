import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toStudyQuery } from '../../../../../subgraphs/trust/study-query.ts';
import { adt, orm } from '../../../../fixtures/ris/hl7-fixtures.ts';
import { openClinicalHarness, type ClinicalHarness } from '../../clinical-harness.ts';

let h: ClinicalHarness;
beforeEach(() => {
  h = openClinicalHarness();
});
afterEach(() => h.close());

describe('placeholder NHS numbers never link records', () => {
  it('placeholder NHS number in PID-3 is dropped with a warning and never links two patients', async () => {
    // 0000000000 passes Modulus 11 (sum 0, check digit 0): only the placeholder rule refuses it.
    const first = await h.send(adt('A04', 'P1', { mrn: 'M1', nhs: '0000000000', name: 'ONE^ANNE' }));
    expect(first.code).toBe('AA');
    expect(first.errors).toEqual([expect.objectContaining({ code: '102', severity: 'W', location: expect.stringContaining('PID') })]);
    expect(first.errors[0]!.text).toContain('placeholder');
    await h.send(adt('A04', 'P2', { mrn: 'M2', nhs: '0000000000', name: 'TWO^BEN' }));
    expect(h.store.patientByNhsNumber('0000000000')).toBeUndefined();
    expect(h.store.patientByMrn('M1')).toMatchObject({ nhsNumber: null, family: 'ONE' });
    expect(h.store.patientByMrn('M2')).toMatchObject({ nhsNumber: null, family: 'TWO' });
  });

  it('an order naming its patient only by a placeholder NHS number is refused (AE), not linked', async () => {
    const ack = await h.send(orm({ controlId: 'O1', patient: { mrn: '', pid3: '2222222222^^^NHS^NH' }, accession: 'A1' }));
    expect(ack.code).toBe('AE');
    expect(h.store.counts().orders).toBe(0);
  });

  it('a placeholder NHS number in a study filter is BAD_USER_INPUT', () => {
    expect(() => toStudyQuery({ nhsNumber: '1111111111' })).toThrow(/placeholder/);
    try {
      toStudyQuery({ nhsNumber: '1111111111' });
    } catch (err) {
      expect((err as { extensions?: { code?: string } }).extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('Scottish CHI and Northern Irish H&C numbers', () => {
  // A CHI number is 10 digits (DDMMYY + 4) with a Modulus 11 check digit: this one also passes the
  // NHS number check, which is exactly why the trust's word must decide.
  const CHI = '0101801238';

  it('CHI numbers at a trust whose PID carries CHI are kept as CHI and never matched as NHS numbers', async () => {
    h.close();
    h = openClinicalHarness({ apply: { nationalNumber: 'CHI' } });
    const ack = await h.send(adt('A04', 'C1', { mrn: 'S1', pid3: `S1^^^RXA^MR~${CHI}^^^NHS^NH` }));
    expect(ack.code).toBe('AA');
    expect(h.store.patientByNhsNumber(CHI)).toBeUndefined();
    const patient = h.store.patientByMrn('S1');
    expect(patient).toMatchObject({ nhsNumber: null, nationalIds: [{ type: 'CHI', value: CHI }] });
    // No study filter by that number finds the Scottish patient's orders.
    await h.send(orm({ controlId: 'O1', patient: { mrn: 'S1', pid3: `S1^^^RXA^MR~${CHI}^^^NHS^NH` }, accession: 'A1' }));
    expect(h.store.patientsByNhsNumber(CHI)).toEqual([]);
  });

  it('an identifier issued by CHI is a CHI number even at an English trust', async () => {
    await h.send(adt('A04', 'C2', { mrn: 'S2', pid3: `S2^^^RXA^MR~${CHI}^^^CHI^NH` }));
    expect(h.store.patientByNhsNumber(CHI)).toBeUndefined();
    expect(h.store.patientByMrn('S2')?.nationalIds).toEqual([{ type: 'CHI', value: CHI }]);
  });

  it('a DICOM PatientID without issuer is not an NHS number at a CHI trust', async () => {
    const { dicomNhsNumber } = await import('../../../../../subgraphs/trust/patient-view.ts');
    const study = { patientId: CHI, issuerOfPatientId: null } as Parameters<typeof dicomNhsNumber>[0];
    expect(dicomNhsNumber(study, 'CHI')).toBeNull();
    expect(dicomNhsNumber({ ...study, issuerOfPatientId: 'NHS' }, 'CHI')).toBe(CHI);
  });

  it('a PACS-only study whose bare PatientID is a CHI number is not found by that number as an NHS number at a CHI trust', async () => {
    const { openTrustStore } = await import('../../../../../subgraphs/trust/store/open-trust-store.ts');
    const { indexedStudyPage } = await import('../../../../../subgraphs/trust/study-page.ts');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'chi-index-'));
    const study = {
      studyInstanceUid: '1.2.826.0.1.3680043.8.1', accessionNumber: null, patientId: CHI, issuerOfPatientId: null, patientName: null,
      birthDate: null, sex: null, modalities: ['CT'], description: null, performedAt: '2026-03-01T10:00:00+00:00', imageCount: 1, seriesCount: 1,
    };
    try {
      // At an English trust a bare PatientID that passes Modulus 11 is the NHS number (the DICOM
      // rule); at a CHI trust it is not, and the filter must not link the study.
      for (const [nationalNumber, found] of [['NHS', 1], ['CHI', 0]] as const) {
        const store = openTrustStore(join(dir, `${nationalNumber}.db`), { nationalNumber });
        store.upsertPacsStudies([{ study, studyDate: '20260301' }]);
        expect(indexedStudyPage('RXA', store, {}, 10, undefined).edges).toHaveLength(1);
        expect(indexedStudyPage('RXA', store, { nhsNumber: CHI, nationalNumber }, 10, undefined).edges, nationalNumber).toHaveLength(found);
        store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
