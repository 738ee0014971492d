import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { createJwtVerifier } from '../../../gateway/security/jwt-verifier.ts';
import { useJwtAuth } from '../../../gateway/security/use-jwt-auth.ts';
import { listenLoopback, postJson, tinyYoga } from './tiny-server.ts';

const ISSUER = 'https://idp.example.test/';
const AUDIENCE = 'imaging-network';
const SECRET = 'development-secret-at-least-32-bytes!!';

const token = (claims: Record<string, unknown> = { roles: ['clinician'] }, exp: number | string = '5m') =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('dr-synthetic').setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime(exp).sign(new TextEncoder().encode(SECRET));

describe('useJwtAuth over HTTP', () => {
  let server: Awaited<ReturnType<typeof listenLoopback>>;
  const refused: string[] = [];
  let url: string;

  beforeAll(async () => {
    const verify = createJwtVerifier({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE, clockToleranceSec: 0 });
    server = await listenLoopback(tinyYoga([useJwtAuth({ verify, onRefused: (reason) => refused.push(reason) })]));
    url = `${server.url}/graphql`;
  });
  afterAll(() => server.close());

  it('a good token reaches execution with the caller in the context', async () => {
    const r = await postJson(url, { query: '{ whoami }' }, { authorization: `Bearer ${await token()}` });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ data: { whoami: 'dr-synthetic:clinician' } });
    const lower = await postJson(url, { query: '{ whoami }' }, { authorization: `bearer ${await token({ roles: ['analyst'] })}` });
    expect(lower.body).toEqual({ data: { whoami: 'dr-synthetic:analyst' } });
  });

  it('GET requests are authenticated too', async () => {
    const res = await fetch(`${url}?query=${encodeURIComponent('{ hello }')}`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(401);
  });

  const cases: [string, () => Promise<Record<string, string>>, string][] = [
    ['missing', async () => ({}), 'no bearer token'],
    ['malformed header', async () => ({ authorization: 'Basic dXNlcjpwYXNz' }), 'authorization header is not a bearer token'],
    ['empty bearer', async () => ({ authorization: 'Bearer ' }), 'authorization header is not a bearer token'],
    ['expired', async () => ({ authorization: `Bearer ${await token(undefined, Math.floor(Date.now() / 1000) - 60)}` }), 'token has expired'],
    ['garbage token', async () => ({ authorization: 'Bearer abc.def.ghi' }), 'token is malformed'],
    [
      'alg none',
      async () => {
        const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        return { authorization: `Bearer ${b64({ alg: 'none' })}.${b64({ sub: 'x', roles: ['clinician'], iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 60 })}.` };
      },
      'token algorithm is not allowed',
    ],
  ];
  for (const [name, headers, reason] of cases) {
    it(`refuses ${name} with 401 and an UNAUTHENTICATED JSON body, before execution`, async () => {
      const r = await postJson(url, { query: '{ whoami }' }, await headers());
      expect(r.status).toBe(401);
      expect(r.headers.get('content-type')).toMatch(/application\/json/);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer realm="imaging-network"/);
      expect(r.body).toEqual({ errors: [{ message: `Unauthenticated: ${reason}`, extensions: { code: 'UNAUTHENTICATED' } }] });
      expect(refused.at(-1)).toBe(reason);
    });
  }
});
