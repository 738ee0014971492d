import { forwardedIdentity, type GatewayContext } from './gateway-context.ts';
import type { ForwardedOperation } from './forward-selection.ts';
import type { TrustResponse } from './trust-client.ts';
import { TrustFailure } from './trust-failure.ts';
import type { TrustEntry } from './trust-registry.ts';
import { trustUnavailable } from './trust-unavailable.ts';

export type TrustOutcome =
  | { trust: TrustEntry; ok: true; response: TrustResponse }
  | { trust: TrustEntry; ok: false; failure: TrustFailure };

/**
 * Sends one operation per trust, all at once, each under its own deadline (TrustClient): the
 * fan-out takes as long as the slowest trust, not the sum. A trust that fails, is late, has its
 * circuit open, or is not UP in the registry is an outcome, never an exception: the others' rows
 * stand. Outcomes come back in the order of `targets` (config order).
 */
export async function fanOut(ctx: GatewayContext, targets: readonly TrustEntry[], build: (trust: TrustEntry) => ForwardedOperation): Promise<TrustOutcome[]> {
  ctx.metrics.fanOutWidth.observe(targets.length);
  return Promise.all(
    targets.map(async (trust): Promise<TrustOutcome> => {
      if (trust.checked !== 'UP') {
        return { trust, ok: false, failure: new TrustFailure(trust.code, trust.checked === 'INCOMPATIBLE' ? 'incompatible' : 'down') };
      }
      try {
        const op = build(trust);
        return { trust, ok: true, response: await trust.client.request(op.query, op.variables, { identity: forwardedIdentity(ctx, op.operationName) }) };
      } catch (err) {
        if (!(err instanceof TrustFailure)) throw err;
        noteFailure(ctx, err);
        return { trust, ok: false, failure: err };
      }
    }),
  );
}

/** Logs a failure (no patient data: trust, kind, cause) and keeps it for `Trust.lastError`. */
export function noteFailure(ctx: GatewayContext, failure: TrustFailure): void {
  ctx.registry.noteFailure(failure);
  ctx.log.warn({ trust: failure.trust, kind: failure.kind, detail: failure.detail, cause: String(failure.cause ?? '') }, 'trust call failed');
}

/** One TRUST_UNAVAILABLE error per failed trust at `path`, beside the data. */
export function reportUnavailable(ctx: GatewayContext, failures: readonly TrustFailure[], path: ReadonlyArray<string | number>): void {
  for (const failure of failures) ctx.partialErrors.push(trustUnavailable(failure, path));
}
