import { createRequire } from 'node:module';
import { buildASTSchema, execute, parse, type ExecutionResult, type GraphQLSchema, type GraphQLUnionType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { networkSdl } from '../../schema/network-sdl.ts';
import { applyRolePolicy, callerRoles, describeScopes, readRolePolicy } from '../../schema/role-policy.ts';
import { encodeStudyId } from '../../schema/study-id.ts';

const NHS = '9990000018';
const STUDY_ID = encodeStudyId({ trust: 'RXA', kind: 'accession', value: 'ACC1' });

const patient = {
  nhsNumber: NHS,
  name: { family: 'TESTPATIENT', given: ['ALPHA'] },
  birthDate: '1970-01-01',
  sex: 'FEMALE',
  identifiers: [{ trust: { code: 'RXA', name: 'Trust A' }, type: 'NHS_NUMBER', value: NHS }],
};
const study = {
  id: STUDY_ID,
  trust: { code: 'RXA', name: 'Trust A' },
  accessionNumber: 'ACC1',
  patient,
  modalities: ['CT'],
  status: 'FINAL',
  report: { version: 1, status: 'FINAL', text: 'No acute abnormality.', author: 'R1 DOCTOR ANN' },
  reports: [],
  series: [],
};
const turnaround = { count: 0 };
const row = { requested: 1, scheduled: 0, performed: 0, reported: 0, unreported: 0, waitingOver6Weeks: 0, requestToPerformed: turnaround, performedToReported: turnaround };

/** The network SDL as a subgraph sees it, Federation's `_entities` included (spelled out: a stub, no subgraph library). */
const ENTITIES_SDL = `
  scalar _Any
  union _Entity = Study | Trust
  extend type Query { _entities(representations: [_Any!]!): [_Entity]! }`;

function stubSchema(): GraphQLSchema {
  const s = buildASTSchema(parse(networkSdl + ENTITIES_SDL), { assumeValidSDL: true });
  // Patient and Report fields have no resolvers of their own: the default resolver must survive wrapping.
  const query: Record<string, () => unknown> = {
    studies: () => ({ edges: [{ cursor: 'c1', node: study }], pageInfo: { hasNextPage: false, endCursor: 'c1' }, unavailableTrusts: [] }),
    study: () => study,
    patient: () => ({ ...patient, studies: { edges: [], pageInfo: { hasNextPage: false }, unavailableTrusts: [] } }),
    trusts: () => [{ code: 'RXA', name: 'Trust A' }],
    capacity: () => ({ rows: [], total: row, unavailableTrusts: [] }),
    _entities: () => [study],
  };
  const fields = s.getQueryType()!.getFields();
  for (const [name, resolve] of Object.entries(query)) fields[name]!.resolve = resolve;
  (s.getType('_Entity') as GraphQLUnionType).resolveType = () => 'Study';
  return s;
}

const schema = applyRolePolicy(stubSchema(), readRolePolicy(networkSdl), callerRoles(true));
const openSchema = applyRolePolicy(stubSchema(), readRolePolicy(networkSdl), callerRoles(false));

async function run(query: string, roles: string[] | undefined, s = schema): Promise<ExecutionResult> {
  const contextValue = roles === undefined ? {} : { caller: { sub: 'u1', roles } };
  return (await execute({ schema: s, document: parse(query), contextValue })) as ExecutionResult;
}

const codes = (r: ExecutionResult) => (r.errors ?? []).map((e) => `${e.path?.join('.')}:${e.extensions.code}`).sort();

const STUDIES = `{ studies { edges { node { id accessionNumber patient { sex nhsNumber name { family } birthDate identifiers { value } } report { status text author } } } } }`;

describe('readRolePolicy', () => {
  it('reads every @requiresScopes of the network SDL', () => {
    const policy = readRolePolicy(networkSdl);
    expect(Object.fromEntries(policy)).toEqual({
      'Query.studies': [['analyst'], ['clinician'], ['radiologist']],
      'Query.study': [['analyst'], ['clinician'], ['radiologist']],
      'Query.patient': [['clinician'], ['radiologist']],
      'Query.capacity': [['analyst'], ['clinician'], ['radiologist']],
      'Query.worklist': [['analyst'], ['clinician'], ['radiologist']],
      'Mutation.claimStudy': [['radiologist']],
      'Mutation.releaseStudy': [['radiologist']],
      'Mutation.renewClaim': [['radiologist']],
      'Mutation.submitReport': [['radiologist']],
      'Subscription.worklistChanged': [['analyst'], ['clinician'], ['radiologist']],
      'Patient.nhsNumber': [['clinician'], ['radiologist']],
      'Patient.name': [['clinician'], ['radiologist']],
      'Patient.birthDate': [['clinician'], ['radiologist']],
      'Patient.identifiers': [['clinician'], ['radiologist']],
      'Report.text': [['clinician'], ['radiologist']],
      'Report.author': [['clinician'], ['radiologist']],
      'Report.reporter': [['clinician'], ['radiologist']],
      'Patient.conflicts': [['clinician'], ['radiologist']],
      'Report.assistant': [['clinician'], ['radiologist']],
      'Study.dicomweb': [['clinician'], ['radiologist']],
      'Study.viewerUrl': [['clinician'], ['radiologist']],
    });
  });

  it('reads AND lists, single-value coercion, and extensions', () => {
    const policy = readRolePolicy(`
      type Q { a: Int @requiresScopes(scopes: [["x", "y"], ["z"]]) b: Int @requiresScopes(scopes: ["w"]) c: Int }
      extend type Q { d: Int @requiresScopes(scopes: [["v"]]) }`);
    expect(policy.get('Q.a')).toEqual([['x', 'y'], ['z']]);
    expect(policy.get('Q.b')).toEqual([['w']]);
    expect(policy.has('Q.c')).toBe(false);
    expect(policy.get('Q.d')).toEqual([['v']]);
  });

  it('refuses a malformed directive', () => {
    expect(() => readRolePolicy('type Q { a: Int @requiresScopes(scopes: [[1]]) }')).toThrow(/strings/);
  });

  it('describes scopes for messages', () => {
    expect(describeScopes([['clinician']])).toBe('role clinician');
    expect(describeScopes([['analyst'], ['clinician']])).toBe('role analyst or clinician');
    expect(describeScopes([['a', 'b']])).toBe('roles a and b');
  });
});

describe('applyRolePolicy: clinician', () => {
  it('reads everything', async () => {
    const r = await run(STUDIES, ['clinician']);
    expect(r.errors).toBeUndefined();
    const node = (r.data as any).studies.edges[0].node;
    expect(node.patient).toEqual({ sex: 'FEMALE', nhsNumber: NHS, name: { family: 'TESTPATIENT' }, birthDate: '1970-01-01', identifiers: [{ value: NHS }] });
    expect(node.report).toEqual({ status: 'FINAL', text: 'No acute abnormality.', author: 'R1 DOCTOR ANN' });
    const p = await run(`{ patient(nhsNumber: "${NHS}") { nhsNumber } capacity { total { requested } } study(id: "${STUDY_ID}") { id } }`, ['clinician']);
    expect(p.errors).toBeUndefined();
    expect(p.data).toEqual({ patient: { nhsNumber: NHS }, capacity: { total: { requested: 1 } }, study: { id: STUDY_ID } });
  });

  it('may filter by NHS number', async () => {
    const r = await run(`{ studies(filter: { nhsNumber: "${NHS}" }) { edges { node { id } } } }`, ['clinician']);
    expect(r.errors).toBeUndefined();
  });
});

describe('applyRolePolicy: analyst', () => {
  it('reads studies without identifiers: those fields are null with FORBIDDEN, the rest stands', async () => {
    const r = await run(STUDIES, ['analyst']);
    const node = (r.data as any).studies.edges[0].node;
    expect(node.id).toBe(STUDY_ID);
    expect(node.accessionNumber).toBe('ACC1');
    expect(node.patient).toEqual({ sex: 'FEMALE', nhsNumber: null, name: null, birthDate: null, identifiers: null });
    expect(node.report).toEqual({ status: 'FINAL', text: null, author: null });
    expect(codes(r)).toEqual(
      [
        'studies.edges.0.node.patient.birthDate:FORBIDDEN',
        'studies.edges.0.node.patient.identifiers:FORBIDDEN',
        'studies.edges.0.node.patient.name:FORBIDDEN',
        'studies.edges.0.node.patient.nhsNumber:FORBIDDEN',
        'studies.edges.0.node.report.author:FORBIDDEN',
        'studies.edges.0.node.report.text:FORBIDDEN',
      ].sort(),
    );
    expect(r.errors!.find((e) => e.path!.at(-1) === 'nhsNumber')!.message).toBe('Forbidden: Patient.nhsNumber needs role clinician or radiologist');
  });

  it('reads capacity and a study by id', async () => {
    const r = await run(`{ capacity { total { requested } } study(id: "${STUDY_ID}") { id status } }`, ['analyst']);
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ capacity: { total: { requested: 1 } }, study: { id: STUDY_ID, status: 'FINAL' } });
  });

  it('may not look up a patient', async () => {
    const r = await run(`{ patient(nhsNumber: "${NHS}") { sex } trusts { code } }`, ['analyst']);
    expect(r.data).toEqual({ patient: null, trusts: [{ code: 'RXA' }] });
    expect(codes(r)).toEqual(['patient:FORBIDDEN']);
  });

  it('may not filter by NHS number, by literal or by variable', async () => {
    const literal = await run(`{ studies(filter: { nhsNumber: "${NHS}" }) { edges { node { id } } } }`, ['analyst']);
    expect(literal.data).toBeNull(); // studies is non-null: the error reaches the root
    expect(codes(literal)).toEqual(['studies:FORBIDDEN']);
    expect(literal.errors![0]!.message).toBe('Forbidden: filter.nhsNumber needs role clinician or radiologist');
    const variable = (await execute({
      schema,
      document: parse('query Q($f: StudyFilter) { studies(filter: $f) { edges { node { id } } } }'),
      variableValues: { f: { nhsNumber: NHS } },
      contextValue: { caller: { sub: 'u1', roles: ['analyst'] } },
    })) as ExecutionResult;
    expect(codes(variable)).toEqual(['studies:FORBIDDEN']);
    const other = await run(`{ studies(filter: { accessionNumber: "ACC1" }) { edges { node { id } } } }`, ['analyst']);
    expect(other.errors).toBeUndefined();
  });
});

