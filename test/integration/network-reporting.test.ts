/**
 * Network reporting on real peers: two `imaging-network trust` processes (RXA: HL7 v2.3, TX text,
 * accession in OBR-18; RH8: v2.4, FT text, accession in OBR-3, NHS number in PID-2), each fed
 * over MLLP by the simulator and writing back to a simulated RIS over real TCP MLLP
 * (simulator/ris-receiver.ts), and an `imaging-network gateway` process with JWT auth and signed
 * trust calls. Expected worklists come from the simulator's plans (test/helpers/plan-status.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { generateHistory, RH8_PROFILE, RXA_PROFILE, startDicomwebSimulator, type SimTrustProfile } from '../../simulator/index.ts';
import { resolveHistory } from '../../simulator/generate-history.ts';
import { TrustMessageWriter } from '../../simulator/trust-message-writer.ts';
import { startRisReceiver, type RisReceiver } from '../../simulator/ris-receiver.ts';
import { AuditLog } from '../../audit/audit-log.ts';
import { encodeStudyId } from '../../schema/study-id.ts';
import { MllpClient } from '../../subgraphs/trust/ris/mllp/mllp-client.ts';
import { freePort } from '../helpers/orthanc.ts';
import { runCli, waitForHttp, type RunningChild } from '../helpers/child-process.ts';
import { planStatus } from '../helpers/plan-status.ts';

const JWT_SECRET = 'test-only-hs256-secret-0123456789abcdef';
const GATEWAY_SECRET = 'test-only-gateway-secret-0123456789';
const ISSUER = 'https://idp.test.invalid';
const AUDIENCE = 'imaging-network';
const NOW = '2026-04-10T12:00:00Z';
const HISTORY = { seed: 21, days: 10, studiesPerDay: 8, now: NOW };
/** Targets that do not depend on patient class, so the expected due times need only the plans. */
const TARGETS = { STAT: { default: 1 }, URGENT: { default: 24, EMERGENCY: 24 }, ROUTINE: { default: 672, EMERGENCY: 672, INPATIENT: 672 } };
const TARGET_HOURS: Record<string, number> = { S: 1, A: 24, R: 672 };

type Gql = { data?: Record<string, any> | null; errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, any> }> };

async function token(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('30m').sign(new TextEncoder().encode(JWT_SECRET));
}

