import { afterEach, describe, expect, it } from 'vitest';
import { createGatewayHandler } from '../../gateway/server.ts';
import { serve, type RunningHttpServer } from '../../platform/server-lifecycle.ts';
import { scriptedGateway, type ScriptedTrust } from '../helpers/scripted-gateway.ts';

let http: RunningHttpServer | undefined;
afterEach(async () => {
  await http?.close();
  http = undefined;
});

/** The gateway's real HTTP handler (yoga and its plugins) over scripted trusts, on a free loopback port. */
async function gateway(trusts: ScriptedTrust[]) {
  const { services } = scriptedGateway(trusts);
  http = await serve(createGatewayHandler(services), { host: '127.0.0.1', port: 0, keepAliveTimeoutMs: 5_000, drainMs: 0 });
  return http.origin;
}

const post = async (url: string, body: unknown) => {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, body: await r.json() };
};

const up: ScriptedTrust = { code: 'RXA', name: 'Alpha', answer: () => ({ data: null, errors: [] }) };

describe('the gateway\'s HTTP surface', () => {
  it('/readyz (yoga\'s readiness check): 200 with each trust\'s status when one is UP, 503 when none is', async () => {
    let origin = await gateway([up, { ...up, code: 'RXB', checked: 'DOWN' }]);
    let r = await fetch(`${origin}/readyz`);
    expect([r.status, await r.json()]).toEqual([200, { ready: true, trusts: [{ code: 'RXA', status: 'UP' }, { code: 'RXB', status: 'DOWN' }] }]);
    await http!.close();
    origin = await gateway([{ ...up, checked: 'INCOMPATIBLE' }]);
    r = await fetch(`${origin}/readyz`);
    expect([r.status, await r.json()]).toEqual([503, { ready: false, trusts: [{ code: 'RXA', status: 'INCOMPATIBLE' }] }]);
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  });

  it('batches up to limits.maxBatch (5) are answered; a larger one is QUERY_TOO_COMPLEX', async () => {
    const origin = await gateway([up]);
    const five = await post(`${origin}/graphql`, Array.from({ length: 5 }, () => ({ query: '{ trusts { code name } }' })));
    expect(five.status).toBe(200);
    expect(five.body).toEqual(Array.from({ length: 5 }, () => ({ data: { trusts: [{ code: 'RXA', name: 'Alpha' }] } })));
    const six = await post(`${origin}/graphql`, Array.from({ length: 6 }, () => ({ query: '{ trusts { code } }' })));
    expect(six.body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('a trust\'s own error text never reaches the client (only its code, in the unavailable reason)', async () => {
    const origin = await gateway([
      {
        code: 'RXA',
        answer: () => ({ data: { __gw_root: null }, errors: [{ message: 'SQLITE_CORRUPT at /var/lib/x.db', path: ['__gw_root'], extensions: { code: 'SQLITE_CORRUPT' } }] }),
      },
    ]);
    const r = await post(`${origin}/graphql`, { query: '{ patient(nhsNumber: "9990000018") { sex } }' });
    expect(JSON.stringify(r.body)).not.toContain('/var/lib');
    expect(r.body.errors.map((e: { message: string; extensions: { code: string } }) => [e.extensions.code, e.message])).toEqual([
      ['TRUST_UNAVAILABLE', 'Trust RXA is unavailable: answered with errors (SQLITE_CORRUPT)'],
    ]);
  });
});
