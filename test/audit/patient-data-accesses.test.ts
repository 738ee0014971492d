import { buildASTSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { patientDataAccesses } from '../../audit/patient-data-accesses.ts';
import { networkSdl } from '../../schema/network-sdl.ts';
import { encodeStudyId } from '../../schema/study-id.ts';

const schema = buildASTSchema(parse(`${networkSdl} scalar _Any union _Entity = Study | Trust extend type Query { _entities(representations: [_Any!]!): [_Entity]! }`), { assumeValidSDL: true });
const A = encodeStudyId({ trust: 'RXA', kind: 'accession', value: 'ACC1' });
const B = encodeStudyId({ trust: 'RXB', kind: 'uid', value: '1.2.826.0.1.3680043.10.1' });
const NHS1 = '9990000018';
const NHS2 = '9990000026';

const accesses = (query: string, data: unknown, extra: { variables?: Record<string, unknown>; defaultTrust?: string; operationName?: string } = {}) =>
  patientDataAccesses({ schema, document: parse(query), data, ...extra });

describe('patientDataAccesses', () => {
  it('records each study by id with its patient, following aliases', () => {
    const q = `{ s: studies { edges { node { key: id patient { n: nhsNumber } } } } }`;
    const data = { s: { edges: [{ node: { key: A, patient: { n: NHS1 } } }, { node: { key: B, patient: { n: null } } }] } };
    expect(accesses(q, data)).toEqual([
      { studyId: A, nhsNumber: NHS1, trust: 'RXA' },
      { studyId: B, nhsNumber: null, trust: 'RXB' },
    ]);
  });

  it('ties studies to the NHS number they were filtered by (variables too)', () => {
    const q = `query Q($f: StudyFilter) { studies(filter: $f) { edges { node { id } } } }`;
    const data = { studies: { edges: [{ node: { id: A } }] } };
    expect(accesses(q, data, { variables: { f: { nhsNumber: '999 000 0018' } } })).toEqual([{ studyId: A, nhsNumber: NHS1, trust: 'RXA' }]);
  });

  it('records a patient looked up by NHS number even when no identifier was selected', () => {
    const q = `{ patient(nhsNumber: "${NHS2}") { sex studies { edges { node { id } } } } }`;
    const data = { patient: { sex: 'MALE', studies: { edges: [{ node: { id: B } }] } } };
    expect(accesses(q, data)).toEqual([
      { studyId: null, nhsNumber: NHS2, trust: null },
      { studyId: B, nhsNumber: NHS2, trust: 'RXB' },
    ]);
  });

  it('records studies a mutation answer or a subscription event discloses', () => {
    expect(accesses('mutation { claimStudy(id: "x") { study { id patient { nhsNumber } } } }', { claimStudy: { study: { id: A, patient: { nhsNumber: NHS1 } } } })).toEqual([
      { studyId: A, nhsNumber: NHS1, trust: 'RXA' },
    ]);
    expect(accesses('subscription { w: worklistChanged { type study { id } } }', { w: { type: 'CLAIMED', study: { id: B } } })).toEqual([{ studyId: B, nhsNumber: null, trust: 'RXB' }]);
  });

  it('records the NHS number asked for when no patient was found (issue 15, finding 2), and nothing for trusts or capacity', () => {
    expect(accesses(`{ patient(nhsNumber: "${NHS2}") { sex } }`, { patient: null })).toEqual([{ studyId: null, nhsNumber: NHS2, trust: null }]);
    expect(accesses(`{ studies(filter: { nhsNumber: "${NHS2}" }) { edges { node { id } } } }`, { studies: { edges: [] } })).toEqual([{ studyId: null, nhsNumber: NHS2, trust: null }]);
    expect(accesses('{ trusts { code } capacity { total { requested } } }', { trusts: [{ code: 'RXA' }], capacity: { total: { requested: 3 } } })).toEqual([]);
  });

  it('reads the NHS number from identifiers when nhsNumber was not selected', () => {
    const q = `{ study(id: "${A}") { id patient { identifiers { type value } } } }`;
    const data = { study: { id: A, patient: { identifiers: [{ type: 'MRN', value: 'M1' }, { type: 'NHS_NUMBER', value: NHS1 }] } } };
    expect(accesses(q, data)).toEqual([{ studyId: A, nhsNumber: NHS1, trust: 'RXA' }]);
  });

  it('walks fragments and Federation _entities (with and without __typename)', () => {
    const q = `query E { _entities(representations: []) { __typename ... on Study { ...S } } } fragment S on Study { id patient { nhsNumber } }`;
    expect(accesses(q, { _entities: [{ __typename: 'Study', id: A, patient: { nhsNumber: NHS1 } }, null] })).toEqual([{ studyId: A, nhsNumber: NHS1, trust: 'RXA' }]);
    const bare = `{ _entities(representations: []) { ... on Study { id } } }`;
    expect(accesses(bare, { _entities: [{ id: A }] })).toEqual([{ studyId: A, nhsNumber: null, trust: 'RXA' }]);
  });

  it('attributes rows to the serving trust when ids do not say', () => {
    const q = `{ patient(nhsNumber: "${NHS1}") { nhsNumber } }`;
    expect(accesses(q, { patient: { nhsNumber: NHS1 } }, { defaultTrust: 'RXA' })).toEqual([{ studyId: null, nhsNumber: NHS1, trust: 'RXA' }]);
  });

  it('de-duplicates repeated rows', () => {
    const q = `{ a: study(id: "${A}") { id } b: study(id: "${A}") { id } }`;
    expect(accesses(q, { a: { id: A }, b: { id: A } })).toHaveLength(1);
  });
});