describe('applyRolePolicy: no role', () => {
  it('reads only trusts', async () => {
    expect((await run('{ trusts { code name } }', [])).errors).toBeUndefined();
    const r = await run(`{ study(id: "${STUDY_ID}") { id } patient(nhsNumber: "${NHS}") { sex } trusts { code } }`, []);
    expect(r.data).toEqual({ study: null, patient: null, trusts: [{ code: 'RXA' }] });
    expect(codes(r)).toEqual(['patient:FORBIDDEN', 'study:FORBIDDEN']);
    expect(codes(await run('{ capacity { total { requested } } }', []))).toEqual(['capacity:FORBIDDEN']);
    expect(codes(await run('{ studies { edges { node { id } } } }', []))).toEqual(['studies:FORBIDDEN']);
  });

  it('a context without a caller has no roles (fail closed)', async () => {
    const r = await run('{ studies { edges { node { id } } } }', undefined);
    expect(codes(r)).toEqual(['studies:FORBIDDEN']);
  });

  it('cannot reach studies through Federation _entities either', async () => {
    const q = `{ _entities(representations: [{ __typename: "Study", id: "${STUDY_ID}" }]) { ... on Study { id } } }`;
    expect(codes(await run(q, []))).toEqual(['_entities:FORBIDDEN']);
    expect(codes(await run(q, ['analyst']))).not.toContain('_entities:FORBIDDEN');
  });

  it('an unknown role is no role', async () => {
    expect(codes(await run(`{ study(id: "${STUDY_ID}") { id } }`, ['admin']))).toEqual(['study:FORBIDDEN']);
  });
});

