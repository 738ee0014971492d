import type { Plugin } from 'graphql-yoga';
import { readBoundedBody } from '../../../platform/bounded-body.ts';
import { ErrorCode } from '../../../schema/error-codes.ts';
import {
  DEFAULT_SIGNATURE_WINDOW_MS,
  precheckRequest,
  ReplayCache,
  verifyRequest,
  type CallerIdentity,
} from '../../../platform/request-signature.ts';

export interface GatewaySignatureOptions {
  /** The trust config's `gatewaySecret`. */
  secret: string;
  /** This trust's code: a request signed for another trust is refused (the signature's audience). */
  trust: string;
  /** Accepted clock difference, ms. @default 60000 */
  windowMs?: number;
  /** Largest body read to verify; a signed body is never larger than the gateway's limit. @default 1048576 */
  maxBodyBytes?: number;
  /** Told why a request was refused (never its content). */
  onRefused?: (reason: string) => void;
}

/** What the plugin adds to the GraphQL context: the caller the gateway vouches for. */
export interface SignedCallerContext {
  caller?: CallerIdentity;
}

/**
 * Only the gateway may ask this trust (platform/request-signature.ts): every request yoga handles
 * must be a POST signed with the shared secret, fresh, and not seen before; anything else is
 * HTTP 401 with an UNAUTHENTICATED body. Header checks come first (onRequest) so an unsigned
 * caller never makes the trust read a body; the body is then read once, bounded, inside yoga's
 * request parser (onRequestParse: a `request.clone()` of whatwg-node's Node request leaves the
 * original unreadable), verified, and the parser gets those exact bytes. `/healthz` is answered
 * before yoga and stays open.
 */
export function useGatewaySignature(options: GatewaySignatureOptions): Plugin<SignedCallerContext> {
  if (!options.secret) throw new Error('gatewaySecret: must be a non-empty string');
  const windowMs = options.windowMs ?? DEFAULT_SIGNATURE_WINDOW_MS;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const seen = new ReplayCache(windowMs);
  const callers = new WeakMap<Request, CallerIdentity>();
  const refuse = (reason: string): Response => {
    options.onRefused?.(reason);
    return new Response(JSON.stringify({ errors: [{ message: `Unauthenticated: ${reason}`, extensions: { code: ErrorCode.UNAUTHENTICATED } }] }), {
      status: 401,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    });
  };
  return {
    onRequest({ request, endResponse }) {
      if (request.method !== 'POST') return endResponse(refuse('only signed POST requests are accepted'));
      const problem = precheckRequest(request.headers, Date.now(), windowMs);
      if (problem) return endResponse(refuse(problem));
      if (Number(request.headers.get('content-length') ?? 0) > maxBodyBytes) return endResponse(refuse('body too large to verify'));
    },
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      if (!requestParser) return; // yoga answers 415: nothing runs
      const parse = requestParser;
      // The parser is handed the verified bytes: what runs is exactly what was signed.
      setRequestParser(async (req) => {
        // Read no further than the limit: the headers may be forged.
        const bytes = await readBoundedBody(req, maxBodyBytes);
        if (bytes === undefined) return refuse('body too large to verify');
        const body = bytes.toString('utf8');
        const audience = { trust: options.trust, path: new URL(req.url).pathname };
        const result = verifyRequest({ headers: req.headers, body, secret: options.secret, audience, windowMs, seen });
        if (!result.ok) return refuse(result.reason);
        if (result.identity) callers.set(request, result.identity);
        return parse(new fetchAPI.Request(req.url, { method: req.method, headers: req.headers, body }));
      });
    },
    onContextBuilding({ context, extendContext }) {
      const caller = callers.get(context.request);
      if (caller) extendContext({ caller });
    },
  };
}
