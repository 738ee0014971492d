/**
 * The trust's DICOMweb pass-through: `GET /dicom-web/…` on the trust's HTTP server forwards
 * QIDO-RS and WADO-RS (PS3.18 10.4, 10.6) to the trust's PACS with the trust's own PACS
 * credentials (`pacs.auth`), which never leave the trust. Only the gateway may call it: the
 * request is signed like /graphql (platform/request-signature.ts), over the method, path, query
 * and public root instead of a body (platform/dicomweb-path.ts).
 *
 * Streaming: the PACS's answer is piped to the caller (node streams: back-pressure both ways, so
 * memory stays bounded whatever the study's size); `Accept` (transfer syntax, multipart type),
 * `Range` and the status pass through. URLs the PACS writes into DICOM JSON are rewritten from its
 * root to the caller's (root-rewrite-stream.ts). A PACS that fails answers 502, one that is late
 * 504, each naming the trust and never the PACS's address.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { AuditLog } from '../../../audit/audit-log.ts';
import {
  DICOMWEB_ROOT_HEADER,
  FORWARDED_REQUEST_HEADERS,
  FORWARDED_RESPONSE_HEADERS,
  dicomwebSigningText,
  mayRetrieveImages,
  parseDicomwebPath,
} from '../../../platform/dicomweb-path.ts';
import { ReplayCache, verifyRequest, type CallerIdentity } from '../../../platform/request-signature.ts';
import type { PacsAuth } from './dicomweb-client.ts';
import { parseServiceRoot } from './service-root.ts';
import { bodyIdleDeadline } from '../../../platform/body-idle-deadline.ts';
import { carriesUrls, createRootRewriteStream } from './root-rewrite-stream.ts';

/** The path prefix the pass-through answers on. */
export const DICOMWEB_PREFIX = '/dicom-web';

export interface DicomwebPassThroughOptions {
  /** ODS code, named in errors and the audit. */
  trust: string;
  /** `pacs.dicomweb` (may hold `user:pass@`). */
  pacsRoot: string;
  /** `pacs.publicUrl`, also rewritten when the PACS writes it into answers. */
  pacsPublicRoot?: string;
  auth?: PacsAuth;
  /** Idle deadline: no answer (or no byte) from the PACS for this long → 504 / cut. */
  timeoutMs: number;
  /** `gatewaySecret`: without it (development, loopback only) calls are not checked. */
  secret?: string;
  audit?: AuditLog;
  log: Logger;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

function sendError(res: ServerResponse, status: number, message: string, extra: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: message });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...extra });
  res.end(body);
}

