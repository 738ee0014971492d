import { Agent, request } from 'node:http';
import { serve } from '../platform/server-lifecycle.ts';

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
  const http = await serve(
    (req, res) => {
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
    },
    { host: '127.0.0.1', port: 0, keepAliveTimeoutMs: 65_000, drainMs: 0 },
  );
  return {
    url: http.origin,
    count: () => seen.length,
    paths: () => [...seen],
    reset: () => void (seen = []),
    close: async () => {
      await http.close();
      agent.destroy();
    },
  };
}
