import { describe, expect, it } from 'vitest';
import { decodeNetworkCursor } from '../../gateway/network-cursor.ts';
import type { TrustResponse } from '../../gateway/trust-client.ts';
import { TrustFailure } from '../../gateway/trust-failure.ts';
import { errorSummary, scriptedGateway } from '../helpers/scripted-gateway.ts';

type Row = [id: string, sortAt: string | null, description: string];

/** A trust's page as the contract allows it: the client's `edges` plus the merge's hidden fields. */
function page(rows: readonly Row[], hasNextPage: boolean): TrustResponse {
  return {
    data: {
      __gw_root: {
        edges: rows.map(([id, , description]) => ({ node: { id, description } })),
        __gw_edges: rows.map(([id, sortAt]) => ({ __gw_cursor: `c-${id}`, node: { __gw_id: id, __gw_sortAt: sortAt } })),
        __gw_more: { hasNextPage },
      },
    },
    errors: [],
  };
}

const RXA: Row[] = [
  ['a1', '2026-03-02T10:00:00Z', 'CT head'],
  ['a2', '2026-03-02T08:00:00Z', 'XR chest'],
];
const RXB: Row[] = [
  ['b1', '2026-03-02T09:00:00Z', 'MR knee'],
  ['b2', null, 'US abdomen'],
];

const QUERY = `query ($first: Int, $after: String, $trusts: [ID!]) {
  studies(first: $first, after: $after, filter: { trusts: $trusts }) {
    edges { cursor node { id description } }
    pageInfo { hasNextPage endCursor }
    unavailableTrusts { code }
  }
}`;

