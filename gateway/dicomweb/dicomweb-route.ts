/**
 * The network's one DICOMweb endpoint: `/dicom-web/{trust}/…` (the trust's ODS code) forwards
 * QIDO-RS and WADO-RS (PS3.18 10.4, 10.6; rendered and thumbnails, 10.4.1.1.3-4) to that trust's
 * pass-through (`/dicom-web/…` beside its `/graphql`), which holds the PACS credentials. The
 * gateway knows trusts only by their endpoints: the pass-through is `dicom-web` resolved against
 * the trust's GraphQL URL.
 *
 * Order of work per request, each step refusing before the next:
 * 1. the resource is one of the DICOMweb ones (platform/dicomweb-path.ts), the trust is known;
 * 2. who: a bearer token (the gateway's JWT verifier, as for GraphQL) or a viewer token
 *    (`/dicom-web/{trust}/token/{token}/studies/{uid}/…` or `?token=`), which is good only for
 *    its one study;
 * 3. role: clinician or radiologist (analysts 403);
 * 4. audit: the entry (user, trust, Study Instance UID, what) is durable BEFORE any byte flows;
 * 5. the call to the trust, signed like GraphQL calls, and both hops streamed with back-pressure.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { AuditLog } from '../../audit/audit-log.ts';
import { ErrorCode } from '../../schema/error-codes.ts';
import {
  DICOMWEB_ROOT_HEADER,
  FORWARDED_REQUEST_HEADERS,
  FORWARDED_RESPONSE_HEADERS,
  dicomwebSigningText,
  mayRetrieveImages,
} from '../../platform/dicomweb-path.ts';
import { signRequest, type CallerIdentity } from '../../platform/request-signature.ts';
import { AuthenticationError, type JwtVerifier } from '../security/jwt-verifier.ts';
import type { ViewerTokens } from './viewer-token.ts';
import { GATEWAY_DICOMWEB_PREFIX, Refusal, parseGatewayDicomwebUrl, type Target } from './dicomweb-url.ts';

export { GATEWAY_DICOMWEB_PREFIX, parseGatewayDicomwebUrl } from './dicomweb-url.ts';
import { bodyIdleDeadline } from '../../platform/body-idle-deadline.ts';


export interface DicomwebRouteOptions {
  /** Trusts by ODS code: GraphQL URL and signing secret. */
  trusts: ReadonlyMap<string, { url: string; secret?: string }>;
  /** Absent: authentication is off (development, loopback only), every caller may retrieve. */
  verify?: JwtVerifier;
  viewerTokens: ViewerTokens;
  audit?: AuditLog;
  /** Idle deadline of the trust's answer, ms. */
  timeoutMs: number;
  log: Logger;
}

function sendError(res: ServerResponse, status: number, message: string, code: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...headers });
  res.end(body);
}

const BEARER = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)$/i;

