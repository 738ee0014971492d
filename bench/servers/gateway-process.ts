import pino from 'pino';
import { createGateway } from '../../gateway/index.ts';
import { runServer, serverArgs } from './server-lifecycle.ts';

/** The network gateway (ours) in a child process, over the trusts of `config`. */
const { config } = serverArgs<{ config: unknown }>();
await runServer(async () => {
  const gateway = await createGateway(config, { logger: pino({ level: 'warn', base: { service: 'gateway' } }) });
  return { ready: { url: gateway.url }, close: () => gateway.close() };
});
