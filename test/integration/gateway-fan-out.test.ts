import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, type RunningGateway } from '../../gateway/index.ts';
import {
  networkOrder,
  postGraphql,
  startDelayingProxy,
  startFixtureTrust,
  type DelayingProxy,
  type FixtureStudy,
  type FixtureTrust,
  type FixtureTrustOptions,
} from '../helpers/fixture-trust.ts';

/**
 * The gateway against THREE fixture trusts: real Federation 2 subgraphs over HTTP on loopback
 * (test/helpers/fixture-trust.ts). Failures are real too: a closed port, a delaying proxy, a body
 * that is not JSON, a schema missing a field.
 */
const P1 = '9990000018';
const P2 = '9990000026';

const DATA: Record<string, FixtureStudy[]> = {
  RXA: [
    { accession: 'A1', sortAt: '2026-03-01T09:00:00Z', nhsNumber: P1 },
    { accession: 'A2', sortAt: '2026-02-01T09:00:00+01:00', nhsNumber: P2 },
    { accession: 'A3', sortAt: null, nhsNumber: P1 },
  ],
  RH8: [
    { accession: 'H1', sortAt: '2026-03-01T09:00:00Z', nhsNumber: P1 },
    { accession: 'H2', sortAt: '2026-01-15T12:00:00Z', nhsNumber: P2 },
  ],
  RTH: [
    { accession: 'T1', sortAt: '2026-04-01T00:00:00Z', nhsNumber: P2 },
    { accession: 'T2', sortAt: null, nhsNumber: P1 },
  ],
};

const PAGE = `query($first: Int, $after: String, $filter: StudyFilter) {
  studies(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id accessionNumber trust { code } } }
    pageInfo { hasNextPage endCursor }
    unavailableTrusts { code status }
  }
}`;

let closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers = [];
});

interface Network {
  trusts: Record<string, FixtureTrust>;
  gateway: RunningGateway;
  proxy: DelayingProxy | undefined;
}

async function network(options: { overrides?: Partial<Record<string, Partial<FixtureTrustOptions>>>; proxied?: string; config?: Record<string, unknown> } = {}): Promise<Network> {
  const trusts: Record<string, FixtureTrust> = {};
  for (const code of Object.keys(DATA)) {
    const t = await startFixtureTrust({ code, ...(DATA[code] ? { studies: DATA[code] } : {}), ...options.overrides?.[code] });
    closers.push(() => t.close());
    trusts[code] = t;
  }
  let proxy: DelayingProxy | undefined;
  if (options.proxied) {
    proxy = await startDelayingProxy(trusts[options.proxied]!.url);
    closers.push(() => proxy!.close());
  }
  const gateway = await createGateway(
    {
      http: { port: 0 },
      trustTimeoutMs: 1000,
      trusts: Object.values(trusts).map((t) => ({ code: t.code, url: t.code === options.proxied ? `${proxy!.url}/graphql` : t.url })),
      ...options.config,
    },
    { logger: pino({ level: 'silent' }) },
  );
  closers.push(() => gateway.close());
  return { trusts, gateway, proxy };
}

const ids = (body: { data?: Record<string, any> | null }) => body.data!.studies.edges.map((e: { node: { id: string } }) => e.node.id);
const expected = (codes: string[]) => networkOrder(codes.map((code) => ({ code, studies: DATA[code]! })));

