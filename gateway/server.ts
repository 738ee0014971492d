import type { ServerResponse } from 'node:http';
import { createYoga, useReadinessCheck } from 'graphql-yoga';
import type { Logger } from 'pino';
import { createRequestContext, type GatewayContext, type GatewayServices } from './gateway-context.ts';
import { networkErrorMask } from './use-error-masking.ts';
import { useErrorMetrics } from './use-error-metrics.ts';
import { usePartialErrors } from '../platform/use-partial-errors.ts';
import { useLimits } from './security/use-limits.ts';
import { useJwtAuth } from './security/use-jwt-auth.ts';
import { createJwtVerifier } from './security/jwt-verifier.ts';
import { useDisableIntrospection } from './security/use-disable-introspection.ts';
import { useAudit } from '../audit/use-audit.ts';
import { sendJson, type RequestHandler } from '../platform/server-lifecycle.ts';
import { corsOptions, fromOtherOrigin } from './security/cors-options.ts';
import { readRolePolicy } from '../schema/role-policy.ts';
import { networkSdl } from '../schema/index.ts';

/** Every role the SDL's `@requiresScopes` names: a token with none of them can read nothing. */
function knownRoles(): Set<string> {
  return new Set([...readRolePolicy(networkSdl).values()].flat(2));
}
import { createDicomwebServer, dicomwebCrash } from './dicomweb/dicomweb-server.ts';
import { GATEWAY_DICOMWEB_PREFIX } from './dicomweb/dicomweb-route.ts';
import { serveViewer } from './dicomweb/viewer-assets.ts';

/**
 * The gateway's HTTP surface: GraphQL on `/graphql` (POST and GET, graphql-yoga), `/healthz`
 * (the process is up), `/readyz` (at least one trust is UP; yoga's readiness check), `/metrics`
 * (Prometheus text). Served by platform/server-lifecycle.ts.
 */
export function createGatewayHandler(services: GatewayServices): RequestHandler {
  // One verifier for GraphQL and DICOMweb (one JWKS cache).
  const verify = services.config.auth ? createJwtVerifier(services.config.auth.jwt) : undefined;
  const dicomweb = createDicomwebServer(services, verify);
  const yoga = createYoga<Record<string, never>, GatewayContext>({
    schema: services.schema,
    graphqlEndpoint: '/graphql',
    // GraphiQL with its assets inlined from npm (works offline; no CDN).
    // Off unless configured (the demo turns it on). A page holding the demo's token is never
    // served to a request from another origin (issue 15, finding 5).
    graphiql: services.config.ide
      ? (request: Request) => ({
          title: 'Imaging network',
          defaultQuery: DEFAULT_QUERY,
          ...(services.ideHeaders && !fromOtherOrigin(request) ? { headers: JSON.stringify(services.ideHeaders, null, 2) } : {}),
        })
      : false,
    cors: corsOptions(services.config.cors.origins),
    // Loaded on the first IDE page only: the package inlines GraphiQL's whole bundle, ~78 MiB of
    // resident memory once imported (issue 16: most of the gateway's idle RSS), and the IDE is off
    // unless configured.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    landingPage: false,
    // yoga's masking (single, streamed and subscription results) with the network's rule.
    maskedErrors: { maskError: networkErrorMask(services.log) },
    // The body limit is useLimits' (limits.maxBodyBytes, 1 MiB by default: a declared length is
    // checked before reading, a chunked body counted as it is read). yoga's own limit (25 MB by
    // default, so never the one that refuses) pipes EVERY body through a TransformStream into a
    // second Request, declared length or not: a stream pipeline, an AbortController and a
    // DOMException per request (issue 16 profile, full job: ~0.1 ms of the event loop per request).
    maxRequestBodySize: false,
    // Batched requests (an array of operations) up to the configured size.
    batching: { limit: services.config.limits.maxBatch },
    logging: yogaLogging(services.log),
    context: () => createRequestContext(services),
    plugins: [
      useReadinessCheck({ endpoint: '/readyz', check: ({ fetchAPI }) => readiness(services, fetchAPI.Response) }),
      // Refuse what is too big before anything is parsed or fanned out.
      useLimits({ ...services.config.limits, trusts: () => services.registry.all().length }),
      ...(services.config.auth
        ? [useJwtAuth({ verify: verify!, knownRoles: knownRoles(), onRefused: (reason) => services.log.info({ reason }, 'request refused: authentication') })]
        : []),
      ...(services.config.introspection ? [] : [useDisableIntrospection()]),
      ...(services.audit ? [useAudit({ log: services.audit, where: 'gateway', logger: services.log })] : []),
      // Before yoga's masking (registered after every plugin): partial errors are masked too.
      usePartialErrors(),
      useErrorMetrics(services.metrics),
    ],
  });
  return (req, res) => {
    const [path = '/'] = (req.url ?? '/').split('?');
    if (req.method === 'GET' && path === '/healthz') return sendJson(res, 200, { status: 'up' }, NO_STORE);
    if (req.method === 'GET' && path === '/metrics') return metrics(services, res);
    if (path.startsWith(`${GATEWAY_DICOMWEB_PREFIX}/`)) return dicomweb(req, res).catch((err: unknown) => dicomwebCrash(services, res, err));
    if (req.method === 'GET' && serveViewer(path, res, (err) => services.log.error({ err }, 'viewer bundle failed'))) return;
    return yoga(req, res);
  };
}

const NO_STORE = { 'cache-control': 'no-store' };

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

/** Ready when at least one trust is UP; the body names each trust's status. */
function readiness({ registry }: GatewayServices, Response: typeof globalThis.Response): Response {
  const trusts = registry.all().map((t) => ({ code: t.code, status: registry.status(t) }));
  const ready = trusts.some((t) => t.status === 'UP');
  return new Response(JSON.stringify({ ready, trusts }), { status: ready ? 200 : 503, headers: { 'content-type': 'application/json', ...NO_STORE } });
}

async function metrics({ metrics, log }: GatewayServices, res: ServerResponse): Promise<void> {
  let text: string;
  try {
    text = await metrics.registry.metrics();
  } catch (err) {
    log.warn({ err }, 'metrics collection failed');
    res.writeHead(500, { 'content-type': 'text/plain', ...NO_STORE }).end('metrics unavailable\n');
    return;
  }
  res.writeHead(200, { 'content-type': metrics.registry.contentType, ...NO_STORE }).end(text);
}

/**
 * Yoga's own messages go to pino. It logs request errors, and every error it masks, at error
 * level: demoted to warn, and an error only by its class there (its message may quote patient
 * data); the full text at debug.
 */
function yogaLogging(log: Logger) {
  const classOnly = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.name : String(a)));
  return {
    debug: (...args: unknown[]) => log.debug({ yoga: args.map(String) }),
    info: (...args: unknown[]) => log.debug({ yoga: args.map(String) }),
    warn: (...args: unknown[]) => (log.warn({ yoga: classOnly(args) }), log.debug({ yoga: args.map(String) })),
    error: (...args: unknown[]) => (log.warn({ yoga: classOnly(args) }), log.debug({ yoga: args.map(String) })),
  };
}
