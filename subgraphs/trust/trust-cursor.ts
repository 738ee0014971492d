import { badUserInput } from '../../schema/index.ts';

/**
 * A trust's page cursor: the sort key of the last study returned (keyset paging), so a page
 * never skips or repeats rows when studies arrive between calls. Opaque to clients
 * (base64url JSON); `v` versions the format.
 */
export interface TrustCursor {
  sortMillis: number | null;
  id: string;
}

export function encodeTrustCursor(c: TrustCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, s: c.sortMillis, i: c.id }), 'utf8').toString('base64url');
}

/** Decodes `after`; a malformed cursor is a BAD_USER_INPUT error naming the argument. */
export function decodeTrustCursor(cursor: string, argument = 'after'): TrustCursor {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badUserInput(argument, 'not a cursor this server issued');
  }
  const p = parsed as { v?: unknown; s?: unknown; i?: unknown };
  const validSort = p.s === null || (typeof p.s === 'number' && Number.isFinite(p.s));
  if (p.v !== 1 || !validSort || typeof p.i !== 'string') {
    throw badUserInput(argument, 'not a cursor this server issued');
  }
  return { sortMillis: p.s as number | null, id: p.i };
}
