import type { ClaimRow, OutboxEntry } from './reporting-model.ts';

/** Column shapes of the reporting tables (migration 3) and their mapping to domain rows. */

/** Sort key of a study without any time: after every real instant (8.64e15 is JavaScript's last date). */
export const NO_TIME = 8_640_000_000_000_001;

export interface ClaimColumns {
  accession_number: string;
  holder_sub: string;
  holder_given: string | null;
  holder_family: string | null;
  holder_gmc: string | null;
  holder_trust: string | null;
  claimed_at_ms: number;
  expires_at_ms: number;
}

export interface OutboxColumns {
  id: number;
  created_at: string;
  control_id: string;
  payload: string;
  status: OutboxEntry['status'];
  attempts: number;
  last_attempt_at: string | null;
  next_attempt_at: string | null;
  last_error: string | null;
  ack_code: string | null;
  acked_at: string | null;
}

export function toClaim(c: ClaimColumns): ClaimRow {
  return {
    accessionNumber: c.accession_number,
    holder: { sub: c.holder_sub, given: c.holder_given, family: c.holder_family, gmc: c.holder_gmc, trust: c.holder_trust },
    claimedAtMs: c.claimed_at_ms,
    expiresAtMs: c.expires_at_ms,
  };
}

export function toOutbox(c: OutboxColumns): OutboxEntry {
  return {
    id: c.id,
    createdAt: c.created_at,
    controlId: c.control_id,
    payload: c.payload,
    status: c.status,
    attempts: c.attempts,
    lastAttemptAt: c.last_attempt_at,
    nextAttemptAt: c.next_attempt_at,
    lastError: c.last_error,
    ackCode: c.ack_code,
    ackedAt: c.acked_at,
  };
}
