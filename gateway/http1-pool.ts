import net from 'node:net';
import tls from 'node:tls';

/** One answer as it came off the wire: status and the whole body as text. */
export interface Http1Answer {
  status: number;
  ok: boolean;
  text: string;
}

export interface Http1PoolOptions {
  /** Sockets open at once to the origin; further calls wait for one. @default 256 */
  maxSockets?: number;
  /** Idle keep-alive sockets kept; more are closed when they come back. @default 64 */
  maxFreeSockets?: number;
  /** https: the CAs trusted for the server's certificate. @default Node's (as https.Agent) */
  ca?: string | Buffer;
}

/** Longest response head (status line and headers) accepted, bytes; llhttp's default is 16 KiB. */
const MAX_HEAD_BYTES = 64 * 1024;
const CRLF2 = Buffer.from('\r\n\r\n');

/**
 * A keep-alive pool of HTTP/1.1 connections to ONE origin (http or https) that POSTs a body and
 * reads the whole answer as text: the trust calls of the gateway, and nothing else. Issue 16: on
 * node:http each call built a ClientRequest, an IncomingMessage, header objects and stream state,
 * about 55 µs of the event loop per call on this machine (70 µs with the JSON parse), and the
 * fan-out makes N of them per request; here a call is one `write` of the request as one string
 * and a small parser over the answer's bytes (~25 µs). HTTP/1.1 message syntax per RFC 9112:
 * status line (§4), header fields (§5), body length (§6.3: Transfer-Encoding chunked first, else
 * Content-Length, else until the server closes), chunked coding (§7.1), persistence (§9.3:
 * `Connection: close`, HTTP/1.0). Informational (1xx) answers are skipped (RFC 9110 §15.2).
 *
 * Failures are Node's socket errors (`ECONNREFUSED`, `ECONNRESET`, `EPIPE`…), `ECONNRESET` when
 * the server closes before the answer is complete (a pooled socket the server had just closed:
 * the caller may retry an idempotent call), `HPE_INVALID_RESPONSE` for a malformed answer and a
 * `TimeoutError` at the deadline; the socket of a failed call is destroyed, never reused.
 */
export class Http1Pool {
  private readonly idle: net.Socket[] = [];
  private readonly waiting: Array<(socket: net.Socket | undefined) => void> = [];
  private open = 0;
  private readonly maxSockets: number;
  private readonly maxFreeSockets: number;
  private readonly secure: boolean;
  private readonly host: string;
  private readonly port: number;
  private readonly hostHeader: string;
  private readonly ca: string | Buffer | undefined;

  constructor(target: URL, options: Http1PoolOptions = {}) {
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error(`url must be http or https, got ${target.protocol}`);
    this.secure = target.protocol === 'https:';
    // URL.hostname keeps an IPv6 literal's brackets; sockets want the bare address.
    this.host = target.hostname.replace(/^\[(.*)\]$/, '$1');
    this.port = Number(target.port || (this.secure ? 443 : 80));
    this.hostHeader = target.host;
    this.maxSockets = options.maxSockets ?? 256;
    this.maxFreeSockets = options.maxFreeSockets ?? 64;
    this.ca = options.ca;
  }

