import { Agent, request, type IncomingMessage } from 'node:http';
import { serve } from '../platform/server-lifecycle.ts';

/**
 * A transparent HTTP proxy in front of a real peer (a trust, a PACS): every request is shown to
 * `observe`, then forwarded with keep-alive on both sides, like the real clients; answers pass
 * through untouched (502 when the peer cannot be reached). The counting proxy (bench) and the
 * recording proxy (tests) are this proxy with different observers.
 */
export interface PassThroughProxy {
  /** Base URL: `http://127.0.0.1:<port>` (append the peer's path). */
  url: string;
  close(): Promise<void>;
}

export async function startPassThroughProxy(target: string, observe: (req: IncomingMessage) => void): Promise<PassThroughProxy> {
  const t = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const http = await serve(
    (req, res) => {
      observe(req);
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
    close: async () => {
      await http.close();
      agent.destroy();
    },
  };
}
