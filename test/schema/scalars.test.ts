import { describe, expect, it } from 'vitest';
import { parseValue, valueFromAST } from 'graphql';
import { DateScalar, DateTimeScalar, parseDate, parseDateTime } from '../../schema/scalars.ts';

describe('DateTime scalar', () => {
  it('accepts ISO 8601 with an offset and keeps the offset', () => {
    expect(parseDateTime('2026-03-29T01:30:00+01:00')).toBe('2026-03-29T01:30:00+01:00');
    expect(parseDateTime('2026-03-29T00:30:00Z')).toBe('2026-03-29T00:30:00Z');
    expect(parseDateTime('2026-03-29T00:30:00.123-05:00')).toBe('2026-03-29T00:30:00.123-05:00');
    expect(parseDateTime('2026-03-29T00:30Z')).toBe('2026-03-29T00:30Z');
  });

  it('refuses values without an offset, impossible dates and non-strings', () => {
    for (const bad of ['2026-03-29T01:30:00', '2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T24:00:00Z', '20260101', 'yesterday', 42, null]) {
      expect(parseDateTime(bad)).toBeUndefined();
    }
  });

  it('validates both ways with BAD_USER_INPUT', () => {
    expect(() => DateTimeScalar.parseValue('2026-03-29T01:30:00')).toThrow(/DateTime must be ISO 8601 with an offset/);
    expect(() => DateTimeScalar.serialize('not a time')).toThrow(/DateTime/);
    try {
      DateTimeScalar.parseValue('x');
    } catch (err) {
      expect((err as { extensions: Record<string, unknown> }).extensions['code']).toBe('BAD_USER_INPUT');
    }
    expect(valueFromAST(parseValue('"2026-01-01T00:00:00Z"'), DateTimeScalar)).toBe('2026-01-01T00:00:00Z');
    expect(() => DateTimeScalar.parseLiteral(parseValue('12'), {})).toThrow(/DateTime/);
  });
});

describe('Date scalar', () => {
  it('accepts calendar dates, including leap days', () => {
    expect(parseDate('2024-02-29')).toBe('2024-02-29');
    expect(DateScalar.serialize('1970-01-01')).toBe('1970-01-01');
  });
  it('refuses impossible or malformed dates', () => {
    for (const bad of ['2025-02-29', '2025-1-01', '2025-01-01T00:00:00Z', '', 5]) expect(parseDate(bad)).toBeUndefined();
    expect(() => DateScalar.parseValue('2025-02-29')).toThrow(/Date must be YYYY-MM-DD/);
  });
});
