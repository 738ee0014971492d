import { decodeHl7Bytes, Hl7Message, Hl7ParseError } from '../hl7/index.ts';
import type { DedupeKey } from '../ingest-port.ts';
import type { Rejection } from './rejection.ts';

/** A frame read as an HL7 message with its dedupe key, or why it cannot be read. */
export type DecodedFrame =
  | { kind: 'message'; message: Hl7Message; key: DedupeKey }
  | { kind: 'unreadable'; rejection: Rejection; text: string };

/**
 * The decode step, pure: bytes → text in the charset MSH-18 names (ch. 2.14.9.18) → message.
 * A message without MSH-10 or MSH-9 is unreadable for us: MSH-10 is the dedupe key's control
 * id (ch. 2.9, "original mode") and MSH-9 says what to apply.
 */
export function decodeFrame(payload: Buffer): DecodedFrame {
  let text = '';
  try {
    text = decodeHl7Bytes(payload);
    const message = Hl7Message.parse(text);
    const key: DedupeKey = { sendingApplication: message.sendingApplication, sendingFacility: message.sendingFacility, controlId: message.controlId };
    if (key.controlId === '') return unreadable(text, { ackCode: 'AR', errCode: 101, reason: 'MSH-10 message control id is empty', location: 'MSH-10' });
    if (message.type.code === '') return unreadable(text, { ackCode: 'AR', errCode: 101, reason: 'MSH-9 message type is empty', location: 'MSH-9' });
    return { kind: 'message', message, key };
  } catch (error) {
    const parseError = error instanceof Hl7ParseError ? error : undefined;
    const reason = error instanceof Error ? error.message : String(error);
    return unreadable(text, { ackCode: 'AR', errCode: parseError?.errCode ?? 100, reason: `unparseable: ${reason}`, location: parseError?.location ?? null });
  }
}

/**
 * The head of an oversized frame, as text only: it is never applied, so it is not parsed here;
 * the ACK builder reads what it can of its MSH once.
 */
export function decodeOversizedHead(payload: Buffer): string {
  try {
    return decodeHl7Bytes(payload);
  } catch {
    return payload.toString('latin1');
  }
}

function unreadable(text: string, rejection: Rejection): DecodedFrame {
  return { kind: 'unreadable', rejection, text };
}
