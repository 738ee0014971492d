import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pickHeaders, upstreamAnswer } from '../../platform/upstream-answer.ts';

describe('pickHeaders', () => {
  it('copies only the named single-valued headers, onto what is given', () => {
    const out = pickHeaders({ accept: 'application/dicom+json', range: 'bytes=0-1', cookie: 'x', 'set-cookie': ['a', 'b'] }, ['accept', 'range', 'set-cookie', 'if-range'], { host: 'pacs' });
    expect(out).toEqual({ host: 'pacs', accept: 'application/dicom+json', range: 'bytes=0-1' });
  });
});

describe('upstreamAnswer', () => {
  const servers: http.Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise((r) => { s.closeAllConnections(); s.close(r); });
  });
  async function serve(handler: http.RequestListener): Promise<string> {
    const server = http.createServer(handler);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  /** A caller-facing response: a real server whose handler runs `body` with its res. */
  async function callerResponse(body: (res: http.ServerResponse) => Promise<void>): Promise<void> {
    const front = await serve((_req, res) => void body(res));
    await new Promise<void>((resolve) => {
      const req = http.get(front, (r) => { r.resume(); r.on('end', resolve); r.on('error', resolve); });
      req.on('error', () => resolve());
    });
  }

  it('resolves with the answer once its headers are in', async () => {
    const upstreamUrl = await serve((_req, res) => { res.writeHead(206, { 'content-type': 'text/plain' }); res.end('ok'); });
    let status: number | undefined;
    await callerResponse(async (res) => {
      const answer = await upstreamAnswer(http.request(upstreamUrl), res, 5_000, () => new Error('late'));
      status = answer.statusCode;
      answer.resume();
      res.end();
    });
    expect(status).toBe(206);
  });

  it('rejects with the timeout error when the upstream never answers', async () => {
    const upstreamUrl = await serve(() => undefined);
    let failure: unknown;
    await callerResponse(async (res) => {
      failure = await upstreamAnswer(http.request(upstreamUrl), res, 50, () => Object.assign(new Error('late'), { code: 'PACS_TIMEOUT' })).catch((e: unknown) => e);
      res.end();
    });
    expect((failure as NodeJS.ErrnoException).code).toBe('PACS_TIMEOUT');
  });

  it('destroys the upstream request when the caller goes away before it is answered', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((r) => { upstreamClosed = r; });
    const upstreamUrl = await serve((req) => req.socket.once('close', () => upstreamClosed()));
    const front = await serve((_req, res) => void upstreamAnswer(http.request(upstreamUrl), res, 60_000, () => new Error('late')).catch(() => undefined));
    const req = http.get(front);
    req.on('error', () => undefined);
    setTimeout(() => req.destroy(), 200);
    await closed; // the upstream's socket closes only because the gateway side destroyed its request
  });
});
