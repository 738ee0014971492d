import { describe, expect, it } from 'vitest';
import { attachTrustErrors, fieldErrorOf, keepFieldError } from '../../gateway/trust-answer.ts';
import { GraphQLError } from 'graphql';

describe('attachTrustErrors', () => {
  it('hangs each located error on the object holding the failed field, keyed by response key', () => {
    const data = { r: { edges: [{ node: { id: 'a', desc: null } }, { node: { id: 'b', desc: null } }] } };
    const unplaced = attachTrustErrors('RXB', data, [
      { message: 'first', path: ['r', 'edges', 1, 'node', 'desc'], extensions: { code: 'PACS_UNAVAILABLE' } },
      { message: 'second', path: ['r', 'edges', 1, 'node', 'desc'], extensions: { code: 'PACS_UNAVAILABLE' } },
    ]);
    expect(unplaced).toEqual([]);
    expect(fieldErrorOf(data.r.edges[0]!.node, 'desc')).toBeUndefined();
    const error = fieldErrorOf(data.r.edges[1]!.node, 'desc')!;
    expect([error.message, error.extensions, error.path]).toEqual(['first', { code: 'PACS_UNAVAILABLE', trust: 'RXB' }, undefined]);
  });

  it('returns the errors it cannot place: no path, a nulled ancestor, a list index as the last key', () => {
    const data = { r: { edges: null, ids: [null] } };
    const errors = [
      { message: 'no path' },
      { message: 'empty path', path: [] },
      { message: 'under a null', path: ['r', 'edges', 0, 'node'] },
      { message: 'list item', path: ['r', 'ids', 0] },
    ];
    expect(attachTrustErrors('RXA', data, errors).map((e) => e.message)).toEqual(['no path', 'empty path', 'under a null', 'list item']);
  });

  it('a code outside the network\'s becomes INTERNAL_SERVER_ERROR without the trust\'s message', () => {
    const data = { n: { x: null } };
    attachTrustErrors('RXA', data, [{ message: 'db at 10.1.2.3 failed', path: ['n', 'x'], extensions: { code: 'SQLITE_BUSY' } }]);
    expect(fieldErrorOf(data.n, 'x')!.toJSON()).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', trust: 'RXA' } });
  });
});

describe('keepFieldError', () => {
  it('adds an explanation to an object the gateway built, keeping earlier ones', () => {
    const target: Record<string | symbol, unknown> = {};
    keepFieldError(target, 'a', new GraphQLError('A'));
    keepFieldError(target, 'b', new GraphQLError('B'));
    expect([fieldErrorOf(target, 'a')?.message, fieldErrorOf(target, 'b')?.message]).toEqual(['A', 'B']);
    expect(Object.keys(target)).toEqual([]);
  });
});
