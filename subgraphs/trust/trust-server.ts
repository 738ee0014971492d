import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createYoga } from 'graphql-yoga';
import pino, { type Logger } from 'pino';
import type { TrustConfig } from './config.ts';
import { buildTrustSchema } from './trust-schema.ts';
import { createTrustContext, type TrustContext } from './trust-context.ts';
import { usePartialErrors } from './partial-errors.ts';
import { closeServer, listen, sendJson } from './http-server.ts';
import { DicomWebClient } from './pacs/dicomweb-client.ts';
import { openTrustStore } from './store/trust-store.ts';
import { createRisIngest } from './ris/ris-ingest.ts';
import { startMllpListener } from './ris/mllp/mllp-listener.ts';

export interface RunningTrust {
  /** GraphQL endpoint, e.g. `http://127.0.0.1:4101/graphql`. */
  url: string;
  httpPort: number;
  mllpPort: number;
  close(): Promise<void>;
}

/**
 * Starts one trust: opens its store, starts the MLLP listener (RIS → store) and serves the
 * Federation 2 subgraph on `/graphql` with `GET /healthz`.
 */
export async function startTrust(config: TrustConfig, opts: { log?: Logger } = {}): Promise<RunningTrust> {
  const log = opts.log ?? pino({ level: config.logLevel, base: { trust: config.code } });
  mkdirSync(dirname(config.store.sqlite), { recursive: true });
  const store = openTrustStore(config.store.sqlite);
  const pacsOptions: ConstructorParameters<typeof DicomWebClient>[0] = {
    baseUrl: config.pacs.dicomweb,
    timeoutMs: config.pacs.timeoutMs,
    timezone: config.timezone,
    maxResults: config.pacs.maxResults,
  };
  if (config.pacs.auth) pacsOptions.auth = config.pacs.auth;
  const pacs = new DicomWebClient(pacsOptions);

  const ingest = createRisIngest({
    store,
    accessionNumber: config.hl7.accessionNumber,
    timezone: config.hl7.timezone,
    logger: log,
  });
  const mllp = await startMllpListener({
    host: config.mllp.host,
    port: config.mllp.port,
    maxFrameBytes: config.mllp.maxFrameBytes,
    idleTimeoutMs: config.mllp.idleTimeoutMs,
    handler: (frame) => ingest.handle(frame),
    logger: log,
  });

  const schema = buildTrustSchema();
  const yoga = createYoga<object, TrustContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: false,
    logging: false,
    context: () => createTrustContext({ config, store, pacs, log }),
    plugins: [usePartialErrors()],
  });

  let ready = false;
  const { server, port } = await listen(
    (req, res) => {
      if (req.url === '/healthz' || req.url?.startsWith('/healthz?')) {
        // Readiness says nothing about patients: just that the store and listeners are up.
        return sendJson(res, ready ? 200 : 503, { status: ready ? 'ok' : 'starting', trust: config.code });
      }
      return yoga.handle(req, res);
    },
    config.http.host,
    config.http.port,
  );
  ready = true;
  const url = `http://${config.http.host}:${port}/graphql`;
  log.info({ url, mllpPort: mllp.port }, 'trust subgraph ready');

  return {
    url,
    httpPort: port,
    mllpPort: mllp.port,
    async close() {
      ready = false;
      await mllp.close();
      await closeServer(server);
      store.close();
    },
  };
}