  /**
   * POSTs `body` to `path` with `headers` (lower-case names; values must hold no CR or LF), and
   * resolves with the answer once it is complete, or rejects (see the class comment) by the
   * `deadline` (performance.now() clock).
   */
  post(path: string, headers: Readonly<Record<string, string>>, body: string, deadline: number): Promise<Http1Answer> {
    let head = `POST ${path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\n`;
    for (const name in headers) {
      const value = headers[name]!;
      if (/[\r\n]/.test(value) || /[\r\n:]/.test(name)) return Promise.reject(new Error(`header ${name} holds a line break`));
      head += `${name}: ${value}\r\n`;
    }
    const request = `${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const remaining = deadline - performance.now();
    if (remaining <= 0) return Promise.reject(timeoutError());
    return new Promise((resolve, reject) => {
      let socket: net.Socket | undefined;
      let settled = false;
      const timer = setTimeout(() => {
        if (socket) socket.destroy();
        else this.forgetWaiter(start);
        finish(timeoutError());
      }, remaining);
      const finish = (err: Error | undefined, answer?: Http1Answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(answer!);
      };
      const start = (s: net.Socket | undefined) => {
        if (settled) {
          if (s) this.release(s, true);
          return;
        }
        if (!s) return finish(Object.assign(new Error('connection pool closed'), { code: 'ECONNRESET' }));
        socket = s;
        exchange(s, request, (err, answer, reusable) => {
          if (err) s.destroy();
          else this.release(s, reusable === true);
          finish(err, answer);
        });
      };
      this.acquire(start);
    });
  }

  /** Closes every idle socket; calls in flight finish on theirs. */
  close(): void {
    for (const s of this.idle.splice(0)) s.destroy();
    for (const w of this.waiting.splice(0)) w(undefined);
  }

  private acquire(use: (socket: net.Socket) => void): void {
    const idle = this.idle.pop(); // LIFO: the most recently used socket is the least likely closed
    if (idle) {
      idle.ref();
      return use(idle);
    }
    if (this.open >= this.maxSockets) {
      this.waiting.push(use as (socket: net.Socket | undefined) => void);
      return;
    }
    this.open++;
    const socket = this.secure
      ? tls.connect({ host: this.host, port: this.port, ...(net.isIP(this.host) ? {} : { servername: this.host }), ...(this.ca ? { ca: this.ca } : {}), ALPNProtocols: ['http/1.1'] })
      : net.connect({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 1_000);
    listen(socket, () => {
      this.open--;
      const at = this.idle.indexOf(socket);
      if (at >= 0) this.idle.splice(at, 1);
      this.wakeWaiter();
    });
    use(socket);
  }

  private release(socket: net.Socket, reusable: boolean): void {
    if (!reusable || socket.destroyed) {
      socket.destroy();
      return;
    }
    const waiter = this.waiting.shift();
    if (waiter) return waiter(socket);
    if (this.idle.length >= this.maxFreeSockets) {
      socket.destroy();
      return;
    }
    // An idle socket does not keep the process alive (as node:http's agent: keepSocketAlive).
    socket.unref();
    this.idle.push(socket);
  }

  private wakeWaiter(): void {
    if (this.waiting.length === 0 || this.open >= this.maxSockets) return;
    const waiter = this.waiting.shift()!;
    this.acquire(waiter);
  }

  private forgetWaiter(waiter: (socket: net.Socket | undefined) => void): void {
    const at = this.waiting.indexOf(waiter);
    if (at >= 0) this.waiting.splice(at, 1);
  }
}

function timeoutError(): Error {
  return Object.assign(new Error('the trust did not answer before the deadline'), { name: 'TimeoutError' });
}

function invalid(why: string): Error {
  return Object.assign(new Error(`invalid HTTP response: ${why}`), { code: 'HPE_INVALID_RESPONSE' });
}

function hangUp(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

/** What a socket's permanent listeners hand its events to while it carries a call. */
interface Exchange {
  data(chunk: Buffer): void;
  end(): void;
  fail(err: Error): void;
}

const EXCHANGE = Symbol('exchange');
type PooledSocket = net.Socket & { [EXCHANGE]?: Exchange | undefined };

/**
 * The listeners a pooled socket keeps for its whole life (one set, not one per call): events go
 * to the call it carries; bytes arriving while it is idle are a protocol error (no request is
 * outstanding), so the socket is closed rather than reused (as node:http's agent does).
 */
function listen(socket: PooledSocket, onClose: () => void): void {
  socket.on('data', (chunk: Buffer) => {
    const x = socket[EXCHANGE];
    if (x) x.data(chunk);
    else socket.destroy();
  });
  socket.on('end', () => socket[EXCHANGE]?.end());
  // Always listened to: an error on an idle socket (the server reset it) must not crash the process.
  socket.on('error', (err: Error) => socket[EXCHANGE]?.fail(err));
  socket.once('close', () => {
    socket[EXCHANGE]?.fail(hangUp());
    onClose();
  });
}

/**
 * Writes `request` on `socket` and reads one answer; `done` once, with the answer and whether the
 * socket may carry another request. The socket is idle again before `done` runs.
 */
function exchange(socket: PooledSocket, request: string, done: (err: Error | undefined, answer?: Http1Answer, reusable?: boolean) => void): void {
  const reader = new AnswerReader();
  const end = (err: Error | undefined, answer?: Http1Answer, reusable?: boolean): void => {
    if (socket[EXCHANGE] !== x) return;
    socket[EXCHANGE] = undefined;
    done(err, answer, reusable);
  };
  const x: Exchange = {
    data(chunk) {
      let result: ReturnType<AnswerReader['push']>;
      try {
        result = reader.push(chunk);
      } catch (err) {
        return end(err as Error);
      }
      if (result) end(undefined, result.answer, result.reusable);
    },
    end() {
      const result = reader.eof();
      if (result) end(undefined, result.answer, false);
      else end(hangUp());
    },
    fail: (err) => end(err),
  };
  socket[EXCHANGE] = x;
  socket.write(request);
}

type BodyMode = { kind: 'length'; remaining: number } | { kind: 'chunked' } | { kind: 'close' };

/** An incremental reader of one HTTP/1.1 answer (RFC 9112), fed the socket's chunks. */
export class AnswerReader {
  private head: Buffer | undefined;
  private status = 0;
  private keepAlive = true;
  private mode: BodyMode | undefined;
  private readonly body: Buffer[] = [];
  /** Chunked coding: bytes not yet decoded. */
  private pending: Buffer | undefined;
  private chunkLeft = -1;
  private trailers = false;

  /** Feeds bytes; the answer and whether the connection persists once it is complete. Throws on a malformed answer. */
  push(chunk: Buffer): { answer: Http1Answer; reusable: boolean } | undefined {
    if (!this.mode) {
      const buf = this.head ? Buffer.concat([this.head, chunk]) : chunk;
      const end = buf.indexOf(CRLF2);
      if (end < 0) {
        if (buf.length > MAX_HEAD_BYTES) throw invalid('head too large');
        this.head = buf;
        return undefined;
      }
      this.head = undefined;
      this.readHead(buf.toString('latin1', 0, end));
      const rest = buf.subarray(end + 4);
      if (this.status < 200) {
        // 1xx: informational, another head follows (RFC 9110 §15.2).
        this.mode = undefined;
        return rest.length ? this.push(rest) : undefined;
      }
      return this.pushBody(rest);
    }
    return this.pushBody(chunk);
  }

  /** The server closed: complete only when the body was delimited by the close. */
  eof(): { answer: Http1Answer; reusable: boolean } | undefined {
    return this.mode?.kind === 'close' ? this.complete(false) : undefined;
  }

  private readHead(text: string): void {
    const lines = text.split('\r\n');
    const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0] ?? '');
    if (!statusLine) throw invalid('status line');
    this.status = Number(statusLine[2]);
    this.keepAlive = statusLine[1] === '1';
    let length: string | undefined;
    let chunked = false;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      // No obsolete line folding (RFC 9112 §5.2) and no whitespace before the colon (§5.1).
      if (colon <= 0 || line[0] === ' ' || line[0] === '\t' || line[colon - 1] === ' ' || line[colon - 1] === '\t') throw invalid('header line');
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') {
        if (!/^\d+$/.test(value) || (length !== undefined && length !== value)) throw invalid('content-length');
        length = value;
      } else if (name === 'transfer-encoding') {
        const codings = value.toLowerCase().split(',').map((c) => c.trim());
        // Only chunked is understood; it must be the last coding (RFC 9112 §6.1).
        if (codings.some((c) => c !== 'chunked')) throw invalid('transfer-encoding');
        chunked = true;
      } else if (name === 'connection') {
        const options = value.toLowerCase().split(',').map((c) => c.trim());
        if (options.includes('close')) this.keepAlive = false;
        else if (options.includes('keep-alive')) this.keepAlive = true;
      }
    }
    if (this.status < 200 || this.status === 204 || this.status === 304) this.mode = { kind: 'length', remaining: 0 };
    else if (chunked) {
      this.mode = { kind: 'chunked' };
      // Both: chunked wins, and the connection must not be reused (RFC 9112 §6.3 item 3).
      if (length !== undefined) this.keepAlive = false;
    } else if (length !== undefined) this.mode = { kind: 'length', remaining: Number(length) };
    else this.mode = { kind: 'close' };
  }

  private pushBody(bytes: Buffer): { answer: Http1Answer; reusable: boolean } | undefined {
    const mode = this.mode!;
    if (mode.kind === 'close') {
      if (bytes.length) this.body.push(bytes);
      return undefined;
    }
    if (mode.kind === 'length') {
      if (bytes.length > mode.remaining) throw invalid('more bytes than announced');
      if (bytes.length) this.body.push(bytes);
      mode.remaining -= bytes.length;
      return mode.remaining === 0 ? this.complete(this.keepAlive) : undefined;
    }
    return this.pushChunked(bytes);
  }

  private pushChunked(bytes: Buffer): { answer: Http1Answer; reusable: boolean } | undefined {
    let buf = this.pending ? Buffer.concat([this.pending, bytes]) : bytes;
    this.pending = undefined;
    for (;;) {
      if (this.trailers) {
        // Trailer fields, then an empty line (RFC 9112 §7.1.2); their content is not used.
        const eol = buf.indexOf('\r\n');
        if (eol < 0) break;
        const line = buf.subarray(0, eol);
        buf = buf.subarray(eol + 2);
        if (line.length === 0) {
          if (buf.length) throw invalid('bytes after the last chunk');
          return this.complete(this.keepAlive);
        }
        continue;
      }
      if (this.chunkLeft < 0) {
        const eol = buf.indexOf('\r\n');
        if (eol < 0) {
          if (buf.length > 1024) throw invalid('chunk size line');
          break;
        }
        const sizeText = buf.toString('latin1', 0, eol).split(';')[0]!.trim();
        if (!/^[0-9a-fA-F]{1,12}$/.test(sizeText)) throw invalid('chunk size');
        const size = parseInt(sizeText, 16);
        buf = buf.subarray(eol + 2);
        if (size === 0) {
          this.trailers = true;
          continue;
        }
        this.chunkLeft = size;
      }
      if (this.chunkLeft > 0) {
        const take = Math.min(this.chunkLeft, buf.length);
        if (take > 0) this.body.push(buf.subarray(0, take));
        this.chunkLeft -= take;
        buf = buf.subarray(take);
        if (this.chunkLeft > 0) break;
      }
      // The chunk's data ends with CRLF.
      if (buf.length < 2) break;
      if (buf[0] !== 0x0d || buf[1] !== 0x0a) throw invalid('chunk end');
      buf = buf.subarray(2);
      this.chunkLeft = -1;
    }
    if (buf.length) this.pending = Buffer.from(buf);
    return undefined;
  }

  private complete(reusable: boolean): { answer: Http1Answer; reusable: boolean } {
    const text = this.body.length === 1 ? this.body[0]!.toString('utf8') : Buffer.concat(this.body).toString('utf8');
    return { answer: { status: this.status, ok: this.status >= 200 && this.status < 300, text }, reusable };
  }
}
