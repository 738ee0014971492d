import { Readable } from 'node:stream';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDisableIntrospection } from '../../../gateway/security/use-disable-introspection.ts';
import { useLimits } from '../../../gateway/security/use-limits.ts';
import { listenLoopback, postJson, tinyYoga } from './tiny-server.ts';

const deep = (n: number) => `{ node { ${'child { '.repeat(n - 2)}id${' }'.repeat(n - 2)} } }`;
const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: hello`).join(' ')} }`;
const codeOf = (body: any) => body?.errors?.[0]?.extensions?.code;

describe('useLimits over HTTP (defaults, 5 trusts)', () => {
  let server: Awaited<ReturnType<typeof listenLoopback>>;
  let url: string;
  let executed = 0;

  beforeAll(async () => {
    const counting = { onExecute: () => void executed++ };
    server = await listenLoopback(
      tinyYoga([useLimits({ trusts: () => 5 }), useDisableIntrospection(), { onExecute: () => ({ onExecuteDone: () => void counting.onExecute() }) }], {
        batching: { limit: 100 },
        // As the gateway runs it (gateway/server.ts): yoga's own body limit off, so the body-size
        // tests below are answered by useLimits alone.
        maxRequestBodySize: false,
      }),
    );
    url = `${server.url}/graphql`;
  });
  afterAll(() => server.close());

  it('lets an ordinary query through', async () => {
    const r = await postJson(url, { query: '{ hello items(first: 3) { id } }' });
    expect(r.body).toEqual({ data: { hello: 'world', items: [{ id: '0' }, { id: '1' }, { id: '2' }] } });
  });

  it('refuses depth 13, allows depth 12', async () => {
    const ok = await postJson(url, { query: deep(12) });
    expect(ok.body.errors).toBeUndefined();
    const before = executed;
    const r = await postJson(url, { query: deep(13) });
    expect(codeOf(r.body)).toBe('QUERY_TOO_COMPLEX');
    expect(r.body.errors[0].message).toBe('Query depth 13 exceeds the limit of 12');
    expect(executed).toBe(before);
  });

  it('counts depth through fragments', async () => {
    const q = `query { node { ...F } } fragment F on Node { ${'child { '.repeat(11)}id${' }'.repeat(11)} }`;
    expect(codeOf((await postJson(url, { query: q })).body)).toBe('QUERY_TOO_COMPLEX');
  });

  it('refuses 31 aliases, allows 30; aliases in a fragment count each time it is spread', async () => {
    expect((await postJson(url, { query: aliases(30) })).body.errors).toBeUndefined();
    const r = await postJson(url, { query: aliases(31) });
    expect(codeOf(r.body)).toBe('QUERY_TOO_COMPLEX');
    expect(r.body.errors[0].message).toBe('Query has 31 aliases; the limit is 30');
    const spread = `{ node { ...A child { ...A child { ...A } } } } fragment A on Node { ${Array.from({ length: 11 }, (_, i) => `x${i}: id`).join(' ')} }`;
    expect(codeOf((await postJson(url, { query: spread })).body)).toBe('QUERY_TOO_COMPLEX');
  });

  it('refuses an exponential fragment bomb without walking it all', async () => {
    const levels = 25;
    const frags = Array.from({ length: levels }, (_, i) => `fragment F${i} on Node { id child { ...F${i + 1} ...F${i + 1} } }`).join(' ');
    const q = `{ node { ...F0 } } ${frags} fragment F${levels} on Node { id }`;
    const r = await postJson(url, { query: q });
    expect(codeOf(r.body)).toBe('QUERY_TOO_COMPLEX');
  });

  it('refuses a huge first (cost = first × trusts), by literal and by variable, before execution', async () => {
    expect((await postJson(url, { query: '{ items(first: 4000) { id } }' })).body.errors).toBeUndefined(); // 20000
    const before = executed;
    const r = await postJson(url, { query: '{ items(first: 4001) { id } }' });
    expect(codeOf(r.body)).toBe('QUERY_TOO_COMPLEX');
    expect(r.body.errors[0].message).toMatch(/^Query cost 20005 .* exceeds the limit of 20000$/);
    const v = await postJson(url, { query: 'query Q($n: Int) { items(first: $n) { id } }', variables: { n: 100000 } });
    expect(codeOf(v.body)).toBe('QUERY_TOO_COMPLEX');
    const small = await postJson(url, { query: 'query Q($n: Int) { items(first: $n) { id } }', variables: { n: 2 } });
    expect(small.body.errors).toBeUndefined(); // same document, other variables: not a cached refusal
    expect(executed).toBeGreaterThan(before);
  });

  it('multiplies nested pages and counts default page sizes', async () => {
    // 5 × 100 + 5 × 100 × 10 (default first) = 5500: fine; with first 100 nested: 5 × 100 + 5 × 100 × 100 = 50500
    expect((await postJson(url, { query: '{ items(first: 100) { items { id } } }' })).body.errors).toBeUndefined();
    expect(codeOf((await postJson(url, { query: '{ items(first: 100) { items(first: 100) { id } } }' })).body)).toBe('QUERY_TOO_COMPLEX');
  });

  it('refuses a body over 1 MiB with 413 JSON (declared length)', async () => {
    const r = await postJson(url, { query: `{ hello } # ${'x'.repeat(1024 * 1024)}` });
    expect(r.status).toBe(413);
    expect(r.body).toEqual({ errors: [{ message: 'Request body larger than 1048576 bytes', extensions: { code: 'QUERY_TOO_COMPLEX' } }] });
  });

  it('refuses a chunked body over 1 MiB with 413 (no length declared)', async () => {
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c) => (text += c)).on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      const chunks = ['{"query":"{ hello } #', ...Array.from({ length: 20 }, () => 'x'.repeat(64 * 1024)), '"}'];
      Readable.from(chunks).pipe(req);
    });
    expect(status).toBe(413);
    expect(JSON.parse(text).errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('accepts a chunked body under the limit', async () => {
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: Readable.toWeb(Readable.from([Buffer.from('{"query":"{ hello }"}')])) as ReadableStream, duplex: 'half' } as RequestInit);
    expect(await r.json()).toEqual({ data: { hello: 'world' } });
  });

  it('refuses a batch of 6 operations, allows 5', async () => {
    const five = await postJson(url, Array.from({ length: 5 }, () => ({ query: '{ hello }' })));
    expect(five.body).toHaveLength(5);
    const six = await postJson(url, Array.from({ length: 6 }, () => ({ query: '{ hello }' })));
    expect(six.status).toBe(400);
    expect(codeOf(six.body)).toBe('QUERY_TOO_COMPLEX');
    expect(six.body.errors[0].message).toBe('Batch of 6 operations exceeds the limit of 5');
  });

  it('refuses introspection when the plugin is on; __typename stays', async () => {
    const r = await postJson(url, { query: '{ __schema { types { name } } }' });
    expect(r.body.errors[0].message).toMatch(/introspection/i);
    expect(r.body.data).toBeUndefined();
    expect((await postJson(url, { query: '{ __typename hello }' })).body).toEqual({ data: { __typename: 'Query', hello: 'world' } });
  });
});

