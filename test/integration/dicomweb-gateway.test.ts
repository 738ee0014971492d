/**
 * Real peers: two Orthancs (DICOMweb plugin; trust RXA's behind HTTP basic auth) holding Part 10
 * files with pixel data from the simulator, `imaging-network trust` processes signed by the
 * gateway (plus one whose PACS never answers and one whose PACS port is closed), an
 * `imaging-network gateway` process with HS256 bearer tokens, and headless Chromium for the
 * viewer. Expected bytes and answers come from the files uploaded and from Orthanc itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { chromium, type Browser } from 'playwright-core';
import { generateHistory, RH8_PROFILE, RXA_PROFILE, type SimStudy } from '../../simulator/index.ts';
import { simImageFile } from '../../simulator/synthetic-image.ts';
import { AuditLog, type AuditEntry } from '../../audit/audit-log.ts';
import { signRequest } from '../../platform/request-signature.ts';
import { dicomwebSigningText } from '../../platform/dicomweb-path.ts';
import { freePort, skipWithoutOrthanc, startOrthanc, type RunningOrthanc } from '../helpers/orthanc.ts';
import { gql, runCli, waitForHttp, type RunningChild } from '../helpers/child-process.ts';
import { multipartParts } from '../helpers/multipart-parts.ts';
import { startRecordingProxy, type RecordingProxy } from '../helpers/recording-proxy.ts';

const skip = skipWithoutOrthanc();
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!CHROMIUM && process.env['CI'] === 'true') throw new Error('chromium is not installed (apt-get install chromium): the viewer test cannot run under CI');
if (!CHROMIUM) console.warn('\n!!! SKIPPING the viewer browser test: chromium is not installed. Under CI=true it fails instead. !!!\n');

const JWT_SECRET = 'test-only-hs256-secret-0123456789abcdef';
const GATEWAY_SECRET = 'test-only-gateway-secret-0123456789';
const VIEWER_SECRET = 'test-only-viewer-token-secret-0123456789';
const ISSUER = 'https://idp.test.invalid';
const AUDIENCE = 'imaging-network';
const PACS_USER = { username: 'trust-rxa', password: 'pacs-secret-rxa' };
const IMAGES_PER_SERIES = 3;
const ALL_TS = 'multipart/related; type="application/dicom"; transfer-syntax=*';

async function bearer(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('10m').sign(new TextEncoder().encode(JWT_SECRET));
}

/** A viewer token made from the documented format (README "Images"), not by the gateway's code. */
function craftViewerToken(claims: Record<string, unknown>, key = VIEWER_SECRET): string {
  const payload = `v1.${Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url')}`;
  return `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
}

interface Stored {
  study: SimStudy;
  /** series uid → instance uid → the exact bytes uploaded */
  files: Map<string, Map<string, Buffer>>;
}

/** Uploads up to IMAGES_PER_SERIES images of every series of `studies`; returns what was sent. */
async function seed(orthanc: RunningOrthanc, studies: SimStudy[]): Promise<Stored[]> {
  const out: Stored[] = [];
  for (const study of studies) {
    const files = new Map<string, Map<string, Buffer>>();
    const all: Buffer[] = [];
    for (const series of study.series) {
      const count = Math.max(1, Math.min(IMAGES_PER_SERIES, series.instanceCount));
      const byInstance = new Map<string, Buffer>();
      for (let n = 1; n <= count; n++) {
        const file = simImageFile(study, series, n, count);
        byInstance.set(`${series.seriesInstanceUid}.${n}`, file);
        all.push(file);
      }
      files.set(series.seriesInstanceUid, byInstance);
    }
    await orthanc.upload(all);
    out.push({ study, files });
  }
  return out;
}

describe.skipIf(skip)('DICOMweb through the gateway (real Orthanc, trusts and gateway processes)', () => {
  let orthancA: RunningOrthanc;
  let orthancB: RunningOrthanc;
  let silentPacs: Server;
  /** Between trust RXA and its Orthanc: what reached the PACS. */
  let proxyA: RecordingProxy;
  const silentSockets = new Set<Socket>();
  const children: RunningChild[] = [];
  let gateway: RunningChild;
  let gatewayUrl: string;
  let origin: string;
  let auditPath: string;
  let dir: string;
  let trustUrlA: string;
  let storedA: Stored[];
  let storedB: Stored[];
  let clinician: string;
  let radiologistA: string;
  let analyst: string;
  const pacsAddresses: string[] = [];

  const dw = (trust: string, path: string) => `${origin}/dicom-web/${trust}/${path}`;
  const withBearer = (token: string, extra: Record<string, string> = {}) => ({ headers: { authorization: `Bearer ${token}`, ...extra } });

  async function startTrust(dir: string, code: string, pacs: Record<string, unknown>): Promise<string> {
    const httpPort = await freePort();
    const file = join(dir, `${code}.json`);
    writeFileSync(file, JSON.stringify({
      code,
      name: `Trust ${code}`,
      http: { port: httpPort },
      mllp: { port: await freePort() },
      pacs,
      store: { sqlite: join(dir, `${code}.db`) },
      gatewaySecret: GATEWAY_SECRET,
      logLevel: 'warn',
    }));
    const child = runCli(['trust', '--config', file]);
    children.push(child);
    await waitForHttp(`http://127.0.0.1:${httpPort}/healthz`, child);
    return `http://127.0.0.1:${httpPort}/graphql`;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dicomweb-gateway-'));
    [orthancA, orthancB] = await Promise.all([startOrthanc({ auth: PACS_USER }), startOrthanc()]);
    pacsAddresses.push(new URL(orthancA.url).host, new URL(orthancB.url).host);
    // Two studies with multi-image series (CT/MR…) and two others per trust.
    const pick = (studies: SimStudy[]) => {
      const multi = studies.filter((s) => s.series[0]!.instanceCount > 1).slice(0, 2);
      return [...multi, ...studies.filter((s) => !multi.includes(s)).slice(0, 2)];
    };
    const worldA = pick(generateHistory(RXA_PROFILE, { seed: 31, days: 3, studiesPerDay: 6, now: '2026-05-10T12:00:00Z' }).studies);
    const worldB = pick(generateHistory(RH8_PROFILE, { seed: 32, days: 3, studiesPerDay: 6, now: '2026-05-10T12:00:00Z' }).studies);
    // Orthanc A needs basic auth for uploads too: the helper sends it.
    [storedA, storedB] = await Promise.all([seed(orthancA, worldA), seed(orthancB, worldB)]);

    // A PACS that accepts connections and never answers (late), and a closed port (fails).
    silentPacs = createServer((s) => {
      silentSockets.add(s);
      s.on('close', () => silentSockets.delete(s));
    });
    await new Promise<void>((r) => silentPacs.listen(0, '127.0.0.1', r));
    const silentPort = (silentPacs.address() as { port: number }).port;
    const closedPort = await freePort();
    pacsAddresses.push(`127.0.0.1:${silentPort}`, `127.0.0.1:${closedPort}`);
    proxyA = await startRecordingProxy(orthancA.url);
    pacsAddresses.push(new URL(proxyA.url).host);

    const [urlA, urlB, urlLate, urlDead] = await Promise.all([
      // Through a proxy: Orthanc still names itself by its own address (its DicomWeb.Host), which
      // `pacs.publicUrl` tells the trust to rewrite too.
      startTrust(dir, 'RXA', { dicomweb: `${proxyA.url}/dicom-web`, publicUrl: orthancA.dicomweb, auth: { type: 'basic', ...PACS_USER } }),
      startTrust(dir, 'RH8', { dicomweb: orthancB.dicomweb }),
      startTrust(dir, 'RTH', { dicomweb: `http://127.0.0.1:${silentPort}/dicom-web`, timeoutMs: 700 }),
      startTrust(dir, 'RXC', { dicomweb: `http://127.0.0.1:${closedPort}/dicom-web`, timeoutMs: 700 }),
    ]);
    trustUrlA = urlA;
    const port = await freePort();
    auditPath = join(dir, 'gateway-audit.db');
    const gatewayConfig = join(dir, 'gateway.json');
    writeFileSync(gatewayConfig, JSON.stringify({
      http: { port },
      trusts: [{ code: 'RXA', url: urlA }, { code: 'RH8', url: urlB }, { code: 'RTH', url: urlLate }, { code: 'RXC', url: urlDead }],
      gatewaySecret: GATEWAY_SECRET,
      trustTimeoutMs: 5000,
      auth: { jwt: { secret: JWT_SECRET, issuer: ISSUER, audience: AUDIENCE } },
      audit: { sqlite: auditPath },
      dicomweb: { viewerTokenSecret: VIEWER_SECRET, viewerTokenTtlSec: 300 },
      logLevel: 'warn',
    }));
    gateway = runCli(['gateway', '--config', gatewayConfig]);
    children.push(gateway);
    await waitForHttp(`http://127.0.0.1:${port}/readyz`, gateway);
    origin = `http://127.0.0.1:${port}`;
    gatewayUrl = `${origin}/graphql`;
    clinician = await bearer({ sub: 'dr-clinician', roles: ['clinician'], trust: 'RH8' });
    radiologistA = await bearer({ sub: 'dr-radiologist-a', roles: ['radiologist'], trust: 'RXA' });
    analyst = await bearer({ sub: 'ann-analyst', roles: ['analyst'], trust: 'RXA' });
  }, 180_000);

  afterAll(async () => {
    for (const c of children.reverse()) await c.stop();
    for (const s of silentSockets) s.destroy();
    await new Promise<void>((r) => (silentPacs ? silentPacs.close(() => r()) : r()));
    await proxyA?.close();
    await Promise.all([orthancA?.stop(), orthancB?.stop()]);
  });

  function firstImage(stored: Stored[]) {
    const study = stored[0]!.study;
    const series = study.series[0]!;
    const instanceUid = `${series.seriesInstanceUid}.1`;
    return { study, series, instanceUid, file: stored[0]!.files.get(series.seriesInstanceUid)!.get(instanceUid)! };
  }

  function orthancHeaders(orthanc: RunningOrthanc): Record<string, string> {
    return orthanc === orthancA ? { authorization: `Basic ${Buffer.from(`${PACS_USER.username}:${PACS_USER.password}`).toString('base64')}` } : {};
  }

  it('retrieves an instance through the gateway byte-identical to the file stored and to Orthanc\'s own answer', async () => {
    for (const [trust, stored, orthanc] of [['RXA', storedA, orthancA], ['RH8', storedB, orthancB]] as const) {
      const { study, series, instanceUid, file } = firstImage(stored);
      const path = `studies/${study.studyInstanceUid}/series/${series.seriesInstanceUid}/instances/${instanceUid}`;
      const res = await fetch(dw(trust, path), withBearer(clinician, { accept: ALL_TS }));
      expect(res.status).toBe(200);
      const viaGateway = multipartParts(Buffer.from(await res.arrayBuffer()), res.headers.get('content-type')!);
      const direct = await fetch(`${orthanc.dicomweb}/${path}`, { headers: { accept: ALL_TS, ...orthancHeaders(orthanc) } });
      const viaOrthanc = multipartParts(Buffer.from(await direct.arrayBuffer()), direct.headers.get('content-type')!);
      expect(viaGateway).toHaveLength(1);
      expect(viaGateway[0]!.equals(file)).toBe(true);
      expect(viaGateway[0]!.equals(viaOrthanc[0]!)).toBe(true);
    }
  });

  it('passes a whole study, frames and rendered images through as Orthanc sends them', async () => {
    const { study, series, instanceUid } = firstImage(storedB);
    const studyRes = await fetch(dw('RH8', `studies/${study.studyInstanceUid}`), withBearer(clinician, { accept: ALL_TS }));
    const parts = multipartParts(Buffer.from(await studyRes.arrayBuffer()), studyRes.headers.get('content-type')!);
    const uploaded = [...storedB[0]!.files.values()].flatMap((m) => [...m.values()]);
    expect(parts.map((p) => p.toString('base64')).sort()).toEqual(uploaded.map((p) => p.toString('base64')).sort());

    for (const resource of ['frames/1', 'rendered', 'frames/1/rendered']) {
      const path = `studies/${study.studyInstanceUid}/series/${series.seriesInstanceUid}/instances/${instanceUid}/${resource}`;
      const accept = resource === 'frames/1' ? 'multipart/related; type="application/octet-stream"; transfer-syntax=*' : 'image/png';
      const res = await fetch(dw('RH8', path), withBearer(clinician, { accept }));
      const direct = await fetch(`${orthancB.dicomweb}/${path}`, { headers: { accept } });
      expect(res.status).toBe(direct.status);
      const ours = Buffer.from(await res.arrayBuffer());
      const theirs = Buffer.from(await direct.arrayBuffer());
      if (resource === 'frames/1') {
        const [a] = multipartParts(ours, res.headers.get('content-type')!);
        const [b] = multipartParts(theirs, direct.headers.get('content-type')!);
        expect(a!.equals(b!)).toBe(true);
        expect(a!.length).toBe(64 * 64 * 2);
      } else {
        expect(res.headers.get('content-type')).toBe('image/png');
        expect(ours.equals(theirs)).toBe(true);
      }
    }
    // Window/level on the rendered resource (PS3.18 8.3.5.1.4) reaches the PACS.
    const base = `studies/${study.studyInstanceUid}/series/${series.seriesInstanceUid}/instances/${instanceUid}/rendered`;
    const narrow = Buffer.from(await (await fetch(dw('RH8', `${base}?window=1000,200,linear`), withBearer(clinician, { accept: 'image/png' }))).arrayBuffer());
    const narrowDirect = Buffer.from(await (await fetch(`${orthancB.dicomweb}/${base}?window=1000,200,linear`, { headers: { accept: 'image/png' } })).arrayBuffer());
    expect(narrow.equals(narrowDirect)).toBe(true);
  });

  it('sends the PACS the client\'s Accept and Range with the trust\'s credentials, never the caller\'s token', async () => {
    const { study, series, instanceUid } = firstImage(storedA);
    const path = `studies/${study.studyInstanceUid}/series/${series.seriesInstanceUid}/instances/${instanceUid}`;
    const before = proxyA.requests().length;
    const res = await fetch(dw('RXA', path), withBearer(clinician, { accept: ALL_TS, range: 'bytes=0-1023' }));
    await res.arrayBuffer();
    expect(res.status).toBe(200); // Orthanc 1.10 ignores Range and sends it all: its answer passes as is
    const seen = proxyA.requests().slice(before);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe(`/dicom-web/${path}`);
    expect(seen[0]!.headers['accept']).toBe(ALL_TS);
    expect(seen[0]!.headers['range']).toBe('bytes=0-1023');
    expect(seen[0]!.headers['authorization']).toBe(`Basic ${Buffer.from(`${PACS_USER.username}:${PACS_USER.password}`).toString('base64')}`);
    expect(JSON.stringify(seen[0]!.headers)).not.toContain(clinician);
    expect(Object.keys(seen[0]!.headers).filter((h) => h.startsWith('x-imaging-network'))).toEqual([]);
  });

  it('answers QIDO-RS through the gateway as Orthanc does, with Orthanc\'s URLs replaced by the gateway\'s', async () => {
    for (const [trust, orthanc] of [['RXA', orthancA], ['RH8', orthancB]] as const) {
      const stored = trust === 'RXA' ? storedA : storedB;
      const uid = stored[1]!.study.studyInstanceUid;
      for (const q of ['studies', `studies?StudyInstanceUID=${uid}&includefield=00081030`, `studies/${uid}/series`, `studies/${uid}/series/${stored[1]!.study.series[0]!.seriesInstanceUid}/instances`, `studies/${uid}/metadata`]) {
        const res = await fetch(dw(trust, q), withBearer(clinician, { accept: 'application/dicom+json' }));
        expect(res.status).toBe(200);
        const ours = await res.text();
        const direct = await (await fetch(`${orthanc.dicomweb}/${q}`, { headers: { accept: 'application/dicom+json', ...orthancHeaders(orthanc) } })).text();
        expect(JSON.parse(ours)).toEqual(JSON.parse(direct.split(orthanc.dicomweb).join(`${origin}/dicom-web/${trust}`)));
        for (const address of pacsAddresses) expect(ours).not.toContain(address);
      }
    }
  });

  it('refuses: no token 401, analyst 403, expired or other-study viewer token, unknown trust, non-DICOMweb paths', async () => {
    const { study, series, instanceUid } = firstImage(storedB);
    const path = `studies/${study.studyInstanceUid}/series/${series.seriesInstanceUid}/instances/${instanceUid}/rendered`;
    expect((await fetch(dw('RH8', path))).status).toBe(401);
    expect((await fetch(dw('RH8', path), withBearer('not-a-jwt'))).status).toBe(401);
    const byAnalyst = await fetch(dw('RH8', path), withBearer(analyst));
    expect(byAnalyst.status).toBe(403);
    expect(((await byAnalyst.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('FORBIDDEN');
    expect((await fetch(dw('RH8', path), withBearer(radiologistA, { accept: 'image/png' }))).status).toBe(200);

    const claims = { sub: 'dr-radiologist-a', roles: ['radiologist'], callerTrust: 'RXA', trust: 'RH8', studyInstanceUid: study.studyInstanceUid };
    const now = Math.floor(Date.now() / 1000);
    const good = craftViewerToken({ ...claims, exp: now + 120 });
    expect((await fetch(dw('RH8', `token/${good}/${path}`), { headers: { accept: 'image/png' } })).status).toBe(200);
    expect((await fetch(`${dw('RH8', path)}?token=${good}`, { headers: { accept: 'image/png' } })).status).toBe(200);
    expect((await fetch(dw('RH8', `token/${craftViewerToken({ ...claims, exp: now - 5 })}/${path}`))).status).toBe(401);
    expect((await fetch(dw('RH8', `token/${craftViewerToken({ ...claims, exp: now + 120 }, 'another-key-0123456789abcdef0123')}/${path}`))).status).toBe(401);
    const other = storedB[1]!.study;
    expect((await fetch(dw('RH8', `token/${good}/studies/${other.studyInstanceUid}/series`))).status).toBe(403);
    expect((await fetch(dw('RXA', `token/${good}/${path}`))).status).toBe(403);
    expect((await fetch(dw('RH8', `token/${good}/studies`))).status).toBe(403);
    const analystViewer = craftViewerToken({ ...claims, roles: ['analyst'], exp: now + 120 });
    expect((await fetch(dw('RH8', `token/${analystViewer}/${path}`))).status).toBe(403);

    // The trust's pass-through answers only the gateway: unsigned, or signed with another secret, is 401.
    const direct = `${new URL('dicom-web', trustUrlA).href}/studies`;
    expect((await fetch(direct)).status).toBe(401);
    const forged = signRequest({ body: dicomwebSigningText('GET', '/dicom-web/studies', 'http://x/dicom-web/RXA'), secret: 'not-the-gateway-secret-0123456789', audience: { trust: 'RXA', path: '/dicom-web/studies' }, identity: { sub: 'x', roles: ['clinician'] } });
    expect((await fetch(direct, { headers: { ...forged, 'x-imaging-network-dicomweb-root': 'http://x/dicom-web/RXA' } })).status).toBe(401);
    expect((await fetch(direct, withBearer(clinician))).status).toBe(401);

    expect((await fetch(dw('RZZ', path), withBearer(clinician))).status).toBe(404);
    expect((await fetch(dw('RH8', 'instances/../../tools/find'), withBearer(clinician))).status).toBe(404);
    expect((await fetch(`${origin}/dicom-web/RH8/patients`, withBearer(clinician))).status).toBe(404);
    expect((await fetch(dw('RH8', path), { method: 'POST', ...withBearer(clinician) })).status).toBe(405);
  });

  it('audits every retrieve (user, trust, Study Instance UID, what) and nothing refused', async () => {
    const audit = AuditLog.open(auditPath, { readonly: true });
    // The trust keeps its own log (store path + `.audit.db` by default) and writes before asking its PACS.
    const trustAudit = AuditLog.open(join(dir, 'RXA.db.audit.db'), { readonly: true });
    const dicomwebEntries = (log = audit): AuditEntry[] => log.query({ limit: 1_000_000 }).filter((e) => e.operationName?.startsWith('DICOMweb '));
    try {
      const before = dicomwebEntries().length;
      const trustBefore = dicomwebEntries(trustAudit).length;
      const served: Array<{ sub: string; trust: string; uid: string; path: string }> = [];
      for (const [trust, stored] of [['RXA', storedA], ['RH8', storedB]] as const) {
        for (const { study, files } of stored.slice(0, 2)) {
          const [seriesUid, instances] = [...files.entries()][0]!;
          const instanceUid = [...instances.keys()][0]!;
          const paths = [
            `studies/${study.studyInstanceUid}/series`,
            `studies/${study.studyInstanceUid}/series/${seriesUid}/instances/${instanceUid}`,
            `studies/${study.studyInstanceUid}/series/${seriesUid}/instances/${instanceUid}/rendered`,
          ];
          for (const path of paths) {
            const res = await fetch(dw(trust, path), withBearer(radiologistA));
            await res.arrayBuffer();
            expect(res.status).toBe(200);
            served.push({ sub: 'dr-radiologist-a', trust, uid: study.studyInstanceUid, path });
            const refused = await fetch(dw(trust, path), withBearer(analyst));
            expect(refused.status).toBe(403);
          }
        }
      }
      const entries = dicomwebEntries().slice(before);
      expect(entries).toHaveLength(served.length);
      entries.forEach((e, i) => {
        expect(e).toMatchObject({ where: 'gateway', sub: served[i]!.sub, roles: ['radiologist'], callerTrust: 'RXA', dataTrust: served[i]!.trust, studyId: served[i]!.uid });
        expect(e.operationName).toContain(served[i]!.path);
      });
      const atTrust = dicomwebEntries(trustAudit).slice(trustBefore);
      const servedByRxa = served.filter((x) => x.trust === 'RXA');
      expect(atTrust).toHaveLength(servedByRxa.length);
      atTrust.forEach((e, i) => expect(e).toMatchObject({ where: 'RXA', sub: 'dr-radiologist-a', roles: ['radiologist'], callerTrust: 'RXA', dataTrust: 'RXA', studyId: servedByRxa[i]!.uid }));
    } finally {
      audit.close();
      trustAudit.close();
    }
  });

  it('gives Study.viewerUrl and Study.dicomweb at the gateway to clinicians and radiologists, null + FORBIDDEN to analysts, and no PACS address anywhere', async () => {
    const query = `{ studies(first: 50, filter: { trusts: ["RXA", "RH8"] }) { edges { node { id trust { code } studyInstanceUid imageCount
      viewerUrl dicomweb { studyUrl wadoRoot qidoRoot } series { seriesInstanceUid } } } unavailableTrusts { code } } }`;
    type Node = { id: string; trust: { code: string }; studyInstanceUid: string; viewerUrl: string | null; dicomweb: { studyUrl: string; wadoRoot: string; qidoRoot: string } | null };
    for (const token of [clinician, radiologistA]) {
      const res = await fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
      const text = await res.text();
      for (const address of pacsAddresses) expect(text).not.toContain(address);
      const body = JSON.parse(text) as { data: { studies: { edges: Array<{ node: Node }> } }; errors?: unknown[] };
      expect(body.errors).toBeUndefined();
      const nodes = body.data.studies.edges.map((e) => e.node);
      expect(new Set(nodes.map((n) => n.studyInstanceUid))).toEqual(new Set([...storedA, ...storedB].map((s) => s.study.studyInstanceUid)));
      for (const n of nodes) {
        const viewer = new URL(n.viewerUrl!);
        expect(viewer.origin).toBe(origin);
        expect(viewer.pathname).toBe('/viewer');
        expect(viewer.searchParams.get('trust')).toBe(n.trust.code);
        expect(viewer.searchParams.get('study')).toBe(n.studyInstanceUid);
        expect(n.dicomweb!.studyUrl).toBe(`${n.dicomweb!.wadoRoot}/studies/${n.studyInstanceUid}`);
        expect(n.dicomweb!.wadoRoot.startsWith(`${origin}/dicom-web/${n.trust.code}/token/`)).toBe(true);
      }
      // The links work without a header, for that study only.
      const one = nodes[0]!;
      const series = await fetch(`${one.dicomweb!.studyUrl}/series`, { headers: { accept: 'application/dicom+json' } });
      expect(series.status).toBe(200);
      const metadataText = await (await fetch(`${one.dicomweb!.studyUrl}/metadata`)).text();
      for (const address of pacsAddresses) expect(metadataText).not.toContain(address);
      const otherStudy = nodes.find((n) => n.trust.code === one.trust.code && n.studyInstanceUid !== one.studyInstanceUid)!;
      expect((await fetch(`${one.dicomweb!.wadoRoot}/studies/${otherStudy.studyInstanceUid}/series`)).status).toBe(403);
    }
    // By key, through a fragment: the gateway routes to the owning trust and still answers the two.
    const someB = storedB[0]!.study;
    const listed = await gql<{ studies: { edges: Array<{ node: { id: string; studyInstanceUid: string } }> } }>(gatewayUrl, '{ studies(first: 50, filter: { trusts: ["RH8"] }) { edges { node { id studyInstanceUid } } } }', undefined, { authorization: `Bearer ${radiologistA}` });
    const idB = listed.data!.studies.edges.find((e) => e.node.studyInstanceUid === someB.studyInstanceUid)!.node.id;
    const byId = await gql<{ study: { viewerUrl: string; dicomweb: { studyUrl: string } } }>(
      gatewayUrl,
      'query($id: ID!) { study(id: $id) { ...Links } } fragment Links on Study { viewerUrl dicomweb { studyUrl } }',
      { id: idB },
      { authorization: `Bearer ${radiologistA}` },
    );
    expect(byId.errors).toBeUndefined();
    expect(new URL(byId.data!.study.viewerUrl).searchParams.get('study')).toBe(someB.studyInstanceUid);
    expect(byId.data!.study.dicomweb.studyUrl.endsWith(`/studies/${someB.studyInstanceUid}`)).toBe(true);

    const byAnalyst = await gql<{ studies: { edges: Array<{ node: Node }> } }>(gatewayUrl, query, undefined, { authorization: `Bearer ${analyst}` });
    const analystNodes = byAnalyst.data!.studies.edges.map((e) => e.node);
    expect(analystNodes.length).toBeGreaterThan(0);
    expect(analystNodes.every((n) => n.viewerUrl === null && n.dicomweb === null)).toBe(true);
    const forbidden = (byAnalyst.errors ?? []).filter((e) => ['viewerUrl', 'dicomweb'].includes(String(e.path?.at(-1))));
    expect(forbidden).toHaveLength(analystNodes.length * 2);
    expect(forbidden.every((e) => e.extensions?.['code'] === 'FORBIDDEN')).toBe(true);
    for (const address of pacsAddresses) expect(JSON.stringify(byAnalyst)).not.toContain(address);
    // Across all four trusts, two of them with a late or dead PACS: no PACS address either.
    const failing = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${clinician}` },
      body: JSON.stringify({ query: '{ studies(first: 5) { edges { node { id viewerUrl series { modality } } } unavailableTrusts { code } } }' }),
    });
    const failingText = await failing.text();
    expect(failing.status).toBe(200);
    for (const address of pacsAddresses) expect(failingText).not.toContain(address);
    // Pages the gateway serves: the viewer, the IDE.
    for (const page of [`${origin}/viewer`, `${origin}/viewer/viewer.js`, gatewayUrl]) {
      const html = await (await fetch(page, { headers: { accept: 'text/html' } })).text();
      for (const address of pacsAddresses) expect(html).not.toContain(address);
    }
  });

  it('names the trust in a 504 when its PACS is late and a 502 when it fails', async () => {
    const path = 'studies/1.2.3/series';
    const late = await fetch(dw('RTH', path), withBearer(clinician));
    expect(late.status).toBe(504);
    expect(await late.text()).toContain('RTH');
    const dead = await fetch(dw('RXC', path), withBearer(clinician));
    expect(dead.status).toBe(502);
    const text = await dead.text();
    expect(text).toContain('RXC');
    expect(text).not.toMatch(/127\.0\.0\.1:\d+/);
  });

  it.skipIf(!CHROMIUM)('opens Study.viewerUrl of a trust-B study for a trust-A radiologist in headless Chromium and renders the first image', async () => {
    const res = await gql<{ studies: { edges: Array<{ node: { viewerUrl: string | null; studyInstanceUid: string } }> } }>(
      gatewayUrl,
      'query Viewer { studies(first: 20, filter: { trusts: ["RH8"] }) { edges { node { studyInstanceUid viewerUrl } } } }',
      undefined,
      { authorization: `Bearer ${radiologistA}` },
    );
    expect(res.errors).toBeUndefined();
    // A study with several images in its first series, so scrolling has somewhere to go.
    const target = storedB.find((s) => [...s.files.values()][0]!.size > 1)!;
    expect(target).toBeDefined();
    const viewerUrl = res.data!.studies.edges.find((e) => e.node.studyInstanceUid === target.study.studyInstanceUid)!.node.viewerUrl!;
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({
        executablePath: CHROMIUM!,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
      const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
      const requested: string[] = [];
      page.on('request', (r) => requested.push(r.url()));
      // Workers' requests too (the image loader's decode worker fetches nothing itself today, but
      // a codec's WASM would come from there): they must stay on the origin as well.
      page.on('worker', (w) => requested.push(w.url()));
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(String(e)));
      await page.goto(viewerUrl, { waitUntil: 'load' });
      const rendered = () => page.evaluate(() => document.getElementById('image')!.dataset['rendered']);
      await page.waitForFunction(() => document.getElementById('image')?.dataset['rendered'] !== undefined, null, { timeout: 30_000 }).catch(async (err: unknown) => {
        // Say why: the page's status line, its errors and what it asked for.
        const status = await page.locator('#status').textContent().catch(() => '?');
        throw new Error(`the viewer showed no image (status: ${status}); errors: ${problems.join(' | ')}; requests: ${requested.map((u) => new URL(u).pathname.replace(/\/token\/[^/]+/, '/token/…')).join(' ')}`, { cause: err });
      });
      // What Cornerstone drew: the canvas inside the viewport element (CPU rendering: a 2D canvas).
      const pixels = () =>
        page.evaluate(() => {
          const c = document.querySelector('#image canvas') as HTMLCanvasElement;
          const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          const values = new Set<number>();
          let lit = 0;
          let sum = 0;
          for (let i = 0; i < d.length; i += 4) {
            values.add(d[i]!);
            sum += d[i]!;
            if (d[i]! > 16) lit++;
          }
          return { width: c.width, height: c.height, distinct: values.size, lit, sum, url: c.toDataURL() };
        });
      const stats = await pixels();
      const info = await page.evaluate(() => ({
        series: document.querySelectorAll('#series-list button').length,
        size: document.getElementById('image')!.dataset['size'],
        header: document.getElementById('study-label')!.textContent ?? '',
      }));
      // The simulator's images are 64×64 (simulator ground truth), shown scaled up to the viewport.
      expect(info.size).toBe('64x64');
      expect(stats.width).toBeGreaterThanOrEqual(64);
      expect(stats.distinct).toBeGreaterThan(3);
      expect(stats.lit).toBeGreaterThan(stats.width * stats.height * 0.3);
      expect(info.series).toBe(target.study.series.length);
      expect(await rendered()).toBe(`${target.study.series[0]!.seriesInstanceUid}.1`);
      // The header names the study, never the patient.
      expect(info.header).toContain('RH8');
      const p = target.study;
      for (const personal of [...p.patientName.split('^').filter(Boolean), p.patientId, p.patientBirthDate, ...(p.nhsNumber ? [p.nhsNumber] : [])]) {
        expect(info.header).not.toContain(personal);
      }
      mkdirSync('test-artifacts', { recursive: true });
      await page.screenshot({ path: join('test-artifacts', 'viewer.png') });
      // Arrow down and the wheel show the next images (each fetched as WADO-RS frames).
      const uidOf = (n: number) => `${target.study.series[0]!.seriesInstanceUid}.${n}`;
      const shown = (uid: string) => page.waitForFunction((u) => document.getElementById('image')!.dataset['rendered'] === u, uid, { timeout: 15_000 });
      await page.locator('#stage').focus();
      await page.keyboard.press('ArrowDown');
      await shown(uidOf(2));
      const box = (await page.locator('#image').boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.wheel(0, -120);
      await shown(uidOf(1));
      const changed = (before: string) =>
        page.waitForFunction((b) => (document.querySelector('#image canvas') as HTMLCanvasElement).toDataURL() !== b, before, { timeout: 15_000 });
      // Window/level typed in: the same pixels through a narrow window look different.
      const before = (await pixels()).url;
      await page.fill('#wc', '2600');
      await page.fill('#ww', '400');
      await page.click('#apply-wl');
      await changed(before);
      expect(await page.locator('#overlay-bottom').textContent()).toContain('W 400 L 2600');
      await page.screenshot({ path: join('test-artifacts', 'viewer-window.png') });
      // Window/level by dragging on the image: wider to the right, brighter level downwards.
      const beforeDrag = (await pixels()).url;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 60, { steps: 5 });
      await page.mouse.up();
      await changed(beforeDrag);
      expect(await page.locator('#overlay-bottom').textContent()).not.toContain('W 400 L 2600');
      // Another series from the list: its first image (the fixture's study has several series;
      // asserted, so a change of seed cannot silently skip this step).
      expect(target.study.series.length).toBeGreaterThan(1);
      await page.locator('#series-list button').nth(1).click();
      await shown(`${target.study.series[1]!.seriesInstanceUid}.1`);
      const frames = requested.filter((u) => /\/series\/[^/]+\/instances\/[^/]+\/frames\/1$/.test(new URL(u).pathname));
      expect(frames.length).toBeGreaterThanOrEqual(2);
      expect(requested.some((u) => new URL(u).pathname.endsWith(`/series/${target.study.series[0]!.seriesInstanceUid}/metadata`))).toBe(true);
      expect(requested.some((u) => new URL(u).pathname === '/viewer/decodeImageFrameWorker.js')).toBe(true);
      expect(requested.filter((u) => new URL(u).origin !== origin)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await browser?.close();
    }
  }, 90_000);

  it.skipIf(!CHROMIUM)('decodes a JPEG-LS compressed copy of a study in the browser (WASM codec from the origin) to the same picture as the uncompressed one', async () => {
    // The copy: the first series of a trust-B study, new UIDs (dcmodify), JPEG-LS lossless
    // (dcmcjpls, transfer syntax 1.2.840.10008.1.2.4.80): Orthanc keeps and sends it compressed
    // for `transfer-syntax=*`, so the viewer's worker must decode it with the charls WASM codec.
    const original = storedB.find((s) => [...s.files.values()][0]!.size > 1)!;
    const seriesFiles = [...[...original.files.values()][0]!.values()];
    const copyStudy = `${original.study.studyInstanceUid}.77`;
    const copySeries = `${original.study.series[0]!.seriesInstanceUid}.77`;
    const compressed = seriesFiles.map((file, i) => {
      const raw = join(dir, `jls-${i}.dcm`);
      const jls = join(dir, `jls-${i}-c.dcm`);
      writeFileSync(raw, file);
      execFileSync('dcmodify', ['-nb', '-m', `(0020,000d)=${copyStudy}`, '-m', `(0020,000e)=${copySeries}`, '-m', `(0008,0018)=${copySeries}.${i + 1}`, raw]);
      execFileSync('dcmcjpls', [raw, jls]);
      return readFileSync(jls);
    });
    await orthancB.upload(compressed);
    // Orthanc sends the frame as stored: JPEG-LS lossless (the part's transfer-syntax parameter).
    const frame = await fetch(`${orthancB.dicomweb}/studies/${copyStudy}/series/${copySeries}/instances/${copySeries}.1/frames/1`, {
      headers: { accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*' },
    });
    expect(frame.status).toBe(200);
    expect(Buffer.from(await frame.arrayBuffer()).toString('latin1')).toMatch(/transfer-syntax=\"?1\.2\.840\.10008\.1\.2\.4\.80/i);
    const token = (study: string) =>
      craftViewerToken({ sub: 'dr-radiologist-a', roles: ['radiologist'], callerTrust: 'RXA', trust: 'RH8', studyInstanceUid: study, exp: Math.floor(Date.now() / 1000) + 300 });
    const url = (study: string) => `${origin}/viewer?trust=RH8&study=${encodeURIComponent(study)}&token=${encodeURIComponent(token(study))}`;
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({
        executablePath: CHROMIUM!,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
      const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
      const requested: string[] = [];
      // The context sees the workers' requests too (the WASM codec is fetched by the decode worker).
      context.on('request', (r) => requested.push(r.url()));
      const problems: string[] = [];
      const picture = async (study: string, firstUid: string) => {
        const page = await context.newPage();
        page.on('console', (m) => {
          if (m.type() === 'error') problems.push(m.text());
        });
        page.on('pageerror', (e) => problems.push(String(e)));
        await page.goto(url(study), { waitUntil: 'load' });
        await page.waitForFunction((u) => document.getElementById('image')?.dataset['rendered'] === u, firstUid, { timeout: 30_000 }).catch(async (err: unknown) => {
          throw new Error(`no image (status: ${await page.locator('#status').textContent()}); errors: ${problems.join(' | ')}`, { cause: err });
        });
        return page.evaluate(() => (document.querySelector('#image canvas') as HTMLCanvasElement).toDataURL());
      };
      const plain = await picture(original.study.studyInstanceUid, `${original.study.series[0]!.seriesInstanceUid}.1`);
      const fromJpegLs = await picture(copyStudy, `${copySeries}.1`);
      mkdirSync('test-artifacts', { recursive: true });
      writeFileSync(join('test-artifacts', 'viewer-jpeg-ls.png'), Buffer.from(fromJpegLs.split(',')[1]!, 'base64'));
      // Lossless: the same pixels, the same window (copied metadata), so the same picture.
      expect(fromJpegLs).toBe(plain);
      expect(requested.some((u) => new URL(u).pathname === '/viewer/@cornerstonejs/codec-charls/decodewasm')).toBe(true);
      expect(requested.filter((u) => new URL(u).origin !== origin)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await browser?.close();
    }
  }, 90_000);
});
