import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface ServeOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Idle keep-alive sockets are kept this long, ms. */
  keepAliveTimeoutMs: number;
  /** On close, requests in flight get this long to finish before their sockets are cut, ms. */
  drainMs: number;
}

export interface RunningHttpServer {
  server: Server;
  /** The bound port. */
  port: number;
  /** `http://host:port` (IPv6 hosts bracketed), no trailing slash. */
  origin: string;
  /** Stops accepting, lets requests in flight finish within the drain period, then cuts what is left. */
  close(): Promise<void>;
}

/**
 * The one HTTP server lifecycle of the gateway and every trust: listen on host:port and resolve
 * once bound (a listen error, e.g. EADDRINUSE, rejects); a handler that throws answers 500
 * without detail; close drains, as Apollo Server's `drainHttpServer` does: `server.close()` stops
 * new connections, idle keep-alive sockets are closed at once, requests in flight may finish
 * within `drainMs`, then every remaining socket is closed.
 */
export function serve(handler: RequestHandler, options: ServeOptions): Promise<RunningHttpServer> {
  const server = createServer((req, res) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":"internal error"}');
      });
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      resolve({ server, port, origin: `http://${host}:${port}`, close: () => drain(server, options.drainMs) });
    });
  });
}

async function drain(server: Server, drainMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), drainMs);
  // A keep-alive socket whose request finishes during the drain would otherwise stay open idle.
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  try {
    await closed;
  } finally {
    clearTimeout(timer);
    clearInterval(sweep);
  }
}

/** Writes a JSON body with its length. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}
