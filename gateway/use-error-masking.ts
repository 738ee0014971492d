import { GraphQLError, type GraphQLErrorOptions } from 'graphql';
import type { Logger } from 'pino';
import { ErrorCode } from '../schema/index.ts';
import { INTERNAL_MESSAGE, isKnownCode, scrubMessage } from './client-safe-error.ts';

/**
 * The gateway's `maskError` for yoga's own `maskedErrors` (envelop's useMaskedErrors, which also
 * masks streamed and subscription results): nothing internal reaches a client. An error raised
 * while executing (it has a path) keeps its message only when its `extensions.code` is one of the
 * network's (schema/error-codes.ts), and even then addresses are scrubbed; any other becomes
 * INTERNAL_SERVER_ERROR with a generic message, keeping `extensions.trust` when a trust raised it.
 * Request errors (parse, validation, variables: no path) describe the client's own document and
 * pass. Masked details are logged at warn by path and error class only; the original message
 * (which may quote a value) only at debug.
 */
export function networkErrorMask(log: Logger): (error: unknown) => Error {
  return (error) => {
    if (!(error instanceof GraphQLError)) {
      log.warn({ kind: error instanceof Error ? error.name : typeof error }, 'internal error masked');
      return new GraphQLError(INTERNAL_MESSAGE, { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
    }
    if (!error.path) return error;
    const code = error.extensions?.code;
    if (isKnownCode(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      return new GraphQLError(scrubMessage(error.message), { ...locationOf(error), extensions: error.extensions });
    }
    if (code !== ErrorCode.INTERNAL_SERVER_ERROR || error.message !== INTERNAL_MESSAGE) {
      log.warn({ path: error.path, kind: error.originalError?.name ?? 'GraphQLError' }, 'internal error masked');
      log.debug({ path: error.path, message: error.message }, 'masked error detail');
    }
    const trust = error.extensions?.trust;
    return new GraphQLError(INTERNAL_MESSAGE, {
      ...locationOf(error),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, ...(typeof trust === 'string' ? { trust } : {}) },
    });
  };
}

/** Where an error stands (its AST nodes and response path), for an error rebuilt in its place. */
function locationOf(error: GraphQLError): Pick<GraphQLErrorOptions, 'nodes' | 'path'> {
  return { ...(error.nodes ? { nodes: error.nodes } : {}), ...(error.path ? { path: error.path } : {}) };
}
