import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { fromTrustError } from './client-safe-error.ts';
import type { TrustOutcome } from './fan-out.ts';
import type { GatewayContext } from './gateway-context.ts';
import type { TrustResponse } from './trust-client.ts';
import { TrustFailure } from './trust-failure.ts';
import type { TrustEntry } from './trust-registry.ts';
import { trustUnavailable } from './trust-unavailable.ts';

/*
 * The one step from per-trust outcomes to what the gateway answers, as Hive Gateway's
 * `checkResultAndHandleErrors` (delegate package) turns a subschema's result into data with its
 * errors relocated. Every resolver that asks trusts ends here, so there is one place where:
 * - a trust's answer becomes data (read by the caller's `read`, which throws a TrustFailure when
 *   the answer is unusable);
 * - a trust's located errors are hung on their rows (trust-answer.ts, thrown later where the
 *   gateway resolves them) and its unplaceable ones are relocated to the gateway's path;
 * - a failed trust is noted once (warn log without patient data, `Trust.lastError`), named in the
 *   list's `unavailableTrusts` and reported as TRUST_UNAVAILABLE beside the data.
 * Errors reach the response in two ways only, both from here: ON a field (graphql-js throws them
 * where the field resolves: FIELD_ERRORS, or a key lookup's error) or BESIDE the data
 * (`ctx.partialErrors`, appended by platform/use-partial-errors.ts).
 */

/** One trust's usable answer. */
export interface TrustAnswer<T> {
  trust: TrustEntry;
  value: T;
}

export interface CheckedOutcomes<T> {
  /** In the order of the outcomes (config order); trusts whose `read` gave null are left out. */
  answers: Array<TrustAnswer<T>>;
  /** Trusts with no usable answer, in the same order. */
  unavailable: TrustEntry[];
}

/**
 * Reads one trust's answer into what the merge needs: throws a TrustFailure when the answer is
 * unusable, returns null when the trust has nothing (not a failure: e.g. it does not know the
 * patient), and hands `relocate` the errors it could not place on a row.
 */
export type AnswerReader<T> = (response: TrustResponse, trust: TrustEntry, relocate: (errors: readonly GraphQLFormattedError[]) => void) => T | null;

/**
 * Outcomes of a root list (studies, patient, capacity…) → answers and unavailable trusts; the
 * relocated errors and one TRUST_UNAVAILABLE per failed trust are reported beside the data at
 * `path` (relocated first, in trust order, then the unavailable ones).
 */
export function checkOutcomes<T>(ctx: GatewayContext, outcomes: readonly TrustOutcome[], path: ReadonlyArray<string | number>, read: AnswerReader<T>): CheckedOutcomes<T> {
  const answers: Array<TrustAnswer<T>> = [];
  const unavailable: TrustEntry[] = [];
  const relocated: GraphQLError[] = [];
  const failures: TrustFailure[] = [];
  for (const outcome of outcomes) {
    const { trust } = outcome;
    try {
      if (!outcome.ok) throw outcome.failure;
      const value = read(outcome.response, trust, (errors) => relocated.push(...errors.map((e) => fromTrustError(trust.code, e, path))));
      if (value !== null) answers.push({ trust, value });
    } catch (err) {
      if (!(err instanceof TrustFailure)) throw err;
      noteFailure(ctx, err);
      failures.push(err);
      unavailable.push(trust);
    }
  }
  ctx.partialErrors.push(...relocated, ...failures.map((f) => trustUnavailable(f, path)));
  return { answers, unavailable };
}

/**
 * One trust's outcome for a batch of key lookups (key-routing.ts) → one value per key, or the
 * error that explains its null: graphql-js throws it at that key's own field path. A failed
 * trust gives every key TRUST_UNAVAILABLE.
 */
export function checkKeyedOutcome(ctx: GatewayContext, outcome: TrustOutcome, keyCount: number, read: (response: TrustResponse) => unknown[]): unknown[] {
  try {
    if (!outcome.ok) throw outcome.failure;
    return read(outcome.response);
  } catch (err) {
    if (!(err instanceof TrustFailure)) throw err;
    noteFailure(ctx, err);
    return Array.from({ length: keyCount }, () => trustUnavailable(err));
  }
}

/**
 * A part of answers already checked that one trust got wrong (e.g. a nested page of a merged
 * patient): `read` each; a TrustFailure is noted and that trust listed, without an error beside
 * the data (the part's own `unavailableTrusts` names it).
 */
export function checkParts<I, T>(ctx: GatewayContext, parts: readonly I[], trustOf: (part: I) => string, read: (part: I) => T): { values: T[]; failed: string[] } {
  const values: T[] = [];
  const failed: string[] = [];
  for (const part of parts) {
    try {
      values.push(read(part));
    } catch (err) {
      if (!(err instanceof TrustFailure)) throw err;
      noteFailure(ctx, err);
      failed.push(trustOf(part));
    }
  }
  return { values, failed };
}

/**
 * Logs a failure (no patient data: trust, kind, cause) and keeps it for `Trust.lastError`. A
 * trust left out because the registry holds it DOWN or INCOMPATIBLE is not noted again: its
 * `lastError` already says why, from the contract check.
 */
function noteFailure(ctx: GatewayContext, failure: TrustFailure): void {
  if (failure.kind === 'down' || failure.kind === 'incompatible') return;
  ctx.registry.noteFailure(failure);
  ctx.log.warn({ trust: failure.trust, kind: failure.kind, detail: failure.detail, cause: String(failure.cause ?? '') }, 'trust call failed');
}
