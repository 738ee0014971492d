import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { AuthenticationError, createJwtVerifier, type JwtVerifier } from '../../../gateway/security/jwt-verifier.ts';
import { listenLoopback } from './tiny-server.ts';

const ISSUER = 'https://idp.example.test/';
const AUDIENCE = 'imaging-network';
const SECRET = 'development-secret-at-least-32-bytes!!';

type Claims = Record<string, unknown>;

async function hs256(claims: Claims = {}, opts: { secret?: string; exp?: number | string; nbf?: number | string; iss?: string; aud?: string } = {}): Promise<string> {
  const jwt = new SignJWT({ roles: ['clinician'], trust: 'RXA', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('dr-synthetic')
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '5m');
  if (opts.nbf !== undefined) jwt.setNotBefore(opts.nbf);
  return jwt.sign(new TextEncoder().encode(opts.secret ?? SECRET));
}

async function refusal(verify: JwtVerifier, token: string): Promise<{ message: string; status: number }> {
  try {
    await verify(token);
  } catch (err) {
    expect(err).toBeInstanceOf(AuthenticationError);
    return { message: (err as AuthenticationError).message, status: (err as AuthenticationError).status };
  }
  throw new Error('token was accepted');
}

describe('createJwtVerifier with a secret (HS256)', () => {
  const verify = createJwtVerifier({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE, clockToleranceSec: 0 });

  it('accepts a good token: sub, roles, trust', async () => {
    expect(await verify(await hs256())).toEqual({ sub: 'dr-synthetic', roles: ['clinician'], trust: 'RXA' });
    expect(await verify(await hs256({ roles: undefined, trust: undefined }))).toEqual({ sub: 'dr-synthetic', roles: [] });
  });

  it('refuses every bad token with 401 and a reason', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await refusal(verify, await hs256({}, { exp: now - 120 }))).toEqual({ message: 'token has expired', status: 401 });
    expect(await refusal(verify, await hs256({}, { nbf: now + 3600 }))).toEqual({ message: 'token is not yet valid', status: 401 });
    expect(await refusal(verify, await hs256({}, { iss: 'https://evil.example.test/' }))).toEqual({ message: 'token has the wrong issuer', status: 401 });
    expect(await refusal(verify, await hs256({}, { aud: 'someone-else' }))).toEqual({ message: 'token has the wrong audience', status: 401 });
    expect(await refusal(verify, await hs256({}, { secret: `${SECRET}-other` }))).toEqual({ message: 'token signature is invalid', status: 401 });
    expect((await refusal(verify, 'not.a.token')).status).toBe(401);
    expect((await refusal(verify, 'garbage')).status).toBe(401);
    expect(await refusal(verify, await hs256({ roles: 'clinician' }))).toEqual({ message: 'token roles claim must be an array of strings', status: 401 });
  });

  it('refuses alg none (an unsecured JWT, RFC 7519 §6)', async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', roles: ['clinician'], iss: ISSUER, aud: AUDIENCE, exp: now + 300 })}.`;
    expect(await refusal(verify, token)).toEqual({ message: 'token algorithm is not allowed', status: 401 });
  });

  it('refuses a token without exp or sub', async () => {
    const noSub = await new SignJWT({ roles: [] }).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));
    expect((await refusal(verify, noSub)).status).toBe(401);
    const noExp = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('s').setIssuer(ISSUER).setAudience(AUDIENCE).sign(new TextEncoder().encode(SECRET));
    expect((await refusal(verify, noExp)).status).toBe(401);
  });

  it('refuses claims too large to travel to the trusts (issue 15, finding 6)', async () => {
    const longSub = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('x'.repeat(300)).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));
    expect((await refusal(verify, longSub)).message).toMatch(/subject/);
    expect((await refusal(verify, await hs256({ roles: Array.from({ length: 40 }, (_, i) => `r${i}`) }))).message).toMatch(/roles/);
    expect((await refusal(verify, await hs256({ trust: 'T'.repeat(20) }))).message).toMatch(/trust/);
  });

  it('refuses an http jwksUrl unless it is loopback (issue 15, finding 14)', () => {
    expect(() => createJwtVerifier({ jwksUrl: 'http://idp.example.test/jwks', issuer: ISSUER, audience: AUDIENCE })).toThrow(/https/);
    expect(() => createJwtVerifier({ jwksUrl: 'https://idp.example.test/jwks', issuer: ISSUER, audience: AUDIENCE })).not.toThrow();
    expect(() => createJwtVerifier({ jwksUrl: 'http://127.0.0.1:9/jwks', issuer: ISSUER, audience: AUDIENCE })).not.toThrow();
  });

  it('refuses unsafe configs', () => {
    expect(() => createJwtVerifier({ secret: 'short', issuer: ISSUER, audience: AUDIENCE })).toThrow(/32 bytes/);
    expect(() => createJwtVerifier({ issuer: ISSUER, audience: AUDIENCE })).toThrow(/exactly one/);
    expect(() => createJwtVerifier({ secret: SECRET, jwksUrl: 'http://127.0.0.1:1/jwks', issuer: ISSUER, audience: AUDIENCE })).toThrow(/exactly one/);
  });
});

