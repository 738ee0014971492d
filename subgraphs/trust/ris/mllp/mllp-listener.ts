import net from 'node:net';
import tls from 'node:tls';
import { frameMllp } from './mllp-bytes.ts';
import { MllpFramer } from './mllp-framer.ts';
import { silentLogger, type MllpLogger } from './mllp-logger.ts';

/** A received frame, as the handler sees it. */
export interface MllpInboundFrame {
  /** The message bytes (undecoded: the handler decodes per MSH-18 with decodeHl7Bytes). */
  payload: Buffer;
  /** Longer than maxFrameBytes: `payload` is only the head; answer AR and journal it. */
  oversized: boolean;
  /** The frame's full length in bytes. */
  size: number;
  remoteAddress: string;
  /** Sequential id of the connection, for logs and per-connection state. */
  connectionId: number;
}

/**
 * Handles one message and returns its ACK bytes (the handler encodes them in the charset the
 * ACK's MSH-18 names), or null for "could not store it": the connection is then closed without an ACK, so the sender
 * resends (DOMAIN.md, MLLP: a reliable receiver never acknowledges what it has not stored).
 * Throwing is treated the same way.
 */
export type MllpHandler = (frame: MllpInboundFrame) => Promise<Buffer | null>;

export interface MllpListenerOptions {
  /** @default '127.0.0.1' */
  host?: string | undefined;
  /** 0 picks a free port. */
  port: number;
  /** @default 16 MiB */
  maxFrameBytes?: number | undefined;
  /** A connection with no traffic (and no message in hand) for this long is closed. @default 300000 */
  idleTimeoutMs?: number | undefined;
  handler: MllpHandler;
  logger?: MllpLogger | undefined;
  /**
   * Frames queued per connection before the socket is paused (backpressure for senders that
   * pipeline without waiting for ACKs). @default 32
   */
  maxQueuedFrames?: number | undefined;
  /**
   * How long close() waits for in-flight handlers before destroying the sockets anyway (a hung
   * store must not hang shutdown; the unacknowledged messages are resent). @default 30000
   */
  closeGraceMs?: number | undefined;
  /**
   * MLLP over TLS (IHE ITI TF-2 "Secure Transport" / the NHS's own guidance for HL7 over untrusted
   * networks): certificate and key, and with `ca` + `requestCert` the senders must present a
   * certificate signed by it (mutual TLS). @default plain TCP
   */
  tls?: tls.TlsOptions | undefined;
  /**
   * Whether a connection from this source address may deliver at all. A refused connection is
   * closed before a byte of it is read, so an address off the allow-list can neither fill the
   * journal nor make us buffer its frames. @default every address
   */
  acceptConnection?: ((remoteAddress: string) => boolean) | undefined;
  /** Connections open at once; more are closed on arrival (and logged). @default 64 */
  maxConnections?: number | undefined;
  /**
   * Bytes one connection may hold in memory in frames waiting for their turn; above it the
   * socket is paused (TCP backpressure) until the handler catches up. With `maxFrameBytes`
   * (the frame being read) it bounds a connection's memory. @default 32 MiB
   */
  maxConnectionBytes?: number | undefined;
}

export interface MllpListener {
  /** The bound port (useful with port 0). */
  readonly port: number;
  /**
   * Stops accepting, lets in-flight handlers finish (and ACK) for up to `closeGraceMs`, then
   * destroys the sockets. Frames not yet started are not handled (no ACK: they will be resent).
   */
  close(): Promise<void>;
  /** Open connections. */
  connections(): number;
  /**
   * Bytes held in memory for all connections (frames waiting for their turn plus the frames being
   * read), and how many connections are paused for backpressure: for health pages and tests.
   */
  buffered(): { bytes: number; pausedConnections: number };
}

interface Connection {
  socket: net.Socket;
  chain: Promise<void>;
  /** Bytes this connection holds: queued frames and the frame being read. */
  bytes(): number;
}

/**
 * MLLP listener (HL7 v2.5.1 Implementation Guide C.4, MLLP release 2). Messages of one connection
 * are handled strictly in order: each waits for the previous one's ACK (a per-connection promise
 * chain), because HL7 original-mode senders rely on sequence (ch. 2.9). Each ACK goes out framed
 * in one `socket.write`. Socket errors are logged, never thrown.
 */
