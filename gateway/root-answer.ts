import type { GraphQLFormattedError } from 'graphql';
import { fromTrustError } from './client-safe-error.ts';
import type { TrustOutcome } from './fan-out.ts';
import { noteFailure } from './fan-out.ts';
import type { GatewayContext } from './gateway-context.ts';
import { HIDDEN_PREFIX } from './forward-selection.ts';
import { attachTrustErrors } from './trust-answer.ts';
import { TrustFailure } from './trust-failure.ts';

/** The response key every forwarded root field gets. */
export const ROOT_KEY = `${HIDDEN_PREFIX}root`;

export type RootAnswer =
  | { ok: true; value: Record<string, unknown> | null }
  | { ok: false; failure: TrustFailure };

/**
 * A trust's answer to a forwarded root field. Located errors are hung on their rows (see
 * trust-answer.ts); errors that cannot be placed become errors at the gateway's `path`. When the
 * root is null WITH errors the trust failed (its page is missing); null without errors is a
 * plain null (e.g. the trust does not know the patient).
 */
export function readRootAnswer(ctx: GatewayContext, outcome: TrustOutcome, path: ReadonlyArray<string | number>): RootAnswer {
  if (!outcome.ok) return outcome;
  const { trust, response } = outcome;
  const unplaced = attachTrustErrors(trust.code, response.data, response.errors);
  const value = response.data?.[ROOT_KEY];
  if (value == null) {
    if (response.errors.length === 0 && response.data !== null && ROOT_KEY in response.data) return { ok: true, value: null };
    const failure = new TrustFailure(trust.code, 'graphql-errors', codesOf(response.errors));
    noteFailure(ctx, failure);
    return { ok: false, failure };
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    const failure = new TrustFailure(trust.code, 'invalid-json', 'unexpected answer shape');
    noteFailure(ctx, failure);
    return { ok: false, failure };
  }
  for (const error of unplaced) ctx.partialErrors.push(fromTrustError(trust.code, error, path));
  return { ok: true, value: value as Record<string, unknown> };
}

function codesOf(errors: readonly GraphQLFormattedError[]): string | undefined {
  const codes = [...new Set(errors.map((e) => String(e.extensions?.code ?? 'no code')))];
  return codes.length ? codes.slice(0, 3).join(', ') : undefined;
}
