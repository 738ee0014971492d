import type { ClientRequest, IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/**
 * The two hops of a streamed DICOMweb call (gateway → trust pass-through, trust → PACS) forward
 * the same way: chosen headers, one bodiless request, and a caller that goes away stops the
 * transfer behind it. PS3.18 8.4 / RFC 9110: only single-valued headers are forwarded.
 */

/** Copies the named headers of `from` that hold one string value into `into`. */
export function pickHeaders(from: IncomingHttpHeaders, names: readonly string[], into: Record<string, string> = {}): Record<string, string> {
  for (const name of names) {
    const value = from[name];
    if (typeof value === 'string') into[name] = value;
  }
  return into;
}

/**
 * Ends the (bodiless) upstream request and resolves with its answer once the headers are in; it
 * rejects with the request's error, or with `onTimeout()` when the socket is idle for `timeoutMs`
 * (the caller disarms that with `upstream.setTimeout(0)` once it reads the body under its own
 * deadline). From now on, when the caller's response closes before it is finished (the caller
 * went away, before or during the body), the upstream request is destroyed, so no transfer runs
 * on for nobody.
 */
export function upstreamAnswer(upstream: ClientRequest, res: ServerResponse, timeoutMs: number, onTimeout: () => Error): Promise<IncomingMessage> {
  upstream.setTimeout(timeoutMs, () => upstream.destroy(onTimeout()));
  res.once('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  return new Promise<IncomingMessage>((resolve, reject) => {
    upstream.once('response', resolve);
    upstream.once('error', reject);
    upstream.end();
  });
}
