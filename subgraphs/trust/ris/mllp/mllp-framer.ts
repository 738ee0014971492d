import { MLLP_CR, MLLP_END, MLLP_START } from './mllp-bytes.ts';

/** One decoded frame. */
export interface MllpFrame {
  /** The message bytes; for an oversized frame only its first `oversizedKeepBytes`. */
  payload: Buffer;
  /** The frame was longer than `maxFrameBytes`; `payload` is its head, the rest was discarded. */
  oversized: boolean;
  /** The frame's full length in bytes (payload plus anything discarded). */
  size: number;
}

export interface MllpFramerOptions {
  /** Largest frame payload accepted whole. @default 16 MiB */
  maxFrameBytes?: number;
  /**
   * Bytes of an oversized frame kept (enough for MSH, so it can be ACKed AR and journalled).
   * @default min(64 KiB, maxFrameBytes)
   */
  oversizedKeepBytes?: number;
}

type State = 'idle' | 'frame' | 'end';

/**
 * Incremental, pure MLLP release 2 frame decoder (HL7 v2.5.1 Implementation Guide C.4.2). Feed it
 * whatever the socket delivers; it returns the frames completed so far. It handles:
 *  - frames split across reads at any byte, and several frames in one read;
 *  - bytes outside a frame (before `<SB>`): discarded and counted in `discardedBytes`;
 *  - a frame longer than `maxFrameBytes`: reported oversized with its head only; the rest is
 *    dropped as it arrives, so memory stays bounded whatever the sender does;
 *  - `<EB>` not followed by `<CR>`: the frame ends at `<EB>` (0x1C never occurs in HL7 text,
 *    ch. 2.7 requires it escaped), and the next byte is read as outside any frame;
 *  - `<SB>` inside a frame: the sender abandoned that frame and started again; the partial
 *    frame is discarded (counted in `discardedBytes` and `abandonedFrames`).
 * Payload chunks are kept as a list and concatenated once per frame (no quadratic copying).
 */
export class MllpFramer {
  readonly maxFrameBytes: number;
  readonly oversizedKeepBytes: number;
  /** Bytes seen outside frames or in abandoned frames. */
  discardedBytes = 0;
  /** Frames restarted by an `<SB>` before their `<EB>`. */
  abandonedFrames = 0;

  #state: State = 'idle';
  #chunks: Buffer[] = [];
  #kept = 0;
  #size = 0;

  constructor(opts: MllpFramerOptions = {}) {
    this.maxFrameBytes = opts.maxFrameBytes ?? 16 * 1024 * 1024;
    this.oversizedKeepBytes = Math.min(opts.oversizedKeepBytes ?? 64 * 1024, this.maxFrameBytes);
  }

  /** Bytes of the frame in progress (0 between frames). */
  get pendingBytes(): number {
    return this.#size;
  }

  /** True while a frame has started and not ended (e.g. to tell a truncated frame at close). */
  get inFrame(): boolean {
    return this.#state !== 'idle';
  }

  /** Feeds one chunk; returns the frames it completed, in order. */
  push(chunk: Buffer): MllpFrame[] {
    const frames: MllpFrame[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.#state === 'idle') {
        const sb = chunk.indexOf(MLLP_START, i);
        if (sb === -1) {
          this.discardedBytes += chunk.length - i;
          return frames;
        }
        this.discardedBytes += sb - i;
        this.#startFrame();
        i = sb + 1;
      } else if (this.#state === 'end') {
        this.#state = 'idle';
        // <EB><CR> closes the frame; a lone <EB> closed it too, and this byte is outside it.
        if (chunk[i] === MLLP_CR) i++;
      } else {
        const stop = firstOf(chunk, i);
        const end = stop === -1 ? chunk.length : stop;
        this.#append(chunk.subarray(i, end));
        if (stop === -1) return frames;
        if (chunk[stop] === MLLP_START) {
          this.discardedBytes += this.#size;
          this.abandonedFrames++;
          this.#startFrame();
        } else {
          frames.push(this.#finishFrame());
          this.#state = 'end';
        }
        i = stop + 1;
      }
    }
    return frames;
  }

  #startFrame(): void {
    this.#state = 'frame';
    this.#chunks = [];
    this.#kept = 0;
    this.#size = 0;
  }

  #append(part: Buffer): void {
    if (part.length === 0) return;
    this.#size += part.length;
    const cap = this.#size > this.maxFrameBytes ? this.oversizedKeepBytes : this.maxFrameBytes;
    if (this.#kept > cap) this.#trimTo(cap);
    const room = cap - this.#kept;
    if (room <= 0) return;
    const take = part.length <= room ? part : part.subarray(0, room);
    this.#chunks.push(take);
    this.#kept += take.length;
  }

  /** Once a frame is known to be oversized, keep only its head (frees the rest now). */
  #trimTo(bytes: number): void {
    const head = Buffer.from(Buffer.concat(this.#chunks, this.#kept).subarray(0, bytes));
    this.#chunks = [head];
    this.#kept = head.length;
  }

  #finishFrame(): MllpFrame {
    const oversized = this.#size > this.maxFrameBytes;
    const [only] = this.#chunks;
    const payload = only && this.#chunks.length === 1 ? Buffer.from(only) : Buffer.concat(this.#chunks, this.#kept);
    const frame = { payload, oversized, size: this.#size };
    this.#chunks = [];
    this.#kept = 0;
    this.#size = 0;
    return frame;
  }
}

/** Index of the first `<EB>` or `<SB>` at or after `from`, or -1. */
function firstOf(buf: Buffer, from: number): number {
  const eb = buf.indexOf(MLLP_END, from);
  const sbLimit = eb === -1 ? buf.length : eb;
  const sb = buf.subarray(from, sbLimit).indexOf(MLLP_START);
  return sb === -1 ? eb : from + sb;
}
