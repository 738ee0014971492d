import { badUserInput } from '../schema/index.ts';
import { decodeNetworkCursor, type TrustPositions } from './network-cursor.ts';

/** The SDL's default for `first` (`first: Int = 20`), also used when a client sends null. */
const DEFAULT_FIRST = 20;

/** `first` must be 0..maxPageSize (Query.studies description); else BAD_USER_INPUT naming it. */
export function checkFirst(value: unknown, maxPageSize: number, argument = 'first'): number {
  if (value == null) return Math.min(DEFAULT_FIRST, maxPageSize);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > maxPageSize) {
    throw badUserInput(argument, `must be from 0 to ${maxPageSize}`);
  }
  return value;
}

/** `after` must be a cursor this gateway issued; absent means from the start. */
export function checkAfter(value: unknown, argument = 'after'): TrustPositions {
  if (value == null) return {};
  if (typeof value !== 'string') throw badUserInput(argument, 'must be a cursor string');
  return decodeNetworkCursor(value, argument);
}
