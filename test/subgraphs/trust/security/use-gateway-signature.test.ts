import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest, TIMESTAMP_HEADER, type CallerIdentity } from '../../../../platform/request-signature.ts';
import { useGatewaySignature } from '../../../../subgraphs/trust/security/use-gateway-signature.ts';
import { listenLoopback, postJson, tinyYoga } from '../../../gateway/security/tiny-server.ts';

const SECRET = 'shared-gateway-secret-0123456789abcdef';
const WHO: CallerIdentity = { sub: 'dr-synthetic', roles: ['clinician', 'analyst'], trust: 'RXA' };

describe('useGatewaySignature over HTTP', () => {
  const AUD = { trust: 'RXA', path: '/graphql' };
  let server: Awaited<ReturnType<typeof listenLoopback>>;
  let url: string;
  const refused: string[] = [];

  beforeAll(async () => {
    server = await listenLoopback(tinyYoga([useGatewaySignature({ secret: SECRET, trust: 'RXA', maxBodyBytes: 4096, onRefused: (r) => refused.push(r) })]));
    url = `${server.url}/graphql`;
  });
  afterAll(() => server.close());

  const send = (body: string, headers: Record<string, string>) => postJson(url, body, headers);
  const signed = (body: string, over: Partial<Parameters<typeof signRequest>[0]> = {}) => signRequest({ audience: AUD, body, secret: SECRET, identity: WHO, ...over });

  it('a signed request runs with the caller the gateway vouches for', async () => {
    const body = JSON.stringify({ query: '{ whoami }' });
    const r = await send(body, signed(body));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ data: { whoami: 'dr-synthetic:clinician,analyst' } });
  });

  it('a signed request without identity runs without a caller', async () => {
    const body = JSON.stringify({ query: '{ whoami }' });
    expect((await send(body, signed(body, { identity: undefined }))).body).toEqual({ data: { whoami: 'nobody' } });
  });

  const expect401 = async (r: { status: number; body: any }, reason: string) => {
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ errors: [{ message: `Unauthenticated: ${reason}`, extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(refused.at(-1)).toBe(reason);
  };

  it('refuses an unsigned request', async () => {
    await expect401(await send(JSON.stringify({ query: '{ hello }' }), {}), 'request is not signed');
  });

  it('refuses a tampered body', async () => {
    const body = JSON.stringify({ query: '{ hello }' });
    await expect401(await send(JSON.stringify({ query: '{ whoami }' }), signed(body)), 'signature does not match');
  });

  it('refuses a wrong secret', async () => {
    const body = JSON.stringify({ query: '{ hello }' });
    await expect401(await send(body, signRequest({ audience: AUD, body, secret: 'another-secret-of-enough-length!!', identity: WHO })), 'signature does not match');
  });

  it('refuses a stale request', async () => {
    const body = JSON.stringify({ query: '{ hello }' });
    await expect401(await send(body, signed(body, { now: Date.now() - 120_000 })), 'signature timestamp is outside the window');
  });

  it('refuses an exact replay', async () => {
    const body = JSON.stringify({ query: '{ hello }' });
    const headers = signed(body);
    expect((await send(body, headers)).status).toBe(200);
    await expect401(await send(body, headers), 'request was replayed');
  });

  it('refuses GET (its query is not in the signed body)', async () => {
    const res = await fetch(`${url}?query=${encodeURIComponent('{ hello }')}`, { headers: { ...signed(''), accept: 'application/json' } });
    expect(res.status).toBe(401);
  });

  it('refuses a body too large to verify, without reading it', async () => {
    const body = JSON.stringify({ query: `{ hello } #${'x'.repeat(5000)}` });
    await expect401(await send(body, { ...signed(body), [TIMESTAMP_HEADER]: String(Date.now()) }), 'body too large to verify');
  });

  it('refuses an empty secret at start', () => {
    expect(() => useGatewaySignature({ secret: '', trust: 'RXA' })).toThrow(/gatewaySecret/);
  });
});
