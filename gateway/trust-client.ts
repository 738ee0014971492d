import http from 'node:http';
import https from 'node:https';
import type { GraphQLFormattedError } from 'graphql';
import type { CircuitBreaker } from './circuit-breaker.ts';
import { encodeIdentity, signRequest, type CallerIdentity } from '../platform/request-signature.ts';
import { InFlightCalls } from './in-flight-calls.ts';
import { TrustFailure, type TrustFailureKind } from './trust-failure.ts';

/** A GraphQL response from a trust: `data` may be partial, `errors` located by the trust's path. */
export interface TrustResponse {
  data: Record<string, unknown> | null;
  errors: readonly GraphQLFormattedError[];
}

export interface TrustCallObserver {
  /** Called once per call with the outcome (`ok` or a failure kind) and the duration. */
  (trust: string, outcome: 'ok' | TrustFailureKind, seconds: number): void;
}

export interface TrustClientOptions {
  code: string;
  url: string;
  /** Deadline of one call including its retry. */
  timeoutMs: number;
  breaker: CircuitBreaker;
  observe?: TrustCallObserver | undefined;
  /** HMAC secret shared with the trust: every call is signed (platform/request-signature.ts). */
  secret?: string;
  /**
   * Identical queries of one caller in flight at once share one call (`trustCalls.dedupeInFlight`;
   * see `TrustClient.request`). @default false
   */
  dedupeInFlight?: boolean;
}

export interface TrustRequestOptions {
  /** Contract checks bypass the breaker: they probe, and must not keep a dead trust's circuit open. */
  bypassBreaker?: boolean;
  /** The caller the gateway vouches for, signed into the request for the trust's role checks and audit. */
  identity?: CallerIdentity;
  /**
   * The operation may be sent twice (queries, claims). A report submission is not: a retry after a
   * reset could store a second version, so it is sent once. @default true
   */
  idempotent?: boolean;
  /**
   * The operation is a query the caller may share with an identical one already in flight (the
   * fan-out's forwarded queries). Never set for mutations: each must reach the trust itself.
   * Takes effect only when the client was made with `dedupeInFlight`. @default false
   */
  shareInFlight?: boolean;
}

/** A trust's answer as it came off the wire. */
interface RawAnswer {
  status: number;
  ok: boolean;
  text: string;
}

/**
 * The keep-alive pools of every trust call, sized for the fan-out: a request to N trusts holds N
 * sockets at once, and concurrent requests multiply that, so up to 256 sockets per trust and 64
 * kept idle (Node's default keeps 256 idle in total per agent, and `maxSockets` is unbounded;
 * bounded here so a slow trust cannot take every descriptor). One agent per protocol, shared by
 * every TrustClient: a socket is per origin (host:port) inside it.
 */
const AGENTS = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo' }),
} as const;

/**
 * GraphQL over HTTP to one trust, on node:http with a keep-alive pool (`AGENTS`). Issue 16: the
 * global fetch (undici plus WHATWG streams, an AbortSignal whose timer fires even after the answer)
 * was about 15 % of the gateway's busy time under load; a plain request is a fraction of that.
 * Every call runs under the trust's deadline; failures are classified into a TrustFailure. Queries
 * (and claims) are idempotent, so a call that hit a connection reset (a pooled keep-alive socket
 * the trust had closed) is retried once within the same deadline; a report
 * submission (`idempotent: false`) is not.
 */
export class TrustClient {
  /** The URL's path, signed into every call (computed once, not per call). */
  private readonly path: string;
  private readonly target: URL;
  private readonly agent: http.Agent;
  /** Present when identical queries in flight are shared (`dedupeInFlight`). */
  private readonly inFlight: InFlightCalls<{ raw: RawAnswer; response: TrustResponse }> | undefined;

  constructor(private readonly options: TrustClientOptions) {
    this.inFlight = options.dedupeInFlight ? new InFlightCalls() : undefined;
    this.target = new URL(options.url);
    this.path = this.target.pathname;
    const agent = AGENTS[this.target.protocol as keyof typeof AGENTS];
    if (!agent) throw new Error(`trust ${options.code}: url must be http or https, got ${this.target.protocol}`);
    this.agent = agent;
  }

  get code(): string {
    return this.options.code;
  }

  get breaker(): CircuitBreaker {
    return this.options.breaker;
  }

