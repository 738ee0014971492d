import type { Hl7Message } from '../hl7/index.ts';
import type { Hl7Warning } from '../apply/apply-error.ts';
import type { MappedMessage } from '../apply/map-message.ts';
import { applyEvents } from '../apply/apply-events.ts';
import type { DedupeKey, FailureRecord, JournalCompletion, StoredAck, TrustWriter } from '../ingest-port.ts';
import { ackFor, ackForUnreadable } from './ingest-ack.ts';
import type { IngestDecision } from './ingest-rules.ts';
import type { Rejection } from './rejection.ts';

/**
 * The commit step: everything here runs inside one store transaction (`TrustStore.transaction`),
 * so the ACK recorded, the journal outcome and the applied events are durable together or not
 * at all (ARCHITECTURE.md "data rules": AA only after the message is durably stored).
 */

/**
 * Only an ACCEPTED message's key deduplicates (HL7 v2.5.1 ch. 2.9, original mode: the receiver
 * must not apply the same message twice). A refused or failed message is never recorded under its
 * key, so a forged or broken message cannot take the key of the real one that follows it. Rows
 * of other codes written by older builds are ignored here (and removed by store migration 5).
 */
export function acceptedAck(writer: TrustWriter, key: DedupeKey): StoredAck | undefined {
  const prior = writer.findAck(key);
  return prior && (prior.ackCode === 'AA' || prior.ackCode === 'CA') ? prior : undefined;
}

export function completion(message: Hl7Message | undefined, outcome: JournalCompletion['outcome'], ackCode: string, detail: string | null): JournalCompletion {
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

/** Keeps a message that is not applied (for `hl7 failed` / `hl7 replay`); returns its ACK text. */
export function keepRejected(
  writer: TrustWriter,
  journalId: number,
  rejected: { message: Hl7Message; rejection: Rejection } | { text: string; rejection: Rejection },
  timezone: string,
): string {
  const { rejection } = rejected;
  const message = 'message' in rejected ? rejected.message : undefined;
  const ack = message ? ackFor(message, rejection.ackCode, journalId, timezone, rejection) : ackForUnreadable('text' in rejected ? rejected.text : '', rejection, journalId, timezone);
  writer.recordFailure(journalId, { ...rejection, ackCode: ack.code as FailureRecord['ackCode'] });
  writer.completeJournal(journalId, completion(message, rejection.ackCode === 'AE' ? 'ERROR' : 'REJECTED', ack.code, rejection.reason));
  return ack.text;
}

/** Applies the mapped events and records the AA (CA) under the message's key. */
function applyAndAck(writer: TrustWriter, journalId: number, message: Hl7Message, key: DedupeKey, mapped: MappedMessage, timezone: string): { text: string; code: string; warnings: Hl7Warning[] } {
  const warnings = [...mapped.warnings, ...applyEvents(writer, mapped.events, journalId)];
  const sent = ackFor(message, 'AA', journalId, timezone, undefined, warnings);
  writer.recordAck(key, journalId, sent.code, sent.text);
  return { ...sent, warnings };
}

export type LiveOutcome = 'refused' | 'duplicate' | 'failed' | 'applied';

/**
 * Live ingest, in this order: a refused sender is kept without touching the dedupe table; a
 * duplicate of an accepted message gets the original ACK; a message that cannot be mapped is
 * kept; otherwise applied. Throws what applying throws (the caller rolls back and keeps it).
 */
export function commitLive(
  writer: TrustWriter,
  input: { journalId: number; message: Hl7Message; key: DedupeKey; decision: IngestDecision; timezone: string },
): { ackText: string; outcome: LiveOutcome; warnings: Hl7Warning[] } {
  const { journalId, message, key, decision, timezone } = input;
  if (decision.kind === 'refuse') return { ackText: keepRejected(writer, journalId, { message, rejection: decision.rejection }, timezone), outcome: 'refused', warnings: [] };
  const prior = acceptedAck(writer, key);
  if (prior) {
    writer.completeJournal(journalId, completion(message, 'DUPLICATE', prior.ackCode, `duplicate of journal ${prior.journalId}`));
    return { ackText: prior.ackText, outcome: 'duplicate', warnings: [] };
  }
  if (decision.kind === 'fail') return { ackText: keepRejected(writer, journalId, { message, rejection: decision.rejection }, timezone), outcome: 'failed', warnings: [] };
  const sent = applyAndAck(writer, journalId, message, key, decision.mapped, timezone);
  writer.completeJournal(journalId, completion(message, sent.warnings.length ? 'APPLIED_WITH_WARNINGS' : 'APPLIED', sent.code, null));
  return { ackText: sent.text, outcome: 'applied', warnings: sent.warnings };
}

/**
 * Replay of a kept message that the decide step accepted: applied under its original journal id,
 * unless the sender resent it and the resend was applied meanwhile (applying again would
 * duplicate). Throws what applying throws.
 */
export function commitReplay(
  writer: TrustWriter,
  input: { failedId: number; journalId: number; message: Hl7Message; key: DedupeKey; mapped: MappedMessage; timezone: string },
): { appliedElsewhere: boolean } {
  const { failedId, journalId, message, key, mapped, timezone } = input;
  const prior = acceptedAck(writer, key);
  const appliedElsewhere = prior !== undefined && prior.journalId !== journalId;
  if (!appliedElsewhere) applyAndAck(writer, journalId, message, key, mapped, timezone);
  writer.markReplay(failedId, { ok: true });
  writer.completeJournal(journalId, completion(message, 'REPLAYED', 'AA', appliedElsewhere ? 'already applied from a resend' : null));
  return { appliedElsewhere };
}
