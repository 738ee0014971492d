import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../../schema/error-codes.ts';
import type { CallerIdentity } from '../../platform/request-signature.ts';
import { jsonErrorResponse } from './json-error-response.ts';
import { AuthenticationError, type JwtVerifier } from './jwt-verifier.ts';

/** What the plugin adds to the GraphQL context. */
export interface CallerContext {
  /** The verified caller; always set on a request that reached execution with auth on. */
  caller?: CallerIdentity;
}

export interface JwtAuthOptions {
  verify: JwtVerifier;
  /**
   * Roles the network knows (the SDL's `@requiresScopes`). A token with none of them is refused
   * with 403 before anything is parsed or executed. @default every token passes
   */
  knownRoles?: ReadonlySet<string>;
  /** Told why a token was refused (no token content, no patient data). */
  onRefused?: (reason: string, status: number) => void;
}

/** RFC 6750 §2.1: `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 9110 §11.1). */
const BEARER = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * Bearer-token authentication for every request yoga handles: no or bad token → HTTP 401 with
 * `WWW-Authenticate: Bearer` (RFC 6750 §3) and an UNAUTHENTICATED JSON body, before parsing. The
 * verified caller is put in the context as `caller` (for role checks, audit, and the identity the
 * gateway signs to trusts). CORS preflights pass: they carry no credentials.
 */
export function useJwtAuth(options: JwtAuthOptions): Plugin<CallerContext> {
  const callers = new WeakMap<Request, CallerIdentity>();
  const refuse = (status: 401 | 503, reason: string, error?: string): Response => {
    options.onRefused?.(reason, status);
    const challenge = error ? `Bearer realm="imaging-network", error="${error}"` : 'Bearer realm="imaging-network"';
    return jsonErrorResponse(status, status === 401 ? `Unauthenticated: ${reason}` : reason, ErrorCode.UNAUTHENTICATED, status === 401 ? { 'www-authenticate': challenge } : {});
  };
  return {
    async onRequest({ request, endResponse }) {
      if (request.method === 'OPTIONS') return;
      const header = request.headers.get('authorization');
      if (header === null) return endResponse(refuse(401, 'no bearer token'));
      const [, token] = BEARER.exec(header.trim()) ?? [];
      if (token === undefined) return endResponse(refuse(401, 'authorization header is not a bearer token', 'invalid_request'));
      try {
        const caller = await options.verify(token);
        // Issue 15, finding 3: a token that can read nothing gets nothing executed for it.
        if (options.knownRoles && !caller.roles.some((r) => options.knownRoles!.has(r))) {
          options.onRefused?.('token has no known role', 403);
          return endResponse(jsonErrorResponse(403, 'Forbidden: the token holds no role of this network', ErrorCode.FORBIDDEN));
        }
        callers.set(request, caller);
      } catch (err) {
        if (!(err instanceof AuthenticationError)) throw err;
        endResponse(refuse(err.status, err.message, err.status === 401 ? 'invalid_token' : undefined));
      }
    },
    onContextBuilding({ context, extendContext }) {
      const caller = callers.get(context.request);
      if (caller) extendContext({ caller });
    },
  };
}
