import type { TrustReadModel } from './read-model.ts';
import type { TrustWriter } from './write-model.ts';
import type { PacsIndexPort } from '../pacs/pacs-index-port.ts';
import type { DueAtRule, ReportingStore } from './reporting-model.ts';

/** A message received from the RIS, before anything else is known about it. */
export interface ReceivedMessage {
  /** ISO 8601 with offset. */
  receivedAt: string;
  remoteAddress: string | null;
  connectionId: number | null;
  /** The bytes as they came off the wire (charset decoding happens later, and again on replay). */
  raw: Buffer;
  /** The frame's full size when `raw` is only its head (an oversized frame). @default raw.length */
  frameSize?: number;
}

export type FailedStatus = 'FAILED' | 'REPLAYED';

/** A message kept because it could not be applied, for an operator to see and replay. */
export interface FailedMessage {
  id: number;
  journalId: number;
  receivedAt: string;
  failedAt: string;
  remoteAddress: string | null;
  /** `MSH-3/MSH-4` (sending application and facility), when the message could be parsed. */
  sender: string | null;
  controlId: string | null;
  messageType: string | null;
  ackCode: string;
  errCode: number;
  reason: string;
  location: string | null;
  status: FailedStatus;
  /** Replay attempts so far. */
  attempts: number;
  replayedAt: string | null;
}

export interface FailedMessageWithRaw extends FailedMessage {
  raw: Buffer;
  /** Only the head of an oversized frame was kept: it cannot be replayed. */
  truncated: boolean;
}

/** Row counts, for health pages and tests. */
export interface StoreCounts {
  journal: number;
  acks: number;
  failed: number;
  patients: number;
  orders: number;
  reports: number;
  outbox: number;
}

/**
 * The trust's durable store: the read model resolvers use, plus the journal and the transactional
 * writer the RIS ingest uses. Errors of the storage itself (disk full, locked, I/O) are thrown as
 * `StoreFailure`, so callers can tell "could not store" (no ACK: the sender resends) from a bad
 * message.
 */
export interface TrustStore extends TrustReadModel, PacsIndexPort {
  readonly path: string;
  /**
   * Writes the raw message to the journal and returns its id. On its own it commits (durably);
   * inside `commitGroup` it is part of the group's one commit (see there for why that is enough).
   */
  journalReceived(message: ReceivedMessage): number;
  /**
   * Runs `work` in one transaction (all or nothing); commits durably before returning. Inside
   * `commitGroup` it is a savepoint: all or nothing on its own, durable with the group.
   */
  transaction<T>(work: (writer: TrustWriter) => T): T;
  /**
   * Group commit: runs `work` in ONE durable transaction (one fsync), in which `journalReceived`
   * and `transaction` calls nest (savepoints). Lets the ingest commit the messages of several
   * connections that arrived in the same turn of the event loop at the cost of one fsync. A
   * storage failure anywhere rolls the whole group back (StoreFailure): nothing of it was ACKed.
   */
  commitGroup<T>(work: () => T): T;
  /** Kept messages, newest first; by default only those still failing. */
  listFailed(opts?: { includeReplayed?: boolean }): FailedMessage[];
  /** Still-failing kept messages with their raw bytes, oldest first (all, or these ids). */
  failedForReplay(ids?: readonly number[]): FailedMessageWithRaw[];
  counts(): StoreCounts;
  /** Rebuilds every study-index row from the orders and the synced PACS studies (reindex). */
  rebuildStudyIndex(onProgress?: (done: number, total: number) => void): void;
  /** The reporting side (worklist, claims, outbox), with the trust's due-time rule. */
  reporting(dueAt: DueAtRule): ReportingStore;
  close(): void;
}

/** Opening lives beside the SQLite implementation; re-exported so callers import one module. */
export { openTrustStore, type OpenTrustStoreOptions } from './open-trust-store.ts';
