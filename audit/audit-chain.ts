import { hash } from 'node:crypto';

/**
 * The audit log's hash chain: each entry holds the SHA-256 of the entry before it and its own
 * hash covers that, so deleting, changing or inserting an entry anywhere but at the end breaks
 * every later link. Triggers alone stop only the application's own handle (drop trigger, delete,
 * recreate left no trace: issue 15, finding 11). The end of the log is protected only by copies
 * kept elsewhere (see README, "Shipping the audit log off the machine").
 */

/** The `prev_hash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** The stored fields of one entry, as the chain covers them. */
export interface ChainedFields {
  id: number;
  at: string;
  server: string;
  sub: string | null;
  roles: string;
  callerTrust: string | null;
  operation: string | null;
  studyId: string | null;
  nhsNumber: string | null;
  dataTrust: string | null;
}

/** SHA-256 over the previous hash and the entry's fields in a fixed order (JSON: unambiguous). */
export function entryHash(prevHash: string, e: ChainedFields): string {
  const fields = [e.id, e.at, e.server, e.sub, e.roles, e.callerTrust, e.operation, e.studyId, e.nhsNumber, e.dataTrust];
  // One-shot crypto.hash (UTF-8 in, hex out): the same digest as createHash().update().digest()
  // without a Hash object per entry (20 entries a request; issue 16).
  return hash('sha256', `${prevHash}\n${JSON.stringify(fields)}`, 'hex');
}

export type ChainCheck = { ok: true; entries: number; head: string } | { ok: false; id: number; reason: string };

/**
 * Walks entries in id order and names the first that breaks the chain: a hash that does not match
 * its fields, a `prev_hash` that is not the hash before it, or a gap in the ids (a deleted row).
 * `idBefore`: the id just before the first chained entry (unchained entries of an older build).
 */
export function checkChain(rows: Iterable<ChainedFields & { prevHash: string | null; hash: string | null }>, idBefore = 0): ChainCheck {
  let prev = GENESIS_HASH;
  let lastId = idBefore;
  let entries = 0;
  for (const row of rows) {
    if (row.id !== lastId + 1) return { ok: false, id: row.id, reason: `entry ${lastId + 1}${row.id > lastId + 2 ? `–${row.id - 1}` : ''} is missing before it` };
    if (row.prevHash !== prev) return { ok: false, id: row.id, reason: 'its previous-entry hash does not match the entry before it' };
    if (row.hash !== entryHash(prev, row)) return { ok: false, id: row.id, reason: 'its content does not match its hash' };
    prev = row.hash;
    lastId = row.id;
    entries++;
  }
  return { ok: true, entries, head: prev };
}