  /**
   * One GraphQL call under the trust's deadline and breaker. With `shareInFlight` (and the client's
   * `dedupeInFlight`), a query identical to one already in flight to this trust (same URL: one
   * client per trust; same body; same caller, i.e. the same identity header the signature covers)
   * waits for that call's answer instead of sending another: same caller, same question, same
   * moment. The answer is shared as the text the trust sent; each caller parses its own copy,
   * because the gateway annotates the parsed answer in place (cursors, located errors). The shared
   * call alone counts for the breaker and the metrics: it is one call to the trust.
   */
  async request(query: string, variables: Record<string, unknown>, opts: TrustRequestOptions = {}): Promise<TrustResponse> {
    const payload = JSON.stringify({ query, variables });
    if (this.inFlight && opts.shareInFlight && isQueryDocument(query)) {
      // The caller as the signature's identity header carries it: same header, same caller.
      const { promise, leader } = this.inFlight.run(`${encodeIdentity(opts.identity)}\n${payload}`, () => this.call(payload, opts));
      const { raw, response } = await promise;
      return leader ? response : readAnswer(this.options.code, raw);
    }
    return (await this.call(payload, opts)).response;
  }

  private async call(payload: string, opts: TrustRequestOptions): Promise<{ raw: RawAnswer; response: TrustResponse }> {
    const { code, breaker, observe } = this.options;
    if (!opts.bypassBreaker && !breaker.tryAcquire()) {
      observe?.(code, 'circuit-open', 0);
      throw new TrustFailure(code, 'circuit-open');
    }
    const started = performance.now();
    const deadline = started + this.options.timeoutMs;
    try {
      let raw: RawAnswer;
      try {
        raw = await this.exchange(payload, deadline, opts.identity);
      } catch (err) {
        if (!(err instanceof TrustFailure) || err.kind !== 'reset' || opts.idempotent === false) throw err;
        raw = await this.exchange(payload, deadline, opts.identity);
      }
      const response = readAnswer(code, raw);
      if (!opts.bypassBreaker) breaker.success();
      observe?.(code, 'ok', (performance.now() - started) / 1000);
      return { raw, response };
    } catch (err) {
      const failure = err instanceof TrustFailure ? err : new TrustFailure(code, 'network', undefined, { cause: err });
      // Only the trust's faults open its circuit: a request the trust refused as malformed or too
      // large was the client's doing, and must not take the trust offline for everyone (finding 6).
      if (!opts.bypassBreaker) {
        if (isRequestFault(failure)) breaker.release();
        else breaker.failure();
      }
      observe?.(code, failure.kind, (performance.now() - started) / 1000);
      throw failure;
    }
  }

  /**
   * Opens a GraphQL over SSE stream (graphql-sse "distinct connections" mode: a POST with
   * `Accept: text/event-stream`) to the trust, signed like every call; the caller reads the body.
   * No deadline but `signal`: a subscription lives as long as its client.
   */
  async openEventStream(query: string, variables: Record<string, unknown>, opts: { identity?: CallerIdentity; signal: AbortSignal }): Promise<Response> {
    const { code, url } = this.options;
    const payload = JSON.stringify({ query, variables });
    const signature = this.signature(payload, opts.identity);
    try {
      return await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...signature },
        body: payload,
        signal: opts.signal,
      });
    } catch (err) {
      throw classifyFetchError(code, err);
    }
  }

  /** The signature headers of `payload` for this trust's path (none when calls are unsigned). */
  private signature(payload: string, identity: CallerIdentity | undefined): Record<string, string> {
    const { code, secret } = this.options;
    return secret ? signRequest({ body: payload, secret, audience: { trust: code, path: this.path }, ...(identity ? { identity } : {}) }) : {};
  }

  /** Signs and sends one call; its answer as text. Signed at send time (a retry re-signs: the trust refuses an exact replay). */
  private async exchange(payload: string, deadline: number, identity: CallerIdentity | undefined): Promise<RawAnswer> {
    try {
      return await this.send(payload, this.signature(payload, identity), deadline);
    } catch (err) {
      throw classifyFetchError(this.options.code, err);
    }
  }

  /** One POST on a pooled socket; the whole answer as text. Rejects at the deadline (TimeoutError). */
  private send(payload: string, signature: Record<string, string>, deadline: number): Promise<RawAnswer> {
    const remaining = deadline - performance.now();
    if (remaining <= 0) return Promise.reject(timeoutError());
    const { target, agent } = this;
    const transport = target.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          path: `${target.pathname}${target.search}`,
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            accept: 'application/graphql-response+json, application/json',
            'content-length': Buffer.byteLength(payload),
            ...signature,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            clearTimeout(timer);
            const status = res.statusCode ?? 0;
            resolve({ status, ok: status >= 200 && status < 300, text: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', fail);
          res.on('aborted', () => fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })));
        },
      );
      function fail(err: unknown): void {
        clearTimeout(timer);
        reject(err);
      }
      const timer = setTimeout(() => req.destroy(timeoutError()), remaining);
      req.on('error', fail);
      req.end(payload);
    });
  }
}

