import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AnswerReader, Http1Pool } from '../../gateway/http1-pool.ts';

/**
 * A raw TCP server: for each request (head + Content-Length body) it writes what `answer` returns,
 * as the given pieces (written one by one, so the client sees them split), and may close after.
 */
interface Reply {
  pieces: string[];
  close?: boolean;
  /** Never answer. */
  silent?: boolean;
}

async function rawServer(answer: (request: string, n: number) => Reply): Promise<{ url: string; connections: () => number; requests: string[]; sockets: Set<net.Socket>; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const requests: string[] = [];
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buf = '';
    socket.on('data', async (d) => {
      buf += d.toString('latin1');
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
        if (buf.length < end + 4 + length) return;
        const request = buf.slice(0, end + 4 + length);
        buf = buf.slice(end + 4 + length);
        requests.push(request);
        const reply = answer(request, requests.length);
        if (reply.silent) return;
        for (const piece of reply.pieces) {
          socket.write(piece);
          await new Promise((r) => setTimeout(r, 2));
        }
        if (reply.close) socket.end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    connections: () => connections,
    requests,
    sockets,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

const ok = (body: string, extra = '') => `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
const later = (ms = 5_000) => performance.now() + ms;

describe('Http1Pool', () => {
  const closers: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
  });
  const start = async (answer: Parameters<typeof rawServer>[0], options?: ConstructorParameters<typeof Http1Pool>[1]) => {
    const server = await rawServer(answer);
    const pool = new Http1Pool(new URL(server.url), options);
    closers.push(() => pool.close(), () => server.close());
    return { server, pool };
  };

  it('sends one POST with the headers, host and length, and reuses the kept-alive connection', async () => {
    const { server, pool } = await start(() => ({ pieces: [ok('{"data":{"a":1}}')] }));
    const first = await pool.post('/graphql', { 'content-type': 'application/json', 'x-test': 'yes' }, '{"query":"{ a }"}', later());
    const second = await pool.post('/graphql', {}, 'é', later());
    expect(first).toEqual({ status: 200, ok: true, text: '{"data":{"a":1}}' });
    expect(second.text).toBe('{"data":{"a":1}}');
    expect(server.connections()).toBe(1);
    const host = new URL(server.url).host;
    expect(server.requests[0]).toBe(`POST /graphql HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\nx-test: yes\r\ncontent-length: 17\r\n\r\n{"query":"{ a }"}`);
    // The length counts UTF-8 bytes (é is two).
    expect(server.requests[1]).toContain('content-length: 2\r\n\r\n');
  });

  it('reads a chunked answer split at every boundary, with a chunk extension and a trailer', async () => {
    const wire = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\n{"dat\r\nC\r\na":"héllo"}\r\n0\r\nx-trailer: t\r\n\r\n';
    // "{"dat" is 5 bytes; `a":"héllo"}` is 12 bytes (é is two): 0xC.
    const { pool } = await start(() => ({ pieces: wire.split('') }));
    const answer = await pool.post('/graphql', {}, '{}', later());
    expect(answer).toEqual({ status: 200, ok: true, text: '{"data":"héllo"}' });
  });

  it('reads an answer delimited by the server closing, and opens a new connection for the next call', async () => {
    const { server, pool } = await start(() => ({ pieces: ['HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\n\r\n', 'not ', 'ready'], close: true }));
    expect(await pool.post('/graphql', {}, '{}', later())).toEqual({ status: 503, ok: false, text: 'not ready' });
    expect((await pool.post('/graphql', {}, '{}', later())).text).toBe('not ready');
    expect(server.connections()).toBe(2);
  });

  it('does not reuse a connection the server asked to close, nor an HTTP/1.0 one', async () => {
    const { server, pool } = await start((_, n) => ({ pieces: [n === 1 ? ok('one', 'connection: close\r\n') : `HTTP/1.0 200 OK\r\ncontent-length: 3\r\n\r\ntwo`] }));
    expect((await pool.post('/graphql', {}, '{}', later())).text).toBe('one');
    expect((await pool.post('/graphql', {}, '{}', later())).text).toBe('two');
    expect((await pool.post('/graphql', {}, '{}', later())).text).toBe('two');
    expect(server.connections()).toBe(3);
  });

  it('skips an informational 100 answer before the final one', async () => {
    const { pool } = await start(() => ({ pieces: ['HTTP/1.1 100 Continue\r\n\r\n', ok('{"data":null}')] }));
    expect(await pool.post('/graphql', {}, '{}', later())).toEqual({ status: 200, ok: true, text: '{"data":null}' });
  });

  it('rejects a malformed answer (status line, more bytes than announced, two lengths) and never reuses its socket', async () => {
    const bad = ['HTTP/2 200 OK\r\n\r\n', 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}}', 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}', 'HTTP/1.1 200 OK\r\nbad header\r\n\r\n'];
    const { server, pool } = await start((_, n) => ({ pieces: [bad[n - 1] ?? ok('fine')] }));
    for (let i = 0; i < bad.length; i++) await expect(pool.post('/graphql', {}, '{}', later())).rejects.toMatchObject({ code: 'HPE_INVALID_RESPONSE' });
    expect((await pool.post('/graphql', {}, '{}', later())).text).toBe('fine');
    expect(server.connections()).toBe(bad.length + 1);
  });

  it('rejects with a TimeoutError at the deadline and closes that connection', async () => {
    const { server, pool } = await start(() => ({ pieces: [], silent: true }));
    await expect(pool.post('/graphql', {}, '{}', performance.now() + 50)).rejects.toMatchObject({ name: 'TimeoutError' });
    await new Promise((r) => setTimeout(r, 50));
    expect(server.sockets.size).toBe(0);
  });

  it('reports a connection the server closed mid-answer as a reset (ECONNRESET)', async () => {
    const { pool } = await start(() => ({ pieces: ['HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"da'], close: true }));
    await expect(pool.post('/graphql', {}, '{}', later())).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('drops an idle connection the server closed, and the next call opens a new one', async () => {
    const { server, pool } = await start(() => ({ pieces: [ok('x')] }));
    expect((await pool.post('/graphql', {}, '{}', later())).text).toBe('x');
    for (const s of server.sockets) s.end();
    await new Promise((r) => setTimeout(r, 50));
    expect((await pool.post('/graphql', {}, '{}', later())).text).toBe('x');
    expect(server.connections()).toBe(2);
  });

  it('holds calls beyond maxSockets until a connection is free', async () => {
    const { server, pool } = await start(() => ({ pieces: [ok('y')] }), { maxSockets: 2 });
    const answers = await Promise.all(Array.from({ length: 5 }, () => pool.post('/graphql', {}, '{}', later())));
    expect(answers.map((a) => a.text)).toEqual(['y', 'y', 'y', 'y', 'y']);
    expect(server.connections()).toBe(2);
  });

  it('refuses a header value with a line break (no header injection)', async () => {
    const { server, pool } = await start(() => ({ pieces: [ok('z')] }));
    await expect(pool.post('/graphql', { 'x-a': 'b\r\nx-evil: 1' }, '{}', later())).rejects.toThrow(/line break/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('Http1Pool over https', () => {
  it('speaks TLS to the server named in the URL, and refuses a certificate it does not trust', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'http1-pool-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { cwd: dir, stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'));
    const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"tls":true}}'));
    });
    // 'localhost' on both sides: the client connects to the address the name resolves to first.
    await new Promise<void>((r) => server.listen(0, 'localhost', r));
    const url = new URL(`https://localhost:${(server.address() as net.AddressInfo).port}/graphql`);
    const trusted = new Http1Pool(url, { ca: cert });
    const untrusted = new Http1Pool(url);
    try {
      expect(await trusted.post('/graphql', {}, '{}', later())).toEqual({ status: 200, ok: true, text: '{"data":{"tls":true}}' });
      await expect(untrusted.post('/graphql', {}, '{}', later())).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    } finally {
      trusted.close();
      untrusted.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('AnswerReader', () => {
  it('treats 204 as bodiless and a Transfer-Encoding other than chunked as malformed', () => {
    expect(new AnswerReader().push(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'))).toEqual({ answer: { status: 204, ok: true, text: '' }, reusable: true });
    expect(() => new AnswerReader().push(Buffer.from('HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, chunked\r\n\r\n'))).toThrow(/transfer-encoding/);
  });

  it('with both Transfer-Encoding chunked and Content-Length reads chunked and does not reuse the connection (RFC 9112 §6.3)', () => {
    const r = new AnswerReader().push(Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 99\r\ntransfer-encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n'));
    expect(r).toEqual({ answer: { status: 200, ok: true, text: 'ab' }, reusable: false });
  });
});
