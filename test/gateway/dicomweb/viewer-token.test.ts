import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ViewerTokens } from '../../../gateway/dicomweb/viewer-token.ts';

const KEY = 'unit-test-viewer-key-0123456789abcdef';
const CLAIMS = { sub: 'dr-a', roles: ['radiologist'], callerTrust: 'RXA', trust: 'RH8', studyInstanceUid: '1.2.3' };

describe('ViewerTokens', () => {
  it('issues a token in the documented format: v1.<base64url claims>.<HMAC-SHA256>', () => {
    const token = new ViewerTokens(600, KEY).issue(CLAIMS, Date.UTC(2026, 0, 1));
    const [v, payload, mac] = token.split('.');
    expect(v).toBe('v1');
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toEqual({ ...CLAIMS, exp: Date.UTC(2026, 0, 1) / 1000 + 600 });
    expect(mac).toBe(createHmac('sha256', KEY).update(`v1.${payload}`).digest('base64url'));
  });

  it('accepts its own token for its study until it expires', () => {
    const tokens = new ViewerTokens(600, KEY);
    const t0 = Date.UTC(2026, 0, 1);
    const token = tokens.issue(CLAIMS, t0);
    expect(tokens.check(token, 'RH8', '1.2.3', t0 + 599_000)).toEqual({ ok: true, claims: { ...CLAIMS, exp: t0 / 1000 + 600 } });
    expect(tokens.check(token, 'RH8', '1.2.3', t0 + 600_000)).toMatchObject({ ok: false, status: 401, reason: 'viewer token has expired' });
  });

  it('refuses another study, another trust and requests not scoped to a study with 403', () => {
    const tokens = new ViewerTokens(600, KEY);
    const token = tokens.issue(CLAIMS);
    expect(tokens.check(token, 'RH8', '1.2.4')).toMatchObject({ ok: false, status: 403 });
    expect(tokens.check(token, 'RXA', '1.2.3')).toMatchObject({ ok: false, status: 403 });
    expect(tokens.check(token, 'RH8', undefined)).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses tampered, foreign-key and malformed tokens with 401', () => {
    const tokens = new ViewerTokens(600, KEY);
    const token = tokens.issue(CLAIMS);
    const [v, payload, mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...CLAIMS, studyInstanceUid: '9.9', exp: 9e9 })).toString('base64url');
    expect(tokens.check(`${v}.${forged}.${mac}`, 'RH8', '9.9')).toMatchObject({ ok: false, status: 401 });
    expect(new ViewerTokens(600, 'another-key-0123456789abcdef0123456').check(token, 'RH8', '1.2.3')).toMatchObject({ ok: false, status: 401 });
    expect(new ViewerTokens(600).check(token, 'RH8', '1.2.3')).toMatchObject({ ok: false, status: 401 });
    for (const bad of ['', 'v1', `v2.${payload}.${mac}`, `v1.${payload}`, 'v1.!!.!!', `v1.${Buffer.from('not json').toString('base64url')}.${mac}`]) {
      expect(tokens.check(bad, 'RH8', '1.2.3')).toMatchObject({ ok: false, status: 401 });
    }
  });

  it('refuses a lifetime that is not a positive integer', () => {
    expect(() => new ViewerTokens(0)).toThrow(/positive integer/);
  });
});
