import { describe, expect, it } from 'vitest';
import { readSseEvents } from '../../gateway/sse-events.ts';

async function* chunks(...parts: string[]) {
  for (const p of parts) yield new TextEncoder().encode(p);
}

async function all(parts: string[]) {
  const out = [];
  for await (const e of readSseEvents(chunks(...parts))) out.push(e);
  return out;
}

describe('readSseEvents (HTML §9.2.6)', () => {
  it('reads events split anywhere, skips comments, joins data lines', async () => {
    expect(await all([':\n\nevent: ne', 'xt\ndata: {"a":', '1}\n\r\nevent: next\r\ndata: x\r\ndata: y\r\n\r\n', 'event: complete\ndata:\n\n'])).toEqual([
      { event: 'next', data: '{"a":1}' },
      { event: 'next', data: 'x\ny' },
      { event: 'complete', data: '' },
    ]);
  });
  it('a CR at a chunk boundary followed by LF is one line end', async () => {
    expect(await all(['data: a\r', '\n\r\n'])).toEqual([{ event: 'message', data: 'a' }]);
  });
});
