import net from 'node:net';
import tls from 'node:tls';
import { decodeHl7Bytes, encodeHl7Text } from '../hl7/charset.ts';
import { frameMllp } from './mllp-bytes.ts';
import { MllpFramer } from './mllp-framer.ts';

export interface MllpClientOptions {
  /** Longest wait for a connection or for one ACK. @default 30000 */
  timeoutMs?: number;
  /** Largest ACK accepted. @default 16 MiB */
  maxFrameBytes?: number;
  /** Connect over TLS with these options (`ca` to trust a private CA; `cert`/`key` for mutual TLS). */
  tls?: tls.ConnectionOptions;
}

interface Waiter {
  /** The connection the message went out on: only its ACK or its close settles the wait. */
  socket: net.Socket;
  resolve(ack: string): void;
  reject(err: Error): void;
}

/**
 * MLLP sender (HL7 v2.5.1 Implementation Guide C.4): one message outstanding at a time, the
 * next waiting for the previous one's ACK (original-mode sequencing, ch. 2.9), so `send` can be
 * called concurrently and messages still go in call order. Connects on first use and again after
 * the connection is lost. A message whose ACK never came (timeout, connection closed) rejects;
 * the caller resends it, as MLLP senders must.
 */
export class MllpClient {
  readonly host: string;
  readonly port: number;
  readonly #timeoutMs: number;
  readonly #maxFrameBytes: number;
  readonly #tls: tls.ConnectionOptions | undefined;
  #socket: net.Socket | undefined;
  #connecting: Promise<void> | undefined;
  #framer = new MllpFramer();
  #waiter: Waiter | undefined;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(host: string, port: number, opts: MllpClientOptions = {}) {
    this.host = host;
    this.port = port;
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
    this.#maxFrameBytes = opts.maxFrameBytes ?? 16 * 1024 * 1024;
    this.#tls = opts.tls;
  }

  /** Opens the connection (a no-op when open). */
  connect(): Promise<void> {
    if (this.#socket && !this.#socket.destroyed && !this.#connecting) return Promise.resolve();
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  /**
   * Sends one message and resolves with its ACK text (decoded per the ACK's MSH-18). A string is
   * encoded in the charset its own MSH-18 names; a Buffer is sent as is.
   */
  send(message: string | Buffer): Promise<string> {
    const bytes = typeof message === 'string' ? encodeHl7Text(message) : message;
    const result = this.#tail.then(() => this.#exchange(bytes));
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Closes the connection; a message still waiting for its ACK rejects. */
  async close(): Promise<void> {
    const socket = this.#socket;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((done) => {
      socket.once('close', () => done());
      socket.end();
      setTimeout(() => socket.destroy(), 1_000).unref();
    });
  }

  async #exchange(bytes: Buffer): Promise<string> {
    await this.connect();
    const socket = this.#socket!;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        // A late ACK would be taken for the next message's: drop the connection instead.
        socket.destroy();
        reject(new Error(`no ACK from ${this.host}:${this.port} within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      this.#waiter = {
        socket,
        resolve: (ack) => {
          clearTimeout(timer);
          resolve(ack);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      socket.write(frameMllp(bytes));
    });
  }

  #open(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const secure = this.#tls;
      const socket = secure ? tls.connect({ host: this.host, port: this.port, ...(net.isIP(this.host) ? {} : { servername: this.host }), ...secure }) : net.connect({ host: this.host, port: this.port });
      this.#framer = new MllpFramer({ maxFrameBytes: this.#maxFrameBytes });
      const timer = setTimeout(() => {
        socket.destroy(new Error(`could not connect to ${this.host}:${this.port} within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      socket.setNoDelay(true);
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        this.#socket = socket;
        resolve();
      });
      socket.on('data', (chunk: Buffer) => {
        for (const frame of this.#framer.push(chunk)) {
          const waiter = this.#waiter;
          // An ACK nobody waits for (e.g. after a timeout) is dropped, never given to another message.
          if (waiter?.socket !== socket) continue;
          this.#waiter = undefined;
          waiter.resolve(decodeHl7Bytes(frame.payload));
        }
      });
      let failure: Error | undefined;
      socket.on('error', (err) => {
        failure = err;
        clearTimeout(timer);
        reject(err);
      });
      socket.on('close', () => {
        if (this.#socket === socket) this.#socket = undefined;
        const waiter = this.#waiter;
        if (waiter?.socket !== socket) return;
        this.#waiter = undefined;
        waiter.reject(new Error(`connection to ${this.host}:${this.port} closed before the ACK${failure ? `: ${failure.message}` : ''}`));
      });
    });
  }
}
