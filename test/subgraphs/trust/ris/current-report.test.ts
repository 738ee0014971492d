import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvers } from '../../../../subgraphs/trust/resolvers.ts';
import { currentReport, reportedStudyStatus } from '../../../../subgraphs/trust/ris/current-report.ts';
import type { ReportStatusValue } from '../../../../schema/generated/enums.ts';
import { joinStudy } from '../../../../subgraphs/trust/study-view.ts';
import { orm, oru } from '../../../fixtures/ris/hl7-fixtures.ts';
import { openClinicalHarness, type ClinicalHarness } from '../clinical-harness.ts';

const v = (version: number, status: ReportStatusValue) => ({ version, status });

describe('currentReport (derived from the versions, never the last received)', () => {
  it('final beats preliminary whatever the arrival order', () => {
    expect(currentReport([v(1, 'FINAL'), v(2, 'PRELIMINARY')])?.version).toBe(1);
    expect(currentReport([v(1, 'PRELIMINARY'), v(2, 'FINAL')])?.version).toBe(2);
  });
  it('a correction or addendum beats the final, also when it arrived first', () => {
    expect(currentReport([v(1, 'FINAL'), v(2, 'CORRECTED'), v(3, 'PRELIMINARY')])?.version).toBe(2);
    expect(currentReport([v(1, 'CORRECTED'), v(2, 'FINAL')])?.version).toBe(1);
  });
  it('received order breaks ties within a status only', () => {
    expect(currentReport([v(1, 'PRELIMINARY'), v(2, 'PRELIMINARY')])?.version).toBe(2);
    expect(currentReport([v(1, 'FINAL'), v(2, 'CORRECTED'), v(3, 'CORRECTED')])?.version).toBe(3);
  });
  it('no report versions (or only cancelled ones): no current report', () => {
    expect(currentReport([])).toBeNull();
    expect(currentReport([v(1, 'CANCELLED')])).toBeNull();
    expect(reportedStudyStatus([v(1, 'FINAL'), v(2, 'PRELIMINARY')])).toBe('FINAL');
  });
});

describe('Study.report through the RIS ingest and the resolvers', () => {
  let h: ClinicalHarness;
  beforeEach(() => {
    h = openClinicalHarness();
  });
  afterEach(() => h.close());
  const p = { mrn: 'M1' };

  it('late preliminary after a final does not become the current report', async () => {
    await h.send(orm({ controlId: 'O1', patient: p, accession: 'A1' }));
    await h.send(oru({ controlId: 'R2', patient: p, accession: 'A1', status: 'F', obx: [['TX', 'Verified: no fracture.']] }));
    // The feed reorders: the preliminary, dictated earlier, arrives after the final.
    await h.send(oru({ controlId: 'R1', patient: p, accession: 'A1', status: 'P', obx: [['TX', 'Prelim: ?fracture']] }));
    const order = h.store.ordersByAccession(['A1']).get('A1')!;
    const view = joinStudy('RXA', order, undefined);
    const report = await resolvers.Study.report(view, undefined, h.context() as never);
    expect(order.status).toBe('FINAL');
    expect(report).toMatchObject({ status: 'FINAL', text: 'Verified: no fracture.' });
  });

  it('a correction after a final is the current report, and a preliminary resent after it is not', async () => {
    await h.send(orm({ controlId: 'O1', patient: p, accession: 'A1' }));
    await h.send(oru({ controlId: 'R1', patient: p, accession: 'A1', status: 'F', obx: [['TX', 'Left.']] }));
    await h.send(oru({ controlId: 'R2', patient: p, accession: 'A1', status: 'C', obx: [['TX', 'Right, not left.']] }));
    await h.send(oru({ controlId: 'R3', patient: p, accession: 'A1', status: 'P', obx: [['TX', 'Prelim.']] }));
    const order = h.store.ordersByAccession(['A1']).get('A1')!;
    const report = await resolvers.Study.report(joinStudy('RXA', order, undefined), undefined, h.context() as never);
    expect(order.status).toBe('AMENDED');
    expect(report).toMatchObject({ status: 'CORRECTED', text: 'Right, not left.' });
  });
});
