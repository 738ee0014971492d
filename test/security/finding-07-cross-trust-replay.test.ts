/**
 * Finding 7 (issue 15): a signed gateway→trust request replayed to another trust was accepted
 * (the signature covered neither the trust nor the URL, and all trusts share one secret). Real
 * peers: two trust processes with the SAME gatewaySecret, a gateway process, and a recording
 * proxy on the path to the first trust (an attacker who sees the traffic).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingProxy } from '../helpers/recording-proxy.ts';
import { bearer, emptyPacs, GATEWAY_SECRET, JWT_AUTH, postGraphql, startGatewayProcess, startTrustProcess, tempDir, token, type GatewayPeer, type TrustPeer } from './security-peers.ts';

describe('finding 7: a signature is bound to its trust and path', () => {
  let pacs: { url: string; close(): Promise<void> };
  let a: TrustPeer;
  let b: TrustPeer;
  let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
  let gateway: GatewayPeer;
  beforeAll(async () => {
    const dir = tempDir('f7');
    pacs = await emptyPacs();
    a = await startTrustProcess(dir, 'RXA', pacs.url, { gatewaySecret: GATEWAY_SECRET });
    b = await startTrustProcess(dir, 'RXB', pacs.url, { gatewaySecret: GATEWAY_SECRET });
    proxy = await startRecordingProxy(a.url.replace('/graphql', ''));
    // One shared gatewaySecret for both trusts, as configs have it today.
    gateway = await startGatewayProcess(dir, [{ code: 'RXA', url: `${proxy.url}/graphql` }, { code: 'RXB', url: b.url }], { gatewaySecret: GATEWAY_SECRET, auth: JWT_AUTH });
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await proxy?.close();
    await Promise.all([a?.stop(), b?.stop()]);
    await pacs?.close();
  });

  it('keeps the shared secret working, and refuses a request signed for RXA when replayed to RXB', async () => {
    const res = await postGraphql(gateway.url, { query: '{ studies(first: 1) { edges { node { id } } unavailableTrusts { code } } }' }, bearer(await token({ sub: 'dr', roles: ['clinician'] })));
    expect(res.json.data!['studies'].unavailableTrusts).toEqual([]);
    const captured = proxy.requests().find((r) => r.method === 'POST' && r.body.includes('studies'));
    expect(captured).toBeDefined();
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const [k, v] of Object.entries(captured!.headers)) if (k.startsWith('x-imaging-network-') && typeof v === 'string') headers[k] = v;
    const replayed = await fetch(b.url, { method: 'POST', headers, body: captured!.body });
    expect(replayed.status).toBe(401);
    expect(await replayed.text()).toContain('signature does not match');
  });
});