describe('createJwtVerifier with a JWKS (RS256, ES256, rotation)', () => {
  let keys: JWK[] = [];
  let fetches = 0;
  let jwks: Awaited<ReturnType<typeof listenLoopback>>;
  const pairs: Record<string, { privateKey: CryptoKey; jwk: JWK }> = {};

  async function pair(kid: string, alg: 'RS256' | 'ES256') {
    const { privateKey, publicKey } = await generateKeyPair(alg);
    pairs[kid] = { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
  }
  const sign = (kid: string, alg: 'RS256' | 'ES256' | 'HS256', claims: Claims = { roles: ['analyst'] }) =>
    new SignJWT(claims).setProtectedHeader({ alg, kid }).setSubject('analyst-1').setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').sign(pairs[kid]!.privateKey);

  beforeAll(async () => {
    await Promise.all([pair('rsa-1', 'RS256'), pair('ec-1', 'ES256'), pair('rsa-2', 'RS256')]);
    jwks = await listenLoopback((req, res) => {
      fetches++;
      if (req.url !== '/jwks') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
  });
  afterAll(() => jwks.close());

  it('verifies RS256 and ES256 tokens against the served keys', async () => {
    keys = [pairs['rsa-1']!.jwk, pairs['ec-1']!.jwk];
    const verify = createJwtVerifier({ jwksUrl: `${jwks.url}/jwks`, issuer: ISSUER, audience: AUDIENCE, jwksCooldownMs: 0 });
    expect(await verify(await sign('rsa-1', 'RS256'))).toEqual({ sub: 'analyst-1', roles: ['analyst'] });
    expect(await verify(await sign('ec-1', 'ES256'))).toEqual({ sub: 'analyst-1', roles: ['analyst'] });
  });

  it('follows a key rotation: a new kid is fetched, a retired key is refused', async () => {
    keys = [pairs['rsa-1']!.jwk];
    const verify = createJwtVerifier({ jwksUrl: `${jwks.url}/jwks`, issuer: ISSUER, audience: AUDIENCE, jwksCooldownMs: 0 });
    expect((await verify(await sign('rsa-1', 'RS256'))).sub).toBe('analyst-1');
    const before = fetches;
    keys = [pairs['rsa-2']!.jwk]; // the provider rotates: rsa-1 retired, rsa-2 published
    expect((await verify(await sign('rsa-2', 'RS256'))).sub).toBe('analyst-1');
    expect(fetches).toBeGreaterThan(before);
    expect(await refusal(verify, await sign('rsa-1', 'RS256'))).toEqual({ message: 'token signature is invalid', status: 401 });
  });

  it('refuses a key of the set used with HS256 (algorithm confusion) and alg none', async () => {
    keys = [pairs['rsa-1']!.jwk];
    const verify = createJwtVerifier({ jwksUrl: `${jwks.url}/jwks`, issuer: ISSUER, audience: AUDIENCE, jwksCooldownMs: 0 });
    const hs = await new SignJWT({ roles: ['clinician'] }).setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' }).setSubject('x').setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').sign(new TextEncoder().encode(JSON.stringify(pairs['rsa-1']!.jwk)));
    expect(await refusal(verify, hs)).toEqual({ message: 'token algorithm is not allowed', status: 401 });
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${b64({ alg: 'none' })}.${b64({ sub: 'x', iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 60 })}.`;
    expect(await refusal(verify, none)).toEqual({ message: 'token algorithm is not allowed', status: 401 });
  });

  it('answers 503 when the keys cannot be fetched', async () => {
    const down = await listenLoopback((_req, res) => res.writeHead(500).end('down'));
    const url = `${down.url}/jwks`;
    await down.close();
    const verify = createJwtVerifier({ jwksUrl: url, issuer: ISSUER, audience: AUDIENCE, jwksTimeoutMs: 2000 });
    expect(await refusal(verify, await sign('rsa-1', 'RS256'))).toEqual({ message: 'authentication keys are unavailable', status: 503 });
  });
});
