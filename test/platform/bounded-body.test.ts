import { describe, expect, it } from 'vitest';
import { readBoundedBody } from '../../platform/bounded-body.ts';

/** A request whose body arrives in `chunks` (no content-length: as a chunked upload). */
function chunked(chunks: string[]): Request {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled < chunks.length) controller.enqueue(new TextEncoder().encode(chunks[pulled++]!));
      else controller.close();
    },
  });
  return Object.assign(new Request('http://localhost/graphql', { method: 'POST', body, duplex: 'half' } as RequestInit), { pulled: () => pulled });
}

describe('readBoundedBody', () => {
  it('returns the whole body when it fits, exactly at the limit included', async () => {
    // '{"query":"{ a }"}' is 17 bytes.
    expect((await readBoundedBody(chunked(['{"query":', '"{ a }"}']), 17))?.toString('utf8')).toBe('{"query":"{ a }"}');
    expect(await readBoundedBody(chunked(['{"query":', '"{ a }"}']), 16)).toBeUndefined();
    expect((await readBoundedBody(chunked(['12345', '67890']), 10))?.toString('utf8')).toBe('1234567890');
  });

  it('stops reading as soon as the limit is passed (later chunks are never pulled)', async () => {
    const req = chunked(['12345', '67890', 'x'.repeat(1000), 'never']) as Request & { pulled(): number };
    expect(await readBoundedBody(req, 9)).toBeUndefined();
    expect(req.pulled()).toBeLessThanOrEqual(3);
  });

  it('an empty or absent body is empty', async () => {
    expect((await readBoundedBody(new Request('http://localhost/'), 10))?.length).toBe(0);
  });
});
