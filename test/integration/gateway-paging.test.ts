import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type RunningGateway } from '../../gateway/index.ts';
import { networkOrder, postGraphql, startFixtureTrust, type FixtureStudy, type FixtureTrust } from '../helpers/fixture-trust.ts';

/**
 * Paging property over THREE fixture trusts (real subgraphs over HTTP): for random rows (equal
 * and null sortAt included) and a random page size, walking every page with `after: endCursor`
 * (and, on alternate runs, `after:` the last edge's cursor) returns every row exactly once, in
 * the one network order.
 */
const CODES = ['RXA', 'RH8', 'RTH'];
const TIMES = [null, '2026-01-01T00:00:00Z', '2026-01-01T01:00:00+01:00', '2026-02-01T00:00:00Z', '2025-12-31T23:59:59Z'];
const PATIENT = '9990000018';

let trusts: FixtureTrust[] = [];
let gateway: RunningGateway;

beforeAll(async () => {
  trusts = await Promise.all(CODES.map((code) => startFixtureTrust({ code })));
  gateway = await createGateway(
    { http: { port: 0 }, trusts: trusts.map((t) => ({ code: t.code, url: t.url })) },
    { logger: pino({ level: 'silent' }) },
  );
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all(trusts.map((t) => t.close()));
});

const rowsArb = fc.array(fc.constantFrom(...TIMES), { maxLength: 25 });

describe('gateway paging', () => {
  it('walks every row exactly once, in order, for any data and page size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.tuple(rowsArb, rowsArb, rowsArb), fc.integer({ min: 1, max: 50 }), fc.boolean(), async (perTrust, pageSize, byEdge) => {
        const data = perTrust.map((times, i) =>
          times.map((sortAt, j): FixtureStudy => ({ accession: `${CODES[i]}-${String(j).padStart(2, '0')}`, sortAt, nhsNumber: PATIENT })),
        );
        trusts.forEach((t, i) => t.setStudies(data[i]!));
        const expected = networkOrder(CODES.map((code, i) => ({ code, studies: data[i]! })));
        const seen: string[] = [];
        let after: string | null = null;
        for (let page = 0; page < 200; page++) {
          const { body } = await postGraphql(
            gateway.url,
            'query($n: Int, $a: String) { studies(first: $n, after: $a) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }',
            { n: pageSize, a: after },
          );
          expect(body.errors).toBeUndefined();
          const { edges, pageInfo } = body.data!.studies;
          expect(edges.length).toBeLessThanOrEqual(pageSize);
          seen.push(...edges.map((e: { node: { id: string } }) => e.node.id));
          if (!pageInfo.hasNextPage) break;
          expect(edges.length).toBeGreaterThan(0);
          after = byEdge ? edges[edges.length - 1].cursor : pageInfo.endCursor;
        }
        expect(seen).toEqual(expected);
      }),
      { numRuns: 25 },
    );
  });

  it('a trust that fails mid-walk is not skipped: its rows come on later pages', async () => {
    const data = CODES.map((code) => [0, 1, 2].map((j): FixtureStudy => ({ accession: `${code}-${j}`, sortAt: `2026-01-0${3 - j}T00:00:00Z`, nhsNumber: PATIENT })));
    trusts.forEach((t, i) => t.setStudies(data[i]!));
    const q = 'query($a: String) { studies(first: 2, after: $a) { edges { node { id } } pageInfo { hasNextPage endCursor } unavailableTrusts { code } } }';
    const first = await postGraphql(gateway.url, q);
    trusts[1]!.setMode('invalid-json');
    const second = await postGraphql(gateway.url, q, { a: first.body.data!.studies.pageInfo.endCursor });
    trusts[1]!.setMode('ok');
    expect(second.body.data!.studies.unavailableTrusts).toEqual([{ code: 'RH8' }]);
    const seen = [first, second].flatMap((r) => r.body.data!.studies.edges.map((e: { node: { id: string } }) => e.node.id));
    let after = second.body.data!.studies.pageInfo.endCursor;
    for (;;) {
      const next = await postGraphql(gateway.url, q, { a: after });
      seen.push(...next.body.data!.studies.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!next.body.data!.studies.pageInfo.hasNextPage) break;
      after = next.body.data!.studies.pageInfo.endCursor;
    }
    expect([...seen].sort()).toEqual(networkOrder(CODES.map((code, i) => ({ code, studies: data[i]! }))).sort());
    expect(new Set(seen).size).toBe(seen.length);
  });
});
