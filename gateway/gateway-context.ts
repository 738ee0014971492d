import type { AuditLog } from '../audit/audit-log.ts';
import type { ViewerTokens } from './dicomweb/viewer-token.ts';
import type { CallerIdentity } from '../platform/request-signature.ts';
import type DataLoader from 'dataloader';
import type { GraphQLError, GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';
import type { TrustRegistry } from './trust-registry.ts';

/** What lives for the whole process. */
export interface GatewayServices {
  config: GatewayConfig;
  schema: GraphQLSchema;
  registry: TrustRegistry;
  metrics: GatewayMetrics;
  log: Logger;
  /** Headers the browser IDE starts with (the demo puts a development token here). */
  ideHeaders?: Record<string, string>;
  /** The durable audit log of patient-data access. */
  audit?: AuditLog;
  /** Issues and checks the short-lived viewer tokens of `Study.viewerUrl` / `Study.dicomweb`. */
  viewerTokens?: ViewerTokens;
}

/** Per request: the services plus the request's loaders and its partial-result errors. */
export interface GatewayContext extends GatewayServices {
  /** The verified caller (use-jwt-auth); absent when authentication is off. */
  caller?: CallerIdentity;
  /** Errors added to the response beside data (TRUST_UNAVAILABLE…); use-partial-errors appends them. */
  partialErrors: GraphQLError[];
  /** One DataLoader per trust per request: every key lookup to a trust in one `_entities` call. */
  entityLoaders: Map<string, DataLoader<unknown, unknown, string>>;
}

/**
 * Who the gateway tells a trust is asking. With authentication on: the verified caller. Without
 * (development, loopback only): a local caller with every role, as the gateway itself allows.
 */
export function forwardedIdentity(ctx: GatewayContext, operationName: string | undefined): CallerIdentity {
  const base: CallerIdentity = ctx.caller ?? { sub: 'local-unauthenticated', roles: ['clinician', 'analyst', 'radiologist'] };
  return operationName ? { ...base, operationName } : base;
}

export function createRequestContext(services: GatewayServices): GatewayContext {
  return { ...services, partialErrors: [], entityLoaders: new Map() };
}
