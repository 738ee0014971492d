import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { runServer, serverArgs } from './server-lifecycle.ts';

/**
 * The stock comparison: Hive Gateway's runtime (`createGatewayRuntime`, the engine of the
 * `hive-gateway` CLI) over a static supergraph, served by node:http. Logging off: ours logs at warn.
 *
 * `dedupe: false` turns off its in-flight request deduplication (@graphql-tools/executor-http
 * `deduplicateInflightRequests`, on by default): with it, identical queries arriving together
 * share one subgraph call, so a load of one repeated query measures the cache, not the gateway.
 */
const { supergraphFile, dedupe } = serverArgs<{ supergraphFile: string; dedupe: boolean }>();
await runServer(async () => {
  const gateway = createGatewayRuntime({
    supergraph: readFileSync(supergraphFile, 'utf8'),
    logging: false,
    graphqlEndpoint: '/graphql',
    ...(dedupe ? {} : { transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } } }),
  });
  const server = createServer(gateway);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    ready: { url: `http://127.0.0.1:${port}/graphql` },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.dispose();
    },
  };
});
