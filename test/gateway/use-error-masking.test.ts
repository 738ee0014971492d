import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { networkErrorMask } from '../../gateway/use-error-masking.ts';

/** A pino logger that keeps its lines, to check what reaches warn. */
function capturingLog() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) });
  return { log: pino({ level: 'debug' }, stream), lines };
}

const located = (message: string, extensions: Record<string, unknown>) => new GraphQLError(message, { path: ['studies', 0, 'report'], extensions });

describe('networkErrorMask', () => {
  it('keeps a network code and its message, with addresses scrubbed', () => {
    const masked = networkErrorMask(pino({ level: 'silent' }))(located('PACS http://10.0.0.5:8042/dicom-web did not answer', { code: 'PACS_UNAVAILABLE', trust: 'RXA' })) as GraphQLError;
    expect(masked.toJSON()).toEqual({ message: 'PACS <address> did not answer', path: ['studies', 0, 'report'], extensions: { code: 'PACS_UNAVAILABLE', trust: 'RXA' } });
  });

  it('an unknown or missing code becomes INTERNAL_SERVER_ERROR with a generic message, keeping the trust', () => {
    const { log, lines } = capturingLog();
    const mask = networkErrorMask(log);
    expect((mask(located('SQLITE_BUSY for patient 9990000018', { code: 'SQLITE_BUSY', trust: 'RXB' })) as GraphQLError).toJSON()).toEqual({
      message: 'Internal server error',
      path: ['studies', 0, 'report'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', trust: 'RXB' },
    });
    expect((mask(located('TypeError: x is undefined', {})) as GraphQLError).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    // The original message (it may quote patient data) is logged at debug only.
    const warn = lines.filter((l) => l.level === 40);
    expect(warn).toHaveLength(2);
    expect(JSON.stringify(warn)).not.toContain('9990000018');
    expect(JSON.stringify(lines.filter((l) => l.level === 20))).toContain('9990000018');
  });

  it('request errors (no path: parse, validation, variables) pass as they are', () => {
    const error = new GraphQLError('Cannot query field "nope" on type "Query".');
    expect(networkErrorMask(pino({ level: 'silent' }))(error)).toBe(error);
  });

  it('something thrown that is not a GraphQL error is masked', () => {
    const masked = networkErrorMask(pino({ level: 'silent' }))(new Error('connect ECONNREFUSED 10.0.0.5:5432')) as GraphQLError;
    expect([masked.message, masked.extensions]).toEqual(['Internal server error', { code: 'INTERNAL_SERVER_ERROR' }]);
  });
});

describe('networkErrorMask as yoga\'s maskedErrors', () => {
  const yoga = createYoga({
    schema: createSchema({
      typeDefs: 'type Query { boom: String, safe: String } type Subscription { ticks: Int }',
      resolvers: {
        Query: {
          boom: () => {
            throw new Error('db at 10.0.0.5 failed');
          },
          safe: () => {
            throw new GraphQLError('Invalid first: must be from 0 to 200', { extensions: { code: 'BAD_USER_INPUT' } });
          },
        },
        Subscription: {
          ticks: {
            subscribe: async function* () {
              yield { ticks: 1 };
            },
            resolve: () => {
              throw new Error('secret 9990000018');
            },
          },
        },
      },
    }),
    maskedErrors: { maskError: networkErrorMask(pino({ level: 'silent' })) },
    logging: false,
  });

  it('masks a query\'s errors and keeps the network\'s codes', async () => {
    const r = await yoga.fetch('http://localhost/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ boom safe }' }) });
    const body = await r.json();
    expect(body.errors.map((e: GraphQLError) => [e.path?.[0], e.message, e.extensions?.code])).toEqual([
      ['boom', 'Internal server error', 'INTERNAL_SERVER_ERROR'],
      ['safe', 'Invalid first: must be from 0 to 200', 'BAD_USER_INPUT'],
    ]);
  });

  it('masks streamed (subscription) results too', async () => {
    const r = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { ticks }' }),
    });
    const text = await r.text();
    expect(text).toContain('Internal server error');
    expect(text).not.toContain('9990000018');
  });
});
