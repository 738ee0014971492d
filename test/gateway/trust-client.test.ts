import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { CircuitBreaker } from '../../gateway/circuit-breaker.ts';
import { TrustClient } from '../../gateway/trust-client.ts';
import { ReplayCache, verifyRequest } from '../../platform/request-signature.ts';

/**
 * A raw TCP "trust" that resets the first `resets` connections it gets after reading a request,
 * then answers GraphQL properly: the client must retry a read once on a reset, not more.
 */
function startResettingServer(resets: number): Promise<{ url: string; requests: () => number; headers: Array<Record<string, string>>; close(): Promise<void> }> {
  let seen = 0;
  const headers: Array<Record<string, string>> = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buf = '';
    socket.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.slice(0, end).split('\r\n');
      const length = Number(/content-length: (\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
      if (buf.length < end + 4 + length) return;
      const body = buf.slice(end + 4, end + 4 + length);
      buf = buf.slice(end + 4 + length);
      seen++;
      headers.push(Object.fromEntries(head.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()])));
      if (seen <= resets) {
        socket.resetAndDestroy();
        return;
      }
      void body;
      const answer = JSON.stringify({ data: { trusts: [{ code: 'RXA' }] } });
      socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${answer.length}\r\n\r\n${answer}`);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}/graphql`,
        requests: () => seen,
        headers,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    }),
  );
}

describe('TrustClient', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  const client = (url: string, secret?: string) =>
    new TrustClient({ code: 'RXA', url, timeoutMs: 3000, breaker: new CircuitBreaker({ failureThreshold: 5, coolDownMs: 1000 }), ...(secret ? { secret } : {}) });

  it('retries a read once when the connection is reset, and succeeds', async () => {
    const srv = await startResettingServer(1);
    close = srv.close;
    const res = await client(srv.url).request('{ trusts { code } }', {});
    expect(res.data).toEqual({ trusts: [{ code: 'RXA' }] });
    expect(srv.requests()).toBe(2);
  });

  it('gives up after one retry: two resets are a failure of kind reset', async () => {
    const srv = await startResettingServer(2);
    close = srv.close;
    await expect(client(srv.url).request('{ trusts { code } }', {})).rejects.toMatchObject({ kind: 'reset', trust: 'RXA' });
    expect(srv.requests()).toBe(2);
  });

  it('signs every attempt afresh, so the retry is not refused as a replay', async () => {
    const srv = await startResettingServer(1);
    close = srv.close;
    const secret = 'a-test-gateway-secret-0123456789';
    await client(srv.url, secret).request('{ trusts { code } }', {}, { identity: { sub: 'u', roles: ['clinician'] } });
    const [first, second] = srv.headers;
    expect(first!['x-imaging-network-signature']).toBeDefined();
    expect(second!['x-imaging-network-signature']).toBeDefined();
    const body = JSON.stringify({ query: '{ trusts { code } }', variables: {} });
    expect(first!['x-imaging-network-signature']).not.toBe(second!['x-imaging-network-signature']);
    const seen = new ReplayCache();
    const AUD = { trust: 'RXA', path: new URL(srv.url).pathname };
    expect(verifyRequest({ audience: AUD, headers: first!, body, secret, seen }).ok).toBe(true);
    expect(verifyRequest({ audience: AUD, headers: second!, body, secret, seen }).ok).toBe(true);
    expect(verifyRequest({ audience: AUD, headers: second!, body, secret, seen })).toEqual({ ok: false, reason: 'request was replayed' });
  });

  it('does not count a request the trust refused as the client\'s (431, 400) against its circuit; 503 does count (issue 15, finding 6)', async () => {
    const { createServer: createHttpServer } = await import('node:http');
    let status = 431;
    const http = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end('refused');
      });
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    close = () => new Promise<void>((r) => { http.close(() => r()); http.closeAllConnections(); });
    const c = client(`http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`);
    for (const s of [431, 400, 431, 400, 431, 400]) {
      status = s;
      await expect(c.request('{ trusts { code } }', {})).rejects.toMatchObject({ kind: 'http-status' });
    }
    expect(c.breaker.state).toBe('closed');
    status = 503;
    for (let i = 0; i < 5; i++) await expect(c.request('{ trusts { code } }', {})).rejects.toMatchObject({ kind: 'http-status' });
    expect(c.breaker.state).toBe('open');
  });
});
