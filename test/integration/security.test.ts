/**
 * Real peers: an `imaging-network trust` process (fed over MLLP by the simulator, PACS simulator
 * over HTTP) that accepts only calls signed by its gateway, and an `imaging-network gateway`
 * process with `auth.jwt.secret` (HS256) and `gatewaySecret`. Tokens are minted with jose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT, UnsecuredJWT } from 'jose';
import { generateHistory, RXA_PROFILE, startDicomwebSimulator } from '../../simulator/index.ts';
import { MllpClient } from '../../subgraphs/trust/ris/mllp/mllp-client.ts';
import { signRequest } from '../../platform/request-signature.ts';
import { freePort } from '../helpers/orthanc.ts';
import { runCli, waitForHttp, type RunningChild } from '../helpers/child-process.ts';

const JWT_SECRET = 'test-only-hs256-secret-0123456789abcdef';
const GATEWAY_SECRET = 'test-only-gateway-secret-0123456789';
const ISSUER = 'https://idp.test.invalid';
const AUDIENCE = 'imaging-network';
const CLI = fileURLToPath(new URL('../../bin/imaging-network.js', import.meta.url));

async function token(claims: Record<string, unknown>, opts: { exp?: string | number; nbf?: string | number; iss?: string; aud?: string; secret?: string } = {}) {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setIssuer(opts.iss ?? ISSUER).setAudience(opts.aud ?? AUDIENCE).setExpirationTime(opts.exp ?? '10m');
  if (opts.nbf !== undefined) jwt = jwt.setNotBefore(opts.nbf);
  return jwt.sign(new TextEncoder().encode(opts.secret ?? JWT_SECRET));
}

describe('security: authentication, roles, signed gateway calls, audit, limits', () => {
  let trust: RunningChild;
  let gateway: RunningChild;
  let pacs: { close(): Promise<void> };
  let trustUrl: string;
  let gatewayUrl: string;
  let gatewayConfig: string;
  let trustConfig: string;
  let clinician: string;
  let analyst: string;
  let noRole: string;

  async function post(body: unknown, auth?: string, url = gatewayUrl, headers: Record<string, string> = {}) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: { data?: Record<string, any>; errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }> } = {};
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON: the assertions below say so
    }
    return { status: res.status, json, text };
  }

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'security-'));
    const history = generateHistory(RXA_PROFILE, { seed: 5, days: 5, studiesPerDay: 8, now: '2026-04-10T12:00:00Z' });
    const sim = await startDicomwebSimulator({ port: 0, studies: () => history.studies });
    pacs = sim;
    const httpPort = await freePort();
    const mllpPort = await freePort();
    trustConfig = join(dir, 'trust.json');
    writeFileSync(
      trustConfig,
      JSON.stringify({
        code: 'RXA',
        name: 'Secure trust',
        http: { port: httpPort },
        mllp: { port: mllpPort },
        pacs: { dicomweb: sim.url },
        store: { sqlite: join(dir, 'RXA.db') },
        gatewaySecret: GATEWAY_SECRET,
      }),
    );
    trust = runCli(['trust', '--config', trustConfig]);
    await waitForHttp(`http://127.0.0.1:${httpPort}/healthz`, trust);
    trustUrl = `http://127.0.0.1:${httpPort}/graphql`;
    const client = new MllpClient('127.0.0.1', mllpPort);
    for (const m of history.messages) await client.send(m.hl7);
    await client.close();

    const port = await freePort();
    gatewayConfig = join(dir, 'gateway.json');
    writeFileSync(
      gatewayConfig,
      JSON.stringify({
        http: { port },
        trusts: [{ code: 'RXA', url: trustUrl }],
        gatewaySecret: GATEWAY_SECRET,
        auth: { jwt: { secret: JWT_SECRET, issuer: ISSUER, audience: AUDIENCE } },
        limits: { maxDepth: 10, maxAliases: 20, maxBodyBytes: 64 * 1024 },
        audit: { sqlite: join(dir, 'gateway-audit.db') },
      }),
    );
    gateway = runCli(['gateway', '--config', gatewayConfig]);
    await waitForHttp(`http://127.0.0.1:${port}/readyz`, gateway);
    gatewayUrl = `http://127.0.0.1:${port}/graphql`;
    clinician = await token({ sub: 'dr-clinician', roles: ['clinician'], trust: 'RXA' });
    analyst = await token({ sub: 'ann-analyst', roles: ['analyst'], trust: 'RH8' });
    noRole = await token({ sub: 'no-role' });
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await trust?.stop();
    await pacs?.close();
  });

  it('refuses requests without a valid token with 401 and a JSON error', async () => {
    const query = { query: '{ trusts { code } }' };
    const bad = [
      undefined,
      'not-a-jwt',
      await token({ sub: 'x', roles: ['clinician'] }, { exp: Math.floor(Date.now() / 1000) - 3600 }),
      await token({ sub: 'x', roles: ['clinician'] }, { nbf: Math.floor(Date.now() / 1000) + 3600 }),
      await token({ sub: 'x', roles: ['clinician'] }, { iss: 'https://other.invalid' }),
      await token({ sub: 'x', roles: ['clinician'] }, { aud: 'someone-else' }),
      await token({ sub: 'x', roles: ['clinician'] }, { secret: 'another-secret-that-is-long-enough-1234' }),
      new UnsecuredJWT({ sub: 'x', roles: ['clinician'] }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('10m').encode(),
    ];
    for (const t of bad) {
      const res = await post(query, t);
      expect(res.status, String(t).slice(0, 20)).toBe(401);
      expect(res.json.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses a caller without a known role before anything runs (issue 15, finding 3)', async () => {
    for (const query of ['{ trusts { code status } }', '{ studies(first: 1) { edges { cursor } } }']) {
      const refused = await post({ query }, noRole);
      expect(refused.status).toBe(403);
      expect(refused.json.errors?.map((e) => e.extensions?.['code'])).toEqual(['FORBIDDEN']);
    }
  });

  it('gives a clinician everything', async () => {
    const res = await post({ query: '{ studies(first: 50, filter: { statuses: [FINAL, AMENDED] }) { edges { node { id patient { nhsNumber name { family } identifiers { value } } report { text author } } } } }' }, clinician);
    expect(res.json.errors).toBeUndefined();
    const nodes = res.json.data!['studies'].edges.map((e: any) => e.node);
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.some((n: any) => n.patient.nhsNumber && n.report.text)).toBe(true);
  });

  it('gives an analyst capacity and de-identified studies, with FORBIDDEN on each identifier', async () => {
    const cap = await post({ query: '{ capacity(filter: { from: "2026-03-01T00:00:00Z", to: "2026-04-10T12:00:00Z" }) { total { requested performed } } }' }, analyst);
    expect(cap.json.errors).toBeUndefined();
    expect(cap.json.data!['capacity'].total.requested).toBeGreaterThan(0);

    const res = await post({ query: '{ studies(first: 5, filter: { statuses: [FINAL] }) { edges { node { id status modalities patient { nhsNumber name { family } birthDate sex identifiers { value } } report { status text author } } } } }' }, analyst);
    const nodes = res.json.data!['studies'].edges.map((e: any) => e.node);
    expect(nodes.length).toBeGreaterThan(0);
    for (const n of nodes) {
      expect(n.status).toBe('FINAL');
      expect(n.patient).toMatchObject({ nhsNumber: null, name: null, birthDate: null, identifiers: null });
      expect(n.report).toMatchObject({ status: 'FINAL', text: null, author: null });
    }
    const forbidden = res.json.errors!.filter((e) => e.extensions?.['code'] === 'FORBIDDEN').map((e) => e.path!.slice(-2).join('.'));
    for (const f of ['patient.nhsNumber', 'patient.name', 'patient.birthDate', 'patient.identifiers', 'report.text', 'report.author']) expect(forbidden).toContain(f);
    expect(res.text).not.toMatch(/999\d{7}/);

    const byNhs = await post({ query: '{ studies(filter: { nhsNumber: "9990000018" }) { edges { cursor } } }' }, analyst);
    expect(byNhs.json.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const patient = await post({ query: '{ patient(nhsNumber: "9990000018") { sex } }' }, analyst);
    expect(patient.json.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
  });

  it('has the trust refuse unsigned and replayed calls, and keep /healthz open', async () => {
    const body = JSON.stringify({ query: '{ studies(first: 1) { edges { node { patient { nhsNumber } } } } }' });
    const unsigned = await post(body, undefined, trustUrl);
    expect(unsigned.status).toBe(401);
    expect(unsigned.text).not.toMatch(/999\d{7}/);
    const headers = signRequest({ audience: { trust: 'RXA', path: '/graphql' }, body, secret: GATEWAY_SECRET, identity: { sub: 'test', roles: ['clinician'] } });
    const first = await post(body, undefined, trustUrl, headers);
    expect(first.status).toBe(200);
    expect(first.json.data).toBeDefined();
    const replay = await post(body, undefined, trustUrl, headers);
    expect(replay.status).toBe(401);
    const stale = signRequest({ audience: { trust: 'RXA', path: '/graphql' }, body, secret: GATEWAY_SECRET, now: Date.now() - 10 * 60_000 });
    expect((await post(body, undefined, trustUrl, stale)).status).toBe(401);
    const wrong = signRequest({ audience: { trust: 'RXA', path: '/graphql' }, body, secret: 'a-different-secret-of-enough-length' });
    expect((await post(body, undefined, trustUrl, wrong)).status).toBe(401);
    const health = await fetch(trustUrl.replace('/graphql', '/healthz'));
    expect(health.status).toBe(200);
    expect(await health.text()).not.toMatch(/999\d{7}/);
  });

  it('serves many identical signed calls at once (none refused as a replay)', async () => {
    const query = { query: '{ studies(first: 2) { edges { node { id } } unavailableTrusts { code } } }' };
    const answers = await Promise.all(Array.from({ length: 24 }, () => post(query, clinician)));
    for (const a of answers) {
      expect(a.json.errors).toBeUndefined();
      expect(a.json.data!['studies'].unavailableTrusts).toEqual([]);
    }
  });

  it('writes every patient-data access to the audit logs of the gateway and the trust', async () => {
    const res = await post({ query: 'query Timeline { studies(first: 3) { edges { node { id patient { nhsNumber } } } } }', operationName: 'Timeline' }, clinician);
    const nhs = res.json.data!['studies'].edges.map((e: any) => e.node.patient.nhsNumber).find(Boolean) as string;
    expect(nhs).toMatch(/^999\d{7}$/);
    const gatewayLines = execFileSync(process.execPath, [CLI, 'audit', '--config', gatewayConfig, '--patient', nhs, '--user', 'dr-clinician'], { encoding: 'utf8' });
    expect(gatewayLines).toContain('dr-clinician');
    expect(gatewayLines).toContain('Timeline');
    expect(gatewayLines).toContain(nhs);
    const trustLines = execFileSync(process.execPath, [CLI, 'audit', '--config', trustConfig, '--patient', nhs, '--since', '1h'], { encoding: 'utf8' });
    expect(trustLines).toContain('dr-clinician');
    expect(trustLines).toContain('RXA');
  });

  it('answers hostile queries with errors and keeps serving others', async () => {
    const nested = `{ ${'studies(first: 1) { edges { node { patient { '.repeat(6)}nhsNumber${' } } } }'.repeat(6)} }`;
    const aliases = `{ ${Array.from({ length: 50 }, (_, i) => `a${i}: trusts { code }`).join(' ')} }`;
    const hostile = [
      { query: nested },
      { query: aliases },
      { query: '{ studies(first: 100000) { edges { cursor } } }' },
      'x'.repeat(100 * 1024),
    ];
    for (const q of hostile) {
      const res = await post(q, clinician);
      const what = JSON.stringify(q).slice(0, 40);
      // Refused with a GraphQL error in a JSON body: 200 (validation), 400 or 413 (body size).
      expect([200, 400, 413], what).toContain(res.status);
      expect(res.json.errors?.length, what).toBeGreaterThan(0);
      expect(res.json.data?.['studies']?.edges?.length ?? 0).toBe(0);
    }
    const codes = await Promise.all(hostile.slice(0, 3).map((q) => post(q, clinician).then((r) => r.json.errors?.[0]?.extensions?.['code'])));
    // A huge `first` is refused by the cost limit (fan-out width × page size) before it reaches
    // the page-size check; both are refusals before any trust is called.
    expect(codes).toEqual(['QUERY_TOO_COMPLEX', 'QUERY_TOO_COMPLEX', 'QUERY_TOO_COMPLEX']);
    const over = await post({ query: '{ studies(first: 500) { edges { cursor } } }' }, clinician);
    expect(over.json.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first' });
    expect((await post('x'.repeat(100 * 1024), clinician)).status).toBe(413);
    const ok = await post({ query: '{ trusts { code } }' }, clinician);
    expect(ok.json.data?.['trusts']).toEqual([{ code: 'RXA' }]);
  });
});