export function createDicomwebRoute(options: DicomwebRouteOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 256 }), https: new https.Agent({ keepAlive: true, maxSockets: 256 }) };
  const { log } = options;

  /** Who is asking, or a Refusal (401 / 403 / 503). */
  async function callerOf(req: IncomingMessage, target: Target): Promise<CallerIdentity> {
    if (target.token !== undefined) {
      const checked = options.viewerTokens.check(target.token, target.trust, target.resource.studyInstanceUid);
      if (!checked.ok) throw new Refusal(checked.status, checked.status === 401 ? `Unauthenticated: ${checked.reason}` : `Forbidden: ${checked.reason}`, checked.status === 401 ? ErrorCode.UNAUTHENTICATED : ErrorCode.FORBIDDEN);
      const c = checked.claims;
      return { sub: c.sub, roles: c.roles, ...(c.callerTrust ? { trust: c.callerTrust } : {}) };
    }
    if (!options.verify) return { sub: 'local-unauthenticated', roles: ['clinician'] };
    const header = req.headers.authorization;
    const challenge = { 'www-authenticate': 'Bearer realm="imaging-network"' };
    if (header === undefined) throw new Refusal(401, 'Unauthenticated: no bearer token or viewer token', ErrorCode.UNAUTHENTICATED, challenge);
    const [, token] = BEARER.exec(header.trim()) ?? [];
    if (token === undefined) throw new Refusal(401, 'Unauthenticated: authorization header is not a bearer token', ErrorCode.UNAUTHENTICATED, challenge);
    try {
      return await options.verify(token);
    } catch (err) {
      if (!(err instanceof AuthenticationError)) throw err;
      throw new Refusal(err.status, err.status === 401 ? `Unauthenticated: ${err.message}` : err.message, ErrorCode.UNAUTHENTICATED, err.status === 401 ? challenge : {});
    }
  }

  return async (req, res) => {
    let target: Target;
    let caller: CallerIdentity;
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new Refusal(405, 'only GET and HEAD are served', ErrorCode.BAD_USER_INPUT, { allow: 'GET, HEAD' });
      target = parseGatewayDicomwebUrl(req.url ?? '/');
      if (!options.trusts.has(target.trust)) throw new Refusal(404, `unknown trust ${target.trust}`, ErrorCode.BAD_USER_INPUT);
      caller = await callerOf(req, target);
      if (!mayRetrieveImages(caller.roles)) throw new Refusal(403, 'Forbidden: images need role clinician or radiologist', ErrorCode.FORBIDDEN);
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      if (err.status === 401 || err.status === 403) log.info({ status: err.status, reason: err.message }, 'DICOMweb request refused');
      return sendError(res, err.status, err.message, err.code, err.headers);
    }
    const { trust, resource } = target;
    const what = `DICOMweb ${resource.transaction} ${resource.what}: ${resource.path}`;
    if (options.audit) {
      try {
        // No audit, no data: the entry is durable before the trust is asked.
        await options.audit.append([{
          at: new Date().toISOString(),
          where: 'gateway',
          sub: caller.sub,
          roles: caller.roles,
          callerTrust: caller.trust ?? null,
          operationName: what,
          studyId: resource.studyInstanceUid ?? null,
          nhsNumber: null,
          dataTrust: trust,
        }]);
      } catch (err) {
        log.error({ kind: (err as Error)?.name }, 'audit write failed: DICOMweb request refused');
        return sendError(res, 503, 'the audit log is unavailable: nothing is served', ErrorCode.INTERNAL_SERVER_ERROR);
      }
    }
    const entry = options.trusts.get(trust)!;
    const base = new URL('dicom-web', entry.url);
    const pathAndQuery = `${base.pathname}/${resource.path}${target.query}`;
    const publicRoot = `http://${req.headers.host ?? 'localhost'}${GATEWAY_DICOMWEB_PREFIX}/${trust}${target.tokenInPath ? `/token/${target.token}` : ''}`;
    const headers: Record<string, string> = { [DICOMWEB_ROOT_HEADER]: publicRoot };
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    if (entry.secret) {
      // Bound to this trust and path (issue 15, finding 7): not replayable to another trust.
      const audience = { trust, path: pathAndQuery.slice(0, pathAndQuery.length - target.query.length) };
      Object.assign(headers, signRequest({ body: dicomwebSigningText(req.method!, pathAndQuery, publicRoot), secret: entry.secret, audience, identity: { ...caller, operationName: what } }));
    }
    const transport = base.protocol === 'https:' ? https : http;
    const upstream = transport.request(
      { protocol: base.protocol, hostname: base.hostname, port: base.port, path: pathAndQuery, method: req.method, headers, agent: base.protocol === 'https:' ? agents.https : agents.http },
    );
    upstream.setTimeout(options.timeoutMs, () => upstream.destroy(Object.assign(new Error('trust timeout'), { code: 'TRUST_TIMEOUT' })));
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    let answer: IncomingMessage;
    try {
      answer = await new Promise<IncomingMessage>((resolve, reject) => {
        upstream.once('response', resolve);
        upstream.once('error', reject);
        upstream.end();
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      log.warn({ trust, code }, 'trust failed a DICOMweb request');
      if (code === 'TRUST_TIMEOUT') return sendError(res, 504, `trust ${trust} did not answer within ${options.timeoutMs} ms`, ErrorCode.TRUST_UNAVAILABLE);
      return sendError(res, 502, `trust ${trust} failed (${code})`, ErrorCode.TRUST_UNAVAILABLE);
    }
    const out: Record<string, string> = { 'cache-control': 'no-store' };
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = answer.headers[name];
      if (typeof value === 'string') out[name] = value;
    }
    // A trust that refused the gateway's signature is a gateway↔trust problem, not the caller's.
    const status = answer.statusCode === 401 ? 502 : answer.statusCode ?? 502;
    if (status !== answer.statusCode) {
      answer.resume();
      log.warn({ trust, status: answer.statusCode }, 'trust refused the gateway\'s DICOMweb call');
      return sendError(res, 502, `trust ${trust} refused the gateway's call`, ErrorCode.TRUST_UNAVAILABLE);
    }
    // Headers are in: from here the deadline is on the body, and only while it is being read.
    upstream.setTimeout(0);
    bodyIdleDeadline(answer, options.timeoutMs, () => Object.assign(new Error('trust idle'), { code: 'TRUST_TIMEOUT' }));
    res.writeHead(status, out);
    try {
      await pipeline(answer, res);
    } catch (err) {
      log.warn({ trust, code: (err as NodeJS.ErrnoException).code ?? 'error' }, 'DICOMweb answer cut');
      res.destroy();
    }
  };
}
