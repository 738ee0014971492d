import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../audit/audit-log.ts';
import { createGateway, type RunningGateway } from '../../gateway/index.ts';
import { encodeStudyId } from '../../schema/index.ts';
import { networkOrder, startDelayingProxy, startFixtureTrust, type FixtureStudy, type FixtureTrust } from '../helpers/fixture-trust.ts';

/**
 * In-flight deduplication of identical trust calls (`trustCalls.dedupeInFlight`, issue 16). Real
 * peers: a fixture trust (a Federation 2 subgraph over HTTP, which records every document it
 * receives) behind a proxy that holds each request, so concurrent gateway requests overlap at the
 * trust; the gateway in-process with authentication on (HS256 tokens) and its audit log on disk.
 */
const SECRET = 'test-only-hs256-secret-0123456789abcdef';
const ISSUER = 'https://idp.test.invalid';
const AUDIENCE = 'imaging-network';
// Long enough for N requests to reach the trust call on a loaded two-core machine.
const HOLD_MS = 1000;
const N = 6;

const STUDIES: FixtureStudy[] = [
  { accession: 'D1', sortAt: '2026-03-01T09:00:00Z', nhsNumber: '9990000018' },
  { accession: 'D2', sortAt: '2026-02-01T09:00:00Z', nhsNumber: '9990000026' },
  { accession: 'D3', sortAt: '2026-01-01T09:00:00Z', nhsNumber: '9990000018' },
];
const EXPECTED_IDS = networkOrder([{ code: 'RXA', studies: STUDIES }]);
const PAGE = '{ studies(first: 10) { edges { node { id accessionNumber } } } }';

async function bearer(sub: string, roles: string[]): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = await new SignJWT({ roles }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt(now).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime(now + 600).sign(new TextEncoder().encode(SECRET));
  return `Bearer ${jwt}`;
}

async function post(url: string, authorization: string, query: string): Promise<{ status: number; body: { data?: any; errors?: Array<{ extensions?: Record<string, unknown> }> } }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', authorization }, body: JSON.stringify({ query }) });
  return { status: res.status, body: (await res.json()) as never };
}

let closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers = [];
});

async function network(dedupeInFlight?: boolean): Promise<{ trust: FixtureTrust; gateway: RunningGateway; auditPath: string; holdTrust(): void }> {
  const trust = await startFixtureTrust({ code: 'RXA', studies: STUDIES });
  closers.push(() => trust.close());
  const proxy = await startDelayingProxy(trust.url);
  closers.push(() => proxy.close());
  const dir = mkdtempSync(join(tmpdir(), 'fan-out-dedupe-'));
  closers.push(() => rmSync(dir, { recursive: true, force: true }));
  const auditPath = join(dir, 'audit.db');
  const gateway = await createGateway(
    {
      http: { port: 0 },
      trusts: [{ code: 'RXA', url: `${proxy.url}/graphql` }],
      auth: { jwt: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE } },
      audit: { sqlite: auditPath },
      ...(dedupeInFlight === undefined ? {} : { trustCalls: { dedupeInFlight } }),
    },
    { logger: pino({ level: 'silent' }) },
  );
  closers.push(() => gateway.close());
  // The contract check at start went through at once; from now on every call is held.
  return { trust, gateway, auditPath, holdTrust: () => void (proxy.delayMs = HOLD_MS) };
}

const studyCalls = (trust: FixtureTrust) => trust.requests.filter((q) => q.includes('studies')).length;
const ids = (body: { data?: any }) => (body.data?.studies?.edges ?? []).map((e: { node: { id: string } }) => e.node.id);

describe('fan-out: identical trust queries in flight are shared (trustCalls.dedupeInFlight)', () => {
  it('N concurrent identical requests of one caller make ONE trust call; every answer is complete and audited on its own', async () => {
    const { trust, gateway, auditPath, holdTrust } = await network();
    holdTrust();
    const auth = await bearer('dr-one', ['clinician']);
    const answers = await Promise.all(Array.from({ length: N }, () => post(gateway.url, auth, PAGE)));
    expect(studyCalls(trust)).toBe(1);
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.body.errors).toBeUndefined();
      expect(ids(a.body)).toEqual(EXPECTED_IDS);
      expect(a.body.data.studies.edges.map((e: { node: { accessionNumber: string } }) => e.node.accessionNumber)).toEqual(['D1', 'D2', 'D3']);
    }
    // Each gateway request wrote its own entries: N × the studies disclosed.
    const log = AuditLog.open(auditPath, { readonly: true });
    closers.push(() => log.close());
    const entries = log.query({ sub: 'dr-one' });
    expect(entries).toHaveLength(N * STUDIES.length);
    for (const id of EXPECTED_IDS) expect(entries.filter((e) => e.studyId === id)).toHaveLength(N);
    // Nothing is kept once the call settled: the next request asks the trust again.
    await post(gateway.url, auth, PAGE);
    expect(studyCalls(trust)).toBe(2);
  });

  it('never shares across callers: two callers with the same query make two trust calls', async () => {
    const { trust, gateway, holdTrust } = await network();
    holdTrust();
    const [a, b] = await Promise.all([bearer('dr-one', ['clinician']), bearer('dr-two', ['clinician'])]);
    const answers = await Promise.all([post(gateway.url, a, PAGE), post(gateway.url, b, PAGE), post(gateway.url, a, PAGE), post(gateway.url, b, PAGE)]);
    expect(studyCalls(trust)).toBe(2);
    for (const r of answers) expect(ids(r.body)).toEqual(EXPECTED_IDS);
  });

  it('never shares mutations: N concurrent identical claims are N trust calls', async () => {
    const { trust, gateway, holdTrust } = await network();
    holdTrust();
    const auth = await bearer('dr-one', ['radiologist', 'clinician']);
    const id = encodeStudyId({ trust: 'RXA', kind: 'accession', value: 'D1' });
    const claim = `mutation { claimStudy(id: "${id}") { expiresAt } }`;
    await Promise.all(Array.from({ length: N }, () => post(gateway.url, auth, claim)));
    expect(trust.requests.filter((q) => q.includes('claimStudy'))).toHaveLength(N);
  });

  it('sends every call when trustCalls.dedupeInFlight is false', async () => {
    const { trust, gateway, holdTrust } = await network(false);
    holdTrust();
    const auth = await bearer('dr-one', ['clinician']);
    const answers = await Promise.all(Array.from({ length: N }, () => post(gateway.url, auth, PAGE)));
    expect(studyCalls(trust)).toBe(N);
    for (const a of answers) expect(ids(a.body)).toEqual(EXPECTED_IDS);
  });
});
