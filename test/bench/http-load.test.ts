import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphqlBody, isCleanGraphqlAnswer, measureLoad } from '../../bench/http-load.ts';

/** A loopback JSON server: `/ok` answers data, `/errors` a GraphQL error, `/500` a server error. */
let server: Server;
let base = '';
const bodies: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(body);
      if (req.url === '/500') {
        res.writeHead(500).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.url === '/errors' ? '{"errors":[{"message":"no"}],"data":null}' : '{"data":{"ok":true}}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('measureLoad (autocannon against loopback)', () => {
  it('sends the body it is given and counts clean answers as successes', async () => {
    const body = graphqlBody('{ ok }', { a: 1 });
    const s = await measureLoad({ url: `${base}/ok`, body, connections: 2, seconds: 1, verify: isCleanGraphqlAnswer });
    expect(s.requests).toBeGreaterThan(0);
    expect(s.failures).toBe(0);
    expect(s.p50Ms).toBeLessThanOrEqual(s.p99Ms);
    expect(bodies.at(-1)).toBe(body);
  });
  it('counts GraphQL error answers and non-2xx answers as failures', async () => {
    const errors = await measureLoad({ url: `${base}/errors`, body: graphqlBody('{ ok }'), connections: 1, seconds: 1, verify: isCleanGraphqlAnswer });
    expect(errors.failures).toBe(errors.requests);
    const status = await measureLoad({ url: `${base}/500`, body: graphqlBody('{ ok }'), connections: 1, seconds: 1 });
    expect(status.failures).toBeGreaterThan(0);
    expect(Number.isNaN(status.p50Ms)).toBe(true);
  });
});

describe('isCleanGraphqlAnswer', () => {
  it('wants data and no errors key', () => {
    expect(isCleanGraphqlAnswer('{"data":{}}')).toBe(true);
    expect(isCleanGraphqlAnswer('{"data":null,"errors":[]}')).toBe(false);
    expect(isCleanGraphqlAnswer('not json')).toBe(false);
  });
});
