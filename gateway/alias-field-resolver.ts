import type { GraphQLFieldResolver } from 'graphql';
import { GATEWAY_OBJECT } from './symbols.ts';
import { fieldErrorOf } from './trust-answer.ts';

/** Marks an object the gateway built itself: its values are stored by field name (symbols.ts). */
export function gatewayObject<T extends object>(value: T): T {
  return Object.assign(value, { [GATEWAY_OBJECT]: true });
}

/**
 * The default resolver for trust data. A trust answered the forwarded selection, so its JSON is
 * keyed by response key (alias ?? name), as Apollo Gateway's `defaultFieldResolverWithAliasSupport`
 * reads it. A null value the trust explained with an error rethrows that error here, at the
 * gateway's path.
 */
export const aliasFieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, _args, _context, info) => {
  if (typeof source !== 'object' || source === null) return null;
  const record = source as Record<string | symbol, unknown>;
  if (record[GATEWAY_OBJECT]) return record[info.fieldName];
  const key = info.path.key as string;
  const value = record[key];
  if (value == null) {
    const error = fieldErrorOf(source, key);
    if (error) throw error;
  }
  return value;
};
