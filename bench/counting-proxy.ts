import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An HTTP proxy in front of a real peer (a trust, a PACS) that counts the requests passing
 * through, so the batching benchmark counts what a query costs on the wire without touching the
 * peer. Keep-alive on both sides, like the real clients.
 */
export interface CountingProxy {
  /** Base URL: `http://127.0.0.1:<port>` (append the peer's path). */
  url: string;
  /** Requests seen since the last reset. */
  count(): number;
  /** Request paths seen since the last reset (for the report when counts look wrong). */
  paths(): string[];
  reset(): void;
  close(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const t = new URL(target);
  const agent = new Agent({ keepAlive: true });
  let seen: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method ?? 'GET'} ${req.url ?? '/'}`);
    const upstream = request(
      { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...req.headers, host: t.host }, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 65_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => seen.length,
    paths: () => [...seen],
    reset: () => void (seen = []),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        agent.destroy();
      }),
  };
}
