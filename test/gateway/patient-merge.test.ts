import { describe, expect, it } from 'vitest';
import type { TrustResponse } from '../../gateway/trust-client.ts';
import { TrustFailure } from '../../gateway/trust-failure.ts';
import { errorSummary, scriptedGateway } from '../helpers/scripted-gateway.ts';

/** A synthetic patient: 999 range, Modulus 11 check digit 8 (9·10+9·9+9·8+1·2 = 245; 11 − 245 mod 11 = 8). */
const NHS = '9990000018';

const QUERY = `query ($nhs: String!) {
  patient(nhsNumber: $nhs) {
    name { family given }
    sex
    identifiers { type value }
    studies(first: 2) { edges { node { id } } pageInfo { hasNextPage } unavailableTrusts { code } }
  }
}`;

interface PatientFixture {
  name?: { family: string; given: string[] } | null;
  sex?: string | null;
  identifiers: Array<{ type: string; value: string }>;
  studies: Array<[id: string, sortAt: string]> | 'broken';
}

/** A trust's answer to the forwarded `patient` field, as the contract allows it. */
function patient(p: PatientFixture | null): TrustResponse {
  if (p === null) return { data: { __gw_root: null }, errors: [] };
  const studies =
    p.studies === 'broken'
      ? { edges: [] }
      : {
          edges: p.studies.map(([id]) => ({ node: { id } })),
          __gw_edges: p.studies.map(([id, sortAt]) => ({ __gw_cursor: `c-${id}`, node: { __gw_id: id, __gw_sortAt: sortAt } })),
          __gw_more: { hasNextPage: false },
        };
  return { data: { __gw_root: { name: p.name ?? null, sex: p.sex ?? null, identifiers: p.identifiers, studies } }, errors: [] };
}

const nhsId = { type: 'NHS_NUMBER', value: NHS };

describe('Query.patient (one patient merged from every trust)', () => {
  it('demographics from the FIRST trust in config order that has them; identifiers concatenated without duplicates; studies merged', async () => {
    const gw = scriptedGateway([
      { code: 'RXA', answer: () => patient({ name: null, sex: 'FEMALE', identifiers: [nhsId, { type: 'MRN', value: 'A1' }], studies: [['a1', '2026-01-01T09:00:00Z']] }) },
      { code: 'RXB', answer: () => patient({ name: { family: 'TESTER', given: ['ANN'] }, sex: 'MALE', identifiers: [nhsId, { type: 'MRN', value: 'B7' }], studies: [['b1', '2026-02-01T09:00:00Z']] }) },
    ]);
    const { data, errors } = await gw.run(QUERY, { nhs: NHS });
    expect(errors).toEqual([]);
    expect(data!.patient).toEqual({
      name: { family: 'TESTER', given: ['ANN'] },
      sex: 'FEMALE',
      identifiers: [nhsId, { type: 'MRN', value: 'A1' }, { type: 'MRN', value: 'B7' }],
      studies: { edges: [{ node: { id: 'b1' } }, { node: { id: 'a1' } }], pageInfo: { hasNextPage: false }, unavailableTrusts: [] },
    });
    expect(gw.calls.map((c) => c.variables.__gw_nhs)).toEqual([NHS, NHS]);
  });

  it('null when no trust knows the number, without errors', async () => {
    const gw = scriptedGateway([{ code: 'RXA', answer: () => patient(null) }]);
    expect(await gw.run(QUERY, { nhs: NHS })).toEqual({ data: { patient: null }, errors: [] });
  });

  it('a failed trust: the patient from the others, TRUST_UNAVAILABLE at `patient`, named in studies.unavailableTrusts', async () => {
    const gw = scriptedGateway([
      { code: 'RXA', answer: () => new TrustFailure('RXA', 'timeout') },
      { code: 'RXB', answer: () => patient({ sex: 'MALE', identifiers: [nhsId], studies: [] }) },
    ]);
    const { data, errors } = await gw.run(QUERY, { nhs: NHS });
    expect(data!.patient.sex).toBe('MALE');
    expect(data!.patient.studies.unavailableTrusts).toEqual([{ code: 'RXA' }]);
    expect(errorSummary(errors)).toEqual([{ code: 'TRUST_UNAVAILABLE', path: 'patient', trust: 'RXA' }]);
  });

  it('one trust\'s broken studies page: that trust is named in studies.unavailableTrusts, its demographics still count', async () => {
    const gw = scriptedGateway([
      { code: 'RXA', answer: () => patient({ sex: 'FEMALE', identifiers: [], studies: 'broken' }) },
      { code: 'RXB', answer: () => patient({ identifiers: [], studies: [['b1', '2026-02-01T09:00:00Z']] }) },
    ]);
    const { data, errors } = await gw.run(QUERY, { nhs: NHS });
    expect(data!.patient.sex).toBe('FEMALE');
    expect(data!.patient.studies).toEqual({ edges: [{ node: { id: 'b1' } }], pageInfo: { hasNextPage: false }, unavailableTrusts: [{ code: 'RXA' }] });
    expect(errors).toEqual([]);
    expect(gw.lastErrors.get('RXA')).toBe('answer is not valid JSON (unexpected page shape)');
  });

  it('a field every trust nulled with an error keeps the first trust\'s error at the gateway path', async () => {
    const withNameError = (code: string): TrustResponse => ({
      ...patient({ name: null, identifiers: [], studies: [] }),
      errors: [{ message: `${code} cannot read names`, path: ['__gw_root', 'name'], extensions: { code: 'FORBIDDEN' } }],
    });
    const gw = scriptedGateway([
      { code: 'RXA', answer: () => withNameError('RXA') },
      { code: 'RXB', answer: () => withNameError('RXB') },
    ]);
    const { data, errors } = await gw.run(QUERY, { nhs: NHS });
    expect(data!.patient.name).toBeNull();
    expect(errorSummary(errors)).toEqual([{ code: 'FORBIDDEN', path: 'patient.name', trust: 'RXA' }]);
    expect(errors[0]!.message).toBe('RXA cannot read names');
  });

  it('an invalid NHS number is BAD_USER_INPUT and no trust is asked', async () => {
    const gw = scriptedGateway([{ code: 'RXA', answer: () => patient(null) }]);
    const { errors } = await gw.run(QUERY, { nhs: '9990000019' });
    expect(errors.map((e) => [e.extensions?.code, e.extensions?.argument])).toEqual([['BAD_USER_INPUT', 'nhsNumber']]);
    expect(gw.calls).toEqual([]);
  });
});
