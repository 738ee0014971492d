import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { runServer, serverArgs } from './server-lifecycle.ts';

/**
 * The stock comparison: @apollo/gateway (query planner) on @apollo/server's standalone HTTP
 * server, over a static supergraph (no polling). Defaults otherwise: the query plan cache and the
 * document cache are on, as in production.
 */
const { supergraphFile } = serverArgs<{ supergraphFile: string }>();
await runServer(async () => {
  const gateway = new ApolloGateway({ supergraphSdl: readFileSync(supergraphFile, 'utf8') });
  // @apollo/gateway 2.x implements server-gateway-interface 1.x; Apollo Server 5 expects 2.x
  // types, which differ only in typing (the runtime contract is the same).
  const server = new ApolloServer({ gateway: gateway as never, introspection: false });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { ready: { url }, close: () => server.stop() };
});
