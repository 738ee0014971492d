/**
 * MLLP listener and client over real loopback TCP. Real peers: @medplum/hl7's Hl7Client (an
 * independent MLLP implementation) and raw `net` sockets that write exactly the bytes under test.
 * Both run in this process, so there is nothing to skip.
 */
import net from 'node:net';
import { Hl7Message as MedplumMessage } from '@medplum/core';
import { Hl7Client } from '@medplum/hl7';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAck, buildAckForUnparseable, decodeHl7Bytes, encodeHl7Text, Hl7Message } from '../../subgraphs/trust/ris/hl7/index.ts';
import { frameMllp } from '../../subgraphs/trust/ris/mllp/mllp-bytes.ts';
import { MllpClient } from '../../subgraphs/trust/ris/mllp/mllp-client.ts';
import { MllpFramer } from '../../subgraphs/trust/ris/mllp/mllp-framer.ts';
import { startMllpListener, type MllpHandler, type MllpInboundFrame, type MllpListener } from '../../subgraphs/trust/ris/mllp/mllp-listener.ts';
import type { MllpLogger } from '../../subgraphs/trust/ris/mllp/mllp-logger.ts';

const msg = (id: string, extra = ''): string =>
  `MSH|^~\\&|CRIS|RH8|IMGNET|RH8|20260301120000||ADT^A08^ADT_A01|${id}|P|2.5.1\rPID|1||9990000018^^^NHS^NH||SMITH^ALICE${extra}\r`;

/** Answers AA to every message (AR to oversized or unreadable ones) and records what it saw. */
function ackingHandler(seen: MllpInboundFrame[] = []): MllpHandler {
  return async (frame) => {
    seen.push(frame);
    const text = decodeHl7Bytes(frame.payload);
    if (frame.oversized) return encodeHl7Text(buildAckForUnparseable(text, { code: 'AR', controlId: `ACK-${seen.length}`, errors: [{ code: 207, severity: 'E', text: 'message too large' }] }));
    return encodeHl7Text(buildAck(Hl7Message.parse(text), { code: 'AA', controlId: `ACK-${seen.length}` }));
  };
}

function recordingLogger(): MllpLogger & { lines: string[] } {
  const lines: string[] = [];
  const rec = (level: string) => (_obj: object, m?: string) => void lines.push(`${level} ${m ?? ''}`);
  return { lines, debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') };
}

/** Polls a condition the test cannot await directly (no timing is asserted: it waits as long as it takes). */
async function eventually(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

const listeners: MllpListener[] = [];
async function listen(handler: MllpHandler, extra: Partial<Parameters<typeof startMllpListener>[0]> = {}): Promise<MllpListener> {
  const l = await startMllpListener({ port: 0, handler, ...extra });
  listeners.push(l);
  return l;
}
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((l) => l.close()));
});

/** A raw socket that collects the ACK frames it receives and notices when the server closes it. */
async function rawConnection(port: number) {
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.setNoDelay(true);
  const framer = new MllpFramer();
  const acks: string[] = [];
  let waiters: Array<() => void> = [];
  const wake = (): void => {
    const w = waiters;
    waiters = [];
    w.forEach((f) => f());
  };
  let closed = false;
  socket.on('data', (chunk: Buffer) => {
    for (const f of framer.push(chunk)) acks.push(f.payload.toString('utf8'));
    wake();
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    closed = true;
    wake();
  });
  const until = async (cond: () => boolean): Promise<void> => {
    while (!cond()) await new Promise<void>((r) => waiters.push(r));
  };
  return {
    socket,
    acks,
    write: (b: Buffer) => new Promise<void>((r) => socket.write(b, () => r())),
    /** Waits until n ACKs arrived (or the server closed the connection). */
    acksUntil: async (n: number) => {
      await until(() => acks.length >= n || closed);
      return acks.map((a) => Hl7Message.parse(a));
    },
    closed: async () => {
      await until(() => closed);
    },
    isClosed: () => closed,
  };
}

