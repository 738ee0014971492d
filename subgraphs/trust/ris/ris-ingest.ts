import { buildAck, buildAckForUnparseable, decodeHl7Bytes, Hl7Message, Hl7ParseError } from './hl7/index.ts';
import type { AckError } from './hl7/index.ts';
import type { MllpInboundFrame } from './mllp/mllp-listener.ts';
import type { AccessionMode } from './apply/accession.ts';
import { ackCodeFor, type ApplicationAckCode } from './apply/ack-mode.ts';
import { applyEvents } from './apply/apply-events.ts';
import { ApplyError, type Hl7Warning } from './apply/apply-error.ts';
import { toErrLocation } from './apply/err-location.ts';
import { mapMessage, type MappedMessage } from './apply/map-message.ts';
import { DEFAULT_APPLY_OPTIONS, type ApplyOptions } from './apply/message-context.ts';
import { StoreFailure } from '../store/store-failure.ts';
import type { FailedMessage, TrustStore } from '../store/trust-store.ts';
import type { DedupeKey, FailureRecord, TrustWriter } from '../store/write-model.ts';

/** Logging the ingest needs (pino's Logger fits). Never given patient data. */
export interface IngestLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A sender allowed to deliver (MSH-3.1 / MSH-4.1 namespace ids; an absent one matches any). */
export interface AllowedSender {
  application?: string;
  facility?: string;
}

export interface RisIngestOptions {
  store: TrustStore;
  /** Where the accession number is read. @default 'auto' */
  accessionNumber?: AccessionMode;
  /** IANA zone for HL7 times without an offset (and for our ACKs' MSH-7). @default 'Europe/London' */
  timezone?: string;
  /** The trust's dialect maps: `hl7.priorities`, `hl7.patientClasses`, `hl7.nationalNumber`. */
  apply?: Partial<Pick<ApplyOptions, 'priorities' | 'patientClasses' | 'nationalNumber'>>;
  /** When given, messages from anyone else are answered AR and kept. @default everyone */
  allowedSenders?: readonly AllowedSender[];
  /** When given, messages from other source addresses are answered AR and kept. @default any */
  allowedAddresses?: readonly string[];
  logger: IngestLogger;
}

export interface RisIngest {
  /** The MLLP handler: the ACK text, or null when the message could not be stored (no ACK). */
  handle(frame: Pick<MllpInboundFrame, 'payload' | 'oversized' | 'remoteAddress' | 'connectionId'> & { size?: number }): Promise<string | null>;
  /** Re-applies kept failed messages (all, or these failed ids) and marks those that apply. */
  replayFailed(ids?: number[]): Promise<{ replayed: number; stillFailing: number }>;
  /** Every kept message, newest first, replayed ones included (see `status`). */
  listFailed(): FailedMessage[];
}

/** Why a message was not applied, with the ERR it gets. */
interface Rejection extends FailureRecord {
  ackCode: 'AE' | 'AR';
}

type Parsed = { message: Hl7Message; key: DedupeKey } | { rejection: Rejection; text: string };

