/**
 * Finding 12 (issue 15): a trust error whose path contains `__proto__` wrote to Object.prototype
 * in the gateway and corrupted other users' answers. Real peers: a gateway process and a fixture
 * trust (a real Federation 2 subgraph over HTTP) behind a proxy that plays a compromised trust:
 * it appends a forged error to the answers of the attacker's requests.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureTrust, type FixtureTrust } from '../helpers/fixture-trust.ts';
import { postGraphql, startGatewayProcess, tempDir, type GatewayPeer } from './security-peers.ts';
import { stopPeers } from '../helpers/stop-peers.ts';

const FORGED = 'FORGED-BY-A-COMPROMISED-TRUST';

/** Forwards to the trust; when the query holds the alias `evil`, adds an error at `path` (the root field's key as the gateway forwards it, then `__proto__`). */
async function forgingProxy(target: string, path: unknown[]): Promise<{ url: string; close(): Promise<void> }> {
  const t = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const upstream = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...req.headers, host: t.host } }, (answer) => {
        const out: Buffer[] = [];
        answer.on('data', (c: Buffer) => out.push(c));
        answer.on('end', () => {
          let text = Buffer.concat(out).toString('utf8');
          if (body.includes('evil')) {
            const json = JSON.parse(text);
            const root = Object.keys(json.data ?? {})[0];
            json.errors = [...(json.errors ?? []), { message: FORGED, path: [root, ...path] }];
            text = JSON.stringify(json);
          }
          res.writeHead(answer.statusCode ?? 502, { 'content-type': 'application/json' });
          res.end(text);
        });
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }) };
}

describe('finding 12: a trust error path cannot reach Object.prototype in the gateway', () => {
  let trust: FixtureTrust;
  let proxy: Awaited<ReturnType<typeof forgingProxy>>;
  let gateway: GatewayPeer;
  beforeAll(async () => {
    trust = await startFixtureTrust({ code: 'RXA', studies: [{ accession: 'A1', sortAt: '2026-03-01T10:00:00Z', nhsNumber: '9990000018' }] });
    proxy = await forgingProxy(trust.url.replace('/graphql', ''), ['__proto__', 'description']);
    gateway = await startGatewayProcess(tempDir('f12'), [{ code: 'RXA', url: `${proxy.url}/graphql` }]);
  }, 120_000);
  afterAll(() => stopPeers(gateway, proxy, trust));

  it('keeps another user\'s answer clean after the forged error', async () => {
    const attack = await postGraphql(gateway.url, { query: '{ studies(first: 1) { edges { node { evil: id } } } }' });
    expect(attack.json.data?.['studies']).toBeDefined();
    // Another user: a field that is null in the trust's data (description) must stay a plain null.
    const victim = await postGraphql(gateway.url, { query: '{ studies(first: 1) { edges { node { id description } } } }' });
    expect(victim.json.data!['studies'].edges[0].node.description).toBeNull();
    expect(victim.text).not.toContain(FORGED);
    expect(victim.json.errors).toBeUndefined();
  });

  it('refuses __proto__ as a client\'s response key', async () => {
    const res = await postGraphql(gateway.url, { query: '{ studies(first: 1) { __proto__: edges { cursor } } }' });
    expect(res.json.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });
});
