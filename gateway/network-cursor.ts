import { hash } from 'node:crypto';
import type { GraphQLError } from 'graphql';
import { badUserInput, isTrustCode } from '../schema/index.ts';

/**
 * The gateway's page cursor: for each trust, the trust's own cursor of the last row of that trust
 * the client has been given (absent: start from the trust's first row). Opaque to clients:
 * `N1.` + base64url(JSON {v, p, c}) where `c` is a checksum over `v` and `p`. The checksum catches
 * truncated, edited or foreign cursors; it is integrity, not authenticity (the trust cursors are
 * positions, not secrets, and every trust validates its own).
 */
export type TrustPositions = Readonly<Record<string, string>>;

const PREFIX = 'N1.';
const VERSION = 1;
/** Longest trust cursor accepted inside a gateway cursor: a position, not a payload. */
const MAX_TRUST_CURSOR = 1024;

function checksum(positions: TrustPositions): string {
  const canonical = JSON.stringify([VERSION, Object.keys(positions).sort().map((k) => [k, positions[k]])]);
  // One-shot crypto.hash: the same digest as createHash().update().digest() without a Hash
  // object per cursor (one cursor per merged row; issue 16).
  return hash('sha256', canonical, 'base64url').slice(0, 16);
}

export function encodeNetworkCursor(positions: TrustPositions): string {
  const body = { v: VERSION, p: positions, c: checksum(positions) };
  return PREFIX + Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor from argument `argument` (e.g. `after`); anything that is not a cursor this
 * gateway made is a BAD_USER_INPUT error naming the argument.
 */
export function decodeNetworkCursor(cursor: string, argument = 'after'): TrustPositions {
  const bad = (why: string): GraphQLError => badUserInput(argument, `not a cursor of this network (${why})`);
  if (!cursor.startsWith(PREFIX) || !/^[A-Za-z0-9_-]+$/.test(cursor.slice(PREFIX.length))) throw bad('unknown format');
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor.slice(PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    throw bad('unreadable');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('unreadable');
  const { v, p, c } = body as { v?: unknown; p?: unknown; c?: unknown };
  if (v !== VERSION) throw bad('unknown version');
  if (typeof p !== 'object' || p === null || Array.isArray(p)) throw bad('no positions');
  const positions: Record<string, string> = {};
  for (const [trust, position] of Object.entries(p)) {
    if (!isTrustCode(trust) || typeof position !== 'string' || position.length > MAX_TRUST_CURSOR) throw bad('bad position');
    positions[trust] = position;
  }
  if (c !== checksum(positions)) throw bad('checksum mismatch');
  return positions;
}
