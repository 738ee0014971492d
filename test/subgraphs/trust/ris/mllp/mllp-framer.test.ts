import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameMllp } from '../../../../../subgraphs/trust/ris/mllp/mllp-bytes.ts';
import { MllpFramer, type MllpFrame } from '../../../../../subgraphs/trust/ris/mllp/mllp-framer.ts';

const SB = 0x0b;
const EB = 0x1c;
const CR = 0x0d;

const frame = (text: string): Buffer => frameMllp(Buffer.from(text, 'latin1'));
const texts = (frames: MllpFrame[]): string[] => frames.map((f) => f.payload.toString('latin1'));

/** Cuts `buf` at the given (sorted, deduplicated) offsets. */
function cut(buf: Buffer, points: number[]): Buffer[] {
  const at = [...new Set(points.map((p) => p % (buf.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let prev = 0;
  for (const p of at) {
    parts.push(buf.subarray(prev, p));
    prev = p;
  }
  parts.push(buf.subarray(prev));
  return parts;
}

describe('MllpFramer (MLLP release 2: <SB> message <EB><CR>)', () => {
  it('decodes several frames in one read, and frames split byte by byte', () => {
    const wire = Buffer.concat([frame('MSH|one'), frame('MSH|two'), frame('MSH|three')]);
    expect(texts(new MllpFramer().push(wire))).toEqual(['MSH|one', 'MSH|two', 'MSH|three']);
    const framer = new MllpFramer();
    const out: MllpFrame[] = [];
    for (const byte of wire) out.push(...framer.push(Buffer.from([byte])));
    expect(texts(out)).toEqual(['MSH|one', 'MSH|two', 'MSH|three']);
    expect(framer.discardedBytes).toBe(0);
    expect(framer.inFrame).toBe(false);
  });

  it('discards and counts bytes before <SB>', () => {
    const framer = new MllpFramer();
    expect(texts(framer.push(Buffer.concat([Buffer.from('GET / HTTP/1.1\r\n'), frame('MSH|a')])))).toEqual(['MSH|a']);
    expect(framer.discardedBytes).toBe(16);
  });

  it('ends a frame at <EB> not followed by <CR>, and reads the next byte outside it', () => {
    const framer = new MllpFramer();
    const wire = Buffer.from([SB, 0x41, EB, 0x58, SB, 0x42, EB, CR]);
    expect(texts(framer.push(wire))).toEqual(['A', 'B']);
    expect(framer.discardedBytes).toBe(1);
    // the same with the <EB> at the end of a read
    const split = new MllpFramer();
    expect(texts(split.push(Buffer.from([SB, 0x41, EB])))).toEqual(['A']);
    expect(texts(split.push(Buffer.from([SB, 0x42, EB, CR])))).toEqual(['B']);
    expect(split.discardedBytes).toBe(0);
  });

  it('restarts on <SB> inside a frame (the sender abandoned the partial one)', () => {
    const framer = new MllpFramer();
    expect(texts(framer.push(Buffer.concat([Buffer.from([SB]), Buffer.from('MSH|partial'), frame('MSH|whole')])))).toEqual(['MSH|whole']);
    expect(framer.abandonedFrames).toBe(1);
    expect(framer.discardedBytes).toBe('MSH|partial'.length);
  });

  it('reports a frame over maxFrameBytes as oversized, keeping only its head, then carries on', () => {
    const framer = new MllpFramer({ maxFrameBytes: 100, oversizedKeepBytes: 20 });
    const big = 'MSH|^~\\&|' + 'x'.repeat(500);
    const wire = Buffer.concat([frame(big), frame('MSH|small')]);
    const out = cut(wire, [7, 50, 130, 131, 400]).flatMap((c) => framer.push(c));
    expect(out).toHaveLength(2);
    expect(out[0]!.oversized).toBe(true);
    expect(out[0]!.size).toBe(big.length);
    expect(out[0]!.payload.toString('latin1')).toBe(big.slice(0, 20));
    expect(out[1]).toEqual({ payload: Buffer.from('MSH|small'), oversized: false, size: 9 });
    // exactly at the limit is not oversized
    const exact = new MllpFramer({ maxFrameBytes: 9 });
    expect(exact.push(frame('MSH|small'))[0]!.oversized).toBe(false);
  });

  it('never holds more than maxFrameBytes of a frame that never ends', () => {
    const framer = new MllpFramer({ maxFrameBytes: 1024, oversizedKeepBytes: 100 });
    framer.push(Buffer.from([SB]));
    const chunk = Buffer.alloc(4096, 0x41);
    for (let i = 0; i < 64; i++) framer.push(chunk);
    expect(framer.pendingBytes).toBe(64 * 4096);
    const [f] = framer.push(Buffer.from([EB, CR]));
    expect(f!.oversized).toBe(true);
    expect(f!.payload.length).toBe(100);
  });

  it('reassembles a 6 MB payload delivered in 64 KiB reads', () => {
    const payload = Buffer.alloc(6 * 1024 * 1024, 0x61);
    payload.write('MSH|^~\\&|big', 0, 'latin1');
    const wire = frameMllp(payload);
    const framer = new MllpFramer();
    const out: MllpFrame[] = [];
    for (let i = 0; i < wire.length; i += 65536) out.push(...framer.push(wire.subarray(i, i + 65536)));
    expect(out).toHaveLength(1);
    expect(out[0]!.oversized).toBe(false);
    expect(out[0]!.payload.equals(payload)).toBe(true);
  });

  it('property: random messages, garbage prefixes and split points give the same frames', () => {
    // Message bytes exclude only <SB> and <EB>, which HL7 text never holds (ch. 2.7 escapes them).
    const messageBytes = fc.uint8Array({ minLength: 0, maxLength: 300 }).map((a) => Buffer.from(a.filter((b) => b !== SB && b !== EB)));
    // Garbage between frames: anything but <SB> (which would start a frame).
    const garbage = fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a.filter((b) => b !== SB)));
    fc.assert(
      fc.property(fc.array(fc.tuple(garbage, messageBytes), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 30 }), (items, points) => {
        const wire = Buffer.concat(items.flatMap(([g, m]) => [g, frameMllp(m)]));
        const framer = new MllpFramer();
        const out = cut(wire, points).flatMap((c) => framer.push(c));
        expect(out.map((f) => f.payload.toString('hex'))).toEqual(items.map(([, m]) => m.toString('hex')));
        expect(out.every((f) => !f.oversized)).toBe(true);
        expect(framer.inFrame).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
