import { describe, expect, it } from 'vitest';
import type { GraphQLResolveInfo } from 'graphql';
import { aliasFieldResolver, gatewayObject } from '../../gateway/alias-field-resolver.ts';
import { attachTrustErrors } from '../../gateway/trust-answer.ts';

/** The parts of `info` the resolver reads: the field's name and its response key. */
const at = (fieldName: string, responseKey: string) => ({ fieldName, path: { key: responseKey, prev: undefined, typename: 'Study' } }) as unknown as GraphQLResolveInfo;

describe('aliasFieldResolver', () => {
  it('reads trust JSON by the client\'s response key (alias), not the field name', () => {
    const source = { desc: 'CT head', description: 'not this' };
    expect(aliasFieldResolver(source, {}, {}, at('description', 'desc'))).toBe('CT head');
  });

  it('reads objects the gateway built by field name', () => {
    const source = gatewayObject({ hasNextPage: true });
    expect(aliasFieldResolver(source, {}, {}, at('hasNextPage', 'more'))).toBe(true);
  });

  it('throws the error the trust gave for a null value, so it is located at the gateway path', () => {
    const data = { s: { report: null } };
    attachTrustErrors('RXA', data, [{ message: 'PACS down', path: ['s', 'report'], extensions: { code: 'PACS_UNAVAILABLE' } }]);
    expect(() => aliasFieldResolver(data.s, {}, {}, at('report', 'report'))).toThrow('PACS down');
    // Another response key of the same object has no error: a plain null.
    expect(aliasFieldResolver(data.s, {}, {}, at('report', 'r2'))).toBeUndefined();
  });

  it('a value beside an error is returned (the error explained only a null)', () => {
    const source = { report: { status: 'FINAL' } };
    attachTrustErrors('RXA', { s: source }, [{ message: 'x', path: ['s', 'report'], extensions: { code: 'PACS_UNAVAILABLE' } }]);
    expect(aliasFieldResolver(source, {}, {}, at('report', 'report'))).toEqual({ status: 'FINAL' });
  });

  it('null for a source that is not an object', () => {
    for (const source of [null, undefined, 'text', 3]) expect(aliasFieldResolver(source, {}, {}, at('x', 'x'))).toBeNull();
  });
});
