/**
 * Finding 4 (issue 15): `introspection: false` had no effect through the real server, and the
 * IDE and introspection were on by default. Real peers: a fixture trust (a real Federation 2
 * subgraph over HTTP) and gateway processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureTrust, type FixtureTrust } from '../helpers/fixture-trust.ts';
import { postGraphql, startGatewayProcess, tempDir, type GatewayPeer } from './security-peers.ts';

const INTROSPECTION = '{ __schema { queryType { name } } }';

describe('finding 4: introspection and the IDE are off unless configured, through the real server', () => {
  let trust: FixtureTrust;
  const gateways: GatewayPeer[] = [];
  beforeAll(async () => {
    trust = await startFixtureTrust({ code: 'RXA' });
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await trust?.close();
  });

  for (const [name, extra] of [['by default', {}], ['with introspection: false', { introspection: false, ide: true }]] as const) {
    it(`refuses __schema and __type ${name}`, async () => {
      const gw = await startGatewayProcess(tempDir('f4'), [{ code: 'RXA', url: trust.url }], extra);
      gateways.push(gw);
      for (const query of [INTROSPECTION, '{ __type(name: "Study") { name } }']) {
        const res = await postGraphql(gw.url, { query });
        expect(res.json.data ?? null).toBeNull();
        expect(res.json.errors?.[0]?.message).toMatch(/introspection/i);
      }
      // __typename stays: clients need it.
      expect((await postGraphql(gw.url, { query: '{ __typename }' })).json.data).toEqual({ __typename: 'Query' });
    });
  }

  it('serves no IDE page by default, and introspection when configured on', async () => {
    const off = await startGatewayProcess(tempDir('f4ide'), [{ code: 'RXA', url: trust.url }]);
    gateways.push(off);
    const page = await fetch(off.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/graphiql/i);
    const on = await startGatewayProcess(tempDir('f4on'), [{ code: 'RXA', url: trust.url }], { introspection: true });
    gateways.push(on);
    expect((await postGraphql(on.url, { query: INTROSPECTION })).json.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});
