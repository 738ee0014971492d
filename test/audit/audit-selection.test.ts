import { buildASTSchema, parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { auditAlias, removeHiddenKeys, usesAlias, withAuditIds } from '../../audit/audit-selection.ts';
import { networkSdl } from '../../schema/network-sdl.ts';

const schema = buildASTSchema(parse(networkSdl), { assumeValidSDL: true });
const alias = auditAlias('gateway');

describe('withAuditIds', () => {
  it('adds a hidden id to every Study selection: root fields, nested connections, fragments', () => {
    const doc = parse('{ study(id: "x") { patient { name { family } } } patient(nhsNumber: "9990000018") { studies { edges { node { ...S } } } } } fragment S on Study { status }');
    const out = print(withAuditIds(doc, schema, alias));
    expect(out.match(new RegExp(`${alias}: id`, 'g'))).toHaveLength(3);
    expect(out).toContain(`study(id: "x") {\n    patient {\n      name {\n        family\n      }\n    }\n    ${alias}: id`);
  });

  it('leaves operations without studies alone and returns the same document for the same input', () => {
    const doc = parse('{ trusts { code } }');
    expect(print(withAuditIds(doc, schema, alias))).not.toContain(alias);
    expect(withAuditIds(doc, schema, alias)).toBe(withAuditIds(doc, schema, alias));
  });
});

describe('removeHiddenKeys', () => {
  it('removes the hidden keys at every depth, in place, and keeps everything else', () => {
    const data = { study: { status: 'FINAL', series: [{ modality: 'CT', [alias]: 'x' }], [alias]: 'S1' }, n: null, list: [null, 1, 'a'] };
    removeHiddenKeys(data, alias);
    expect(data).toEqual({ study: { status: 'FINAL', series: [{ modality: 'CT' }] }, n: null, list: [null, 1, 'a'] });
    expect(JSON.stringify(data)).toBe('{"study":{"status":"FINAL","series":[{"modality":"CT"}]},"n":null,"list":[null,1,"a"]}');
  });
});

describe('usesAlias', () => {
  it('finds a client field under the reserved key, at any depth', () => {
    expect(usesAlias(parse(`{ studies { edges { node { ${alias}: accessionNumber } } } }`), alias)).toBe(true);
    expect(usesAlias(parse('{ studies { edges { node { id } } } }'), alias)).toBe(false);
  });
});
