import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '../schema/index.ts';

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** A code clients may see; anything else is INTERNAL_SERVER_ERROR. */
export function isKnownCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && KNOWN_CODES.has(code);
}

/** Addresses of internal systems never reach clients, even inside an otherwise useful message. */
export function scrubMessage(message: string): string {
  return message
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>)]+/gi, '<address>')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<address>')
    .slice(0, 500);
}

export const INTERNAL_MESSAGE = 'Internal server error';

/**
 * A trust's error as the gateway passes it on: its code kept when it is one of the network's
 * (schema/error-codes.ts), its message scrubbed, `extensions.trust` naming the trust; unknown codes
 * become INTERNAL_SERVER_ERROR with a generic message. No path: graphql-js locates it where the
 * gateway resolves the field (or at `path` when given).
 */
export function fromTrustError(trust: string, error: GraphQLFormattedError, path?: ReadonlyArray<string | number>): GraphQLError {
  const code = error.extensions?.code;
  const at = path ? { path } : {};
  if (!isKnownCode(code) || code === ErrorCode.INTERNAL_SERVER_ERROR) {
    return new GraphQLError(INTERNAL_MESSAGE, { ...at, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, trust } });
  }
  return new GraphQLError(scrubMessage(String(error.message ?? '')), { ...at, extensions: { code, trust } });
}