describe('gateway over three fixture trusts', () => {
  it('answers the union of the trusts, in the network order', async () => {
    const { gateway } = await network();
    const { status, body } = await postGraphql(gateway.url, PAGE, { first: 50 });
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    expect(ids(body)).toEqual(expected(['RXA', 'RH8', 'RTH']));
    expect(body.data!.studies.pageInfo.hasNextPage).toBe(false);
    expect(body.data!.studies.unavailableTrusts).toEqual([]);
  });

  it('pushes filter.trusts down: trusts not listed are not called', async () => {
    const { gateway, trusts } = await network();
    const before = trusts.RTH!.requests.length;
    const { body } = await postGraphql(gateway.url, PAGE, { first: 50, filter: { trusts: ['RXA', 'RH8'] } });
    expect(ids(body)).toEqual(expected(['RXA', 'RH8']));
    expect(trusts.RTH!.requests.length).toBe(before);
  });

  it('a killed trust: HTTP 200, the others rows, TRUST_UNAVAILABLE naming it, unavailableTrusts', async () => {
    const { gateway, trusts } = await network();
    await trusts.RH8!.close();
    const { status, body } = await postGraphql(gateway.url, PAGE, { first: 50 });
    expect(status).toBe(200);
    expect(ids(body)).toEqual(expected(['RXA', 'RTH']));
    expect(body.data!.studies.unavailableTrusts).toEqual([{ code: 'RH8', status: 'UP' }]);
    expect(body.errors).toEqual([
      { message: 'Trust RH8 is unavailable: connection refused', path: ['studies'], extensions: { code: 'TRUST_UNAVAILABLE', trust: 'RH8' } },
    ]);
  });

  it('a trust slower than the deadline (delaying proxy): same partial answer', async () => {
    // The deadline is well under the proxy's delay but far above a loaded machine's answer time.
    const { gateway, proxy } = await network({ proxied: 'RTH', config: { trustTimeoutMs: 1500 } });
    proxy!.delayMs = 5_000;
    const { status, body } = await postGraphql(gateway.url, PAGE, { first: 50 });
    expect(status).toBe(200);
    expect(ids(body)).toEqual(expected(['RXA', 'RH8']));
    expect(body.errors?.map((e) => [e.extensions?.code, e.extensions?.trust, e.message])).toEqual([
      ['TRUST_UNAVAILABLE', 'RTH', 'Trust RTH is unavailable: no answer within the deadline'],
    ]);
  });

  it('a trust answering invalid JSON: same partial answer, no address leaked', async () => {
    const { gateway, trusts } = await network();
    trusts.RXA!.setMode('invalid-json');
    const { status, body } = await postGraphql(gateway.url, PAGE, { first: 50 });
    expect(status).toBe(200);
    expect(ids(body)).toEqual(expected(['RH8', 'RTH']));
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions).toEqual({ code: 'TRUST_UNAVAILABLE', trust: 'RXA' });
    expect(JSON.stringify(body)).not.toContain('127.0.0.1');
  });

  it('an INCOMPATIBLE trust (its SDL lacks a field) is left out and shown in trusts with lastError', async () => {
    const { gateway, trusts } = await network({
      overrides: { RTH: { sdl: (sdl) => sdl.replace(/^\s*"[^"\n]*"\n\s*bodyPart: String\n/m, '\n') } },
    });
    const before = trusts.RTH!.requests.length;
    const { body } = await postGraphql(gateway.url, `{ trusts { code status lastError } ${PAGE.slice(PAGE.indexOf('studies'), PAGE.lastIndexOf('}'))} }`.replace('studies(first: $first, after: $after, filter: $filter)', 'studies(first: 50)'));
    expect(ids(body)).toEqual(expected(['RXA', 'RH8']));
    expect(trusts.RTH!.requests.length).toBe(before);
    const rth = body.data!.trusts.find((t: { code: string }) => t.code === 'RTH');
    expect(rth.status).toBe('INCOMPATIBLE');
    expect(rth.lastError).toContain('Study.bodyPart: missing');
    expect(body.data!.trusts.filter((t: { status: string }) => t.status === 'UP').map((t: { code: string }) => t.code)).toEqual(['RXA', 'RH8']);
  });

  it('batches study(id) lookups: one _entities request per trust', async () => {
    const { gateway, trusts } = await network();
    const id = (code: string, acc: string) => `S1.${code}.${Buffer.from(`a:${acc}`).toString('base64url')}`;
    const before = { RXA: trusts.RXA!.entityRequests(), RH8: trusts.RH8!.entityRequests(), RTH: trusts.RTH!.entityRequests() };
    const { body } = await postGraphql(
      gateway.url,
      `query($x: ID!) {
        a: study(id: "${id('RXA', 'A1')}") { accessionNumber }
        b: study(id: "${id('RXA', 'A2')}") { accessionNumber trust { code name } }
        c: study(id: $x) { accessionNumber }
        d: study(id: "${id('RH8', 'H2')}") { id }
        e: study(id: "${id('RH8', 'NOPE')}") { id }
        junk: study(id: "not-an-id") { id }
      }`,
      { x: id('RXA', 'A3') },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      a: { accessionNumber: 'A1' },
      b: { accessionNumber: 'A2', trust: { code: 'RXA', name: 'Fixture trust RXA' } },
      c: { accessionNumber: 'A3' },
      d: { id: id('RH8', 'H2') },
      e: null,
      junk: null,
    });
    expect(trusts.RXA!.entityRequests() - before.RXA).toBe(1);
    expect(trusts.RH8!.entityRequests() - before.RH8).toBe(1);
    expect(trusts.RTH!.entityRequests() - before.RTH).toBe(0);
  });

  it('study(id) of a dead trust is null with TRUST_UNAVAILABLE at its path', async () => {
    const { gateway, trusts } = await network();
    await trusts.RH8!.close();
    const { body } = await postGraphql(gateway.url, `{ s: study(id: "S1.RH8.${Buffer.from('a:H1').toString('base64url')}") { id } }`);
    expect(body.data).toEqual({ s: null });
    expect(body.errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.trust])).toEqual([[['s'], 'TRUST_UNAVAILABLE', 'RH8']]);
  });

  it('refuses first: 1000, a bad NHS number and a foreign cursor as BAD_USER_INPUT naming the argument', async () => {
    const { gateway } = await network();
    const first = await postGraphql(gateway.url, PAGE, { first: 1000 });
    expect(first.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first' });
    const nhs = await postGraphql(gateway.url, PAGE, { filter: { nhsNumber: '9990000019' } });
    expect(nhs.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.nhsNumber' });
    const patient = await postGraphql(gateway.url, '{ patient(nhsNumber: "123") { nhsNumber } }');
    expect(patient.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'nhsNumber' });
    const after = await postGraphql(gateway.url, PAGE, { after: 'fx:abc' });
    expect(after.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
    const trust = await postGraphql(gateway.url, PAGE, { filter: { trusts: ['RZZ'] } });
    expect(trust.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'filter.trusts' });
  });

  it('opens the circuit after repeated failures: the trust is skipped at once', async () => {
    const { gateway, trusts } = await network({ config: { circuit: { failureThreshold: 2, coolDownMs: 60_000 } } });
    await trusts.RTH!.close();
    const reasons: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { status, body } = await postGraphql(gateway.url, PAGE, { first: 50 });
      expect(status).toBe(200);
      expect(ids(body)).toEqual(expected(['RXA', 'RH8']));
      reasons.push(body.errors![0]!.message);
    }
    expect(reasons).toEqual([
      'Trust RTH is unavailable: connection refused',
      'Trust RTH is unavailable: connection refused',
      'Trust RTH is unavailable: circuit open after repeated failures',
    ]);
    const { body } = await postGraphql(gateway.url, '{ trusts { code status lastError } }');
    expect(body.data!.trusts[2]).toEqual({ code: 'RTH', status: 'DOWN', lastError: 'circuit open after repeated failures' });
    const metrics = await (await fetch(gateway.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toContain('gateway_trust_circuit_state{trust="RTH"} 2');
    expect(metrics).toMatch(/gateway_errors_total\{code="TRUST_UNAVAILABLE"\} 3/);
  });

  it('keeps a trust error on its row, re-rooted at the gateway path, address scrubbed', async () => {
    const { gateway } = await network({
      overrides: { RH8: { studies: [{ accession: 'H9', sortAt: '2025-01-01T00:00:00Z', nhsNumber: P1, failDescription: true }] } },
    });
    const { body } = await postGraphql(gateway.url, '{ studies(first: 50, filter: { trusts: ["RXA", "RH8"] }) { edges { node { accessionNumber description } } } }');
    const rows = body.data!.studies.edges.map((e: { node: { accessionNumber: string } }) => e.node.accessionNumber);
    const index = rows.indexOf('H9');
    expect(index).toBeGreaterThan(0);
    expect(body.errors).toEqual([
      expect.objectContaining({ path: ['studies', 'edges', index, 'node', 'description'], extensions: { code: 'PACS_UNAVAILABLE', trust: 'RH8' } }),
    ]);
    expect(body.errors![0]!.message).not.toMatch(/10\.9\.9\.9|http/);
  });

  it('merges one patient across trusts: identifiers concatenated, demographics from the first trust that has them, studies merged', async () => {
    const { gateway } = await network({
      overrides: {
        RXA: { patients: [{ nhsNumber: P1, family: null, given: [], birthDate: '1980-05-05', mrn: 'A-1' }] },
        RH8: { patients: [{ nhsNumber: P1, family: 'SYNTHETIC', given: ['PAT'], birthDate: '1980-05-06', sex: 'FEMALE', mrn: 'H-1' }] },
      },
    });
    const q = `query($after: String) { patient(nhsNumber: "999 000 0018") {
      nhsNumber birthDate sex
      identifiers { trust { code } type value }
      s: studies(first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } }
    } }`;
    const one = await postGraphql(gateway.url, q);
    expect(one.body.errors).toBeUndefined();
    const p = one.body.data!.patient;
    expect(p).toMatchObject({ nhsNumber: P1, birthDate: '1980-05-05', sex: 'FEMALE' });
    expect(p.identifiers.map((i: { trust: { code: string }; value: string }) => `${i.trust.code}:${i.value}`)).toEqual([
      `RXA:${P1}`, 'RXA:A-1', `RH8:${P1}`, 'RH8:H-1', `RTH:${P1}`,
    ]);
    const all = networkOrder(Object.entries(DATA).map(([code, studies]) => ({ code, studies: studies.filter((s) => s.nhsNumber === P1) })));
    const seen = p.s.edges.map((e: { node: { id: string } }) => e.node.id);
    let page = p.s.pageInfo;
    while (page.hasNextPage) {
      const next = await postGraphql(gateway.url, q, { after: page.endCursor });
      seen.push(...next.body.data!.patient.s.edges.map((e: { node: { id: string } }) => e.node.id));
      page = next.body.data!.patient.s.pageInfo;
    }
    expect(seen).toEqual(all);
    const none = await postGraphql(gateway.url, '{ patient(nhsNumber: "9990000034") { nhsNumber } }');
    expect(none.body).toEqual({ data: { patient: null } });
  });

  it('serves health, readiness and metrics', async () => {
    const { gateway, trusts } = await network();
    const base = gateway.url.replace('/graphql', '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    await postGraphql(gateway.url, PAGE, { first: 5 });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/gateway_trust_request_duration_seconds_count\{trust="RXA",outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(/gateway_fan_out_width_count [1-9]/);
    for (const t of Object.values(trusts)) await t.close();
    const down = await createGateway(
      { http: { port: 0 }, trustTimeoutMs: 300, trusts: [{ code: 'RXA', url: trusts.RXA!.url }] },
      { logger: pino({ level: 'silent' }) },
    );
    closers.push(() => down.close());
    expect((await fetch(down.url.replace('/graphql', '/readyz'))).status).toBe(503);
    expect((await fetch(down.url.replace('/graphql', '/healthz'))).status).toBe(200);
  });
});