/** A trust's answer text → a GraphQL response, or the TrustFailure that says why it is unusable. */
function readAnswer(code: string, raw: RawAnswer): TrustResponse {
  let body: unknown;
  try {
    body = withoutPrototypes(JSON.parse(raw.text));
  } catch (err) {
    throw new TrustFailure(code, raw.ok ? 'invalid-json' : 'http-status', raw.ok ? undefined : String(raw.status), { cause: err });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TrustFailure(code, 'invalid-json', 'not an object');
  const { data, errors } = body as { data?: unknown; errors?: unknown };
  const okData = data === undefined || data === null || (typeof data === 'object' && !Array.isArray(data));
  const okErrors = errors === undefined || Array.isArray(errors);
  if (!okData || !okErrors) throw new TrustFailure(code, 'invalid-json', 'not a GraphQL response');
  const response: TrustResponse = {
    data: (data as Record<string, unknown> | null | undefined) ?? null,
    errors: (errors as GraphQLFormattedError[] | undefined) ?? [],
  };
  // GraphQL over HTTP: a 4xx/5xx with a GraphQL body is a request error; without data it is a failure.
  if (!raw.ok && response.data === null) throw new TrustFailure(code, 'http-status', String(raw.status));
  return response;
}

/**
 * Only a query may share a call (GraphQL spec §2.3: a document whose one operation is a query,
 * written `{ … }` or `query …`). The forwarded documents are printed by graphql-js (no comments,
 * operations first), so the first word names the operation; anything else is not shared.
 */
export function isQueryDocument(document: string): boolean {
  const text = document.trimStart();
  return text.startsWith('{') || /^query\b/.test(text);
}

function timeoutError(): Error {
  return Object.assign(new Error('the trust did not answer before the deadline'), { name: 'TimeoutError' });
}

/**
 * Every object of a trust's answer loses its prototype, so no key the trust (or a client's alias)
 * chooses, `__proto__` included, can reach Object.prototype when the gateway walks, merges or
 * annotates the answer (issue 15, finding 12). JSON.parse itself makes `"__proto__"` an own
 * property (ECMA-262 JSON.parse uses CreateDataProperty), so walking after the parse is as safe
 * as a reviver, and several times cheaper: a reviver runs a call per value (issue 16 profile).
 */
export function withoutPrototypes(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) withoutPrototypes(value[i]);
    return value;
  }
  Object.setPrototypeOf(value, null);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) withoutPrototypes(record[key]);
  return value;
}

/**
 * HTTP statuses that blame the request, not the server (RFC 9110 §15.5.1 400, §15.5.14 413,
 * §15.5.15 414; RFC 6585 §5 431). 401 is not among them: a trust refusing the gateway's
 * signature is a configuration fault that the breaker must report.
 */
const REQUEST_FAULT_STATUSES = new Set(['400', '413', '414', '431']);

export function isRequestFault(failure: TrustFailure): boolean {
  return failure.kind === 'http-status' && failure.detail !== undefined && REQUEST_FAULT_STATUSES.has(failure.detail);
}

/** Maps socket errors (node:http's own, or undici's with the code on the cause) to failure kinds. */
function classifyFetchError(trust: string, err: unknown): TrustFailure {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return new TrustFailure(trust, 'timeout', undefined, { cause: err });
  }
  const direct = err as { code?: string; message?: string } | undefined;
  const cause = (err as { cause?: { code?: string; message?: string } } | undefined)?.cause ?? direct;
  const code = cause?.code ?? '';
  let kind: TrustFailureKind = 'network';
  if (code === 'ECONNREFUSED') kind = 'refused';
  else if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE' || /socket hang up|other side closed/i.test(cause?.message ?? '')) kind = 'reset';
  else if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') kind = 'timeout';
  return new TrustFailure(trust, kind, undefined, { cause: err });
}
