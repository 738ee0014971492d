import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  IDENTITY_HEADER,
  ReplayCache,
  SIGNATURE_HEADER,
  signRequest,
  TIMESTAMP_HEADER,
  NONCE_HEADER,
  verifyRequest,
  type CallerIdentity,
} from '../../platform/request-signature.ts';

const AUD = { trust: 'RXA', path: '/graphql' };
const SECRET = 'test-secret-0123456789abcdef0123456789';
const NOW = Date.parse('2026-03-29T10:00:00Z');
const BODY = JSON.stringify({ query: '{ studies { edges { node { id } } } }', variables: {} });
const WHO: CallerIdentity = { sub: 'dr-synthetic', roles: ['clinician'], trust: 'RXA', operationName: 'Worklist' };

describe('signRequest', () => {
  it('signs the audience (trust, path), timestamp, a fresh nonce, identity and body with HMAC-SHA256', () => {
    const h = signRequest({ audience: AUD, body: BODY, secret: SECRET, now: NOW, identity: WHO });
    expect(h[TIMESTAMP_HEADER]).toBe(String(NOW));
    expect(JSON.parse(Buffer.from(h[IDENTITY_HEADER]!, 'base64url').toString('utf8'))).toEqual(WHO);
    const expected = createHmac('sha256', SECRET).update(`v2\nRXA\n/graphql\n${NOW}\n${h[NONCE_HEADER]}\n${h[IDENTITY_HEADER]}\n${BODY}`).digest('base64url');
    expect(h[SIGNATURE_HEADER]).toBe(expected);
    // The same request signed twice in the same millisecond is two different requests.
    const again = signRequest({ audience: AUD, body: BODY, secret: SECRET, now: NOW, identity: WHO });
    expect(again[NONCE_HEADER]).not.toBe(h[NONCE_HEADER]);
    expect(again[SIGNATURE_HEADER]).not.toBe(h[SIGNATURE_HEADER]);
  });

  it('bounds the client-controlled operation name (issue 15, finding 6)', () => {
    const h = signRequest({ audience: AUD, body: BODY, secret: SECRET, now: NOW, identity: { ...WHO, operationName: `Q${'x'.repeat(20_000)}\r\nX-Forged: 1` } });
    const sent = JSON.parse(Buffer.from(h[IDENTITY_HEADER]!, 'base64url').toString('utf8')) as CallerIdentity;
    expect(sent.operationName).toHaveLength(128);
    expect(sent.operationName).toMatch(/^Qx+$/);
    expect(h[IDENTITY_HEADER]!.length).toBeLessThan(512);
  });

  it('is refused by another trust or on another path, even with the same secret (issue 15, finding 7)', () => {
    const h = signRequest({ audience: AUD, body: BODY, secret: SECRET, now: NOW, identity: WHO });
    expect(verifyRequest({ audience: { trust: 'RXB', path: '/graphql' }, headers: h, body: BODY, secret: SECRET, now: NOW }).ok).toBe(false);
    expect(verifyRequest({ audience: { trust: 'RXA', path: '/dicom-web' }, headers: h, body: BODY, secret: SECRET, now: NOW }).ok).toBe(false);
    expect(verifyRequest({ audience: AUD, headers: h, body: BODY, secret: SECRET, now: NOW }).ok).toBe(true);
  });

  it('refuses an empty secret', () => {
    expect(() => signRequest({ audience: AUD, body: BODY, secret: '' })).toThrow(/secret/);
  });
});

