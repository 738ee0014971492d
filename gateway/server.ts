import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createYoga } from 'graphql-yoga';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { Logger } from 'pino';
import { createRequestContext, type GatewayContext, type GatewayServices } from './gateway-context.ts';
import { useErrorMasking } from './use-error-masking.ts';
import { useErrorMetrics } from './use-error-metrics.ts';
import { useGraphqlEngine } from './use-graphql-engine.ts';
import { usePartialErrors } from '../schema/use-partial-errors.ts';
import { useLimits } from './security/use-limits.ts';
import { useJwtAuth } from './security/use-jwt-auth.ts';
import { createJwtVerifier } from './security/jwt-verifier.ts';
import { useDisableIntrospection } from './security/use-disable-introspection.ts';
import { useAudit } from '../audit/use-audit.ts';
import { createDicomwebServer, dicomwebCrash } from './dicomweb/dicomweb-server.ts';
import { GATEWAY_DICOMWEB_PREFIX } from './dicomweb/dicomweb-route.ts';
import { serveViewer } from './dicomweb/viewer-assets.ts';

/**
 * The gateway's HTTP surface: GraphQL on `/graphql` (POST and GET, graphql-yoga), `/healthz`
 * (the process is up), `/readyz` (at least one trust is UP), `/metrics` (Prometheus text).
 */
export function createGatewayServer(services: GatewayServices): Server {
  // One verifier for GraphQL and DICOMweb (one JWKS cache).
  const verify = services.config.auth ? createJwtVerifier(services.config.auth.jwt) : undefined;
  const dicomweb = createDicomwebServer(services, verify);
  const yoga = createYoga<Record<string, never>, GatewayContext>({
    schema: services.schema,
    graphqlEndpoint: '/graphql',
    // GraphiQL with its assets inlined from npm (works offline; no CDN).
    graphiql: services.config.ide
      ? {
          title: 'Imaging network',
          defaultQuery: DEFAULT_QUERY,
          ...(services.ideHeaders ? { headers: JSON.stringify(services.ideHeaders, null, 2) } : {}),
        }
      : false,
    renderGraphiQL,
    landingPage: false,
    // Masking is ours (use-error-masking): it knows the network's error codes.
    maskedErrors: false,
    logging: yogaLogging(services.log),
    context: () => createRequestContext(services),
    plugins: [
      useGraphqlEngine(),
      // Refuse what is too big before anything is parsed or fanned out.
      useLimits({ ...services.config.limits, trusts: () => services.registry.all().length }),
      ...(services.config.auth
        ? [useJwtAuth({ verify: verify!, onRefused: (reason) => services.log.info({ reason }, 'request refused: authentication') })]
        : []),
      ...(services.config.introspection ? [] : [useDisableIntrospection()]),
      ...(services.audit ? [useAudit({ log: services.audit, where: 'gateway', logger: services.log })] : []),
      usePartialErrors(),
      useErrorMasking(services.log),
      useErrorMetrics(services.metrics),
    ],
  });
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, 'application/json', '{"status":"up"}');
    if (req.method === 'GET' && path === '/readyz') return void readyz(services, res);
    if (req.method === 'GET' && path === '/metrics') return void metrics(services, res);
    if (path.startsWith(`${GATEWAY_DICOMWEB_PREFIX}/`)) return void dicomweb(req, res).catch((err: unknown) => dicomwebCrash(services, res, err));
    if (req.method === 'GET' && serveViewer(path, res)) return;
    return void yoga(req as IncomingMessage, res as ServerResponse);
  });
}

const DEFAULT_QUERY = `# The newest performed studies across the network, with their current report and series.
{
  studies(first: 10, filter: { statuses: [COMPLETED, PRELIMINARY, FINAL, AMENDED] }) {
    edges {
      node {
        id
        trust { code name }
        status
        modalities
        description
        sortAt
        report { status reportedAt }
        series { modality instanceCount }
      }
    }
    unavailableTrusts { code }
  }
}
`;

function readyz({ registry }: GatewayServices, res: ServerResponse): void {
  const trusts = registry.all().map((t) => ({ code: t.code, status: registry.status(t) }));
  const ready = trusts.some((t) => t.status === 'UP');
  send(res, ready ? 200 : 503, 'application/json', JSON.stringify({ ready, trusts }));
}

async function metrics({ metrics, log }: GatewayServices, res: ServerResponse): Promise<void> {
  try {
    send(res, 200, metrics.registry.contentType, await metrics.registry.metrics());
  } catch (err) {
    log.warn({ err }, 'metrics collection failed');
    send(res, 500, 'text/plain', 'metrics unavailable\n');
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/** Yoga's own messages go to pino; it logs request errors at error level: demote them to warn. */
function yogaLogging(log: Logger) {
  return {
    debug: (...args: unknown[]) => log.debug({ yoga: args.map(String) }),
    info: (...args: unknown[]) => log.debug({ yoga: args.map(String) }),
    warn: (...args: unknown[]) => log.warn({ yoga: args.map(String) }),
    error: (...args: unknown[]) => log.warn({ yoga: args.map(String) }),
  };
}