/** Builds the handler for `/dicom-web/…` requests. */
export function createDicomwebPassThrough(options: DicomwebPassThroughOptions): Handler {
  const { root, credentials } = parseServiceRoot(options.pacsRoot);
  const auth: PacsAuth | undefined = options.auth ?? (credentials && { type: 'basic', ...credentials });
  const authorization =
    auth === undefined ? undefined : auth.type === 'basic' ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}` : `Bearer ${auth.token}`;
  const pacsUrl = new URL(root);
  const transport = pacsUrl.protocol === 'https:' ? https : http;
  // Keep-alive pool to the PACS (ARCHITECTURE.md: PACS calls use keep-alive connection pools).
  const agent = new transport.Agent({ keepAlive: true, maxSockets: 64 });
  const pacsRoots = [root, ...(options.pacsPublicRoot ? [parseServiceRoot(options.pacsPublicRoot).root] : [])];
  const seen = new ReplayCache();
  const { trust, log } = options;

  return async (req, res) => {
    const url = req.url ?? '/';
    const query = url.includes('?') ? url.slice(url.indexOf('?')) : '';
    const relative = url.slice(DICOMWEB_PREFIX.length, url.length - query.length);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'only GET and HEAD are passed through', { allow: 'GET, HEAD' });
    const resource = parseDicomwebPath(relative);
    if (!resource) return sendError(res, 404, 'not a DICOMweb resource (PS3.18 QIDO-RS / WADO-RS)');

    // The root the caller reached us by, for URLs in the answer: the gateway's, as it signed it.
    const publicRoot = String(req.headers[DICOMWEB_ROOT_HEADER] ?? '') || `http://${req.headers.host ?? 'localhost'}${DICOMWEB_PREFIX}`;
    let caller: CallerIdentity | undefined;
    if (options.secret) {
      const audience = { trust, path: url.slice(0, url.length - query.length) };
      const verified = verifyRequest({ headers: req.headers, body: dicomwebSigningText(req.method, url, publicRoot), secret: options.secret, audience, seen });
      if (!verified.ok) {
        log.info({ reason: verified.reason }, 'DICOMweb request refused: not signed by the gateway');
        return sendError(res, 401, `Unauthenticated: ${verified.reason}`);
      }
      caller = verified.identity;
      if (!caller || !mayRetrieveImages(caller.roles)) return sendError(res, 403, 'Forbidden: images need role clinician or radiologist');
    }
    if (options.audit) {
      try {
        // No audit, no data: the entry is durable before the PACS is asked.
        await options.audit.append([{
          at: new Date().toISOString(),
          where: trust,
          sub: caller?.sub ?? null,
          roles: caller?.roles ?? [],
          callerTrust: caller?.trust ?? null,
          operationName: `DICOMweb ${resource.transaction} ${resource.what}`,
          studyId: resource.studyInstanceUid ?? null,
          nhsNumber: null,
          dataTrust: trust,
        }]);
      } catch (err) {
        log.error({ kind: (err as Error)?.name }, 'audit write failed: DICOMweb request refused');
        return sendError(res, 503, `trust ${trust}: the audit log is unavailable, nothing is served`);
      }
    }

    const headers: Record<string, string> = { host: pacsUrl.host };
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    if (authorization) headers['authorization'] = authorization;
    const upstream = transport.request(`${root}/${resource.path}${query}`, { method: req.method, headers, agent });
    // Idle deadline on the PACS socket: before the answer → 504; mid-body → the answer is cut.
    upstream.setTimeout(options.timeoutMs, () => upstream.destroy(Object.assign(new Error('PACS timeout'), { code: 'PACS_TIMEOUT' })));
    // A caller that goes away stops the PACS transfer.
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
      log.warn({ code, what: resource.what }, 'PACS failed a DICOMweb request');
      if (code === 'PACS_TIMEOUT') return sendError(res, 504, `trust ${trust}: the PACS did not answer within ${options.timeoutMs} ms`);
      return sendError(res, 502, `trust ${trust}: the PACS failed (${code})`);
    }
    const status = answer.statusCode ?? 502;
    if (status === 401 || status === 403) {
      answer.resume();
      log.warn({ status }, 'PACS refused the trust\'s credentials');
      return sendError(res, 502, `trust ${trust}: the PACS refused the trust's credentials (HTTP ${status})`);
    }
    const out: Record<string, string> = { 'cache-control': 'no-store' };
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = answer.headers[name];
      if (typeof value === 'string') out[name] = value;
    }
    const rewrite = carriesUrls(out['content-type']);
    if (rewrite) delete out['content-length'];
    if (out['content-location']) out['content-location'] = rewriteText(out['content-location'], pacsRoots, publicRoot);
    // Headers are in: from here the deadline is on the body, and only while it is being read.
    upstream.setTimeout(0);
    bodyIdleDeadline(answer, options.timeoutMs, () => Object.assign(new Error('PACS idle'), { code: 'PACS_TIMEOUT' }));
    res.writeHead(status, out);
    try {
      if (rewrite) await pipeline(answer, createRootRewriteStream(pacsRoots.map((r) => [r, publicRoot] as const)), res);
      else await pipeline(answer, res);
    } catch (err) {
      // Headers are gone: the only honest signal left is a cut connection.
      log.warn({ code: (err as NodeJS.ErrnoException).code ?? 'error', what: resource.what }, 'DICOMweb answer cut');
      res.destroy();
    }
  };
}

function rewriteText(text: string, from: readonly string[], to: string): string {
  return from.reduce((t, f) => t.split(f).join(to), text);
}