function radiologist(n: number, trust = 'RH8'): Promise<string> {
  return token({ sub: `rad-${n}`, roles: ['radiologist'], given_name: `Given${n}`, family_name: `Family${n}`, gmc: String(7_000_000 + n), trust });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * RH8's RIS endpoint as the trust sees it: a TCP front that, while "down", drops every connection
 * at once (as a RIS whose interface engine is stopped behind its address does), and while "up"
 * passes bytes both ways to the simulated RIS. Its port never changes hands, so no other process
 * can take it between "down" and "up".
 */
async function startSwitchableEndpoint(target: () => number | undefined): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const port = target();
    if (port === undefined) {
      socket.destroy();
      return;
    }
    const upstream = net.connect({ host: '127.0.0.1', port });
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      socket.destroy();
    });
    upstream.on('error', () => upstream.destroy());
    socket.on('close', () => upstream.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

interface TrustUnderTest {
  profile: SimTrustProfile;
  configPath: string;
  httpPort: number;
  mllpPort: number;
  process: RunningChild;
}

describe('network reporting: worklist, claims, write-back, live updates (trust and gateway processes, MLLP)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reporting-'));
  const trusts = new Map<string, TrustUnderTest>();
  const closers: Array<() => Promise<unknown>> = [];
  let gateway: RunningChild;
  let gatewayUrl: string;
  let risRxa: RisReceiver;
  let risRh8: RisReceiver | undefined;
  let rh8RisPort: number;
  let rh8Answer: 'AA' | 'AR' = 'AA';
  let rh8Hold = false;
  let analyst: string;

  async function post(query: string, variables: Record<string, unknown>, auth: string): Promise<Gql> {
    const res = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${auth}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as Gql;
  }

  async function startTrustProcess(t: TrustUnderTest): Promise<void> {
    t.process = runCli(['trust', '--config', t.configPath]);
    await waitForHttp(`http://127.0.0.1:${t.httpPort}/healthz`, t.process);
  }

  async function startRh8Ris(): Promise<RisReceiver> {
    risRh8 = await startRisReceiver({ port: 0, answer: () => rh8Answer, hold: () => rh8Hold });
    return risRh8;
  }

  beforeAll(async () => {
    risRxa = await startRisReceiver({ port: 0 });
    closers.push(() => risRxa.close());
    const endpoint = await startSwitchableEndpoint(() => risRh8?.port);
    closers.push(() => endpoint.close());
    rh8RisPort = endpoint.port;
    for (const [profile, extra] of [
      [RXA_PROFILE, { hl7: { version: '2.3', reportText: 'TX', accessionNumber: 'OBR-18', nhsNumberIn: 'PID-3' }, mllp: { outbound: { port: risRxa.port } } }],
      // RH8's RIS is down at first (a report submitted while it is down), and claims are short.
      [RH8_PROFILE, { hl7: { version: '2.4', reportText: 'FT', accessionNumber: 'OBR-3', nhsNumberIn: 'PID-2' }, mllp: { outbound: { port: rh8RisPort, maxBackoffMs: 500 } }, reporting: { claimTtlMs: 2000 } }],
    ] as const) {
      const history = generateHistory(profile, HISTORY);
      const sim = await startDicomwebSimulator({ port: 0, studies: () => history.studies });
      closers.push(() => sim.close());
      const httpPort = await freePort();
      const mllpPort = await freePort();
      const configPath = join(dir, `${profile.code}.json`);
      writeFileSync(
        configPath,
        JSON.stringify({
          code: profile.code,
          name: profile.name,
          http: { port: httpPort },
          mllp: { port: mllpPort, ...extra.mllp },
          pacs: { dicomweb: sim.url },
          store: { sqlite: join(dir, `${profile.code}.db`) },
          hl7: extra.hl7,
          reporting: { targets: TARGETS, ...('reporting' in extra ? extra.reporting : {}) },
          gatewaySecret: GATEWAY_SECRET,
          logLevel: 'warn',
        }),
      );
      const t: TrustUnderTest = { profile, configPath, httpPort, mllpPort, process: undefined as unknown as RunningChild };
      await startTrustProcess(t);
      trusts.set(profile.code, t);
      const client = new MllpClient('127.0.0.1', mllpPort);
      for (const m of history.messages) await client.send(m.hl7);
      await client.close();
    }
    const port = await freePort();
    const gatewayConfig = join(dir, 'gateway.json');
    writeFileSync(
      gatewayConfig,
      JSON.stringify({
        http: { port },
        trusts: [...trusts.values()].map((t) => ({ code: t.profile.code, url: `http://127.0.0.1:${t.httpPort}/graphql` })),
        gatewaySecret: GATEWAY_SECRET,
        trustTimeoutMs: 15_000,
        contractCheckIntervalMs: 2_000,
        auth: { jwt: { secret: JWT_SECRET, issuer: ISSUER, audience: AUDIENCE } },
        audit: { sqlite: join(dir, 'gateway-audit.db') },
        logLevel: 'warn',
      }),
    );
    gateway = runCli(['gateway', '--config', gatewayConfig]);
    await waitForHttp(`http://127.0.0.1:${port}/readyz`, gateway);
    gatewayUrl = `http://127.0.0.1:${port}/graphql`;
    analyst = await token({ sub: 'ann-analyst', roles: ['analyst'], trust: 'RXA' });
  }, 180_000);

  afterAll(async () => {
    await gateway?.stop();
    for (const t of trusts.values()) await t.process?.stop();
    await risRh8?.close();
    for (const close of closers) await close();
  });

  /** The simulator's own answer: studies needing a report at NOW, by due time then network id. */
  function expectedWorklist(profiles: readonly SimTrustProfile[]) {
    const now = Date.parse(NOW);
    return profiles
      .flatMap((profile) =>
        resolveHistory(profile, HISTORY)
          .plans.filter((p) => p.requestedAt <= now && ['COMPLETED', 'PRELIMINARY'].includes(planStatus(p, now)))
          .map((p) => ({
            id: encodeStudyId({ trust: profile.code, kind: 'accession', value: p.accessionNumber }),
            // OBR-7 carries whole seconds.
            due: Math.floor(p.startedAt! / 1000) * 1000 + TARGET_HOURS[p.priority]! * 3_600_000,
          })),
      )
      .sort((a, b) => a.due - b.due || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async function worklistIds(auth: string, filter: Record<string, unknown> = {}, pageSize = 7) {
    const rows: Array<{ id: string; dueAt: string | null }> = [];
    let after: string | null = null;
    for (;;) {
      const res = await post(
        'query($f: WorklistFilter, $after: String, $n: Int) { worklist(filter: $f, first: $n, after: $after) { edges { node { id dueAt } } pageInfo { hasNextPage endCursor } unavailableTrusts { code } } }',
        { f: filter, after, n: pageSize },
        auth,
      );
      expect(res.errors).toBeUndefined();
      const page = res.data!['worklist'];
      rows.push(...page.edges.map((e: any) => e.node));
      if (!page.pageInfo.hasNextPage) return rows;
      after = page.pageInfo.endCursor;
    }
  }

  it('merges every trust\'s worklist by dueAt then id, across pages, as the simulator planned it', async () => {
    const expected = expectedWorklist([RXA_PROFILE, RH8_PROFILE]);
    expect(expected.length).toBeGreaterThan(5);
    const rows = await worklistIds(analyst);
    expect(rows.map((r) => r.id)).toEqual(expected.map((e) => e.id));
    expect(rows.map((r) => Date.parse(r.dueAt!))).toEqual(expected.map((e) => e.due));
    const rh8Only = await worklistIds(analyst, { trusts: ['RH8'], overdueOnly: true }, 50);
    expect(rh8Only.map((r) => r.id)).toEqual(expected.filter((e) => e.id.startsWith('S1.RH8.')).map((e) => e.id));
  });

  it('200 concurrent claims of one study through the gateway: exactly one winner, every time, over 20 rounds', async () => {
    const tokens = await Promise.all(Array.from({ length: 200 }, (_, i) => radiologist(i, 'RXA')));
    const candidates = expectedWorklist([RXA_PROFILE]).slice(0, 5);
    expect(candidates.length).toBe(5);
    for (let round = 0; round < 20; round++) {
      const id = candidates[round % candidates.length]!.id;
      const results = await Promise.all(
        tokens.map((t) => post('mutation($id: ID!) { claimStudy(id: $id) { claimedBy { id gmcNumber } expiresAt } }', { id }, t)),
      );
      const winners = results.filter((r) => r.data?.['claimStudy']);
      expect(winners, `round ${round}`).toHaveLength(1);
      const winner = winners[0]!.data!['claimStudy'].claimedBy;
      const losers = results.filter((r) => !r.data?.['claimStudy']);
      expect(losers).toHaveLength(199);
      for (const l of losers) {
        expect(l.errors?.[0]?.extensions?.['code']).toBe('ALREADY_CLAIMED');
        expect(l.errors?.[0]?.extensions?.['claimedBy']?.id).toBe(winner.id);
      }
      const claimed = await worklistIds(analyst, { trusts: ['RXA'], claimed: true }, 50);
      expect(claimed.map((r) => r.id)).toEqual([id]);
      // The winner gives it back: the next round on this study starts from a free lease.
      const winnerToken = tokens[Number(String(winner.id).slice(4))]!;
      const released = await post('mutation($id: ID!) { releaseStudy(id: $id) }', { id }, winnerToken);
      expect(released.data?.['releaseStudy']).toBe(true);
    }
  }, 300_000);

  it('an expired lease puts the study back on the worklist', async () => {
    const id = expectedWorklist([RH8_PROFILE])[0]!.id;
    const rad = await radiologist(1);
    const claim = await post('mutation($id: ID!) { claimStudy(id: $id) { expiresAt } }', { id }, rad);
    expect(claim.errors).toBeUndefined();
    const unclaimedNow = await worklistIds(analyst, { trusts: ['RH8'], claimed: false }, 50);
    expect(unclaimedNow.map((r) => r.id)).not.toContain(id);
    await waitFor('the lease to expire', async () => {
      const rows = await worklistIds(analyst, { trusts: ['RH8'], claimed: false }, 50);
      return rows.some((r) => r.id === id) ? true : undefined;
    });
    const study = await post('query($id: ID!) { study(id: $id) { claim { expiresAt } } }', { id }, rad);
    expect(study.data!['study'].claim).toBeNull();
    // Another radiologist can now claim it.
    const again = await post('mutation($id: ID!) { claimStudy(id: $id) { claimedBy { id } } }', { id }, await radiologist(2));
    expect(again.data!['claimStudy'].claimedBy.id).toBe('rad-2');
  });

  it('a subscriber sees another client\'s claim within 1 s (GraphQL over SSE at the gateway)', async () => {
    const ids = expectedWorklist([RXA_PROFILE]).slice(1, 3).map((e) => e.id);
    const watcher = await radiologist(50, 'RXA');
    const abort = new AbortController();
    const res = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${watcher}` },
      body: JSON.stringify({ query: 'subscription { worklistChanged(filter: { trusts: ["RXA"] }) { type study { id claim { claimedBy { id } } } } }' }),
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events: Array<{ type: string; study: { id: string; claim: { claimedBy: { id: string } } | null } }> = [];
    const waiters: Array<() => void> = [];
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
            if (!block.includes('event: next') || !data) continue;
            events.push(JSON.parse(data).data.worklistChanged);
            for (const w of waiters.splice(0)) w();
          }
        }
      } catch {
        // aborted at the end of the test
      }
    })();
    const claimer = await radiologist(51, 'RXA');
    const seen = (id: string, type: string) => events.find((e) => e.study.id === id && e.type === type);
    const next = (ms: number) => new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    // Warm-up (untimed): claims and releases until the gateway's streams from the trusts are up.
    await waitFor('the subscription to be live', async () => {
      await post('mutation($id: ID!) { claimStudy(id: $id) { expiresAt } }', { id: ids[0] }, claimer);
      await post('mutation($id: ID!) { releaseStudy(id: $id) }', { id: ids[0] }, claimer);
      await next(500);
      return seen(ids[0]!, 'RELEASED') ? true : undefined;
    });
    const sentAt = Date.now();
    const claim = await post('mutation($id: ID!) { claimStudy(id: $id) { expiresAt } }', { id: ids[1] }, claimer);
    expect(claim.errors).toBeUndefined();
    const deadline = Date.now() + 1000;
    while (!seen(ids[1]!, 'CLAIMED') && Date.now() < deadline) await next(deadline - Date.now());
    const event = seen(ids[1]!, 'CLAIMED');
    expect(event, 'CLAIMED event within 1 s').toBeDefined();
    // For the record only (never asserted): claim sent → event seen.
    console.info(`worklistChanged CLAIMED seen ${Date.now() - sentAt} ms after the claim was sent`);
    expect(event!.study.claim?.claimedBy.id).toBe('rad-51');
    abort.abort();
  });

  it('an analyst\'s events carry no patient data', async () => {
    const id = expectedWorklist([RXA_PROFILE])[3]!.id;
    const abort = new AbortController();
    const res = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${analyst}` },
      body: JSON.stringify({ query: 'subscription { worklistChanged { type study { id patient { nhsNumber name { family } } } } }' }),
      signal: abort.signal,
    });
    const claimer = await radiologist(60, 'RXA');
    const reader = (async () => {
      const decoder = new TextDecoder();
      let text = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
        const block = text.split('\n\n').find((b) => b.includes('event: next') && b.includes(id));
        if (block) return JSON.parse(block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join(''));
      }
      return undefined;
    })();
    const payload = await waitFor('an analyst event', async () => {
      await post('mutation($id: ID!) { claimStudy(id: $id) { expiresAt } }', { id }, claimer);
      await post('mutation($id: ID!) { releaseStudy(id: $id) }', { id }, claimer);
      return Promise.race([reader, new Promise<undefined>((r) => setTimeout(() => r(undefined), 500))]);
    });
    abort.abort();
    expect(payload.data.worklistChanged.study.patient).toEqual({ nhsNumber: null, name: null });
    expect(payload.errors.map((e: any) => e.extensions.code)).toContain('FORBIDDEN');
  });

  it('a report submitted while the RIS is down is delivered exactly once after it comes up; the claim ends on FINAL', async () => {
    const id = expectedWorklist([RH8_PROFILE])[1]!.id;
    const rad = await radiologist(3);
    expect((await post('mutation($id: ID!) { claimStudy(id: $id) { expiresAt } }', { id }, rad)).errors).toBeUndefined();
    const submitted = await post(
      'mutation($id: ID!, $r: ReportInput!) { submitReport(studyId: $id, report: $r) { version status reporter { gmcNumber name trust { code } } delivery { state messageControlId } } }',
      { id, r: { text: 'Findings: no fracture.\nConclusion: normal.', status: 'FINAL' } },
      rad,
    );
    expect(submitted.errors).toBeUndefined();
    const report = submitted.data!['submitReport'];
    expect(report.status).toBe('FINAL');
    expect(report.reporter).toEqual({ gmcNumber: '7000003', name: 'Given3 Family3', trust: { code: 'RH8' } });
    const controlId = report.delivery.messageControlId as string;
    const deliveryOf = async () =>
      (await post('query($id: ID!) { study(id: $id) { status claim { expiresAt } reports { version delivery { state attempts lastError ackedAt messageControlId } } } }', { id }, rad)).data!['study'];
    const pending = await waitFor('a failed attempt', async () => {
      const s = await deliveryOf();
      return s.reports.at(-1).delivery.attempts >= 1 && s.reports.at(-1).delivery.lastError ? s : undefined;
    });
    expect(pending.reports.at(-1).delivery.state).toBe('PENDING');
    expect(pending.status).toBe('FINAL');
    expect(pending.claim).toBeNull();
    const worklist = await worklistIds(analyst, { trusts: ['RH8'] }, 50);
    expect(worklist.map((r) => r.id)).not.toContain(id);

    const ris = await startRh8Ris();
    const delivered = await waitFor('delivery', async () => {
      const s = await deliveryOf();
      return s.reports.at(-1).delivery.state === 'DELIVERED' ? s : undefined;
    });
    expect(delivered.reports.at(-1).delivery.messageControlId).toBe(controlId);
    // Wait a few retry periods: nothing more may arrive.
    await new Promise((r) => setTimeout(r, 1500));
    expect(ris.deliveries(controlId)).toBe(1);
    const oru = ris.received().find((o) => o.controlId === controlId)!;
    // RH8's dialect: v2.4, accession in OBR-3, FT text, OBR-32 GMC&FAMILY&GIVEN.
    const accession = Buffer.from(id.split('.')[2]!, 'base64url').toString('utf8').slice(2);
    expect(oru).toMatchObject({ version: '2.4', accessionNumber: accession, resultStatus: 'F', reporter: ['7000003', 'Family3', 'Given3'], text: 'Findings: no fracture.\nConclusion: normal.' });
    expect(oru.raw).toContain('|FT|');
  }, 120_000);

  it('kill -9 of the trust between send and ACK: delivered after restart with the same MSH-10', async () => {
    const id = expectedWorklist([RH8_PROFILE])[2]!.id;
    const rad = await radiologist(4);
    expect((await post('mutation($id: ID!) { claimStudy(id: $id) { expiresAt } }', { id }, rad)).errors).toBeUndefined();
    const ris = risRh8!;
    const before = ris.controlIds().length;
    rh8Hold = true;
    const submitted = await post(
      'mutation($id: ID!, $r: ReportInput!) { submitReport(studyId: $id, report: $r) { delivery { messageControlId } } }',
      { id, r: { text: 'Preliminary: small effusion.', status: 'PRELIMINARY' } },
      rad,
    );
    expect(submitted.errors).toBeUndefined();
    const controlId = submitted.data!['submitReport'].delivery.messageControlId as string;
    await waitFor('the ORU to reach the RIS', async () => (ris.controlIds().length > before ? true : undefined));
    const rh8 = trusts.get('RH8')!;
    await rh8.process.stop('SIGKILL');
    // Partial results while RH8 is down: RXA's rows stand, RH8 is named (as for `studies`).
    const partial = await post('{ worklist(first: 50) { edges { node { id } } unavailableTrusts { code } } }', {}, analyst);
    expect(partial.data!['worklist'].unavailableTrusts).toEqual([{ code: 'RH8' }]);
    expect(partial.errors?.map((e) => [e.extensions?.['code'], e.extensions?.['trust']])).toEqual([['TRUST_UNAVAILABLE', 'RH8']]);
    const rows = partial.data!['worklist'].edges.map((e: any) => e.node.id as string);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r: string) => r.startsWith('S1.RXA.'))).toBe(true);
    rh8Hold = false;
    await startTrustProcess(rh8);
    const delivered = await waitFor('delivery after restart', async () => {
      const res = await post('query($id: ID!) { study(id: $id) { reports { delivery { state messageControlId } } } }', { id }, rad);
      const d = res.data?.['study']?.reports.at(-1)?.delivery;
      return d?.state === 'DELIVERED' ? d : undefined;
    }, 60_000);
    expect(delivered.messageControlId).toBe(controlId);
    const sent = ris.controlIds().slice(before);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sent)).toEqual(new Set([controlId]));
    expect(ris.received().filter((o) => o.controlId === controlId)).toHaveLength(1);
  }, 120_000);

  it('an AR from the RIS: REJECTED, with the reason, visible on the report', async () => {
    const id = expectedWorklist([RH8_PROFILE])[3]!.id;
    const rad = await radiologist(5);
    expect((await post('mutation($id: ID!) { claimStudy(id: $id) { expiresAt } }', { id }, rad)).errors).toBeUndefined();
    rh8Answer = 'AR';
    const submitted = await post('mutation($id: ID!, $r: ReportInput!) { submitReport(studyId: $id, report: $r) { version } }', { id, r: { text: 'Normal study.', status: 'FINAL' } }, rad);
    expect(submitted.errors).toBeUndefined();
    const rejected = await waitFor('rejection', async () => {
      const res = await post('query($id: ID!) { study(id: $id) { reports { delivery { state lastError attempts } } } }', { id }, rad);
      const d = res.data?.['study']?.reports.at(-1)?.delivery;
      return d?.state === 'REJECTED' ? d : undefined;
    });
    rh8Answer = 'AA';
    expect(rejected.lastError).toContain('AR');
    expect(rejected.lastError).toContain('simulated RIS refuses');
    expect(rejected.attempts).toBe(1);
  });

  it('refuses reports without a live claim (NOT_CLAIMED) and empty or oversized text (BAD_USER_INPUT)', async () => {
    const id = expectedWorklist([RXA_PROFILE])[4]!.id;
    const rad = await radiologist(7, 'RXA');
    const q = 'mutation($id: ID!, $r: ReportInput!) { submitReport(studyId: $id, report: $r) { version } }';
    const notClaimed = await post(q, { id, r: { text: 'Normal.', status: 'FINAL' } }, rad);
    expect(notClaimed.errors?.[0]?.extensions?.['code']).toBe('NOT_CLAIMED');
    await post('mutation($id: ID!) { claimStudy(id: $id) { expiresAt } }', { id }, rad);
    const empty = await post(q, { id, r: { text: '  \n ', status: 'FINAL' } }, rad);
    expect(empty.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(empty.errors?.[0]?.message).toContain('report.text');
    const huge = await post(q, { id, r: { text: 'x'.repeat(70_000), status: 'FINAL' } }, rad);
    expect(huge.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const analystTry = await post(q, { id, r: { text: 'Normal.', status: 'FINAL' } }, analyst);
    expect(analystTry.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  it('preliminary, final, then an addendum: versions, statuses, the worklist and OBR-25 P/F/C at the RIS', async () => {
    const id = expectedWorklist([RXA_PROFILE])[4]!.id;
    const rad = await radiologist(7, 'RXA');
    const submit = (status: string, text: string) =>
      post('mutation($id: ID!, $r: ReportInput!) { submitReport(studyId: $id, report: $r) { version status delivery { messageControlId } } }', { id, r: { text, status } }, rad);
    const study = async () => (await post('query($id: ID!) { study(id: $id) { status claim { claimedBy { id } } } }', { id }, rad)).data!['study'];
    const onWorklist = async () => (await worklistIds(analyst, { trusts: ['RXA'] }, 50)).some((r) => r.id === id);
    // Still claimed by rad-7 from the previous test.
    const p = await submit('PRELIMINARY', 'Preliminary: likely normal.');
    expect(p.data!['submitReport']).toMatchObject({ version: 1, status: 'PRELIMINARY' });
    expect(await study()).toEqual({ status: 'PRELIMINARY', claim: { claimedBy: { id: 'rad-7' } } });
    expect(await onWorklist()).toBe(true);
    const f = await submit('FINAL', 'Normal.');
    expect(f.data!['submitReport']).toMatchObject({ version: 2, status: 'FINAL' });
    expect(await study()).toEqual({ status: 'FINAL', claim: null });
    expect(await onWorklist()).toBe(false);
    expect((await submit('FINAL', 'Addendum.')).errors?.[0]?.extensions?.['code']).toBe('NOT_CLAIMED');
    expect((await post('mutation($id: ID!) { claimStudy(id: $id) { expiresAt } }', { id }, rad)).errors).toBeUndefined();
    expect((await submit('PRELIMINARY', 'Late preliminary.')).errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const c = await submit('FINAL', 'Addendum: comparison with prior shows no change.');
    expect(c.data!['submitReport']).toMatchObject({ version: 3, status: 'CORRECTED' });
    expect(await study()).toEqual({ status: 'AMENDED', claim: null });
    const sent = [p, f, c].map((r) => r.data!['submitReport'].delivery.messageControlId as string);
    await waitFor('the three versions at the RXA RIS', async () => (sent.every((cid) => risRxa.received().some((o) => o.controlId === cid)) ? true : undefined));
    expect(sent.map((cid) => risRxa.received().find((o) => o.controlId === cid)!.resultStatus)).toEqual(['P', 'F', 'C']);
    expect(sent.map((cid) => risRxa.received().find((o) => o.controlId === cid)!.version)).toEqual(['2.3', '2.3', '2.3']);
  });

  it('records claims, releases and reports in the owning trust\'s audit log: who, when, which study', async () => {
    const id = expectedWorklist([RH8_PROFILE])[3]!.id;
    const log = AuditLog.open(join(dir, 'RH8.db.audit.db'), { readonly: true });
    try {
      const mine = log.query({ sub: 'rad-5' }).filter((e) => e.studyId === id && e.where === 'RH8');
      const actions = mine.map((e) => e.operationName);
      expect(actions).toContain('claimStudy');
      expect(actions).toContain('submitReport');
      for (const e of mine) {
        expect(e.roles).toEqual(['radiologist']);
        expect(e.callerTrust).toBe('RH8');
        expect(Number.isNaN(Date.parse(e.at))).toBe(false);
      }
      // Subscription events are audited like query answers: the watcher of the SSE test saw studies.
      const gatewayLog = AuditLog.open(join(dir, 'gateway-audit.db'), { readonly: true });
      try {
        const watched = expectedWorklist([RXA_PROFILE])[2]!.id;
        expect(gatewayLog.query({ sub: 'rad-50' }).some((e) => e.studyId === watched)).toBe(true);
      } finally {
        gatewayLog.close();
      }
      const releases = AuditLog.open(join(dir, 'RXA.db.audit.db'), { readonly: true });
      try {
        expect(releases.query({}).filter((e) => e.operationName === 'releaseStudy').length).toBeGreaterThanOrEqual(20);
      } finally {
        releases.close();
      }
    } finally {
      log.close();
    }
  });

  // Last: it adds a study to RXA's worklist, which the expected worklists above do not know.
  it('a study the RIS completes is announced ADDED to subscribers (HL7 over MLLP → trust → gateway SSE)', async () => {
    const now = Date.parse(NOW);
    const plan = resolveHistory(RXA_PROFILE, HISTORY).plans.find((p) => p.requestedAt <= now && ['SCHEDULED', 'IN_PROGRESS'].includes(planStatus(p, now)) && p.completedAt !== undefined);
    expect(plan, 'a booked study the simulator completes later').toBeDefined();
    const id = encodeStudyId({ trust: 'RXA', kind: 'accession', value: plan!.accessionNumber });
    const abort = new AbortController();
    const res = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${await radiologist(80, 'RXA')}` },
      body: JSON.stringify({ query: 'subscription { worklistChanged(filter: { trusts: ["RXA"] }) { type study { id status } } }' }),
      signal: abort.signal,
    });
    let text = '';
    const reading = (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk, { stream: true });
      } catch {
        // aborted below
      }
    })();
    // Warm-up (untimed): claims and releases until the gateway's stream from RXA is up.
    const warm = expectedWorklist([RXA_PROFILE])[0]!.id;
    const claimer = await radiologist(81, 'RXA');
    await waitFor('the subscription to be live', async () => {
      await post('mutation($id: ID!) { claimStudy(id: $id) { expiresAt } }', { id: warm }, claimer);
      await post('mutation($id: ID!) { releaseStudy(id: $id) }', { id: warm }, claimer);
      await new Promise((r) => setTimeout(r, 300));
      return text.includes('"RELEASED"') ? true : undefined;
    });
    const client = new MllpClient('127.0.0.1', trusts.get('RXA')!.mllpPort);
    try {
      for (const m of new TrustMessageWriter(RXA_PROFILE).write({ kind: 'completed', plan: plan!, at: plan!.completedAt!, rank: 0 })) {
        expect(await client.send(m.hl7)).toMatch(/\rMSA\|AA\|/);
      }
    } finally {
      await client.close();
    }
    await waitFor('the ADDED event', async () => (text.includes(id) ? true : undefined));
    abort.abort();
    await reading;
    const event = text
      .split('\n\n')
      .filter((b) => b.includes('event: next'))
      .map((b) => JSON.parse(b.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('')).data.worklistChanged)
      .find((e: { study: { id: string } }) => e.study.id === id);
    expect(event).toEqual({ type: 'ADDED', study: { id, status: 'COMPLETED' } });
  });
});
