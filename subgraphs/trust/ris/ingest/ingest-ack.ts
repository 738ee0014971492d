import { buildAck, buildAckForUnparseable, type AckError, type Hl7Message } from '../hl7/index.ts';
import { ackCodeFor, type ApplicationAckCode } from '../apply/ack-mode.ts';
import type { Hl7Warning } from '../apply/apply-error.ts';
import { toErrLocation } from '../apply/err-location.ts';
import type { Rejection } from './rejection.ts';

/** Our ACK's MSH-10: unique per received message, so the sender can trace it to the journal. */
export const ackControlId = (journalId: number): string => `ACK${journalId}`;

/** ERR segments (ch. 2.15.5): the rejection (severity E) and each warning (W, table 0516). */
export function ackErrors(rejection: Rejection | undefined, warnings: readonly Hl7Warning[]): AckError[] {
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

/** The ACK of a readable message; its code follows the message's ACK mode (ch. 2.9.3). */
export function ackFor(message: Hl7Message, code: ApplicationAckCode, journalId: number, timezone: string, rejection?: Rejection, warnings: readonly Hl7Warning[] = []): { code: string; text: string } {
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

/** The ACK of text we could not read as a message: MSH fields salvaged where possible. */
export function ackForUnreadable(text: string, rejection: Rejection, journalId: number, timezone: string): { code: string; text: string } {
  return {
    code: rejection.ackCode,
    text: buildAckForUnparseable(text, { code: rejection.ackCode, controlId: ackControlId(journalId), timezone, text: rejection.reason.slice(0, 80), errors: ackErrors(rejection, []) }),
  };
}
