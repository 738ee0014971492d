/**
 * Real peers: `imaging-network demo` as a real process (three trusts fed over MLLP by the
 * simulator, simulated DICOMweb PACS, the gateway), then the gateway's browser IDE driven in
 * headless Chromium (Debian's `chromium`). The screenshot is kept in test-artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { gql, runCli, type RunningChild } from '../helpers/child-process.ts';
import { orthancInstalled } from '../../simulator/orthanc-pacs.ts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!CHROMIUM && process.env['CI'] === 'true') throw new Error('chromium is not installed (apt-get install chromium): the browser test cannot run under CI');
if (!CHROMIUM) console.warn('\n!!! SKIPPING the browser IDE test: chromium is not installed. Under CI=true it fails instead. !!!\n');

async function waitForLine(child: RunningChild, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = pattern.exec(child.output());
    if (m) return m;
    if (child.child.exitCode !== null) throw new Error(`demo exited early:\n${child.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} after ${timeoutMs} ms:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('imaging-network demo', () => {
  let demo: RunningChild;
  let url: string;
  let trustUrls: string[];
  let clinician: string;
  let analyst: string;

  beforeAll(async () => {
    const data = mkdtempSync(join(tmpdir(), 'demo-'));
    demo = runCli(['demo', '--data', data, '--fresh', '--port', '0', '--days', '4', '--per-day', '12', '--rate', '60']);
    url = (await waitForLine(demo, /Gateway \(GraphQL, browser IDE\): (\S+)/, 120_000))[1]!;
    trustUrls = [...demo.output().matchAll(/Trust R\w\w: (\S+)/g)].map((m) => m[1]!);
    clinician = /CLINICIAN_TOKEN=(\S+)/.exec(demo.output())![1]!;
    analyst = /ANALYST_TOKEN=(\S+)/.exec(demo.output())![1]!;
  }, 150_000);

  afterAll(async () => {
    if (demo && demo.child.exitCode === null) await demo.stop('SIGKILL');
  });

  it('serves studies with reports and series from all three trusts', async () => {
    const res = await gql<{ studies: { edges: Array<{ node: { trust: { code: string }; report: { status: string } | null; series: unknown[] } }> } }>(
      url,
      '{ studies(first: 200, filter: { statuses: [FINAL, AMENDED] }) { edges { node { trust { code } report { status } series { modality } } } } }',
      undefined,
      { authorization: `Bearer ${clinician}` },
    );
    expect(res.errors).toBeUndefined();
    const full = res.data!.studies.edges.filter((e) => e.node.report && e.node.series.length > 0);
    expect(new Set(full.map((e) => e.node.trust.code))).toEqual(new Set(['RXA', 'RH8', 'RTH']));
  });

  it('refuses callers without a token and gives the analyst token capacity but no identifiers', async () => {
    const anonymous = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ trusts { code } }"}' });
    expect(anonymous.status).toBe(401);
    const res = await gql<{ capacity: { total: { requested: number } }; studies: { edges: Array<{ node: { patient: { nhsNumber: string | null } } }> } }>(
      url,
      '{ capacity { total { requested } } studies(first: 3) { edges { node { patient { nhsNumber } } } } }',
      undefined,
      { authorization: `Bearer ${analyst}` },
    );
    expect(res.data!.capacity.total.requested).toBeGreaterThan(0);
    expect(res.data!.studies.edges.every((e) => e.node.patient.nhsNumber === null)).toBe(true);
    expect(res.errors?.every((e) => e.extensions?.['code'] === 'FORBIDDEN')).toBe(true);
  });

  it('lets RXA\'s radiologist report a study of RH8, and RH8\'s RIS receives the ORU in its dialect', async () => {
    const radiologist = /RADIOLOGIST_TOKEN=(\S+)/.exec(demo.output())![1]!;
    const auth = { authorization: `Bearer ${radiologist}` };
    const list = await gql<{ worklist: { edges: Array<{ node: { id: string; trust: { code: string } } }> } }>(
      url,
      '{ worklist(first: 20, filter: { trusts: ["RH8"], claimed: false }) { edges { node { id trust { code } } } } }',
      undefined,
      auth,
    );
    expect(list.errors).toBeUndefined();
    const id = list.data!.worklist.edges[0]!.node.id;
    const claim = await gql(url, 'mutation($id: ID!) { claimStudy(id: $id) { claimedBy { gmcNumber trust { code } } } }', { id }, auth);
    expect(claim.errors).toBeUndefined();
    expect(claim.data).toEqual({ claimStudy: { claimedBy: { gmcNumber: '7000001', trust: { code: 'RXA' } } } });
    const report = await gql<{ submitReport: { delivery: { messageControlId: string } } }>(
      url,
      'mutation($id: ID!) { submitReport(studyId: $id, report: { text: "No acute abnormality.", status: FINAL }) { delivery { messageControlId } } }',
      { id },
      auth,
    );
    expect(report.errors).toBeUndefined();
    const controlId = report.data!.submitReport.delivery.messageControlId;
    const line = await waitForLine(demo, new RegExp(`RIS (\\w+) received a report from the network: ORU\\^R01 MSH-10 ${controlId}, HL7 ([\\d.]+), OBR-25 F, reporter GMC 7000001`), 30_000);
    expect([line[1], line[2]]).toEqual(['RH8', '2.4']);
  });

  it.skipIf(!CHROMIUM)('runs a query in the browser IDE (headless Chromium)', async () => {
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({
        executablePath: CHROMIUM!,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(url, { waitUntil: 'load' });
      await page.waitForSelector('.graphiql-container', { timeout: 30_000 });
      await page.locator('.graphiql-execute-button').click();
      await page.waitForFunction(() => (document.querySelector('.result-window')?.textContent ?? '').includes('"edges"'), null, { timeout: 30_000 });
      const result = (await page.locator('.result-window').textContent()) ?? '';
      expect(result).toContain('"trust"');
      mkdirSync('test-artifacts', { recursive: true });
      await page.screenshot({ path: join('test-artifacts', 'graphiql.png') });
    } finally {
      await browser?.close();
    }
  }, 90_000);

  // Images need the demo's real Orthanc (the built-in simulator answers QIDO-RS only).
  it.skipIf(!orthancInstalled() && process.env['CI'] !== 'true')('prints a viewer link whose study opens through the gateway without a header', async () => {
    const link = /Viewer \(a study of another trust[^\n]*\n\s+(\S+)/.exec(demo.output())?.[1];
    expect(link).toBeDefined();
    const viewer = new URL(link!);
    expect(viewer.origin).toBe(new URL(url).origin);
    expect((await fetch(viewer)).status).toBe(200);
    const root = `${viewer.origin}/dicom-web/${viewer.searchParams.get('trust')}/token/${viewer.searchParams.get('token')}/studies/${viewer.searchParams.get('study')}`;
    const series = (await (await fetch(`${root}/series`, { headers: { accept: 'application/dicom+json' } })).json()) as Array<Record<string, { Value?: string[] }>>;
    expect(series.length).toBeGreaterThan(0);
    const seriesUid = series[0]!['0020000E']!.Value![0]!;
    // What the viewer (Cornerstone3D's WADO-RS loader) asks for: the series' metadata, then each
    // instance's frame as multipart/related octet-stream (PS3.18 10.4.1.1.4).
    const metadata = (await (await fetch(`${root}/series/${seriesUid}/metadata`, { headers: { accept: 'application/dicom+json' } })).json()) as Array<Record<string, { Value?: Array<string | number> }>>;
    expect(metadata.length).toBeGreaterThan(0);
    const rows = Number(metadata[0]!['00280010']!.Value![0]);
    const columns = Number(metadata[0]!['00280011']!.Value![0]);
    const frame = await fetch(`${root}/series/${seriesUid}/instances/${metadata[0]!['00080018']!.Value![0]}/frames/1`, {
      headers: { accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*' },
    });
    expect(frame.status).toBe(200);
    expect(frame.headers.get('content-type')).toMatch(/^multipart\/related/);
    // 16 bits allocated (the demo's images): at least rows × columns × 2 bytes of pixels.
    expect((await frame.arrayBuffer()).byteLength).toBeGreaterThanOrEqual(rows * columns * 2);
  });

  it('stops cleanly on Ctrl-C, leaving nothing listening', async () => {
    const code = await demo.stop('SIGINT');
    expect(code).toBe(0);
    for (const u of [url, ...trustUrls]) await expect(fetch(u, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  });
});
