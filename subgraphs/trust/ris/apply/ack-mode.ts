/** Application-level acknowledgment codes (table 0008). */
export type ApplicationAckCode = 'AA' | 'AE' | 'AR';
export type AckCode = ApplicationAckCode | 'CA' | 'CE' | 'CR';

/**
 * The code to send back (HL7 v2.5.1 ch. 2.9). Original mode: the application ACK, sent once the
 * message is applied (or kept as failed). Enhanced mode (MSH-15 or MSH-16 valued, ch. 2.9.3):
 * the accept (commit) ACK, sent after the commit: CA = stored and applied, CE/CR = stored in
 * `failed`, with the same ERR segments the application ACK would carry. We apply in the same
 * transaction that commits, so there is nothing left for a later application ACK to say; sending
 * one would be a new message to the sender's own listener (the outbox's job), so none is sent.
 */
export function ackCodeFor(result: ApplicationAckCode, enhanced: boolean): AckCode {
  if (!enhanced) return result;
  return result === 'AA' ? 'CA' : result === 'AE' ? 'CE' : 'CR';
}
