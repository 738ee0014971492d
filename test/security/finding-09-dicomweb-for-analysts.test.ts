/**
 * Finding 9 (issue 15): `Study.dicomweb` gave analysts the trust's internal PACS address, where
 * names and dates of birth are readable. Real peers: a trust process (its PACS the DICOMweb
 * simulator, fed over MLLP) and a gateway process with JWT auth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, postGraphql, startSecureNetwork, token, type SecureNetwork } from './security-peers.ts';

const QUERY = '{ studies(first: 20, filter: { statuses: [COMPLETED, PRELIMINARY, FINAL, AMENDED] }) { edges { node { id dicomweb { studyUrl } } } } }';

describe('finding 9: analysts get no PACS address', () => {
  let net: SecureNetwork;
  beforeAll(async () => {
    net = await startSecureNetwork('f9');
  }, 120_000);
  afterAll(async () => net?.stop());

  it('answers dicomweb with null and FORBIDDEN for an analyst, and the address for a clinician', async () => {
    const clinician = await postGraphql(net.gateway.url, { query: QUERY }, bearer(await token({ sub: 'dr', roles: ['clinician'] })));
    const links = clinician.json.data!['studies'].edges.map((e: any) => e.node.dicomweb).filter(Boolean);
    expect(links.length).toBeGreaterThan(0); // the PACS does hold these studies
    const analyst = await postGraphql(net.gateway.url, { query: QUERY }, bearer(await token({ sub: 'ann', roles: ['analyst'] })));
    const nodes = analyst.json.data!['studies'].edges.map((e: any) => e.node);
    expect(nodes.length).toBeGreaterThan(0);
    for (const n of nodes) expect(n.dicomweb).toBeNull();
    const forbidden = analyst.json.errors!.filter((e) => e.extensions?.['code'] === 'FORBIDDEN').map((e) => e.path!.at(-1));
    expect(forbidden).toContain('dicomweb');
    const pacsHost = new URL(links[0].studyUrl).host;
    expect(analyst.text).not.toContain(pacsHost);
  });
});
