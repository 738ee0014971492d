/**
 * Finding 10 (issue 15): an accession number `*` went to the PACS as `AccessionNumber=*` (a full
 * PACS scan per alias). Real peers: a trust process whose PACS (the DICOMweb simulator) sits
 * behind a recording proxy, and a gateway process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDicomwebSimulator } from '../../simulator/index.ts';
import { startRecordingProxy } from '../helpers/recording-proxy.ts';
import { bearer, GATEWAY_SECRET, JWT_AUTH, postGraphql, startGatewayProcess, startTrustProcess, tempDir, token, type GatewayPeer, type TrustPeer } from './security-peers.ts';
import { stopPeers } from '../helpers/stop-peers.ts';

describe('finding 10: no DICOM wildcards in exact-match values', () => {
  let pacs: { url: string; close(): Promise<void> };
  let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
  let trust: TrustPeer;
  let gateway: GatewayPeer;
  beforeAll(async () => {
    const dir = tempDir('f10');
    pacs = await startDicomwebSimulator({ port: 0, studies: () => [] });
    const root = new URL(pacs.url);
    proxy = await startRecordingProxy(root.origin);
    trust = await startTrustProcess(dir, 'RXA', `${proxy.url}${root.pathname}`, { gatewaySecret: GATEWAY_SECRET });
    gateway = await startGatewayProcess(dir, [{ code: 'RXA', url: trust.url }], { gatewaySecret: GATEWAY_SECRET, auth: JWT_AUTH });
  }, 120_000);
  afterAll(() => stopPeers(gateway, trust, proxy, pacs));

  it('refuses * and ? in filter.accessionNumber with BAD_USER_INPUT, and the PACS never sees a wildcard', async () => {
    const clinician = bearer(await token({ sub: 'dr', roles: ['clinician'] }));
    for (const value of ['*', 'ACC?', 'A*']) {
      const res = await postGraphql(gateway.url, { query: `{ studies(filter: { accessionNumber: "${value}" }) { edges { node { id } } } }` }, clinician);
      const codes = (res.json.errors ?? []).map((e) => e.extensions?.['code']);
      expect(codes, value).toContain('BAD_USER_INPUT');
    }
    const ok = await postGraphql(gateway.url, { query: '{ studies(filter: { accessionNumber: "ACC123" }) { edges { node { id } } } }' }, clinician);
    expect(ok.json.errors).toBeUndefined();
    // Since the study index (issue 11) lists come from the store: a filter no longer reaches the
    // PACS at all; whatever the trust does ask its PACS never carries a wildcard accession.
    expect(proxy.requests().length).toBeGreaterThan(0); // the proxy does carry the trust's PACS traffic
    for (const p of proxy.requests().map((r) => decodeURIComponent(r.url))) expect(p).not.toMatch(/AccessionNumber=[^&]*[*?]/);
  });
});
