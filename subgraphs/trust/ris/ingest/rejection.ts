import { ApplyError } from '../apply/apply-error.ts';
import type { FailureRecord } from '../ingest-port.ts';

/** Why a message was not applied, with the ERR it gets (HL7 v2.5.1 ch. 2.9.2, table 0357). */
export interface Rejection extends FailureRecord {
  ackCode: 'AE' | 'AR';
}

/** An error thrown while mapping or applying, as the rejection the sender is told. */
export function rejectionOf(error: unknown): Rejection {
  if (error instanceof ApplyError) {
    return { ackCode: error.ackCode, errCode: error.errCode, reason: error.message, location: error.location };
  }
  // A bug, not the message's fault: AE 207 keeps it for replay once fixed, and does not
  // block the interface the way withholding the ACK would.
  return { ackCode: 'AE', errCode: 207, reason: `application internal error: ${error instanceof Error ? error.message : String(error)}`, location: null };
}
