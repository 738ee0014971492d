import { badUserInput } from '../../../schema/index.ts';
import type { WorklistKey } from '../store/reporting-model.ts';

/**
 * A trust's worklist cursor: the (dueAt, id) key of the last study returned (keyset paging), so
 * a page never skips or repeats a study when others arrive or leave between calls. Opaque
 * (base64url JSON); `w` marks it a worklist cursor, `v` versions it.
 */
export function encodeWorklistCursor(key: WorklistKey): string {
  return Buffer.from(JSON.stringify({ w: 1, v: 1, d: key.dueMs, i: key.id }), 'utf8').toString('base64url');
}

/** Decodes `after`; anything else is BAD_USER_INPUT naming the argument. */
export function decodeWorklistCursor(cursor: string, argument = 'after'): WorklistKey {
  let parsed: { w?: unknown; v?: unknown; d?: unknown; i?: unknown };
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as typeof parsed;
  } catch {
    throw badUserInput(argument, 'not a worklist cursor this server issued');
  }
  const validDue = parsed.d === null || (typeof parsed.d === 'number' && Number.isFinite(parsed.d));
  if (parsed?.w !== 1 || parsed.v !== 1 || !validDue || typeof parsed.i !== 'string') {
    throw badUserInput(argument, 'not a worklist cursor this server issued');
  }
  return { dueMs: parsed.d as number | null, id: parsed.i };
}
