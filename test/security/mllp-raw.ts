import net from 'node:net';
import { frameMllp } from '../../subgraphs/trust/ris/mllp/mllp-bytes.ts';
import { MllpFramer } from '../../subgraphs/trust/ris/mllp/mllp-framer.ts';

/**
 * A raw MLLP sender over real TCP that can choose its source address (any 127.0.0.0/8 address
 * is this machine's loopback on Linux), to play a RIS and an attacker on the same network.
 */
export interface RawMllp {
  /** Sends one frame; the ACK text, or null when the listener closed without answering. */
  send(text: string | Buffer): Promise<string | null>;
  /** True once the listener has closed the connection. */
  readonly closed: boolean;
  close(): void;
}

export async function connectMllp(port: number, localAddress = '127.0.0.1'): Promise<RawMllp> {
  const socket = net.connect({ host: '127.0.0.1', port, localAddress });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const framer = new MllpFramer();
  const acks: string[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    for (const f of framer.push(chunk)) acks.push(f.payload.toString('utf8'));
    wake?.();
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    closed = true;
    wake?.();
  });
  return {
    get closed() {
      return closed;
    },
    async send(text) {
      if (!closed) socket.write(frameMllp(typeof text === 'string' ? Buffer.from(text, 'utf8') : text));
      while (acks.length === 0 && !closed) await new Promise<void>((r) => (wake = r));
      return acks.shift() ?? null;
    },
    close: () => socket.destroy(),
  };
}