describe('MLLP listener over TCP', () => {
  it('answers @medplum/hl7 Hl7Client (an independent MLLP client)', async () => {
    const seen: MllpInboundFrame[] = [];
    const l = await listen(ackingHandler(seen));
    const client = new Hl7Client({ host: '127.0.0.1', port: l.port });
    try {
      const ack = await client.sendAndWait(MedplumMessage.parse(msg('MP-1')));
      expect(ack.getSegment('MSA')!.getField(1).toString()).toBe('AA');
      expect(ack.getSegment('MSA')!.getField(2).toString()).toBe('MP-1');
      expect(ack.getSegment('MSH')!.getField(9).toString()).toBe('ACK^A08^ACK');
    } finally {
      await client.close();
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]!.oversized).toBe(false);
    expect(seen[0]!.remoteAddress).toContain('127.0.0.1');
    expect(Hl7Message.parse(seen[0]!.payload.toString()).controlId).toBe('MP-1');
  });

  it('reads a frame written one byte at a time', async () => {
    const l = await listen(ackingHandler());
    const c = await rawConnection(l.port);
    for (const b of frameMllp(Buffer.from(msg('BYTE-1')))) await c.write(Buffer.from([b]));
    const [ack] = await c.acksUntil(1);
    expect(ack!.get('MSA-2')).toBe('BYTE-1');
    c.socket.destroy();
  });

  it('handles pipelined frames strictly in order, one at a time, with ACKs in order', async () => {
    let active = 0;
    let overlap = false;
    const order: string[] = [];
    const inner = ackingHandler();
    const l = await listen(async (frame) => {
      active++;
      if (active > 1) overlap = true;
      const id = Hl7Message.parse(frame.payload.toString()).controlId;
      // the first message is the slowest: a concurrent listener would answer out of order
      await new Promise((r) => setTimeout(r, id === 'P-1' ? 30 : 1));
      order.push(id);
      active--;
      return inner(frame);
    });
    const c = await rawConnection(l.port);
    await c.write(Buffer.concat(['P-1', 'P-2', 'P-3'].map((id) => frameMllp(Buffer.from(msg(id))))));
    const acks = await c.acksUntil(3);
    expect(acks.map((a) => a.get('MSA-2'))).toEqual(['P-1', 'P-2', 'P-3']);
    expect(order).toEqual(['P-1', 'P-2', 'P-3']);
    expect(overlap).toBe(false);
    c.socket.destroy();
  });

  it('ignores garbage before the start block', async () => {
    const l = await listen(ackingHandler());
    const c = await rawConnection(l.port);
    await c.write(Buffer.concat([Buffer.from('\r\n\x00garbage\x1c\r'), frameMllp(Buffer.from(msg('G-1')))]));
    const [ack] = await c.acksUntil(1);
    expect(ack!.get('MSA-1')).toBe('AA');
    expect(ack!.get('MSA-2')).toBe('G-1');
    c.socket.destroy();
  });

  it('hands an oversized frame to the handler marked oversized, and goes on with the next', async () => {
    const seen: MllpInboundFrame[] = [];
    const l = await listen(ackingHandler(seen), { maxFrameBytes: 300 });
    const c = await rawConnection(l.port);
    const big = msg('BIG-1', 'X'.repeat(5000));
    await c.write(Buffer.concat([frameMllp(Buffer.from(big)), frameMllp(Buffer.from(msg('SMALL-1')))]));
    const acks = await c.acksUntil(2);
    expect(seen.map((f) => f.oversized)).toEqual([true, false]);
    expect(seen[0]!.size).toBe(Buffer.byteLength(big));
    expect(seen[0]!.payload.length).toBe(300);
    expect(acks[0]!.get('MSA-1')).toBe('AR');
    expect(acks[0]!.get('MSA-2')).toBe('BIG-1');
    expect(acks[1]!.get('MSA-1')).toBe('AA');
    c.socket.destroy();
  });

  it('closes the connection without ACK when the handler returns null or throws', async () => {
    for (const failing of [async () => null, async () => Promise.reject(new Error('disk full'))] as MllpHandler[]) {
      const log = recordingLogger();
      const l = await listen(failing, { logger: log });
      const c = await rawConnection(l.port);
      await c.write(Buffer.concat([frameMllp(Buffer.from(msg('N-1'))), frameMllp(Buffer.from(msg('N-2')))]));
      await c.closed();
      expect(c.acks).toEqual([]);
      expect(log.lines.some((line) => line.startsWith('warn message not stored'))).toBe(true);
    }
  });

  it('survives a client that disconnects before its ACK', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const inHandler = new Promise<void>((r) => (reached = r));
    const log = recordingLogger();
    const inner = ackingHandler();
    const l = await listen(
      async (frame) => {
        if (frame.connectionId === 1) {
          reached();
          await gate;
        }
        return inner(frame);
      },
      { logger: log },
    );
    const c = await rawConnection(l.port);
    await c.write(frameMllp(Buffer.from(msg('GONE-1'))));
    await inHandler;
    c.socket.destroy();
    await eventually(() => l.connections() === 0);
    release();
    await eventually(() => log.lines.includes('warn connection closed before its ACK could be sent'));
    // the listener still serves others
    const c2 = await rawConnection(l.port);
    await c2.write(frameMllp(Buffer.from(msg('NEXT-1'))));
    expect((await c2.acksUntil(1))[0]!.get('MSA-2')).toBe('NEXT-1');
    c2.socket.destroy();
  });

  it('serves 20 concurrent connections, each in order', async () => {
    const l = await listen(ackingHandler());
    const conns = await Promise.all(Array.from({ length: 20 }, () => rawConnection(l.port)));
    await Promise.all(conns.map((c, i) => c.write(Buffer.concat([1, 2, 3].map((n) => frameMllp(Buffer.from(msg(`C${i}-${n}`))))))));
    const all = await Promise.all(conns.map((c) => c.acksUntil(3)));
    all.forEach((acks, i) => expect(acks.map((a) => a.get('MSA-2'))).toEqual([`C${i}-1`, `C${i}-2`, `C${i}-3`]));
    // every connection has been served, so the server has seen all 20 and none has closed
    expect(l.connections()).toBe(20);
    conns.forEach((c) => c.socket.destroy());
  });

  it('closes idle connections', async () => {
    const l = await listen(ackingHandler(), { idleTimeoutMs: 50 });
    const c = await rawConnection(l.port);
    await c.closed();
    expect(c.isClosed()).toBe(true);
  });

  it('close() lets an in-flight handler finish and send its ACK, then drops the connections', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const inHandler = new Promise<void>((r) => (reached = r));
    const inner = ackingHandler();
    const l = await startMllpListener({
      port: 0,
      handler: async (frame) => {
        reached();
        await gate;
        return inner(frame);
      },
    });
    const c = await rawConnection(l.port);
    await c.write(frameMllp(Buffer.from(msg('LAST-1'))));
    await inHandler;
    const closing = l.close();
    release();
    await closing;
    const acks = await c.acksUntil(1);
    expect(acks[0]!.get('MSA-2')).toBe('LAST-1');
    await c.closed();
    expect(l.connections()).toBe(0);
    await expect(rawConnection(l.port)).rejects.toThrow();
  });
});