describe('Query.studies (merged root list)', () => {
  it('merges the trusts\' pages in the network order: newest sortAt first, none last', async () => {
    const gw = scriptedGateway([
      { code: 'RXA', answer: () => page(RXA, false) },
      { code: 'RXB', answer: () => page(RXB, false) },
    ]);
    const { data, errors } = await gw.run(QUERY, { first: 3 });
    expect(errors).toEqual([]);
    expect(data!.studies.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(['a1', 'b1', 'a2']);
    expect(data!.studies.pageInfo.hasNextPage).toBe(true); // b2 was fetched but not taken
    expect(decodeNetworkCursor(data!.studies.pageInfo.endCursor)).toEqual({ RXA: 'c-a2', RXB: 'c-b1' });
    expect(decodeNetworkCursor(data!.studies.edges[0].cursor)).toEqual({ RXA: 'c-a1' });
    expect(data!.studies.unavailableTrusts).toEqual([]);
  });

  it('sends each trust its own position from the gateway cursor', async () => {
    const gw = scriptedGateway([
      { code: 'RXA', answer: () => page([], false) },
      { code: 'RXB', answer: () => page([RXB[1]!], false) },
    ]);
    const first = await scriptedGateway([
      { code: 'RXA', answer: () => page(RXA, false) },
      { code: 'RXB', answer: () => page(RXB, false) },
    ]).run(QUERY, { first: 3 });
    const { data } = await gw.run(QUERY, { first: 3, after: first.data!.studies.pageInfo.endCursor });
    expect(gw.calls.map((c) => [c.trust, c.variables.__gw_after, c.variables.__gw_first])).toEqual([
      ['RXA', 'c-a2', 3],
      ['RXB', 'c-b1', 3],
    ]);
    expect(data!.studies.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(['b2']);
    expect(data!.studies.pageInfo.hasNextPage).toBe(false);
  });

  it('a failed trust: the others\' rows stand, it is named in unavailableTrusts and in one TRUST_UNAVAILABLE', async () => {
    const gw = scriptedGateway([
      { code: 'RXA', answer: () => page(RXA, false) },
      { code: 'RXB', answer: () => new TrustFailure('RXB', 'refused') },
    ]);
    const { data, errors } = await gw.run(QUERY, { first: 5 });
    expect(data!.studies.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(['a1', 'a2']);
    expect(data!.studies.unavailableTrusts).toEqual([{ code: 'RXB' }]);
    expect(errorSummary(errors)).toEqual([{ code: 'TRUST_UNAVAILABLE', path: 'studies', trust: 'RXB' }]);
    expect(errors[0]!.message).toBe('Trust RXB is unavailable: connection refused');
    expect(gw.lastErrors.get('RXB')).toBe('connection refused');
  });

  it('an answer of the wrong shape, or a null page with errors, is that trust\'s failure', async () => {
    const gw = scriptedGateway([
      { code: 'RXA', answer: () => ({ data: { __gw_root: { edges: [] } }, errors: [] }) },
      { code: 'RXB', answer: () => ({ data: { __gw_root: null }, errors: [{ message: 'boom', path: ['__gw_root'], extensions: { code: 'STORE_UNAVAILABLE' } }] }) },
      { code: 'RXC', answer: () => page([['c1', '2026-01-01T00:00:00Z', 'NM bone']], false) },
    ]);
    const { data, errors } = await gw.run(QUERY, { first: 5 });
    expect(data!.studies.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(['c1']);
    expect(data!.studies.unavailableTrusts).toEqual([{ code: 'RXA' }, { code: 'RXB' }]);
    expect(errors.map((e) => e.message)).toEqual([
      'Trust RXA is unavailable: answer is not valid JSON (unexpected page shape)',
      'Trust RXB is unavailable: answered with errors (STORE_UNAVAILABLE)',
    ]);
  });

  it('an error the trust located on a row is thrown at that row\'s GATEWAY path; a dropped row\'s error vanishes', async () => {
    const withError = (rows: Row[], failedIndex: number): TrustResponse => {
      const r = page(rows, false);
      const root = r.data!.__gw_root as { edges: Array<{ node: Record<string, unknown> }> };
      root.edges[failedIndex]!.node.description = null;
      return { ...r, errors: [{ message: 'PACS down', path: ['__gw_root', 'edges', failedIndex, 'node', 'description'], extensions: { code: 'PACS_UNAVAILABLE' } }] };
    };
    const gw = scriptedGateway([
      { code: 'RXA', answer: () => withError(RXA, 1) }, // a2: merged at index 2
      { code: 'RXB', answer: () => withError(RXB, 1) }, // b2: not on the first page of 3
    ]);
    const { data, errors } = await gw.run(QUERY, { first: 3 });
    expect(data!.studies.edges[2].node).toEqual({ id: 'a2', description: null });
    expect(errorSummary(errors)).toEqual([{ code: 'PACS_UNAVAILABLE', path: 'studies.edges.2.node.description', trust: 'RXA' }]);
  });

  it('errors the trust could not locate are relocated to the list; unknown codes are masked', async () => {
    const gw = scriptedGateway([
      {
        code: 'RXA',
        answer: () => ({ ...page(RXA, false), errors: [{ message: 'at http://10.0.0.5:8042 slow', extensions: { code: 'PACS_UNAVAILABLE' } }, { message: 'secret', extensions: { code: 'WEIRD' } }] }),
      },
    ]);
    const { errors } = await gw.run(QUERY, { first: 1 });
    expect(errorSummary(errors)).toEqual([
      { code: 'PACS_UNAVAILABLE', path: 'studies', trust: 'RXA' },
      { code: 'INTERNAL_SERVER_ERROR', path: 'studies', trust: 'RXA' },
    ]);
    expect(errors.map((e) => e.message)).toEqual(['at <address> slow', 'Internal server error']);
  });

  it('filter.trusts is pushed down; a DOWN trust is not called and keeps the registry\'s reason', async () => {
    const gw = scriptedGateway([
      { code: 'RXA', answer: () => page(RXA, false) },
      { code: 'RXB', checked: 'DOWN', answer: () => page(RXB, false) },
      { code: 'RXC', answer: () => page([], false) },
    ]);
    const { data, errors } = await gw.run(QUERY, { first: 5, trusts: ['RXB', 'RXC'] });
    expect(gw.calls.map((c) => c.trust)).toEqual(['RXC']);
    expect(data!.studies.unavailableTrusts).toEqual([{ code: 'RXB' }]);
    expect(errors.map((e) => e.message)).toEqual(['Trust RXB is unavailable: trust is down']);
    expect(gw.lastErrors.has('RXB')).toBe(false);
  });

  it('bad arguments are BAD_USER_INPUT naming the argument, before any trust is asked', async () => {
    const gw = scriptedGateway([{ code: 'RXA', answer: () => page(RXA, false) }], 50);
    for (const [variables, argument] of [
      [{ first: 51 }, 'first'],
      [{ first: -1 }, 'first'],
      [{ after: 'not-a-cursor' }, 'after'],
      [{ trusts: ['RZZ'] }, 'filter.trusts'],
    ] as const) {
      const { data, errors } = await gw.run(QUERY, variables);
      expect(data).toBeNull();
      expect(errors.map((e) => [e.extensions?.code, e.extensions?.argument ?? e.message])).toEqual([['BAD_USER_INPUT', expect.stringContaining(argument)]]);
    }
    expect(gw.calls).toEqual([]);
  });
});
