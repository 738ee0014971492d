/**
 * Real peers, the whole network: three `imaging-network trust` processes (three HL7 dialects,
 * fed over real MLLP; each with the simulator's DICOMweb PACS over HTTP) and an
 * `imaging-network gateway` process, all started from minimal configs, talking real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_IN_PROFILES, generateHistory, startDicomwebSimulator } from '../../simulator/index.ts';
import { resolveHistory } from '../../simulator/generate-history.ts';
import type { StudyPlan } from '../../simulator/study-plan.ts';
import { MllpClient } from '../../subgraphs/trust/ris/mllp/mllp-client.ts';
import { compareStudyOrder, sortMillis } from '../../schema/study-order.ts';
import { freePort } from '../helpers/orthanc.ts';
import { planIsDm01, planStatus } from '../helpers/plan-status.ts';
import { NHS, orm } from '../fixtures/ris/hl7-fixtures.ts';
import { gql, runCli, waitForHttp, type RunningChild } from '../helpers/child-process.ts';
import { writeSimTrustConfig } from '../helpers/sim-trust-config.ts';

const NOW = '2026-04-10T12:00:00Z';
const HISTORY = { seed: 11, days: 10, studiesPerDay: 8, now: NOW };

/** When the shared patient's extra order (beforeAll) was requested at each trust: ORC-9, London time. */
function sharedOrderAt(code: string): number {
  const day = 1 + BUILT_IN_PROFILES.findIndex((p) => p.code === code);
  return Date.parse(`2026-04-0${day}T09:00:00+01:00`);
}

const TIMEOUT_MS = 1500;

interface Row {
  id: string;
  sortAt: string | null;
  trust: { code: string };
}

const STUDY_FIELDS = 'id sortAt trust { code }';