describe('MllpClient against the listener', () => {
  it('sends in call order, one outstanding at a time', async () => {
    const l = await listen(ackingHandler());
    const client = new MllpClient('127.0.0.1', l.port, { timeoutMs: 5000 });
    try {
      const acks = await Promise.all(['K-1', 'K-2', 'K-3'].map((id) => client.send(msg(id))));
      expect(acks.map((a) => Hl7Message.parse(a).get('MSA-2'))).toEqual(['K-1', 'K-2', 'K-3']);
      const fromBuffer = await client.send(Buffer.from(msg('K-4'), 'latin1'));
      expect(Hl7Message.parse(fromBuffer).get('MSA-2')).toBe('K-4');
    } finally {
      await client.close();
    }
  });

  it('rejects a message the receiver did not ACK, and reconnects for the next', async () => {
    let calls = 0;
    const inner = ackingHandler();
    const l = await listen(async (frame) => (++calls === 1 ? null : inner(frame)));
    const client = new MllpClient('127.0.0.1', l.port, { timeoutMs: 5000 });
    try {
      await expect(client.send(msg('R-1'))).rejects.toThrow(/closed before the ACK/);
      expect(Hl7Message.parse(await client.send(msg('R-1'))).get('MSA-2')).toBe('R-1');
    } finally {
      await client.close();
    }
  });

  it('times out when no ACK comes, and fails to connect to a closed port', async () => {
    const l = await listen(() => new Promise(() => {}), { closeGraceMs: 50 });
    const client = new MllpClient('127.0.0.1', l.port, { timeoutMs: 100 });
    await expect(client.send(msg('T-1'))).rejects.toThrow(/no ACK/);
    await client.close();
    const probe = net.createServer();
    const freePort = await new Promise<number>((r) => probe.listen(0, '127.0.0.1', () => r((probe.address() as net.AddressInfo).port)));
    await new Promise((r) => probe.close(r));
    await expect(new MllpClient('127.0.0.1', freePort, { timeoutMs: 1000 }).send(msg('T-2'))).rejects.toThrow();
  });
});
