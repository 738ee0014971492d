import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { ErrorCode } from '../schema/index.ts';
import { INTERNAL_MESSAGE, isKnownCode, scrubMessage } from './client-safe-error.ts';
import { isAsyncIterable } from '../schema/use-partial-errors.ts';

/**
 * Nothing internal reaches a client: an error raised while executing (it has a path) keeps its
 * message only when its `extensions.code` is one of the network's (schema/error-codes.ts), and
 * even then addresses are scrubbed; any other becomes INTERNAL_SERVER_ERROR with a generic
 * message. Request errors (parse, validation, variables: no path) describe the client's own
 * document and pass. Masked details are logged at warn by path and error class only; the original
 * message (which may quote a value) only at debug.
 */
export function useErrorMasking(log: Logger): Plugin {
  return {
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          if (isAsyncIterable(result)) return;
          const r = result as ExecutionResult;
          if (!r.errors?.length) return;
          setResult({ ...r, errors: r.errors.map((e) => mask(e, log)) });
        },
      };
    },
    // Subscription events (worklistChanged) are masked one by one, as query answers are.
    onSubscribe() {
      return {
        onSubscribeResult() {
          return {
            onNext({ result, setResult }) {
              const r = result as ExecutionResult;
              if (r.errors?.length) setResult({ ...r, errors: r.errors.map((e) => mask(e, log)) });
            },
          };
        },
      };
    },
  };
}

function mask(error: GraphQLError, log: Logger): GraphQLError {
  if (!error.path) return error;
  const code = error.extensions?.code;
  if (isKnownCode(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
    const message = scrubMessage(error.message);
    return new GraphQLError(message, { nodes: error.nodes, path: error.path, extensions: error.extensions });
  }
  if (code !== ErrorCode.INTERNAL_SERVER_ERROR || error.message !== INTERNAL_MESSAGE) {
    log.warn({ path: error.path, kind: error.originalError?.name ?? 'GraphQLError' }, 'internal error masked');
    log.debug({ path: error.path, message: error.message }, 'masked error detail');
  }
  const trust = error.extensions?.trust;
  return new GraphQLError(INTERNAL_MESSAGE, {
    nodes: error.nodes,
    path: error.path,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, ...(typeof trust === 'string' ? { trust } : {}) },
  });
}
