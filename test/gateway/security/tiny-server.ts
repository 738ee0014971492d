import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga, type Plugin } from 'graphql-yoga';

/** An HTTP server on a free loopback port; `url` has no trailing slash. */
export async function listenLoopback(handler: RequestListener): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A trivial schema for plugin tests: `hello`, `whoami` (the context's caller), a recursive
 * `node` for depth, and a paged `items(first)` with nested `items` for cost.
 */
export const TINY_SDL = /* GraphQL */ `
  type Query {
    hello: String
    whoami: String
    node: Node
    items(first: Int = 10): [Item!]!
  }
  type Node { id: ID, child: Node }
  type Item { id: ID, items(first: Int = 10): [Item!]! }
`;

export function tinyYoga(plugins: Plugin[], extra: Parameters<typeof createYoga>[0] = {}) {
  const node = (depth: number): unknown => ({ id: String(depth), child: () => node(depth + 1) });
  const item = (i: number) => ({ id: String(i), items: ({ first }: { first: number }) => Array.from({ length: Math.min(first, 3) }, (_, j) => item(j)) });
  return createYoga({
    schema: createSchema({
      typeDefs: TINY_SDL,
      resolvers: {
        Query: {
          hello: () => 'world',
          whoami: (_: unknown, __: unknown, ctx: { caller?: { sub: string; roles: string[] } }) => (ctx.caller ? `${ctx.caller.sub}:${ctx.caller.roles.join(',')}` : 'nobody'),
          node: () => node(1),
          items: (_: unknown, { first }: { first: number }) => Array.from({ length: Math.min(first, 3) }, (_, j) => item(j)),
        },
      },
    }),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: false,
    logging: false,
    plugins,
    ...extra,
  });
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, body: parsed, headers: res.headers, text };
}
