/**
 * Clinical regression cases (issue 14): real HL7 through the real RIS ingest into a real SQLite
 * trust store, read back through the trust's resolvers. Expected values come from the messages
 * sent (the HL7 tables' meanings), never from the code under test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resolvers } from '../../../../../subgraphs/trust/resolvers.ts';
import { indexedStudyPage } from '../../../../../subgraphs/trust/study-page.ts';
import { joinStudy } from '../../../../../subgraphs/trust/study-view.ts';
import type { RisIngestOptions } from '../../../../../subgraphs/trust/ris/ris-ingest.ts';
import { message, msh, orm, oru, pid, seg, siu } from '../../../../fixtures/ris/hl7-fixtures.ts';
import { openClinicalHarness, type ClinicalHarness } from '../../clinical-harness.ts';

let h: ClinicalHarness;
const open = (opts: Partial<RisIngestOptions> = {}) => (h = openClinicalHarness(opts));
afterEach(() => h?.close());
const p = { mrn: 'M1' };
const orderOf = (acc: string) => h.store.ordersByAccession([acc]).get(acc);
const ctx = () => ({ ...h.context(), config: { code: 'RXA', name: 'Test trust' } }) as never;
const studyOf = (acc: string) => joinStudy('RXA', orderOf(acc), undefined);
const sc = (controlId: string, status: string, extra: Record<string, string> = {}) =>
  orm({ controlId, patient: p, accession: 'A1', control: 'SC', status, ...extra });

describe('item 4: a report for an order never seen', () => {
  it('ORU for an unknown order creates a visible study from the OBR, flagged orderMissing', async () => {
    open();
    const text = message(
      msh({ type: 'ORU^R01^ORU_R01', controlId: 'R1' }),
      pid({ mrn: 'M1', nhs: '9990000018' }),
      seg('PV1', { 1: '1', 2: 'E' }),
      seg('OBR', { 1: '1', 4: 'RCTHE^CT Head^NICIP', 6: '20250115080000', 7: '20250115093000', 18: 'LOST1', 22: '20250115110000', 24: 'CT', 25: 'F' }),
      seg('OBX', { 1: '1', 2: 'TX', 3: 'REP^Report', 5: 'No intracranial haemorrhage.', 11: 'F' }),
    );
    const ack = await h.send(text);
    expect(ack.code).toBe('AA');
    const studies = indexedStudyPage('RXA', h.store, {}, 20, undefined).edges.map((e) => e.node);
    expect(studies).toHaveLength(1);
    const study = studies[0]!;
    expect(study.accessionNumber).toBe('LOST1');
    expect(resolvers.Study.orderMissing(study)).toBe(true);
    expect(study.order).toMatchObject({
      status: 'FINAL', modality: 'CT', description: 'CT Head',
      requestedAt: '2025-01-15T08:00:00+00:00', performedAt: '2025-01-15T09:30:00+00:00',
    });
    expect(await resolvers.Study.report(study, undefined, ctx())).toMatchObject({ status: 'FINAL', text: 'No intracranial haemorrhage.' });
    // The order, when it finally comes, completes the study and clears the flag.
    await h.send(orm({ controlId: 'O1', patient: p, accession: 'LOST1', modality: 'CT', procedure: 'RCTHE^CT Head^NICIP' }));
    expect(resolvers.Study.orderMissing(studyOf('LOST1'))).toBe(false);
    expect(orderOf('LOST1')?.status).toBe('FINAL');
  });
});

describe('item 6: OBR-25 table 0123 as radiology means it', () => {
  it('OBR-25 R (results stored, not verified) is a preliminary report, not a warning', async () => {
    open();
    await h.send(orm({ controlId: 'O1', patient: p, accession: 'A1' }));
    const ack = await h.send(oru({ controlId: 'R1', patient: p, accession: 'A1', status: 'R', obx: [['TX', 'Unverified: ?consolidation']] }));
    expect(ack.errors).toEqual([]);
    expect(orderOf('A1')?.status).toBe('PRELIMINARY');
    expect(await resolvers.Study.report(studyOf('A1'), undefined, ctx())).toMatchObject({ status: 'PRELIMINARY', text: 'Unverified: ?consolidation' });
  });

  it('OBR-25 X cancels the order rather than withdrawing a report', async () => {
    open();
    await h.send(orm({ controlId: 'O1', patient: p, accession: 'A1' }));
    await h.send(oru({ controlId: 'R1', patient: p, accession: 'A1', status: 'X', obx: [] }));
    expect(orderOf('A1')?.status).toBe('CANCELLED');
    expect(h.store.reportsByAccession(['A1']).get('A1') ?? []).toEqual([]);
  });

  it('an addendum and a correction are different kinds of version', async () => {
    open();
    await h.send(orm({ controlId: 'O1', patient: p, accession: 'A1' }));
    await h.send(oru({ controlId: 'R1', patient: p, accession: 'A1', status: 'F', obx: [['TX', 'Final.']] }));
    await h.send(oru({ controlId: 'R2', patient: p, accession: 'A1', status: 'F', obx: [['TX', 'Final. Addendum: see prior.']] }));
    await h.send(oru({ controlId: 'R3', patient: p, accession: 'A1', status: 'C', obx: [['TX', 'Corrected.']] }));
    const kinds = (h.store.reportsByAccession(['A1']).get('A1') ?? []).map((r) => r.kind);
    expect(kinds).toEqual(['ORIGINAL', 'ADDENDUM', 'CORRECTION']);
  });

  it('a final resent unchanged is not an addendum', async () => {
    open();
    await h.send(orm({ controlId: 'O1', patient: p, accession: 'A1' }));
    await h.send(oru({ controlId: 'R1', patient: p, accession: 'A1', status: 'F', obx: [['TX', 'Final.']] }));
    await h.send(oru({ controlId: 'R1-resend', patient: p, accession: 'A1', status: 'F', obx: [['TX', 'Final.']] }));
    expect(orderOf('A1')?.status).toBe('FINAL');
  });

  it('a report sent as an encapsulated PDF (OBX ED) is kept and flagged', async () => {
    open();
    await h.send(orm({ controlId: 'O1', patient: p, accession: 'A1' }));
    const pdf = Buffer.from('%PDF-1.4 synthetic').toString('base64');
    const ack = await h.send(oru({ controlId: 'R1', patient: p, accession: 'A1', status: 'F', obx: [['ED', `RIS^AP^PDF^Base64^${pdf}`]] }));
    expect(ack.code).toBe('AA');
    const [version] = h.store.reportsByAccession(['A1']).get('A1') ?? [];
    expect(version).toMatchObject({ status: 'FINAL', hasAttachment: true });
    expect(orderOf('A1')?.status).toBe('FINAL');
  });
});

describe('item 7: states radiology departments route on', () => {
  it('ORC-5 HD puts the order on hold; RL releases it', async () => {
    open();
    await h.send(orm({ controlId: 'O1', patient: p, accession: 'A1' }));
    await h.send(sc('O2', 'HD'));
    expect(orderOf('A1')?.status).toBe('ON_HOLD');
    await h.send(orm({ controlId: 'O3', patient: p, accession: 'A1', control: 'RL' }));
    expect(orderOf('A1')?.status).toBe('REQUESTED');
  });

  it('a did-not-attend (SIU^S26) shows as DID_NOT_ATTEND until rebooked', async () => {
    open();
    await h.send(orm({ controlId: 'O1', patient: p, accession: 'A1' }));
    await h.send(siu({ controlId: 'S1', event: 'S12', patient: p, filler: 'A1', start: '20250120090000' }));
    await h.send(siu({ controlId: 'S2', event: 'S26', patient: p, filler: 'A1' }));
    expect(orderOf('A1')?.status).toBe('DID_NOT_ATTEND');
    await h.send(siu({ controlId: 'S3', event: 'S12', patient: p, filler: 'A1', start: '20250201090000' }));
    expect(orderOf('A1')?.status).toBe('SCHEDULED');
  });

  it('arrived (SCH-25 Started) is its own state', async () => {
    open();
    await h.send(orm({ controlId: 'O1', patient: p, accession: 'A1' }));
    const started = message(
      msh({ type: 'SIU^S14^SIU_S12', controlId: 'S1' }),
      seg('SCH', { 1: 'APT-A1', 25: 'Started', 27: 'A1' }),
      pid(p),
    );
    await h.send(started);
    expect(orderOf('A1')?.status).toBe('ARRIVED');
  });

  it('a cancelled order is reinstated by a new order sent after the cancellation, not by a late resend', async () => {
    open();
    await h.send(orm({ controlId: 'O1', patient: p, accession: 'A1', orderTime: '20250110090000' }));
    await h.send(orm({ controlId: 'O2', patient: p, accession: 'A1', control: 'CA', orderTime: '20250111090000' }));
    // The original NW, resent late: still cancelled.
    await h.send(orm({ controlId: 'O1-resend', patient: p, accession: 'A1', orderTime: '20250110090000' }));
    expect(orderOf('A1')?.status).toBe('CANCELLED');
    await h.send(orm({ controlId: 'O3', patient: p, accession: 'A1', orderTime: '20250112090000' }));
    expect(orderOf('A1')?.status).toBe('REQUESTED');
  });
});

describe('item 8: priorities per trust', () => {
  it('local priority words map through hl7.priorities; an unmapped value warns, naming it, and is not silently kept', async () => {
    open({ apply: { priorities: { '2WW': 'SUSPECTED_CANCER', PLANNED: 'PLANNED', SOON: 'URGENT' } } });
    await h.send(orm({ controlId: 'O1', patient: p, accession: 'A1', quantityTiming: '^^^^^2WW' }));
    expect(orderOf('A1')?.priority).toBe('SUSPECTED_CANCER');
    await h.send(orm({ controlId: 'O2', patient: p, accession: 'A2', quantityTiming: '^^^^^Planned' }));
    expect(orderOf('A2')?.priority).toBe('PLANNED');
    const ack = await h.send(orm({ controlId: 'O3', patient: p, accession: 'A1', control: 'XO', quantityTiming: '^^^^^P1' }));
    expect(ack.code).toBe('AA');
    expect(ack.errors).toEqual([expect.objectContaining({ code: '103', severity: 'W' })]);
    expect(ack.errors[0]!.text).toContain('"P1"');
    expect(orderOf('A1')?.priority).toBeNull();
  });
});

describe('item 9: patient class', () => {
  it('PV1-2 gives Study.patientClass, with a per-trust value for GP direct access', async () => {
    open({ apply: { patientClasses: { G: 'GP_DIRECT_ACCESS' } } });
    const withClass = (controlId: string, accession: string, cls: string) =>
      message(
        msh({ type: 'ORM^O01', controlId }),
        pid(p),
        seg('PV1', { 1: '1', 2: cls }),
        seg('ORC', { 1: 'NW' }),
        seg('OBR', { 1: '1', 4: 'XCHES^Chest X-ray', 18: accession, 24: 'CR' }),
      );
    await h.send(withClass('O1', 'A1', 'E'));
    await h.send(withClass('O2', 'A2', 'I'));
    await h.send(withClass('O3', 'A3', 'G'));
    expect(['A1', 'A2', 'A3'].map((a) => resolvers.Study.patientClass(studyOf(a)))).toEqual(['EMERGENCY', 'INPATIENT', 'GP_DIRECT_ACCESS']);
  });
});

describe('item 10: procedure codes', () => {
  it('OBR-4 keeps code, coding system and display as Study.procedure', async () => {
    open();
    await h.send(orm({ controlId: 'O1', patient: p, accession: 'A1', procedure: 'RMRHE^MRI Head^NICIP' }));
    await h.send(orm({ controlId: 'O2', patient: p, accession: 'A2', procedure: '241601008^MRI of head^SCT' }));
    await h.send(orm({ controlId: 'O3', patient: p, accession: 'A3', procedure: 'XR123^Local chest^LOCALRIS' }));
    expect(resolvers.Study.procedure(studyOf('A1'))).toEqual({ code: 'RMRHE', codingSystem: 'NICIP', display: 'MRI Head' });
    expect(resolvers.Study.procedure(studyOf('A2'))).toEqual({ code: '241601008', codingSystem: 'SNOMED CT', display: 'MRI of head' });
    expect(resolvers.Study.procedure(studyOf('A3'))).toEqual({ code: 'XR123', codingSystem: 'LOCALRIS', display: 'Local chest' });
  });
});

describe('item 11: reporter identity', () => {
  it('OBR-32 and OBR-33 as structured reporters (GMC number when the id is 7 digits); author kept', async () => {
    open();
    await h.send(orm({ controlId: 'O1', patient: p, accession: 'A1' }));
    const text = message(
      msh({ type: 'ORU^R01^ORU_R01', controlId: 'R1' }),
      pid(p),
      seg('OBR', { 1: '1', 4: 'XCHES^Chest X-ray', 18: 'A1', 25: 'F', 32: '7654321&SMITH&ANNE', 33: 'TR42&JONES&BEN' }),
      seg('OBX', { 1: '1', 2: 'TX', 3: 'REP', 5: 'Normal.', 11: 'F' }),
    );
    await h.send(text);
    const report = await resolvers.Study.report(studyOf('A1'), undefined, ctx());
    expect(report?.author).toBe('7654321 SMITH ANNE');
    expect(resolvers.Report.reporter(report!, undefined, ctx())).toEqual({ id: '7654321', name: 'ANNE SMITH', gmcNumber: '7654321', trust: { code: 'RXA', name: 'Test trust' } });
    expect(resolvers.Report.assistant(report!, undefined, ctx())).toEqual({ id: 'TR42', name: 'BEN JONES', gmcNumber: null, trust: { code: 'RXA', name: 'Test trust' } });
  });
});

describe('item 13: time zones', () => {
  it('an exam before the spring clock change, sent after it, is not an hour out', async () => {
    open();
    // MSH-7 is BST (+01:00, Monday 30 March 2026); the exam was on Saturday 28 March (GMT).
    await h.send(orm({ controlId: 'O1', patient: p, accession: 'A1', observationTime: '20260328101500', msh: { time: '20260330090000+0100' } }));
    expect(orderOf('A1')?.performedAt).toBe('2026-03-28T10:15:00+00:00');
  });
});

describe('item 7: rebooking after a DNA by an order message', () => {
  it('an ORC SC booking sent after a did-not-attend clears it', async () => {
    open();
    await h.send(orm({ controlId: 'O1', patient: p, accession: 'A1', orderTime: '20250110090000' }));
    await h.send(siu({ controlId: 'S1', event: 'S26', patient: p, filler: 'A1', msh: { time: '20250120093000' } }));
    expect(orderOf('A1')?.status).toBe('DID_NOT_ATTEND');
    await h.send(sc('O2', 'SC', { orderTime: '20250121100000' }));
    expect(orderOf('A1')?.status).toBe('SCHEDULED');
  });
});
