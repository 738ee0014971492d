import type { Hl7Message } from '../hl7/index.ts';
import { mapMessage, type MappedMessage } from '../apply/map-message.ts';
import type { ApplyOptions } from '../apply/message-context.ts';
import { rejectionOf, type Rejection } from './rejection.ts';

/** A sender allowed to deliver (MSH-3.1 / MSH-4.1 namespace ids; an absent one matches any). */
export interface AllowedSender {
  application?: string | undefined;
  facility?: string | undefined;
}

/** Who may deliver; the same rules for live ingest and `hl7 replay`. */
export interface IngestRules {
  /** When given, messages from anyone else are refused. @default everyone */
  allowedSenders?: readonly AllowedSender[] | undefined;
  /** When given, connections from other source addresses are refused. @default any */
  allowedAddresses?: readonly string[] | undefined;
}

/**
 * What to do with a readable message:
 * - `refuse`: the sender may not deliver here. Answered AR and kept, but never looked up in nor
 *   written to the dedupe table, so a refused message cannot take a real message's key;
 * - `fail`: the message itself cannot be applied (AE/AR); a duplicate of an applied message
 *   still gets the original ACK;
 * - `apply`: its events, ready for the commit step.
 */
export type IngestDecision =
  | { kind: 'refuse'; rejection: Rejection }
  | { kind: 'fail'; rejection: Rejection }
  | { kind: 'apply'; mapped: MappedMessage };

/** Source-address allow-list; IPv4-mapped IPv6 (`::ffff:10.0.0.1`) matches its IPv4 form. */
export function addressAllowed(rules: IngestRules, remoteAddress: string | null): boolean {
  if (!rules.allowedAddresses) return true;
  if (remoteAddress === null) return false;
  const bare = remoteAddress.replace(/^::ffff:/, '');
  return rules.allowedAddresses.some((a) => a === remoteAddress || a === bare);
}

/** Sender allow-list on MSH-3.1 / MSH-4.1 (HL7 v2.5.1 ch. 2.14.9.3–4). */
export function senderAllowed(rules: IngestRules, message: Hl7Message): boolean {
  if (!rules.allowedSenders) return true;
  const app = message.get('MSH-3.1');
  const facility = message.get('MSH-4.1');
  return rules.allowedSenders.some((s) => (s.application === undefined || s.application === app) && (s.facility === undefined || s.facility === facility));
}

/** The decide step, pure: allow-lists first, then the message mapped to domain events. */
export function decideMessage(message: Hl7Message, remoteAddress: string | null, rules: IngestRules, options: ApplyOptions): IngestDecision {
  if (!addressAllowed(rules, remoteAddress)) {
    return { kind: 'refuse', rejection: { ackCode: 'AR', errCode: 207, reason: 'the source address is not allowed to send to this interface', location: null } };
  }
  if (!senderAllowed(rules, message)) {
    return { kind: 'refuse', rejection: { ackCode: 'AR', errCode: 207, reason: 'sending application/facility is not allowed', location: 'MSH-3' } };
  }
  try {
    return { kind: 'apply', mapped: mapMessage(message, options) };
  } catch (error) {
    return { kind: 'fail', rejection: rejectionOf(error) };
  }
}
