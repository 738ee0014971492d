/**
 * Finding 5 (issue 15): CORS reflected any origin with credentials, and the demo's IDE page (with a
 * clinician token in it) was served to any origin. Real peers: a gateway process over a fixture
 * trust, and `imaging-network demo` as a process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFixtureTrust, type FixtureTrust } from '../helpers/fixture-trust.ts';
import { runCli, type RunningChild } from '../helpers/child-process.ts';
import { startGatewayProcess, tempDir, type GatewayPeer } from './security-peers.ts';

const ALLOWED = 'https://viewer.example.invalid';
const EVIL = 'https://evil.example.invalid';

describe('finding 5: CORS only to configured origins, never with credentials; no demo token to other origins', () => {
  let trust: FixtureTrust;
  let gw: GatewayPeer;
  let demo: RunningChild | undefined;
  beforeAll(async () => {
    trust = await startFixtureTrust({ code: 'RXA' });
    gw = await startGatewayProcess(tempDir('f5'), [{ code: 'RXA', url: trust.url }], { cors: { origins: [ALLOWED] } });
  });
  afterAll(async () => {
    await demo?.stop('SIGKILL');
    await gw?.stop();
    await trust?.close();
  });

  const preflight = (origin: string) =>
    fetch(gw.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });
  const post = (origin: string) => fetch(gw.url, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ trusts { code } }' }) });

  it('gives an unlisted origin no CORS headers at all', async () => {
    for (const res of [await preflight(EVIL), await post(EVIL)]) {
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('answers a configured origin with exactly that origin and no credentials', async () => {
    for (const res of [await preflight(ALLOWED), await post(ALLOWED)]) {
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('keeps the demo\'s development token out of the IDE page served to another origin', async () => {
    demo = runCli(['demo', '--data', mkdtempSync(join(tmpdir(), 'sec-f5-demo-')), '--fresh', '--port', '0', '--pacs', 'simulator', '--days', '1', '--per-day', '2', '--rate', '1000']);
    const deadline = Date.now() + 120_000;
    let url: string | undefined;
    while (!url) {
      url = /Gateway \(GraphQL, browser IDE\): (\S+)/.exec(demo.output())?.[1];
      if (demo.child.exitCode !== null || Date.now() > deadline) throw new Error(`demo did not start:\n${demo.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const token = /CLINICIAN_TOKEN=(\S+)/.exec(demo.output())![1]!;
    const own = await (await fetch(url, { headers: { accept: 'text/html' } })).text();
    expect(own).toContain(token); // the demo's own browser still gets it
    for (const headers of [{ origin: EVIL }, { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' }] as Record<string, string>[]) {
      const res = await fetch(url, { headers: { accept: 'text/html', ...headers } });
      const page = await res.text();
      expect(page).toMatch(/graphiql/i);
      expect(page).not.toContain(token);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  }, 150_000);
});
