import { describe, expect, it } from 'vitest';
import { readRootAnswer, rootReader } from '../../gateway/root-answer.ts';
import { fieldErrorOf } from '../../gateway/trust-answer.ts';
import { TrustFailure } from '../../gateway/trust-failure.ts';
import type { TrustEntry } from '../../gateway/trust-registry.ts';

const rowError = { message: 'PACS down', path: ['__gw_root', 'report'], extensions: { code: 'PACS_UNAVAILABLE' } };
const unlocated = { message: 'slow', extensions: { code: 'PACS_UNAVAILABLE' } };

describe('readRootAnswer', () => {
  it('an object root: located errors hung on their object, the rest returned unplaced', () => {
    const data = { __gw_root: { id: 'x', report: null } };
    const answer = readRootAnswer('RXA', { data, errors: [rowError, unlocated] });
    expect(answer.ok && [answer.value, answer.unplaced]).toEqual([data.__gw_root, [unlocated]]);
    expect(answer.ok && answer.value).toBe(data.__gw_root);
    expect(fieldErrorOf(data.__gw_root, 'report')?.extensions).toEqual({ code: 'PACS_UNAVAILABLE', trust: 'RXA' });
  });

  it('a null root without errors is a plain null (the trust has nothing), not a failure', () => {
    expect(readRootAnswer('RXA', { data: { __gw_root: null }, errors: [] })).toEqual({ ok: true, value: null, unplaced: [] });
  });

  it('a null root with errors, or no root at all, is the trust\'s failure naming up to three codes', () => {
    const errors = ['A', 'B', 'A', 'C', 'D'].map((code) => ({ message: code, extensions: { code } }));
    const failed = readRootAnswer('RXA', { data: { __gw_root: null }, errors });
    expect(failed.ok).toBe(false);
    expect(!failed.ok && [failed.failure.kind, failed.failure.detail]).toEqual(['graphql-errors', 'A, B, C']);
    const missing = readRootAnswer('RXA', { data: null, errors: [] });
    expect(!missing.ok && [missing.failure.kind, missing.failure.detail]).toEqual(['graphql-errors', undefined]);
  });

  it('a root that is not an object is invalid', () => {
    for (const root of ['text', 3, [1]]) {
      const answer = readRootAnswer('RXA', { data: { __gw_root: root }, errors: [] });
      expect(!answer.ok && answer.failure.reason).toBe('answer is not valid JSON (unexpected answer shape)');
    }
  });
});

describe('rootReader', () => {
  const trust = { code: 'RXA' } as TrustEntry;

  it('relocates the unplaced errors, then reads the value', () => {
    const relocated: unknown[] = [];
    const read = rootReader((value, code) => ({ code, id: value?.id }));
    expect(read({ data: { __gw_root: { id: 'x' } }, errors: [unlocated] }, trust, (e) => relocated.push(...e))).toEqual({ code: 'RXA', id: 'x' });
    expect(relocated).toEqual([unlocated]);
  });

  it('throws the failure of an unusable root without calling the value reader', () => {
    let called = false;
    const read = rootReader(() => (called = true));
    expect(() => read({ data: null, errors: [unlocated] }, trust, () => {})).toThrow(TrustFailure);
    expect(called).toBe(false);
  });
});
