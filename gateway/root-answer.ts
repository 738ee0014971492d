import type { GraphQLFormattedError } from 'graphql';
import { HIDDEN_PREFIX } from './forward-selection.ts';
import { attachTrustErrors } from './trust-answer.ts';
import type { TrustResponse } from './trust-client.ts';
import { TrustFailure } from './trust-failure.ts';
import type { AnswerReader } from './trust-outcomes.ts';

/** The response key every forwarded root field gets. */
export const ROOT_KEY = `${HIDDEN_PREFIX}root`;

export type RootAnswer =
  | { ok: true; value: Record<string, unknown> | null; unplaced: GraphQLFormattedError[] }
  | { ok: false; failure: TrustFailure };

/**
 * A trust's answer to a forwarded root field (under ROOT_KEY). Located errors are hung on their
 * rows (trust-answer.ts); the ones that cannot be placed are returned as `unplaced`. When the root
 * is null WITH errors the trust failed (its page is missing); null without errors is a plain null
 * (e.g. the trust does not know the patient). Pure apart from hanging the errors on `data`.
 */
export function readRootAnswer(trust: string, response: TrustResponse): RootAnswer {
  const unplaced = attachTrustErrors(trust, response.data, response.errors);
  const value = response.data?.[ROOT_KEY];
  if (value == null) {
    if (response.errors.length === 0 && response.data !== null && ROOT_KEY in response.data) return { ok: true, value: null, unplaced };
    return { ok: false, failure: new TrustFailure(trust, 'graphql-errors', errorCodesOf(response.errors)) };
  }
  if (typeof value !== 'object' || Array.isArray(value)) return { ok: false, failure: new TrustFailure(trust, 'invalid-json', 'unexpected answer shape') };
  return { ok: true, value: value as Record<string, unknown>, unplaced };
}

/**
 * The AnswerReader of a forwarded root field (trust-outcomes.ts): the root's unplaced errors are
 * relocated to the gateway's path, then `readValue` turns the root object (or null) into what
 * the merge needs.
 */
export function rootReader<T>(readValue: (value: Record<string, unknown> | null, trust: string) => T | null): AnswerReader<T> {
  return (response, trust, relocate) => {
    const root = readRootAnswer(trust.code, response);
    if (!root.ok) throw root.failure;
    relocate(root.unplaced);
    return readValue(root.value, trust.code);
  };
}

/** Up to three distinct `extensions.code`s, the client-safe detail of a failure. */
export function errorCodesOf(errors: readonly GraphQLFormattedError[]): string | undefined {
  const codes = [...new Set(errors.map((e) => String(e.extensions?.code ?? 'no code')))];
  return codes.length ? codes.slice(0, 3).join(', ') : undefined;
}