describe('applyRolePolicy: authentication off', () => {
  it('allows everything', async () => {
    const r = await run(`${STUDIES.slice(0, -1)} patient(nhsNumber: "${NHS}") { nhsNumber } }`, undefined, openSchema);
    expect(r.errors).toBeUndefined();
    expect((r.data as any).patient.nhsNumber).toBe(NHS);
  });
});

describe('applyRolePolicy: wrapping', () => {
  it('keeps the resolver in place at wrap time (alias-aware gateways)', async () => {
    const s = stubSchema();
    const patientType = s.getType('Patient') as any;
    patientType.getFields().nhsNumber.resolve = (src: any, _a: unknown, _c: unknown, info: any) => src[info.path.key] ?? 'by-alias-missing';
    applyRolePolicy(s, readRolePolicy(networkSdl), callerRoles(true));
    const r = await run(`{ study(id: "x") { patient { n: nhsNumber } } }`, ['clinician'], s);
    expect((r.data as any).study.patient.n).toBe('by-alias-missing');
  });

  it('refuses a policy naming a field the schema lacks', () => {
    expect(() => applyRolePolicy(stubSchema(), new Map([['Study.secret', [['x']]]]), callerRoles(true))).toThrow(/Study.secret/);
  });
});

describe('applyRolePolicy on a real @apollo/subgraph schema (the trust)', () => {
  it('wraps a schema @apollo/subgraph built (loaded through require, as Node loads it) and its errors keep their code', async () => {
    const require = createRequire(import.meta.url);
    const cjs = require('graphql') as typeof import('graphql');
    const { buildSubgraphSchema } = require('@apollo/subgraph') as typeof import('@apollo/subgraph');
    const s = buildSubgraphSchema({
      typeDefs: cjs.parse(networkSdl),
      resolvers: { Query: { study: () => study, trusts: () => [] } } as never,
    });
    applyRolePolicy(s, readRolePolicy(networkSdl), callerRoles(true));
    const run = async (roles: string[]) =>
      (await cjs.execute({ schema: s, document: cjs.parse('{ study(id: "x") { id patient { nhsNumber } } }'), contextValue: { caller: { sub: 'u', roles } } })) as ExecutionResult;
    const analyst = await run(['analyst']);
    expect(analyst.data).toEqual({ study: { id: STUDY_ID, patient: { nhsNumber: null } } });
    expect(codes(analyst)).toEqual(['study.patient.nhsNumber:FORBIDDEN']);
    expect(codes(await run([]))).toEqual(['study:FORBIDDEN']);
    expect((await run(['clinician'])).errors).toBeUndefined();
  });
});
