import { encodeHl7Text } from './hl7/index.ts';
import type { AccessionMode } from './apply/accession.ts';
import { DEFAULT_APPLY_OPTIONS, type ApplyOptions } from './apply/message-context.ts';
import { StoreFailure, type FailedMessage, type RisIngestStore } from './ingest-port.ts';
import { receiveFrame, type InboundFrame } from './ingest/receive-frame.ts';
import { decodeFrame, decodeOversizedHead } from './ingest/decode-frame.ts';
import { addressAllowed, decideMessage, type AllowedSender, type IngestRules } from './ingest/ingest-rules.ts';
import { commitLive, commitReplay, keepRejected } from './ingest/commit-message.ts';
import { rejectionOf, type Rejection } from './ingest/rejection.ts';

export type { AllowedSender } from './ingest/ingest-rules.ts';
export type { InboundFrame } from './ingest/receive-frame.ts';

/** Logging the ingest needs (pino's Logger fits). Never given patient data. */
export interface IngestLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface RisIngestOptions {
  store: RisIngestStore;
  /** Where the accession number is read. @default 'auto' */
  accessionNumber?: AccessionMode;
  /** IANA zone for HL7 times without an offset (and for our ACKs' MSH-7). @default 'Europe/London' */
  timezone?: string;
  /** The trust's dialect maps: `hl7.priorities`, `hl7.patientClasses`, `hl7.nationalNumber`. */
  apply?: Partial<Pick<ApplyOptions, 'priorities' | 'patientClasses' | 'nationalNumber'>>;
  /** When given, messages from anyone else are answered AR and kept. @default everyone */
  allowedSenders?: readonly AllowedSender[] | undefined;
  /**
   * When given, connections from other source addresses are refused by the listener before a
   * frame is read (see `acceptsAddress`); a frame from one that reaches the ingest anyway, or a
   * kept message replayed after the list changed, is answered AR and kept. @default any
   */
  allowedAddresses?: readonly string[] | undefined;
  logger: IngestLogger;
}

export interface RisIngest {
  /** The MLLP handler: the ACK bytes, or null when the message could not be stored (no ACK). */
  handle(frame: InboundFrame): Promise<Buffer | null>;
  /** Whether a connection from this source address may deliver at all (`allowedAddresses`). */
  acceptsAddress(remoteAddress: string): boolean;
  /**
   * Re-applies kept failed messages (all, or these failed ids) and marks those that apply. The
   * same allow-lists and the same commit step as live ingest: a message that live ingest would
   * refuse today stays failed.
   */
  replayFailed(ids?: number[]): Promise<{ replayed: number; stillFailing: number }>;
  /** Every kept message, newest first, replayed ones included (see `status`). */
  listFailed(): FailedMessage[];
}

/**
 * The RIS side of a trust: frame in, ACK out, with the reliable-receiver rules of
 * ARCHITECTURE.md ("data rules") and HL7 v2.5.1 ch. 2.9, in four steps (`ingest/`):
 * 1. receive: the raw bytes are journalled before anything is parsed;
 * 2. decode: charset (MSH-18) and parse, pure;
 * 3. decide: allow-lists, then mapping to domain events, pure;
 * 4. commit: a savepoint: refused → kept; duplicate of an ACCEPTED message (MSH-3 + MSH-4 +
 *    MSH-10) → the original ACK; apply and record the ACK.
 * Anything not applied gets AE/AR with ERR and is kept in `failed` for replay, which runs steps
 * 2–4 again. A storage failure returns null: no ACK, the listener closes, the sender resends.
 *
 * Group commit (issue 16). Steps 1–4 of every frame handed over before the next turn of the event
 * loop (one per waiting connection) run in ONE transaction (`RisIngestStore.commitGroup`), and no
 * ACK of the group is released before that commit is on disk (`RisIngestStore.durable()`: the
 * SQLite store syncs its WAL on libuv's thread pool, so the next group is parsed and applied while
 * the disk works). The durability argument: an original-mode sender keeps a message until its ACK
 * arrives and resends it when the connection drops without one (HL7 v2.5.1 ch. 2.9.2; MLLP
 * release 2 reliable delivery). So what must be on disk before the ACK leaves is the journal row
 * AND the outcome together, which one commit gives;
 * committing the journal row separately first (two fsyncs per message, as before) bought no
 * delivery guarantee: a crash between the two commits left a journal row without outcome and no
 * ACK, and the sender resent the message anyway. What the separate commit did keep is a trace of a
 * frame that kills the whole process while it is parsed; parsing and mapping are pure and their
 * exceptions are caught (the frame is then kept, AR), frames are capped at `maxFrameBytes`, so that
 * case is a process crash we do not expect; it would now leave no journal row, and the sender's
 * resends are its trace. Within the group each frame's apply is a savepoint, so one message that
 * fails to apply is kept (AE/AR) without undoing the others.
 *
 * A group committed but not yet synced is visible to GraphQL readers (not to worklist events: those wait for the sync, reporting/worklist-watch.ts)
 * before its ACK leaves; a power cut then loses it, and the sender, never ACKed, resends it.
 * When a sync fails, that group and every later one get no ACK (and the store refuses every other
 * write: open-trust-store.ts), for the life of the process
 * ("fsyncgate": after a failed fsync a later one may succeed without the lost pages, so nothing
 * is trusted); the senders keep resending until the trust is restarted, and a message that did
 * reach the disk is then a duplicate answered with its original ACK: nothing lost, nothing doubled.
 */
