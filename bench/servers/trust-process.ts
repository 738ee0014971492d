import pino from 'pino';
import { parseTrustConfig } from '../../subgraphs/trust/config.ts';
import { startTrust } from '../../subgraphs/trust/trust-server.ts';
import { runServer, serverArgs } from './server-lifecycle.ts';

/** A real trust subgraph (store, MLLP listener, PACS client, GraphQL) in a child process. */
const { config } = serverArgs<{ config: unknown }>();
await runServer(async () => {
  const parsed = parseTrustConfig(config);
  // Warn and above only: info lines per request would cost CPU under load and are not measured.
  const trust = await startTrust(parsed, { log: pino({ level: 'warn', base: { trust: parsed.code } }) });
  return { ready: { url: trust.url, mllpPort: trust.mllpPort }, close: () => trust.close() };
});