describe('useLimits with configured limits', () => {
  it('applies the given numbers', async () => {
    const server = await listenLoopback(tinyYoga([useLimits({ maxDepth: 3, maxAliases: 2, maxCost: 10, maxBodyBytes: 200 })]));
    try {
      const url = `${server.url}/graphql`;
      expect(codeOf((await postJson(url, { query: deep(4) })).body)).toBe('QUERY_TOO_COMPLEX');
      expect((await postJson(url, { query: deep(3) })).body.errors).toBeUndefined();
      expect(codeOf((await postJson(url, { query: aliases(3) })).body)).toBe('QUERY_TOO_COMPLEX');
      expect(codeOf((await postJson(url, { query: '{ items(first: 11) { id } }' })).body)).toBe('QUERY_TOO_COMPLEX');
      expect((await postJson(url, { query: `{ hello } #${'x'.repeat(200)}` })).status).toBe(413);
    } finally {
      await server.close();
    }
  });
});

describe('useLimits: maxResponseBytes on the serialised answer (one serialisation, issue 16)', () => {
  // The answer as the tiny schema's resolvers give it, serialised by the test itself.
  const expected = { data: { items: [{ id: '0' }, { id: '1' }, { id: '2' }] } };
  const bytes = Buffer.byteLength(JSON.stringify(expected));
  const query = { query: '{ items(first: 3) { id } }' };

  it('serves an answer of exactly maxResponseBytes, byte for byte', async () => {
    const server = await listenLoopback(tinyYoga([useLimits({ maxResponseBytes: bytes })]));
    try {
      const r = await postJson(`${server.url}/graphql`, query);
      expect(r.status).toBe(200);
      expect(r.body).toEqual(expected);
      expect(Buffer.byteLength(r.text)).toBe(bytes);
    } finally {
      await server.close();
    }
  });

  it('replaces an answer one byte over with QUERY_TOO_COMPLEX (HTTP 400, no data), per operation of a batch', async () => {
    const server = await listenLoopback(tinyYoga([useLimits({ maxResponseBytes: bytes - 1 })], { batching: { limit: 5 } }));
    try {
      const r = await postJson(`${server.url}/graphql`, query);
      expect(r.status).toBe(400);
      expect(codeOf(r.body)).toBe('QUERY_TOO_COMPLEX');
      expect(r.body.errors[0].message).toBe(`Response of ${bytes} bytes exceeds the limit of ${bytes - 1}`);
      expect(r.body.data ?? null).toBeNull();
      const batch = await postJson(`${server.url}/graphql`, [query, { query: '{ hello }' }]);
      expect(codeOf(batch.body[0])).toBe('QUERY_TOO_COMPLEX');
      expect(batch.body[0].data ?? null).toBeNull();
      expect(batch.body[1]).toEqual({ data: { hello: 'world' } });
    } finally {
      await server.close();
    }
  });
});
