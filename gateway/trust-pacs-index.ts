import type { GatewayContext } from './gateway-context.ts';
import { gatewayObject } from './alias-field-resolver.ts';
import type { TrustEntry } from './trust-registry.ts';

/**
 * `Trust.pacsIndex` for the trusts the gateway lists itself (`Query.trusts`): the gateway does not
 * know it, so it asks the trust (its own `trusts { pacsIndex }`), once per trust and request.
 * A trust that fails to answer gives null (its `status`/`lastError` say why); the gateway never
 * reads a trust's store or code.
 */
const QUERY = '{ trusts { code pacsIndex { state indexedStudies backfilledThrough lastSyncAt lagSeconds lastError } } }';

export interface PacsIndexAnswer {
  state: string;
  indexedStudies: number;
  backfilledThrough: string | null;
  lastSyncAt: string | null;
  lagSeconds: number | null;
  lastError: string | null;
}

const perRequest = new WeakMap<object, Map<string, Promise<PacsIndexAnswer | null>>>();

/** Last answer seen from each trust, for the gateway's Prometheus gauges. */
export const lastPacsIndex = new Map<string, PacsIndexAnswer>();

export async function fetchPacsIndex(entry: TrustEntry): Promise<PacsIndexAnswer | null> {
  try {
    const res = await entry.client.request(QUERY, {});
    const trusts = res.data?.['trusts'];
    if (!Array.isArray(trusts)) return null;
    const own = trusts.find((t: unknown) => (t as { code?: unknown } | null)?.code === entry.code) as { pacsIndex?: PacsIndexAnswer | null } | undefined;
    const answer = own?.pacsIndex ?? null;
    if (answer) lastPacsIndex.set(entry.code, answer);
    return answer;
  } catch {
    return null;
  }
}

/** The trust's pacsIndex, asked at most once per gateway request. */
export function pacsIndexOf(entry: TrustEntry, ctx: GatewayContext): Promise<PacsIndexAnswer | null> {
  let byTrust = perRequest.get(ctx);
  if (!byTrust) perRequest.set(ctx, (byTrust = new Map()));
  let answer = byTrust.get(entry.code);
  if (!answer) {
    answer = fetchPacsIndex(entry).then((a) => (a ? gatewayObject({ ...a }) : null));
    byTrust.set(entry.code, answer);
  }
  return answer;
}