export function createRisIngest(opts: RisIngestOptions): RisIngest {
  const { store, logger } = opts;
  const applyOptions: ApplyOptions = {
    ...DEFAULT_APPLY_OPTIONS,
    ...opts.apply,
    accessionNumber: opts.accessionNumber ?? DEFAULT_APPLY_OPTIONS.accessionNumber,
    timezone: opts.timezone ?? DEFAULT_APPLY_OPTIONS.timezone,
  };
  const timezone = applyOptions.timezone;
  const rules: IngestRules = { allowedSenders: opts.allowedSenders, allowedAddresses: opts.allowedAddresses };

  function ingest(frame: InboundFrame, journalId: number): string {
    if (frame.oversized) {
      const rejection: Rejection = { ackCode: 'AR', errCode: 207, reason: `frame of ${frame.size ?? 'unknown'} bytes exceeds the largest accepted`, location: null };
      logger.warn({ journalId, size: frame.size }, 'oversized HL7 frame rejected (AR) and kept');
      const text = decodeOversizedHead(frame.payload);
      return store.transaction((w) => keepRejected(w, journalId, { text, rejection }, timezone));
    }
    const decoded = decodeFrame(frame.payload);
    if (decoded.kind === 'unreadable') {
      logger.warn({ journalId, errCode: decoded.rejection.errCode }, 'unparseable HL7 message rejected (AR) and kept');
      return store.transaction((w) => keepRejected(w, journalId, decoded, timezone));
    }
    const { message, key } = decoded;
    const decision = decideMessage(message, frame.remoteAddress, rules, applyOptions);
    try {
      const result = store.transaction((w) => commitLive(w, { journalId, message, key, decision, timezone }));
      if (result.outcome === 'applied') {
        logger.debug({ journalId, controlId: message.controlId }, 'HL7 message applied');
        // The warning text never carries the value (NHS numbers are patient data).
        for (const w of result.warnings) logger.warn({ journalId, controlId: message.controlId, code: w.code, location: w.location }, w.text);
      } else if (decision.kind !== 'apply' && result.outcome !== 'duplicate') {
        const r = decision.rejection;
        logger.warn({ journalId, controlId: message.controlId, errCode: r.errCode, location: r.location }, `HL7 message not applied: ${r.reason}`);
      }
      return result.ackText;
    } catch (error) {
      if (error instanceof StoreFailure) throw error;
      // Applying failed and the transaction rolled back: keep the message in its own transaction.
      const rejection = rejectionOf(error);
      logger.warn({ journalId, controlId: message.controlId, errCode: rejection.errCode }, `HL7 message not applied: ${rejection.reason}`);
      return store.transaction((w) => keepRejected(w, journalId, { message, rejection }, timezone));
    }
  }

  /** Frames waiting for the next group commit, each with its caller. */
  let waiting: Array<{ frame: InboundFrame; settle: (ack: Buffer | null) => void }> = [];
  let commitScheduled = false;

  function handle(frame: InboundFrame): Promise<Buffer | null> {
    return new Promise((settle) => {
      waiting.push({ frame, settle });
      if (commitScheduled) return;
      commitScheduled = true;
      // After I/O callbacks: frames that arrived on other connections in this turn join the group.
      setImmediate(commitWaiting);
    });
  }

  /** Steps 1–4 of one frame inside the group; null when it could not be stored (non-storage error). */
  function ingestInGroup(frame: InboundFrame): string | null {
    let journalId: number;
    try {
      journalId = receiveFrame(store, frame);
    } catch (error) {
      if (error instanceof StoreFailure) throw error;
      logger.error({ err: errorSummary(error) }, 'could not journal an HL7 message; no ACK, the sender will resend');
      return null;
    }
    try {
      return ingest(frame, journalId);
    } catch (error) {
      if (error instanceof StoreFailure) throw error;
      logger.error({ journalId, err: errorSummary(error) }, 'could not store an HL7 message; no ACK, the sender will resend');
      return null;
    }
  }

  /** Set when the store could not make a commit durable: no ACK is ever sent again (see below). */
  let unsynced: Error | undefined;

  function commitWaiting(): void {
    const group = waiting;
    waiting = [];
    commitScheduled = false;
    if (unsynced) {
      for (const g of group) g.settle(null);
      return;
    }
    let acks: Array<string | null>;
    try {
      acks = store.commitGroup(() => group.map((g) => ingestInGroup(g.frame)));
    } catch (error) {
      // The whole group rolled back: none of it is stored, none of it is ACKed.
      logger.error({ messages: group.length, err: errorSummary(error) }, 'could not store HL7 messages; no ACK, the senders will resend');
      for (const g of group) g.settle(null);
      return;
    }
    // Committed, not yet on disk: the ACKs wait for the sync, and the event loop goes on with the
    // next group meanwhile (pipelining); groups committed during one sync share the next.
    // A lone frame with no other frame waiting: nothing to overlap with the disk, so the store may
    // sync it on this thread (cheaper than the thread-pool round trip; wal-file-sync.ts).
    store.durable({ inline: group.length === 1 && waiting.length === 0 }).then(
      () => release(group, acks),
      (error: unknown) => {
        if (!unsynced) logger.error({ messages: group.length, err: errorSummary(error) }, 'HL7 commits could not be synced to disk: no further ACK will be sent; restart the trust (the senders resend, duplicates are answered with the original ACK)');
        unsynced ??= error instanceof Error ? error : new Error(String(error));
        for (const g of group) g.settle(null);
      },
    );
  }

  function release(group: typeof waiting, acks: Array<string | null>): void {
    group.forEach((g, i) => {
      const ack = acks[i];
      try {
        // The ACK in the charset its MSH-18 names (it copies the message's MSH-18).
        g.settle(ack === null || ack === undefined ? null : encodeHl7Text(ack));
      } catch (error) {
        logger.error({ err: errorSummary(error) }, 'could not encode an HL7 ACK; no ACK, the sender will resend');
        g.settle(null);
      }
    });
  }

  async function replayFailed(ids?: number[]): Promise<{ replayed: number; stillFailing: number }> {
    let replayed = 0;
    let stillFailing = 0;
    for (const failed of store.failedForReplay(ids)) {
      const fail = (rejection: Rejection): void => {
        stillFailing++;
        store.transaction((w) => w.markReplay(failed.id, { ok: false, failure: rejection }));
      };
      if (failed.truncated) {
        fail({ ackCode: 'AR', errCode: 207, reason: 'oversized frame: only its head was kept, it cannot be replayed', location: null });
        continue;
      }
      const decoded = decodeFrame(failed.raw);
      if (decoded.kind === 'unreadable') {
        fail(decoded.rejection);
        continue;
      }
      const { message, key } = decoded;
      const decision = decideMessage(message, failed.remoteAddress, rules, applyOptions);
      if (decision.kind !== 'apply') {
        fail(decision.rejection);
        continue;
      }
      try {
        store.transaction((w) => commitReplay(w, { failedId: failed.id, journalId: failed.journalId, message, key, mapped: decision.mapped, timezone }));
        replayed++;
        logger.info({ failedId: failed.id, journalId: failed.journalId, controlId: message.controlId }, 'failed HL7 message replayed');
      } catch (error) {
        if (error instanceof StoreFailure) throw error;
        fail(rejectionOf(error));
      }
    }
    return { replayed, stillFailing };
  }

  return {
    handle,
    acceptsAddress: (remoteAddress) => addressAllowed(rules, remoteAddress),
    replayFailed,
    listFailed: () => store.listFailed({ includeReplayed: true }),
  };
}

/** An error for logs: name, code and message only (no stack with message text in it). */
function errorSummary(error: unknown): object {
  if (error instanceof Error) return { name: error.name, message: error.message, code: (error as { code?: unknown }).code };
  return { message: String(error) };
}
