import { mkdirSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { pino, type Logger } from 'pino';
import { parseGatewayConfig } from './config.ts';
import { lastPacsIndex } from './trust-pacs-index.ts';
import { GatewayMetrics } from './gateway-metrics.ts';
import { attachResolvers } from './gateway-resolvers.ts';
import { buildContractSchema, buildGatewaySchema } from './gateway-schema.ts';
import { createGatewayHandler } from './server.ts';
import { TrustRegistry } from './trust-registry.ts';
import { boundHeapGrowth } from './heap-growth.ts';
import { applyRolePolicy, callerRoles, readRolePolicy } from '../schema/role-policy.ts';
import { networkSdl } from '../schema/index.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { ViewerTokens } from './dicomweb/viewer-token.ts';
import { assertLoopbackWhenUnauthenticated } from '../platform/loopback-guard.ts';
import { serve, type RunningHttpServer } from '../platform/server-lifecycle.ts';

export { parseGatewayConfig, ConfigError } from './config.ts';
export type { GatewayConfig, TrustConfig } from './config.ts';

export interface RunningGateway {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** @default pino on stdout at the config's `logLevel` */
  logger?: Logger;
  /** Headers the browser IDE starts with (e.g. a development bearer token). */
  ideHeaders?: Record<string, string>;
}

/**
 * Validates `config` (raw JSON or an already parsed config; a bad one throws ConfigError naming
 * the key), checks every trust's schema once, then listens. `http.port: 0` picks a free port.
 */
export async function createGateway(config: unknown, options: GatewayOptions = {}): Promise<RunningGateway> {
  const parsed = parseGatewayConfig(config);
  boundHeapGrowth();
  const log = options.logger ?? pino({ level: parsed.logLevel, base: { service: 'gateway' } });
  assertLoopbackWhenUnauthenticated(parsed.http.host, parsed.auth !== undefined, log);
  mkdirSync(dirname(resolvePath(parsed.audit.sqlite)), { recursive: true });
  const audit = AuditLog.open(parsed.audit.sqlite);
  // Roles as the SDL declares them (@requiresScopes), enforced on the gateway's own resolvers.
  const schema = applyRolePolicy(attachResolvers(buildGatewaySchema()), readRolePolicy(networkSdl), callerRoles(parsed.auth !== undefined));
  let registry: TrustRegistry | undefined;
  const metrics = new GatewayMetrics(() => registry?.all().map((t) => ({ trust: t.code, state: t.client.breaker.state })) ?? [], () => lastPacsIndex);
  registry = new TrustRegistry(parsed, buildContractSchema(), log, (trust, outcome, seconds) =>
    metrics.trustRequestSeconds.observe({ trust, outcome }, seconds),
  );
  await registry.start();
  const handler = createGatewayHandler({
    config: parsed,
    schema,
    registry,
    audit,
    metrics,
    log,
    viewerTokens: new ViewerTokens(parsed.dicomweb.viewerTokenTtlSec, parsed.dicomweb.viewerTokenSecret),
    ...(options.ideHeaders ? { ideHeaders: options.ideHeaders } : {}),
  });
  let http: RunningHttpServer;
  try {
    // Requests in flight finish within one trust deadline: drain for that long, and a second more.
    http = await serve(handler, { host: parsed.http.host, port: parsed.http.port, keepAliveTimeoutMs: 5_000, drainMs: parsed.trustTimeoutMs + 1_000 });
  } catch (err) {
    registry.stop();
    audit.close();
    throw err;
  }
  log.info({ port: http.port, trusts: parsed.trusts.length }, 'gateway listening');
  const reg = registry;
  return {
    url: `${http.origin}/graphql`,
    port: http.port,
    async close() {
      reg.stop();
      await http.close();
      audit.close();
    },
  };
}