/**
 * The RIS side of a trust: frame in, ACK out, with the reliable-receiver rules of
 * ARCHITECTURE.md ("data rules") and HL7 v2.5.1 ch. 2.9:
 * 1. the raw bytes are journaled and committed first (a crash after this loses nothing);
 * 2. decoded (MSH-18), parsed, mapped to domain events (pure);
 * 3. one transaction: duplicate check (MSH-3 + MSH-4 + MSH-10 → the original ACK, nothing
 *    applied), apply, record the ACK; committed durably before the ACK is returned;
 * 4. anything not applied gets AE/AR with ERR and is kept in `failed` for replay;
 * 5. a storage failure returns null: no ACK, the listener closes, the sender resends.
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

  const ackControlId = (journalId: number): string => `ACK${journalId}`;

  function parse(payload: Buffer): Parsed {
    let text = '';
    try {
      text = decodeHl7Bytes(payload);
      const message = Hl7Message.parse(text);
      const key: DedupeKey = {
        sendingApplication: message.sendingApplication,
        sendingFacility: message.sendingFacility,
        controlId: message.controlId,
      };
      if (key.controlId === '') {
        return { text, rejection: { ackCode: 'AR', errCode: 101, reason: 'MSH-10 message control id is empty', location: 'MSH-10' } };
      }
      if (message.type.code === '') {
        return { text, rejection: { ackCode: 'AR', errCode: 101, reason: 'MSH-9 message type is empty', location: 'MSH-9' } };
      }
      return { message, key };
    } catch (error) {
      const code = error instanceof Hl7ParseError ? error.errCode : 100;
      const reason = error instanceof Error ? error.message : String(error);
      return { text, rejection: { ackCode: 'AR', errCode: code, reason: `unparseable: ${reason}`, location: error instanceof Hl7ParseError ? error.location ?? null : null } };
    }
  }

  /** Source-address allow-list; IPv4-mapped IPv6 (`::ffff:10.0.0.1`) matches its IPv4 form. */
  function addressAllowed(remoteAddress: string): boolean {
    if (!opts.allowedAddresses) return true;
    const bare = remoteAddress.replace(/^::ffff:/, '');
    return opts.allowedAddresses.some((a) => a === remoteAddress || a === bare);
  }

  function senderAllowed(message: Hl7Message): boolean {
    if (!opts.allowedSenders) return true;
    const app = message.get('MSH-3.1');
    const facility = message.get('MSH-4.1');
    return opts.allowedSenders.some(
      (s) => (s.application === undefined || s.application === app) && (s.facility === undefined || s.facility === facility),
    );
  }

  function ackErrors(rejection: Rejection | undefined, warnings: readonly Hl7Warning[]): AckError[] {
    const errors: AckError[] = [];
    if (rejection) {
      const location = toErrLocation(rejection.location);
      errors.push({ code: rejection.errCode, severity: 'E', text: rejection.reason, ...(location ? { location } : {}) });
    }
    for (const w of warnings) {
      const location = toErrLocation(w.location);
      errors.push({ code: w.code, severity: 'W', text: w.text, ...(location ? { location } : {}) });
    }
    return errors;
  }

  function ackFor(message: Hl7Message, code: ApplicationAckCode, journalId: number, rejection?: Rejection, warnings: readonly Hl7Warning[] = []): { code: string; text: string } {
    const sent = ackCodeFor(code, message.enhancedMode);
    const errors = ackErrors(rejection, warnings);
    const text = buildAck(message, {
      code: sent,
      controlId: ackControlId(journalId),
      timezone,
      ...(rejection ? { text: rejection.reason.slice(0, 80) } : {}),
      ...(errors.length ? { errors } : {}),
    });
    return { code: sent, text };
  }

  function completion(message: Hl7Message | undefined, outcome: Parameters<TrustWriter['completeJournal']>[1]['outcome'], ackCode: string, detail: string | null) {
    return {
      outcome,
      ackCode,
      controlId: message?.controlId ?? null,
      sendingApplication: message?.sendingApplication ?? null,
      sendingFacility: message?.sendingFacility ?? null,
      messageType: message ? [message.type.code, message.type.event].filter(Boolean).join('^') : null,
      detail,
    };
  }

  /** Keeps a rejected message (and its ACK for duplicates, when it has a key); returns the ACK. */
  function reject(writer: TrustWriter, journalId: number, message: Hl7Message | undefined, key: DedupeKey | undefined, rejection: Rejection, text: string): string {
    let ack: { code: string; text: string };
    if (message) {
      ack = ackFor(message, rejection.ackCode, journalId, rejection);
    } else {
      ack = {
        code: rejection.ackCode,
        text: buildAckForUnparseable(text, {
          code: rejection.ackCode,
          controlId: ackControlId(journalId),
          timezone,
          text: rejection.reason.slice(0, 80),
          errors: ackErrors(rejection, []),
        }),
      };
    }
    writer.recordFailure(journalId, { ...rejection, ackCode: ack.code as FailureRecord['ackCode'] });
    if (key) writer.recordAck(key, journalId, ack.code, ack.text);
    writer.completeJournal(journalId, completion(message, rejection.ackCode === 'AE' ? 'ERROR' : 'REJECTED', ack.code, rejection.reason));
    return ack.text;
  }

  function rejectionOf(error: unknown): Rejection {
    if (error instanceof ApplyError) {
      return { ackCode: error.ackCode, errCode: error.errCode, reason: error.message, location: error.location };
    }
    // A bug, not the message's fault: AE 207 keeps it for replay once fixed, and does not
    // block the interface the way withholding the ACK would.
    return { ackCode: 'AE', errCode: 207, reason: `application internal error: ${error instanceof Error ? error.message : String(error)}`, location: null };
  }

  function logWarnings(journalId: number, message: Hl7Message, warnings: readonly Hl7Warning[]): void {
    for (const w of warnings) {
      // The warning text never carries the value (NHS numbers are patient data).
      logger.warn({ journalId, controlId: message.controlId, code: w.code, location: w.location }, w.text);
    }
  }

  async function handle(frame: Parameters<RisIngest['handle']>[0]): Promise<string | null> {
    let journalId: number;
    try {
      journalId = store.journalReceived({
        receivedAt: new Date().toISOString(),
        remoteAddress: frame.remoteAddress,
        connectionId: frame.connectionId,
        raw: frame.payload,
        frameSize: frame.size ?? frame.payload.length,
      });
    } catch (error) {
      logger.error({ err: errorSummary(error) }, 'could not journal an HL7 message; no ACK, the sender will resend');
      return null;
    }
    try {
      if (frame.oversized) {
        const rejection: Rejection = { ackCode: 'AR', errCode: 207, reason: `frame of ${frame.size ?? 'unknown'} bytes exceeds the largest accepted`, location: null };
        const parsed = parse(frame.payload);
        const text = 'text' in parsed ? parsed.text : parsed.message.toString();
        logger.warn({ journalId, size: frame.size }, 'oversized HL7 frame rejected (AR) and kept');
        return store.transaction((w) => reject(w, journalId, undefined, undefined, rejection, text));
      }
      const parsed = parse(frame.payload);
      if ('rejection' in parsed) {
        logger.warn({ journalId, errCode: parsed.rejection.errCode }, 'unparseable HL7 message rejected (AR) and kept');
        return store.transaction((w) => reject(w, journalId, undefined, undefined, parsed.rejection, parsed.text));
      }
      const { message, key } = parsed;
      let mapped: MappedMessage | Rejection;
      if (!addressAllowed(frame.remoteAddress)) {
        mapped = { ackCode: 'AR', errCode: 207, reason: 'the source address is not allowed to send to this interface', location: null };
      } else if (!senderAllowed(message)) {
        mapped = { ackCode: 'AR', errCode: 207, reason: 'sending application/facility is not allowed', location: 'MSH-3' };
      } else {
        try {
          mapped = mapMessage(message, applyOptions);
        } catch (error) {
          mapped = rejectionOf(error);
        }
      }
      let applyFailure: Rejection | undefined;
      try {
        const ack = store.transaction((w) => {
          const prior = w.findAck(key);
          if (prior) {
            w.completeJournal(journalId, completion(message, 'DUPLICATE', prior.ackCode, `duplicate of journal ${prior.journalId}`));
            return prior.ackText;
          }
          if (!('events' in mapped)) return reject(w, journalId, message, key, mapped, '');
          const warnings = [...mapped.warnings, ...applyEvents(w, mapped.events, journalId)];
          const sent = ackFor(message, 'AA', journalId, undefined, warnings);
          w.recordAck(key, journalId, sent.code, sent.text);
          w.completeJournal(journalId, completion(message, warnings.length ? 'APPLIED_WITH_WARNINGS' : 'APPLIED', sent.code, null));
          logWarnings(journalId, message, warnings);
          return sent.text;
        });
        if ('events' in mapped) logger.debug({ journalId, controlId: message.controlId }, 'HL7 message applied');
        else logger.warn({ journalId, controlId: message.controlId, errCode: mapped.errCode, location: mapped.location }, `HL7 message not applied: ${mapped.reason}`);
        return ack;
      } catch (error) {
        if (error instanceof StoreFailure) throw error;
        applyFailure = rejectionOf(error);
      }
      // Applying failed and the transaction rolled back: keep the message in its own transaction.
      logger.warn({ journalId, controlId: message.controlId, errCode: applyFailure.errCode }, `HL7 message not applied: ${applyFailure.reason}`);
      return store.transaction((w) => reject(w, journalId, message, key, applyFailure, ''));
    } catch (error) {
      logger.error({ journalId, err: errorSummary(error) }, 'could not store an HL7 message; no ACK, the sender will resend');
      return null;
    }
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
      const parsed = parse(failed.raw);
      if ('rejection' in parsed) {
        fail(parsed.rejection);
        continue;
      }
      const { message, key } = parsed;
      let mapped: MappedMessage;
      try {
        if (!senderAllowed(message)) throw new ApplyError('sending application/facility is not allowed', 207, 'MSH-3', 'AR');
        mapped = mapMessage(message, applyOptions);
      } catch (error) {
        fail(rejectionOf(error));
        continue;
      }
      try {
        store.transaction((w) => {
          const prior = w.findAck(key);
          // The sender resent it and it was applied meanwhile: applying again would duplicate.
          const appliedElsewhere = prior !== undefined && prior.journalId !== failed.journalId && (prior.ackCode === 'AA' || prior.ackCode === 'CA');
          if (!appliedElsewhere) {
            const warnings = [...mapped.warnings, ...applyEvents(w, mapped.events, failed.journalId)];
            const sent = ackFor(message, 'AA', failed.journalId, undefined, warnings);
            w.recordAck(key, failed.journalId, sent.code, sent.text);
          }
          w.markReplay(failed.id, { ok: true });
          w.completeJournal(failed.journalId, completion(message, 'REPLAYED', 'AA', appliedElsewhere ? 'already applied from a resend' : null));
        });
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
    replayFailed,
    listFailed: () => store.listFailed({ includeReplayed: true }),
  };
}

/** An error for logs: name, code and message only (no stack with message text in it). */
function errorSummary(error: unknown): object {
  if (error instanceof Error) return { name: error.name, message: error.message, code: (error as { code?: unknown }).code };
  return { message: String(error) };
}
