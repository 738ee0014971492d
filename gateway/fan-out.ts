import { forwardedIdentity, type GatewayContext } from './gateway-context.ts';
import type { ForwardedOperation } from './forward-selection.ts';
import type { TrustResponse } from './trust-client.ts';
import { TrustFailure } from './trust-failure.ts';
import type { TrustEntry } from './trust-registry.ts';

export type TrustOutcome =
  | { trust: TrustEntry; ok: true; response: TrustResponse }
  | { trust: TrustEntry; ok: false; failure: TrustFailure };

/**
 * Sends one operation per trust, all at once, each under its own deadline (TrustClient): the
 * fan-out takes as long as the slowest trust, not the sum. A trust that fails, is late, has its
 * circuit open, or is not UP in the registry is an outcome, never an exception: the others' rows
 * stand. Outcomes come back in the order of `targets` (config order). Every fan-out operation is a
 * query (forward-selection.ts builds queries only), so it may share an identical call of the same
 * caller already in flight (`trustCalls.dedupeInFlight`). This is the I/O step only:
 * what the outcomes mean (data, errors, unavailable trusts) is trust-outcomes.ts's one step.
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
        return { trust, ok: true, response: await trust.client.request(op.query, op.variables, { identity: forwardedIdentity(ctx, op.operationName), shareInFlight: true }) };
      } catch (err) {
        if (!(err instanceof TrustFailure)) throw err;
        return { trust, ok: false, failure: err };
      }
    }),
  );
}