describe('verifyRequest', () => {
  const signed = (over: Partial<Parameters<typeof signRequest>[0]> = {}) => signRequest({ audience: AUD, body: BODY, secret: SECRET, now: NOW, identity: WHO, ...over });

  it('accepts a good request and returns the identity', () => {
    expect(verifyRequest({ audience: AUD, headers: signed(), body: BODY, secret: SECRET, now: NOW + 1000 })).toEqual({ ok: true, identity: WHO });
  });

  it('reads a fetch Headers object too', () => {
    const r = verifyRequest({ audience: AUD, headers: new Headers(signed()), body: BODY, secret: SECRET, now: NOW });
    expect(r.ok).toBe(true);
  });

  it('accepts a request without identity (gateway without auth) as identity undefined', () => {
    expect(verifyRequest({ audience: AUD, headers: signed({ identity: undefined }), body: BODY, secret: SECRET, now: NOW })).toEqual({ ok: true, identity: undefined });
  });

  it('refuses a tampered body, identity, timestamp or a wrong secret', () => {
    const h = signed();
    expect(verifyRequest({ audience: AUD, headers: h, body: BODY.replace('id', 'ID'), secret: SECRET, now: NOW })).toEqual({ ok: false, reason: 'signature does not match' });
    const promoted = { ...h, [IDENTITY_HEADER]: Buffer.from(JSON.stringify({ ...WHO, roles: ['clinician', 'admin'] })).toString('base64url') };
    expect(verifyRequest({ audience: AUD, headers: promoted, body: BODY, secret: SECRET, now: NOW }).ok).toBe(false);
    expect(verifyRequest({ audience: AUD, headers: { ...h, [TIMESTAMP_HEADER]: String(NOW + 1) }, body: BODY, secret: SECRET, now: NOW }).ok).toBe(false);
    expect(verifyRequest({ audience: AUD, headers: h, body: BODY, secret: `${SECRET}x`, now: NOW }).ok).toBe(false);
    expect(verifyRequest({ audience: AUD, headers: { ...h, [SIGNATURE_HEADER]: 'AAAA' }, body: BODY, secret: SECRET, now: NOW }).ok).toBe(false);
  });

  it('refuses unsigned and malformed requests', () => {
    expect(verifyRequest({ audience: AUD, headers: {}, body: BODY, secret: SECRET, now: NOW })).toEqual({ ok: false, reason: 'request is not signed' });
    const h = signed();
    expect(verifyRequest({ audience: AUD, headers: { ...h, [TIMESTAMP_HEADER]: '12e3' }, body: BODY, secret: SECRET, now: NOW })).toEqual({ ok: false, reason: 'signature timestamp is malformed' });
    expect(verifyRequest({ audience: AUD, headers: h, body: BODY, secret: '', now: NOW }).ok).toBe(false);
  });

  it('refuses a signed but malformed identity', () => {
    const identity = Buffer.from(JSON.stringify({ sub: 1, roles: 'clinician' })).toString('base64url');
    const timestamp = String(NOW);
    const nonce = 'abcdefghijklmnop';
    const sig = createHmac('sha256', SECRET).update(`v2\nRXA\n/graphql\n${timestamp}\n${nonce}\n${identity}\n${BODY}`).digest('base64url');
    const h = { [TIMESTAMP_HEADER]: timestamp, [NONCE_HEADER]: nonce, [IDENTITY_HEADER]: identity, [SIGNATURE_HEADER]: sig };
    expect(verifyRequest({ audience: AUD, headers: h, body: BODY, secret: SECRET, now: NOW })).toEqual({ ok: false, reason: 'identity header is malformed' });
  });

  it('refuses stale and future requests outside the window, accepts inside', () => {
    const h = signed();
    const stale = verifyRequest({ audience: AUD, headers: h, body: BODY, secret: SECRET, now: NOW + 60_001 });
    expect(stale).toEqual({ ok: false, reason: 'signature timestamp is outside the window' });
    expect(verifyRequest({ audience: AUD, headers: h, body: BODY, secret: SECRET, now: NOW - 60_001 }).ok).toBe(false);
    expect(verifyRequest({ audience: AUD, headers: h, body: BODY, secret: SECRET, now: NOW + 60_000 }).ok).toBe(true);
    expect(verifyRequest({ audience: AUD, headers: h, body: BODY, secret: SECRET, now: NOW + 5000, windowMs: 1000 }).ok).toBe(false);
  });

  it('refuses an exact replay inside the window when given a replay cache', () => {
    const seen = new ReplayCache();
    const h = signed();
    expect(verifyRequest({ audience: AUD, headers: h, body: BODY, secret: SECRET, now: NOW, seen }).ok).toBe(true);
    expect(verifyRequest({ audience: AUD, headers: h, body: BODY, secret: SECRET, now: NOW + 10, seen })).toEqual({ ok: false, reason: 'request was replayed' });
    // A new signature (new timestamp) for the same body is a new request.
    expect(verifyRequest({ audience: AUD, headers: signed({ now: NOW + 1 }), body: BODY, secret: SECRET, now: NOW + 10, seen }).ok).toBe(true);
  });

  it('a forged signature does not poison the replay cache', () => {
    const seen = new ReplayCache();
    const h = signed();
    verifyRequest({ audience: AUD, headers: h, body: 'other', secret: SECRET, now: NOW, seen });
    expect(seen.size).toBe(0);
    expect(verifyRequest({ audience: AUD, headers: h, body: BODY, secret: SECRET, now: NOW, seen }).ok).toBe(true);
  });
});

describe('ReplayCache', () => {
  it('forgets entries once their timestamp has left the window', () => {
    const cache = new ReplayCache(1000);
    expect(cache.remember('a', 0, 0)).toBe(true);
    expect(cache.remember('a', 0, 500)).toBe(false);
    expect(cache.remember('b', 900, 900)).toBe(true);
    expect(cache.remember('c', 2000, 2000)).toBe(true);
    expect(cache.size).toBe(1);
  });
});
