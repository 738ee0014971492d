import type { RisIngestStore } from '../ingest-port.ts';

/** A frame as the MLLP listener hands it over (mllp/mllp-listener.ts). */
export interface InboundFrame {
  payload: Buffer;
  /** Longer than the listener's maxFrameBytes: `payload` is only its head. */
  oversized: boolean;
  /** The frame's full length. @default payload.length */
  size?: number;
  remoteAddress: string;
  connectionId: number;
}

/**
 * The receive step: the raw bytes are journalled before anything is parsed. The ingest runs it
 * inside its group commit (ris-ingest.ts), so the journal row is durable in the same commit as the
 * message's outcome and before its ACK (ARCHITECTURE.md "data rules"). Throws when the store
 * cannot write: the caller then sends no ACK.
 */
export function receiveFrame(store: RisIngestStore, frame: InboundFrame, now: Date = new Date()): number {
  return store.journalReceived({
    receivedAt: now.toISOString(),
    remoteAddress: frame.remoteAddress,
    connectionId: frame.connectionId,
    raw: frame.payload,
    frameSize: frame.size ?? frame.payload.length,
  });
}
