import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { ErrorCode } from './error-codes.ts';

/**
 * ISO 8601 date-time with a mandatory offset (RFC 3339 §5.6 `date-time`). Fractional seconds are
 * allowed. The offset is kept as given: the network stores instants with their offset.
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
/** ISO 8601 calendar date `YYYY-MM-DD`. */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/** Returns the normalised DateTime string, or undefined when `value` is not one. */
export function parseDateTime(value: unknown): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (typeof value !== 'string') return undefined;
  const m = DATE_TIME.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  if (!validDate(Number(y), Number(mo), Number(d))) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) return undefined;
  if (Number.isNaN(Date.parse(value))) return undefined;
  return value;
}

/** Returns the Date string, or undefined when `value` is not one. */
export function parseDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = DATE.exec(value);
  if (!m) return undefined;
  return validDate(Number(m[1]), Number(m[2]), Number(m[3])) ? value : undefined;
}

function scalarError(name: string, got: unknown): GraphQLError {
  const shown = typeof got === 'string' ? JSON.stringify(got.slice(0, 60)) : typeof got;
  const want = name === 'DateTime' ? 'ISO 8601 with an offset, e.g. 2026-03-29T01:30:00+01:00' : 'YYYY-MM-DD';
  return new GraphQLError(`${name} must be ${want}; got ${shown}`, {
    extensions: { code: ErrorCode.BAD_USER_INPUT },
  });
}

function literal(name: string, parse: (v: unknown) => string | undefined) {
  return (ast: ValueNode): string => {
    if (ast.kind !== Kind.STRING) throw scalarError(name, `<${ast.kind}>`);
    const v = parse(ast.value);
    if (v === undefined) throw scalarError(name, ast.value);
    return v;
  };
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'ISO 8601 date-time with an explicit offset.',
  serialize(value) {
    const v = parseDateTime(value);
    if (v === undefined) throw scalarError('DateTime', value);
    return v;
  },
  parseValue(value) {
    const v = parseDateTime(value);
    if (v === undefined) throw scalarError('DateTime', value);
    return v;
  },
  parseLiteral: literal('DateTime', parseDateTime),
});

export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'ISO 8601 calendar date.',
  serialize(value) {
    const v = parseDate(value);
    if (v === undefined) throw scalarError('Date', value);
    return v;
  },
  parseValue(value) {
    const v = parseDate(value);
    if (v === undefined) throw scalarError('Date', value);
    return v;
  },
  parseLiteral: literal('Date', parseDate),
});