async function walk(url: string, pageSize: number, filter?: Record<string, unknown>): Promise<{ rows: Row[]; pages: number }> {
  const rows: Row[] = [];
  let after: string | null = null;
  for (let pages = 1; pages < 1000; pages++) {
    type Page = { studies: { edges: Array<{ node: Row }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    const res: { data?: Page; errors?: unknown[] } = await gql<Page>(
      url,
      `query($n: Int, $a: String, $f: StudyFilter) { studies(first: $n, after: $a, filter: $f) { edges { node { ${STUDY_FIELDS} } } pageInfo { hasNextPage endCursor } } }`,
      { n: pageSize, a: after, f: filter ?? null },
    );
    expect(res.errors).toBeUndefined();
    rows.push(...res.data!.studies.edges.map((e) => e.node));
    if (!res.data!.studies.pageInfo.hasNextPage) return { rows, pages };
    after = res.data!.studies.pageInfo.endCursor;
  }
  throw new Error('paging did not end');
}

function networkOrder(rows: Row[]): string[] {
  return [...rows]
    .sort((a, b) => compareStudyOrder({ sortAt: sortMillis(a.sortAt), id: a.id }, { sortAt: sortMillis(b.sortAt), id: b.id }))
    .map((r) => r.id);
}

describe('the network: three trust processes and the gateway over real HTTP', () => {
  const trusts: Array<{ code: string; url: string; proc: RunningChild; pacs: { close(): Promise<void> } }> = [];
  let gateway: RunningChild;
  let gatewayUrl: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'network-'));
    await Promise.all(
      BUILT_IN_PROFILES.map(async (profile) => {
        const history = generateHistory(profile, HISTORY);
        const pacs = await startDicomwebSimulator({ port: 0, studies: () => history.studies });
        const { configPath, httpPort, mllpPort } = await writeSimTrustConfig(dir, profile, pacs.url);
        const proc = runCli(['trust', '--config', configPath]);
        await waitForHttp(`http://127.0.0.1:${httpPort}/healthz`, proc);
        const client = new MllpClient('127.0.0.1', mllpPort, { timeoutMs: 10_000 });
        for (const m of history.messages) await client.send(m.hl7);
        // One synthetic patient attends every trust (each with its own MRN and order).
        await client.send(
          orm({
            controlId: `SHARED-${profile.code}`,
            patient: { mrn: `${profile.code}-SHARED-1`, nhs: NHS.d, name: 'SHARED^PAT' },
            accession: `${profile.code}-SHARED-ACC`,
            orderTime: `202604${String(1 + BUILT_IN_PROFILES.indexOf(profile)).padStart(2, '0')}0900`,
            msh: { facility: `${profile.code}01` },
          }),
        );
        await client.close();
        trusts.push({ code: profile.code, url: `http://127.0.0.1:${httpPort}/graphql`, proc, pacs });
      }),
    );
    trusts.sort((a, b) => a.code.localeCompare(b.code));
    const port = await freePort();
    const config = { http: { port }, trusts: trusts.map((t) => ({ code: t.code, url: t.url })), trustTimeoutMs: TIMEOUT_MS };
    writeFileSync(join(dir, 'gateway.json'), JSON.stringify(config));
    gateway = runCli(['gateway', '--config', join(dir, 'gateway.json')]);
    await waitForHttp(`http://127.0.0.1:${port}/readyz`, gateway);
    gatewayUrl = `http://127.0.0.1:${port}/graphql`;
  }, 180_000);

  afterAll(async () => {
    await gateway?.stop();
    for (const t of trusts) {
      t.proc.child.kill('SIGCONT');
      await t.proc.stop();
      await t.pacs.close();
    }
  });

  it('answers studies as the union of the trusts, in the network order, on every page size', async () => {
    const perTrust = await Promise.all(trusts.map((t) => walk(t.url, 200)));
    const union = perTrust.flatMap((p) => p.rows);
    expect(new Set(trusts.map((t) => t.code))).toEqual(new Set(union.map((r) => r.trust.code)));
    const expected = networkOrder(union);
    expect(new Set(expected).size).toBe(expected.length);
    for (const size of [200, 37, 5]) {
      const { rows } = await walk(gatewayUrl, size);
      expect(rows.map((r) => r.id)).toEqual(expected);
    }
  });

  it('pushes filters down and merges the same way', async () => {
    const filter = { modalities: ['CT', 'MR'], statuses: ['FINAL', 'AMENDED'] };
    const perTrust = await Promise.all(trusts.map((t) => walk(t.url, 200, filter)));
    const expected = networkOrder(perTrust.flatMap((p) => p.rows));
    expect(expected.length).toBeGreaterThan(0);
    expect((await walk(gatewayUrl, 9, filter)).rows.map((r) => r.id)).toEqual(expected);
    const one = await walk(gatewayUrl, 50, { ...filter, trusts: ['RH8'] });
    expect(one.rows.every((r) => r.trust.code === 'RH8')).toBe(true);
    expect(one.rows.map((r) => r.id)).toEqual(networkOrder(perTrust[trusts.findIndex((t) => t.code === 'RH8')]!.rows));
  });

  it('finds one patient across trusts: identifiers from each, studies merged in order', async () => {
    // Find an NHS number that more than one trust knows (the simulator shares ~11% of patients).
    const seen = new Map<string, Set<string>>();
    for (const t of trusts) {
      const res = await gql<{ studies: { edges: Array<{ node: { patient: { nhsNumber: string | null } } }> } }>(
        t.url,
        '{ studies(first: 200) { edges { node { patient { nhsNumber } } } } }',
      );
      for (const e of res.data!.studies.edges) {
        const n = e.node.patient.nhsNumber;
        if (n) seen.set(n, (seen.get(n) ?? new Set()).add(t.code));
      }
    }
    const shared = [...seen].filter(([, codes]) => codes.size > 1);
    expect(shared.map(([n]) => n), 'patients known to more than one trust').toContain(NHS.d);
    const [nhs, codes] = shared.find(([n]) => n === NHS.d)!;
    expect(codes.size).toBe(3);
    const res = await gql<{ patient: { nhsNumber: string; identifiers: Array<{ trust: { code: string }; type: string }>; studies: { edges: Array<{ node: Row }> } } }>(
      gatewayUrl,
      `query($n: String!) { patient(nhsNumber: $n) { nhsNumber identifiers { trust { code } type value } studies(first: 100) { edges { node { ${STUDY_FIELDS} } } } } }`,
      { n: nhs },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.patient.nhsNumber).toBe(nhs);
    expect(new Set(res.data!.patient.identifiers.map((i) => i.trust.code))).toEqual(codes);
    const perTrust = await Promise.all(
      trusts.map((t) =>
        gql<{ patient: { studies: { edges: Array<{ node: Row }> } } | null }>(t.url, `query($n: String!) { patient(nhsNumber: $n) { studies(first: 100) { edges { node { ${STUDY_FIELDS} } } } } }`, { n: nhs }),
      ),
    );
    const expected = networkOrder(perTrust.flatMap((r) => r.data!.patient?.studies.edges.map((e) => e.node) ?? []));
    expect(res.data!.patient.studies.edges.map((e) => e.node.id)).toEqual(expected);
  });

  it('routes study(id) to the owning trust', async () => {
    const ids = (await walk(gatewayUrl, 200)).rows.filter((_, i) => i % 40 === 0);
    for (const row of ids) {
      const res = await gql<{ study: { id: string; trust: { code: string } } }>(gatewayUrl, 'query($id: ID!) { study(id: $id) { id trust { code } } }', { id: row.id });
      expect(res.data!.study).toEqual({ id: row.id, trust: row.trust });
    }
  });

  it('answers capacity for the network as the sum of the trusts', async () => {
    const q = '{ capacity(groupBy: [TRUST], filter: { from: "2026-03-01T00:00:00Z", to: "2026-04-10T12:00:00Z" }) { rows { trust { code } requested performed reported unreported } total { requested performed reported unreported performedToReported { count } } unavailableTrusts { code } } }';
    type Cap = { capacity: { rows: Array<{ trust: { code: string }; requested: number; unreported: number }>; total: { requested: number; unreported: number; reported: number; performedToReported: { count: number } } } };
    const net = await gql<Cap>(gatewayUrl, q);
    expect(net.errors).toBeUndefined();
    let requested = 0;
    let unreported = 0;
    for (const t of trusts) {
      const one = await gql<Cap>(t.url, q);
      requested += one.data!.capacity.total.requested;
      unreported += one.data!.capacity.total.unreported;
      expect(net.data!.capacity.rows.find((r) => r.trust.code === t.code)).toMatchObject({ requested: one.data!.capacity.total.requested });
    }
    expect(net.data!.capacity.total.requested).toBe(requested);
    expect(net.data!.capacity.total.unreported).toBe(unreported);
    expect(net.data!.capacity.total.performedToReported.count).toBe(net.data!.capacity.total.reported);
  });

  it('counts backlog per trust and for the network as the simulator planned it', async () => {
    const from = '2026-04-03T00:00:00Z';
    const q = `{ capacity(groupBy: [TRUST], filter: { from: "${from}", to: "${NOW}" }) { rows { trust { code } requested reported unreported oldestUnreportedAt waitingOver6Weeks } total { requested reported unreported waitingOver6Weeks } } }`;
    type Row = { trust: { code: string }; requested: number; reported: number; unreported: number; oldestUnreportedAt: string | null; waitingOver6Weeks: number };
    const res = await gql<{ capacity: { rows: Row[]; total: Omit<Row, 'trust' | 'oldestUnreportedAt'> } }>(gatewayUrl, q);
    expect(res.errors).toBeUndefined();
    const now = Date.parse(NOW);
    const inWindow = (t: number | undefined) => t !== undefined && t >= Date.parse(from) && t <= now;
    const total = { requested: 0, reported: 0, unreported: 0, waitingOver6Weeks: 0 };
    for (const profile of BUILT_IN_PROFILES) {
      // The trust also has the one shared order added in beforeAll (requested 2026-04-0N, waiting).
      const plans = resolveHistory(profile, HISTORY).plans.filter((p) => p.requestedAt <= now);
      const firstFinal = (p: StudyPlan) => (p.reports.find((r) => r.status === 'F' && r.at <= now) ?? p.reports.find((r) => r.status === 'C' && r.at <= now))?.at;
      const unreported = plans.filter((p) => ['COMPLETED', 'PRELIMINARY'].includes(planStatus(p, now)));
      const expected = {
        requested: plans.filter((p) => inWindow(p.requestedAt)).length + (inWindow(sharedOrderAt(profile.code)) ? 1 : 0),
        reported: plans.filter((p) => inWindow(firstFinal(p))).length,
        unreported: unreported.length,
        // Real time is months after NOW: every DM01 test still waiting has waited over 6 weeks
        // (a did-not-attend restarts the clock, but also months ago). The shared order is a chest
        // X-ray: not a DM01 test.
        waitingOver6Weeks: plans.filter((p) => ['REQUESTED', 'SCHEDULED', 'DID_NOT_ATTEND'].includes(planStatus(p, now)) && planIsDm01(p)).length,
      };
      const row = res.data!.capacity.rows.find((r) => r.trust.code === profile.code)!;
      expect({ requested: row.requested, reported: row.reported, unreported: row.unreported, waitingOver6Weeks: row.waitingOver6Weeks }, profile.code).toEqual(expected);
      // HL7 DTM carries whole seconds here: compare at that precision.
      const oldest = Math.floor(Math.min(...unreported.map((p) => p.startedAt!)) / 1000) * 1000;
      expect(row.oldestUnreportedAt === null ? null : Date.parse(row.oldestUnreportedAt), profile.code).toBe(unreported.length ? oldest : null);
      for (const k of Object.keys(total) as Array<keyof typeof total>) total[k] += expected[k];
    }
    expect(res.data!.capacity.total).toEqual(total);
  });

  it("shows each trust's study index in the gateway's trusts (learned from the trust) and in the gateway's metrics", async () => {
    const res = await gql<{ trusts: Array<{ code: string; status: string; pacsIndex: { state: string; indexedStudies: number; lastError: string | null; lastSyncAt: string | null } | null }> }>(
      gatewayUrl,
      '{ trusts { code status pacsIndex { state indexedStudies backfilledThrough lastSyncAt lagSeconds lastError } } }',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.trusts.map((t) => t.code)).toEqual(trusts.map((t) => t.code));
    for (const t of res.data!.trusts) {
      const rows = (await walk(gatewayUrl, 200, { trusts: [t.code] })).rows;
      expect(t.pacsIndex).toMatchObject({ state: 'CURRENT', indexedStudies: rows.length, lastError: null });
      expect(t.pacsIndex!.lastSyncAt).not.toBeNull();
      // The trust's own answer is the same object.
      const own = await gql<{ trusts: Array<{ pacsIndex: { indexedStudies: number } }> }>(trusts.find((x) => x.code === t.code)!.url, '{ trusts { pacsIndex { indexedStudies } } }');
      expect(own.data!.trusts[0]!.pacsIndex.indexedStudies).toBe(rows.length);
    }
    const metrics = await (await fetch(gatewayUrl.replace('/graphql', '/metrics'))).text();
    for (const t of trusts) expect(metrics).toMatch(new RegExp(`gateway_trust_pacs_index_studies\\{trust="${t.code}"\\} \\d+`));
    const trustMetrics = await (await fetch(trusts[0]!.url.replace('/graphql', '/metrics'))).text();
    expect(trustMetrics).toMatch(new RegExp(`trust_pacs_index_state\\{trust="${trusts[0]!.code}"\\} 0`));
  });

  it('names a stalled trust and returns the others within its deadline', async () => {
    const stalled = trusts[1]!;
    stalled.proc.child.kill('SIGSTOP');
    try {
      const started = Date.now();
      const res = await gql<{ studies: { edges: Array<{ node: Row }>; unavailableTrusts: Array<{ code: string }> } }>(
        gatewayUrl,
        `{ studies(first: 200) { edges { node { ${STUDY_FIELDS} } } unavailableTrusts { code } } }`,
      );
      const elapsed = Date.now() - started;
      console.log(`stalled trust ${stalled.code}: answered in ${elapsed} ms (deadline ${TIMEOUT_MS} ms)`);
      expect(res.data!.studies.unavailableTrusts).toEqual([{ code: stalled.code }]);
      expect(res.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'TRUST_UNAVAILABLE', trust: stalled.code }) })]);
      const codes = new Set(res.data!.studies.edges.map((e) => e.node.trust.code));
      expect(codes).toEqual(new Set(trusts.filter((t) => t !== stalled).map((t) => t.code)));
    } finally {
      stalled.proc.child.kill('SIGCONT');
    }
  });

  it('names a killed trust, keeps serving the others, and never leaks internal addresses', async () => {
    const killed = trusts[0]!;
    await killed.proc.stop('SIGKILL');
    const res = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ studies(first: 50) { edges { node { ${STUDY_FIELDS} } } unavailableTrusts { code } } }` }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|at .*\.ts:/);
    const body = JSON.parse(text) as { data: { studies: { edges: Array<{ node: Row }>; unavailableTrusts: Array<{ code: string }> } }; errors: Array<{ extensions: Record<string, unknown> }> };
    expect(body.data.studies.unavailableTrusts).toEqual([{ code: killed.code }]);
    expect(body.errors.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'TRUST_UNAVAILABLE', trust: killed.code })]);
    expect(body.data.studies.edges.length).toBe(50);
    expect(body.data.studies.edges.some((e) => e.node.trust.code === killed.code)).toBe(false);

    const cap = await gql<{ capacity: { rows: Array<{ trust: { code: string } }>; unavailableTrusts: Array<{ code: string }> } }>(
      gatewayUrl,
      '{ capacity(groupBy: [TRUST]) { rows { trust { code } } unavailableTrusts { code } } }',
    );
    expect(cap.data!.capacity.unavailableTrusts).toEqual([{ code: killed.code }]);
    expect(cap.errors?.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'TRUST_UNAVAILABLE', trust: killed.code })]);
    expect(cap.data!.capacity.rows.some((r) => r.trust.code === killed.code)).toBe(false);
  });
});