export function startMllpListener(opts: MllpListenerOptions): Promise<MllpListener> {
  const log = opts.logger ?? silentLogger;
  const idleTimeoutMs = opts.idleTimeoutMs ?? 300_000;
  const maxQueued = opts.maxQueuedFrames ?? 32;
  const maxConnections = opts.maxConnections ?? 64;
  const maxConnectionBytes = opts.maxConnectionBytes ?? 32 * 1024 * 1024;
  const open = new Set<Connection>();
  /** TCP connections admitted (before any TLS handshake), for `maxConnections`. */
  let admitted = 0;
  let nextId = 0;
  let closing = false;

  /**
   * Runs on the raw TCP connection, before TLS and before any byte is read: refuses addresses
   * off the allow-list and connections over the limit by closing them at once.
   */
  const admit = (socket: net.Socket): void => {
    const remoteAddress = socket.remoteAddress ?? '';
    const refusal = opts.acceptConnection && !opts.acceptConnection(remoteAddress)
      ? 'source address not allowed'
      : admitted >= maxConnections
        ? `more than ${maxConnections} connections`
        : undefined;
    if (refusal) {
      log.warn({ remoteAddress, reason: refusal }, 'mllp connection refused before reading');
      socket.destroy();
      return;
    }
    admitted++;
    socket.once('close', () => admitted--);
  };

  const onConnection = (socket: net.Socket): void => {
    if (socket.destroyed) return; // refused by admit()
    const connectionId = ++nextId;
    const remoteAddress = socket.remoteAddress ?? '';
    const framer = new MllpFramer(opts.maxFrameBytes !== undefined ? { maxFrameBytes: opts.maxFrameBytes } : {});
    let queued = 0;
    let queuedBytes = 0;
    const conn: Connection = { socket, chain: Promise.resolve(), bytes: () => queuedBytes + Math.min(framer.pendingBytes, framer.maxFrameBytes) };
    let dropped = false;
    open.add(conn);
    log.debug({ connectionId, remoteAddress }, 'mllp connection opened');
    socket.setNoDelay(true);
    socket.setTimeout(idleTimeoutMs);

    /** Close without ACK: whatever is unacknowledged will be resent by the sender. */
    const drop = (): void => {
      if (dropped) return;
      dropped = true;
      // end() flushes the ACKs already written, then sends FIN; destroy if the peer never reads.
      socket.end(() => socket.destroy());
      setTimeout(() => socket.destroy(), 5_000).unref();
    };

    const handle = async (frame: { payload: Buffer; oversized: boolean; size: number }): Promise<void> => {
      if (dropped || closing || socket.destroyed) return;
      let reply: Buffer | string | null;
      try {
        reply = await opts.handler({ ...frame, remoteAddress, connectionId });
      } catch (err) {
        log.error({ connectionId, err: errorSummary(err) }, 'mllp handler failed; closing without ACK');
        reply = null;
      }
      if (reply === null) {
        log.warn({ connectionId }, 'message not stored; closing the connection without ACK so the sender resends');
        drop();
        return;
      }
      if (socket.destroyed || !socket.writable) {
        log.warn({ connectionId }, 'connection closed before its ACK could be sent');
        return;
      }
      socket.write(frameMllp(reply));
    };

    socket.on('data', (chunk: Buffer) => {
      if (dropped) return;
      for (const frame of framer.push(chunk)) {
        queued++;
        queuedBytes += frame.payload.length;
        if (queued >= maxQueued || queuedBytes > maxConnectionBytes) socket.pause();
        conn.chain = conn.chain
          .then(() => handle(frame))
          .finally(() => {
            queued--;
            queuedBytes -= frame.payload.length;
            if (queued < maxQueued && queuedBytes <= maxConnectionBytes && !dropped && !socket.destroyed) socket.resume();
          });
      }
    });
    socket.on('timeout', () => {
      if (queued > 0) return; // a message is in hand: the sender is waiting for us, not idle
      log.info({ connectionId }, 'mllp connection idle; closing');
      socket.destroy();
    });
    socket.on('error', (err) => {
      log.warn({ connectionId, err: errorSummary(err) }, 'mllp socket error');
    });
    socket.on('close', () => {
      open.delete(conn);
      log.debug({ connectionId, discardedBytes: framer.discardedBytes, truncatedFrame: framer.inFrame }, 'mllp connection closed');
    });
  };
  const server: net.Server = opts.tls ? tls.createServer(opts.tls, onConnection) : net.createServer(onConnection);
  // 'connection' is the raw TCP socket for both servers; prepended so it runs before onConnection.
  server.prependListener('connection', admit);
  // A failed handshake (wrong CA, no client certificate, plain TCP to a TLS port) ends that socket only.
  server.on('tlsClientError', (err: Error) => log.warn({ err: errorSummary(err) }, 'mllp TLS handshake refused'));
  server.on('error', (err) => log.error({ err: errorSummary(err) }, 'mllp server error'));

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address() as net.AddressInfo;
      log.info({ port: address.port }, 'mllp listener started');
      resolve({
        port: address.port,
        connections: () => open.size,
        buffered: () => {
          let bytes = 0;
          let pausedConnections = 0;
          for (const c of open) {
            bytes += c.bytes();
            if (c.socket.isPaused()) pausedConnections++;
          }
          return { bytes, pausedConnections };
        },
        close: async () => {
          closing = true;
          const stopped = new Promise<void>((done) => server.close(() => done()));
          let grace: NodeJS.Timeout | undefined;
          const timedOut = new Promise<void>((done) => {
            grace = setTimeout(done, opts.closeGraceMs ?? 30_000);
          });
          await Promise.race([Promise.allSettled([...open].map((c) => c.chain)), timedOut]);
          clearTimeout(grace);
          for (const c of open) c.socket.destroy();
          await stopped;
        },
      });
    });
  });
}

/** Error text for logs: name and message only (no payloads, which may hold patient data). */
function errorSummary(err: unknown): { name: string; message: string; code?: string } {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code ? { name: err.name, message: err.message, code } : { name: err.name, message: err.message };
  }
  return { name: 'unknown', message: String(err) };
}
