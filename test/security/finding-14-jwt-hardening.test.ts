/**
 * Finding 14 (issue 15): JWTs of any lifetime and any `typ` were accepted, and `jwksUrl` could be
 * plain http to anywhere. Real peers: gateway processes over a fixture trust; tokens minted with jose.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureTrust, type FixtureTrust } from '../helpers/fixture-trust.ts';
import { bearer, JWT_AUTH, postGraphql, runToEnd, startGatewayProcess, tempDir, token, type GatewayPeer } from './security-peers.ts';
import { stopPeers } from '../helpers/stop-peers.ts';

describe('finding 14: token lifetime, typ and JWKS transport', () => {
  let trust: FixtureTrust;
  let gateway: GatewayPeer;
  beforeAll(async () => {
    trust = await startFixtureTrust({ code: 'RXA' });
    gateway = await startGatewayProcess(tempDir('f14'), [{ code: 'RXA', url: trust.url }], { auth: JWT_AUTH });
  });
  afterAll(() => stopPeers(gateway, trust));

  const ask = async (t: string) => postGraphql(gateway.url, { query: '{ trusts { code } }' }, bearer(t));
  const claims = { sub: 'dr', roles: ['clinician'] };

  it('refuses a token that lives longer than auth.jwt.maxTokenAgeSeconds (default 12 h), accepts one within', async () => {
    const long = await ask(await token(claims, { lifetimeSec: 13 * 3600 }));
    expect(long.status).toBe(401);
    expect(long.json.errors?.[0]?.message).toMatch(/lifetime/);
    expect((await ask(await token(claims, { lifetimeSec: 11 * 3600 }))).status).toBe(200);
  });

  it('refuses a token whose typ is not JWT, accepts JWT and at+jwt', async () => {
    const other = await ask(await token(claims, { typ: 'logout+jwt' }));
    expect(other.status).toBe(401);
    expect(other.json.errors?.[0]?.message).toMatch(/typ/);
    for (const typ of ['JWT', 'at+jwt', 'application/at+jwt']) expect((await ask(await token(claims, { typ }))).status, typ).toBe(200);
  });

  it('refuses to start with an http jwksUrl to another machine, naming the key', async () => {
    const dir = tempDir('f14cfg');
    const config = join(dir, 'gw.json');
    writeFileSync(config, JSON.stringify({ http: { port: 0 }, trusts: [{ code: 'RXA', url: trust.url }], auth: { jwt: { jwksUrl: 'http://idp.example.invalid/jwks.json', issuer: 'i', audience: 'a' } }, audit: { sqlite: join(dir, 'a.db') } }));
    const run = await runToEnd(['gateway', '--config', config]);
    expect(run.code).not.toBe(0);
    expect(run.stderr + run.stdout).toContain('auth.jwt.jwksUrl');
  });
});
