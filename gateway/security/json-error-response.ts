import type { ErrorCode } from '../../schema/error-codes.ts';

/**
 * A GraphQL-shaped error answered before any GraphQL runs (401, 413, 503): the body follows the
 * GraphQL over HTTP response format, `{"errors":[{"message","extensions":{"code"}}]}`, so clients
 * read one shape whatever refused them.
 */
export function jsonErrorResponse(status: number, message: string, code: ErrorCode, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}
