import { describe, expect, it } from 'vitest';
import { VerifiedTokens } from '../../../gateway/security/verified-tokens.ts';

const dr = { sub: 'dr-synthetic', roles: ['clinician'] };

describe('VerifiedTokens', () => {
  it('remembers an accepted token until its exp, and at most maxAgeMs', () => {
    let now = 1_000_000;
    const tokens = new VerifiedTokens(() => 'keys-1', 60_000, 100, () => now);
    tokens.remember('t-short', dr, (now + 10_000) / 1000);
    tokens.remember('t-long', dr, (now + 3_600_000) / 1000);
    expect(tokens.get('t-short')).toBe(dr);
    now += 10_000; // exp reached: no longer valid
    expect(tokens.get('t-short')).toBeUndefined();
    expect(tokens.get('t-long')).toBe(dr);
    now += 50_000; // checked 60 s ago: checked again
    expect(tokens.get('t-long')).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  it('forgets every token checked under a key set that is no longer current (JWKS refetched)', () => {
    let keys = 1;
    const tokens = new VerifiedTokens(() => keys);
    tokens.remember('t', dr, Date.now() / 1000 + 600);
    expect(tokens.get('t')).toBe(dr);
    keys = 2;
    expect(tokens.get('t')).toBeUndefined();
  });

  it('never remembers a token without exp, and drops the oldest beyond maxEntries', () => {
    const tokens = new VerifiedTokens(() => 0, 60_000, 2);
    tokens.remember('no-exp', dr, undefined);
    expect(tokens.get('no-exp')).toBeUndefined();
    const exp = Date.now() / 1000 + 600;
    tokens.remember('a', dr, exp);
    tokens.remember('b', dr, exp);
    tokens.remember('c', dr, exp);
    expect([tokens.get('a'), tokens.get('b'), tokens.get('c')]).toEqual([undefined, dr, dr]);
  });
});
