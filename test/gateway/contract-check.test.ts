import { buildSchema, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { networkSdl } from '../../schema/index.ts';
import { checkContract, checkTrustSdl } from '../../gateway/contract-check.ts';
import { buildContractSchema } from '../../gateway/gateway-schema.ts';

const contract = buildSchema(`
  type Query { studies(first: Int = 20, after: String): [Study!]! study(id: ID!): Study }
  type Study { id: ID! status: Status! description: String }
  enum Status { A B }
  input Filter { nhsNumber: String }
  type Other { f(x: Filter): Int }
`);

const check = (trust: string): string[] => checkContract(contract, buildSchema(trust));

describe('checkContract', () => {
  const base = `
    type Query { studies(first: Int = 20, after: String): [Study!]! study(id: ID!): Study }
    type Study { id: ID! status: Status! description: String }
    enum Status { A B }
    input Filter { nhsNumber: String }
    type Other { f(x: Filter): Int }`;

  it('accepts the same schema', () => {
    expect(check(base)).toEqual([]);
  });

  it('accepts extra types, fields, enum values, optional arguments and stricter output', () => {
    expect(
      check(`
        type Query { studies(first: Int = 20, after: String, extra: Int): [Study!]! study(id: ID!): Study extra: Int }
        type Study { id: ID! status: Status! description: String! more: Int }
        enum Status { A B C }
        input Filter { nhsNumber: String other: Int }
        type Other { f(x: Filter): Int }
        type Extra { x: Int }`),
    ).toEqual([]);
  });

  it('names a missing field', () => {
    expect(check(base.replace('status: Status! ', ''))).toEqual(['Study.status: missing']);
  });

  it('refuses looser output nullability', () => {
    expect(check(base.replace('status: Status!', 'status: Status'))).toEqual(['Study.status: changed type from Status! to Status']);
  });

  it('refuses an argument of another type', () => {
    expect(check(base.replace('study(id: ID!)', 'study(id: String!)'))).toEqual(['Query.study(id): changed type from ID! to String!']);
  });

  it('refuses an extra required argument, a missing enum value and a missing type', () => {
    const problems = check(
      base.replace('after: String)', 'after: String, must: Int!)').replace('enum Status { A B }', 'enum Status { A }').replace('type Other { f(x: Filter): Int }', ''),
    );
    expect(problems).toEqual(expect.arrayContaining(['Query.studies(must): extra required input the network does not send', 'Status.B: missing enum value', 'Other: missing type']));
  });

  it('refuses a missing argument, a removed union member, a required input field and a type of another kind', () => {
    const contractU = buildSchema(`type Query { s(id: ID, f: F): U } type A { x: Int } type B { x: Int } union U = A | B input F { a: Int } enum E { X }`);
    const trust = buildSchema(`type Query { s(f: F): U } type A { x: Int } type B { x: Int } union U = A input F { a: Int, b: Int! } type E { x: Int }`);
    expect(checkContract(contractU, trust)).toEqual([
      'Query.s(id): missing',
      'B was removed from union type U',
      'A required field b on input type F was added',
      'E changed from an Enum type to an Object type',
    ]);
  });

  it('passes the real network SDL (Federation 2, as a trust serves it) against the contract', () => {
    const real: GraphQLSchema = buildContractSchema();
    expect(checkTrustSdl(real, networkSdl)).toEqual([]);
    expect(checkTrustSdl(real, networkSdl.replace(/^\s*"[^"\n]*"\n\s*bodyPart: String\n/m, '\n'))).toContain('Study.bodyPart: missing');
  });
});
