import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { fromTrustError } from './client-safe-error.ts';
import { FIELD_ERRORS } from './symbols.ts';

/*
 * Errors a trust reported inside its answer, kept on the JSON object that holds the failed field
 * (`obj[FIELD_ERRORS][responseKey]`, symbols.ts). When the gateway later resolves that field
 * (wherever the merge put the row) the alias-aware resolver throws it, so graphql-js locates it at
 * the GATEWAY path: the trust's path is re-rooted without index arithmetic, and errors of rows the
 * merge dropped vanish with their rows.
 */

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

type Carrier = Record<string | symbol, unknown> & { [FIELD_ERRORS]?: Record<string, GraphQLError> };

/**
 * Hangs each located error on its parent object in `data`. Returns the errors that could not be
 * placed (no path, or the trust nulled an ancestor): the caller reports those itself.
 */
export function attachTrustErrors(trust: string, data: unknown, errors: readonly GraphQLFormattedError[]): GraphQLFormattedError[] {
  const unplaced: GraphQLFormattedError[] = [];
  for (const error of errors) {
    const path = error.path;
    if (!path || path.length === 0) {
      unplaced.push(error);
      continue;
    }
    // Own properties only, and never a prototype key: a trust's error path must not reach
    // Object.prototype and annotate every object of every user (issue 15, finding 12).
    if (path.some((key) => UNSAFE_KEYS.has(String(key)))) {
      unplaced.push({ ...error, path: [] });
      continue;
    }
    let parent: unknown = data;
    for (const key of path.slice(0, -1)) parent = parent != null && typeof parent === 'object' && Object.hasOwn(parent, key) ? (parent as Record<string | number, unknown>)[key] : undefined;
    const last = path.at(-1);
    if (typeof parent !== 'object' || parent === null || Array.isArray(parent) || typeof last !== 'string') {
      unplaced.push(error);
      continue;
    }
    const carrier = parent as Carrier;
    carrier[FIELD_ERRORS] ??= {};
    carrier[FIELD_ERRORS][last] ??= fromTrustError(trust, error);
  }
  return unplaced;
}

/** The error a trust reported for `responseKey` of `source`, if any. */
export function fieldErrorOf(source: unknown, responseKey: string): GraphQLError | undefined {
  return (source as Carrier | null | undefined)?.[FIELD_ERRORS]?.[responseKey];
}

/** Keeps `error` as the explanation of a null `responseKey` on an object the gateway built. */
export function keepFieldError(target: Record<string | symbol, unknown>, responseKey: string, error: GraphQLError): void {
  const carrier = target as Carrier;
  carrier[FIELD_ERRORS] = { ...carrier[FIELD_ERRORS], [responseKey]: error };
}
