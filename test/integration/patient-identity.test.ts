/**
 * Identity across trusts (issue 14, item 5). The gateway runs against real Federation 2 fixture
 * subgraphs over HTTP (test/helpers/fixture-trust.ts); a trust's own records come from the real
 * RIS ingest into a real SQLite store, read through the trust's resolvers.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway } from '../../gateway/index.ts';
import { resolvers } from '../../subgraphs/trust/resolvers.ts';
import { createTrustContext } from '../../subgraphs/trust/trust-context.ts';
import { parseTrustConfig } from '../../subgraphs/trust/config.ts';
import type { DicomWebClient } from '../../subgraphs/trust/pacs/dicomweb-client.ts';
import { adt, orm } from '../fixtures/ris/hl7-fixtures.ts';
import { postGraphql, startFixtureTrust } from '../helpers/fixture-trust.ts';
import { openClinicalHarness, type ClinicalHarness } from '../subgraphs/trust/clinical-harness.ts';

const P1 = '9990000018';
let closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers = [];
});

describe('Patient.conflicts across trusts (gateway over fixture trusts)', () => {
  it('trusts disagreeing on date of birth or sex for one NHS number are named in Patient.conflicts', async () => {
    const rxa = await startFixtureTrust({ code: 'RXA', patients: [{ nhsNumber: P1, birthDate: '1980-05-05', sex: 'FEMALE', mrn: 'A-1' }] });
    const rh8 = await startFixtureTrust({ code: 'RH8', patients: [{ nhsNumber: P1, birthDate: '1980-05-06', sex: 'FEMALE', mrn: 'H-1' }] });
    const rth = await startFixtureTrust({
      code: 'RTH',
      patients: [
        { nhsNumber: P1, birthDate: '1980-05-05', sex: 'FEMALE', mrn: 'T-1' },
        { nhsNumber: P1, birthDate: '1980-05-05', sex: 'MALE', mrn: 'T-2' },
      ],
    });
    closers.push(() => rxa.close(), () => rh8.close(), () => rth.close());
    const gateway = await createGateway(
      { http: { port: 0 }, trustTimeoutMs: 2000, trusts: [rxa, rh8, rth].map((t) => ({ code: t.code, url: t.url })) },
      { logger: pino({ level: 'silent' }) },
    );
    closers.push(() => gateway.close());
    const { body } = await postGraphql(gateway.url, `{ patient(nhsNumber: "${P1}") { c: conflicts { field trusts { code name } values } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data!.patient.c).toEqual([
      { field: 'birthDate', trusts: [{ code: 'RXA', name: 'Fixture trust RXA' }, { code: 'RH8', name: 'Fixture trust RH8' }, { code: 'RTH', name: 'Fixture trust RTH' }], values: ['1980-05-05', '1980-05-06'] },
      { field: 'sex', trusts: [{ code: 'RXA', name: 'Fixture trust RXA' }, { code: 'RH8', name: 'Fixture trust RH8' }, { code: 'RTH', name: 'Fixture trust RTH' }], values: ['FEMALE', 'MALE'] },
    ]);
  });

  it('trusts that agree give no conflicts', async () => {
    const rxa = await startFixtureTrust({ code: 'RXA', patients: [{ nhsNumber: P1, birthDate: '1980-05-05', sex: 'FEMALE', mrn: 'A-1' }] });
    const rh8 = await startFixtureTrust({ code: 'RH8', patients: [{ nhsNumber: P1, birthDate: '1980-05-05', sex: null, mrn: 'H-1' }] });
    closers.push(() => rxa.close(), () => rh8.close());
    const gateway = await createGateway(
      { http: { port: 0 }, trustTimeoutMs: 2000, trusts: [rxa, rh8].map((t) => ({ code: t.code, url: t.url })) },
      { logger: pino({ level: 'silent' }) },
    );
    closers.push(() => gateway.close());
    const { body } = await postGraphql(gateway.url, `{ patient(nhsNumber: "${P1}") { birthDate conflicts { field } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data!.patient).toEqual({ birthDate: '1980-05-05', conflicts: [] });
  });
});

describe('placeholder NHS numbers at the gateway', () => {
  it('patient(nhsNumber) with a repeated-digit placeholder is BAD_USER_INPUT, no trust asked', async () => {
    const rxa = await startFixtureTrust({ code: 'RXA', patients: [{ nhsNumber: '0000000000', mrn: 'A-1' }] });
    closers.push(() => rxa.close());
    const gateway = await createGateway({ http: { port: 0 }, trustTimeoutMs: 2000, trusts: [{ code: rxa.code, url: rxa.url }] }, { logger: pino({ level: 'silent' }) });
    closers.push(() => gateway.close());
    const before = rxa.requests.length;
    const { body } = await postGraphql(gateway.url, '{ patient(nhsNumber: "000 000 0000") { nhsNumber } }');
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'nhsNumber' });
    expect(body.errors?.[0]?.message).toContain('placeholder');
    expect(rxa.requests.slice(before).some((q) => q.includes('patient('))).toBe(false);
  });
});

describe('a trust holding two records for one NHS number', () => {
  let h: ClinicalHarness;
  afterEach(() => h?.close());

  it('a trust with two records for one NHS number returns both records\' studies and identifiers', async () => {
    h = openClinicalHarness();
    // Two PAS registrations of one person (one NHS number), each with its own prior.
    await h.send(adt('A04', 'P1', { mrn: 'M1', nhs: P1, dob: '19800505' }));
    await h.send(orm({ controlId: 'O1', patient: { mrn: 'M1', nhs: P1 }, accession: 'PRIOR-1', requestedTime: '20240101090000' }));
    await h.send(adt('A04', 'P2', { mrn: 'M2', nhs: P1, dob: '19800506' }));
    await h.send(orm({ controlId: 'O2', patient: { mrn: 'M2', nhs: P1 }, accession: 'PRIOR-2', requestedTime: '20250101090000' }));
    const config = parseTrustConfig({ code: 'RXA', name: 'Test', http: { port: 0 }, mllp: { port: 0 }, pacs: { dicomweb: 'http://127.0.0.1:9/dicom-web' }, store: { sqlite: ':memory:' } });
    const ctx = createTrustContext({
      config, store: h.store, pacs: {} as DicomWebClient, searchPacs: async () => [], log: pino({ level: 'silent' }),
      pacsIndex: () => ({ state: 'CURRENT', indexedStudies: 0, backfilledThrough: null, lastSyncAt: null, lagSeconds: null, lastError: null, complete: true }),
    });
    const patient = await resolvers.Query.patient(undefined, { nhsNumber: P1 }, ctx, {} as never);
    expect(patient).not.toBeNull();
    const page = await resolvers.Patient.studies(patient!, { first: 20 }, ctx, {} as never);
    expect(page.edges.map((e) => e.node.accessionNumber).sort()).toEqual(['PRIOR-1', 'PRIOR-2']);
    expect(resolvers.Patient.identifiers(patient!, undefined, ctx).filter((i) => i.type === 'MRN').map((i) => i.value).sort()).toEqual(['M1', 'M2']);
    expect(resolvers.Patient.conflicts(patient!, undefined, ctx)).toEqual([
      { field: 'birthDate', trusts: [{ code: 'RXA', name: 'Test' }], values: ['1980-05-05', '1980-05-06'] },
    ]);
    // The same through the study filter.
    const byFilter = await resolvers.Query.studies(undefined, { filter: { nhsNumber: P1 }, first: 20 }, ctx, {} as never);
    expect(byFilter.edges.map((e) => e.node.accessionNumber).sort()).toEqual(['PRIOR-1', 'PRIOR-2']);
  });
});
