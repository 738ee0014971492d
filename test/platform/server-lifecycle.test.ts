import { describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { serve } from '../../platform/server-lifecycle.ts';

/** A GET over a keep-alive agent-less socket; resolves with status and body, or the socket error code. */
function get(url: string): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = request(url, { headers: { connection: 'keep-alive' } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end();
  });
}

describe('serve (one server lifecycle with a drain period)', () => {
  it('a request in flight when close starts still gets its answer; new connections are refused', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const http = await serve(
      async (req, res) => {
        if (req.url === '/slow') await held;
        res.end('done');
      },
      { host: '127.0.0.1', port: 0, keepAliveTimeoutMs: 5_000, drainMs: 10_000 },
    );
    const inFlight = get(`${http.origin}/slow`);
    await new Promise((r) => setTimeout(r, 50));
    const closing = http.close();
    expect(await get(`${http.origin}/fast`)).toEqual({ error: 'ECONNREFUSED' });
    release();
    expect(await inFlight).toEqual({ status: 200, body: 'done' });
    await closing;
  });

  it('a request still running after the drain period is cut, and close resolves', async () => {
    const http = await serve(() => new Promise<void>(() => {}), { host: '127.0.0.1', port: 0, keepAliveTimeoutMs: 5_000, drainMs: 100 });
    const hanging = get(`${http.origin}/never`);
    await new Promise((r) => setTimeout(r, 50));
    await http.close();
    expect(await hanging).toEqual({ error: 'ECONNRESET' });
  });

  it('a handler that throws answers 500 without detail; a taken port rejects', async () => {
    const http = await serve(
      () => {
        throw new Error('secret detail');
      },
      { host: '127.0.0.1', port: 0, keepAliveTimeoutMs: 5_000, drainMs: 100 },
    );
    expect(await get(`${http.origin}/`)).toEqual({ status: 500, body: '{"error":"internal error"}' });
    await expect(serve(() => {}, { host: '127.0.0.1', port: http.port, keepAliveTimeoutMs: 5_000, drainMs: 100 })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await http.close();
  });
});
