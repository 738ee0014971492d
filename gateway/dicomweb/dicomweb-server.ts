import type { ServerResponse } from 'node:http';
import type { GatewayServices } from '../gateway-context.ts';
import type { JwtVerifier } from '../security/jwt-verifier.ts';
import { createDicomwebRoute } from './dicomweb-route.ts';
import { ViewerTokens } from './viewer-token.ts';

/** The `/dicom-web/{trust}/…` handler from the gateway's services and config. */
export function createDicomwebServer(services: GatewayServices, verify: JwtVerifier | undefined) {
  const { config } = services;
  const trusts = new Map(config.trusts.map((t) => {
    const secret = t.gatewaySecret ?? config.gatewaySecret;
    return [t.code, { url: t.url, ...(secret ? { secret } : {}) }] as const;
  }));
  return createDicomwebRoute({
    trusts,
    ...(verify ? { verify } : {}),
    viewerTokens: services.viewerTokens ?? new ViewerTokens(config.dicomweb.viewerTokenTtlSec, config.dicomweb.viewerTokenSecret),
    ...(services.audit ? { audit: services.audit } : {}),
    timeoutMs: config.dicomweb.timeoutMs,
    log: services.log,
  });
}

/** An unexpected failure: logged without details a client could use, answered 500 if still possible. */
export function dicomwebCrash(services: GatewayServices, res: ServerResponse, err: unknown): void {
  services.log.error({ kind: (err as Error)?.name }, 'DICOMweb route failed');
  if (res.headersSent) return void res.destroy();
  res.writeHead(500, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end('{"errors":[{"message":"Internal server error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}');
}
