/**
 * Finding 6 (issue 15): a 20,000-character operation name made the trust refuse the signed call
 * (the identity header outgrew its HTTP header limit), and five such requests opened the circuit
 * breaker for every user. Real peers: a trust process fed over MLLP and a gateway process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, postGraphql, startSecureNetwork, token, type SecureNetwork } from './security-peers.ts';

describe('finding 6: one analyst cannot take a trust offline with a long operation name', () => {
  let net: SecureNetwork;
  beforeAll(async () => {
    net = await startSecureNetwork('f6');
  }, 120_000);
  afterAll(async () => net?.stop());

  it('serves the long-named operation and keeps the trust up for everyone', async () => {
    const analyst = bearer(await token({ sub: 'ann', roles: ['analyst'] }));
    const name = `Q${'x'.repeat(20_000)}`;
    const query = `query ${name} { studies(first: 1) { edges { node { id status } } unavailableTrusts { code } } }`;
    for (let i = 0; i < 8; i++) {
      const res = await postGraphql(net.gateway.url, { query, operationName: name }, analyst);
      expect(res.json.data?.['studies']?.unavailableTrusts, `attempt ${i + 1}`).toEqual([]);
      expect(res.json.errors, `attempt ${i + 1}`).toBeUndefined();
    }
    const clinician = bearer(await token({ sub: 'dr', roles: ['clinician'] }));
    const other = await postGraphql(net.gateway.url, { query: '{ studies(first: 1) { edges { node { id } } unavailableTrusts { code } } trusts { code status } }' }, clinician);
    expect(other.json.errors).toBeUndefined();
    expect(other.json.data!['studies'].unavailableTrusts).toEqual([]);
    expect(other.json.data!['trusts']).toEqual([{ code: 'RXA', status: 'UP' }]);
  });
});
