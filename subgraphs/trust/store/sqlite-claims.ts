import type { StatementCache } from './statement-cache.ts';
import type { Database } from 'better-sqlite3';
import type { ClaimOutcome, ClaimRow, ReporterIdentity } from './reporting-model.ts';
import { toClaim, type ClaimColumns } from './sqlite-reporting-rows.ts';
import { chunks } from './sqlite-rows.ts';

/** Claims as leases (DICOM UPS, PS3.4 Annex CC, is the same idea): one row per study. */
export class SqliteClaims {
  readonly #db: Database;
  readonly #statements: StatementCache;

  constructor(db: Database, statements: StatementCache) {
    this.#db = db;
    this.#statements = statements;
  }

  liveClaims(accessionNumbers: readonly string[], nowMs: number): Map<string, ClaimRow> {
    const out = new Map<string, ClaimRow>();
    for (const part of chunks([...new Set(accessionNumbers)])) {
      const rows = this.#statements
        .prepare(`SELECT * FROM claims WHERE expires_at_ms > ? AND accession_number IN (${part.map(() => '?').join(',')})`)
        .all(nowMs, ...part) as ClaimColumns[];
      for (const r of rows) out.set(r.accession_number, toClaim(r));
    }
    return out;
  }

  claim(accessionNumber: string, who: ReporterIdentity, nowMs: number, ttlMs: number): ClaimOutcome {
    return this.#db
      .transaction((): ClaimOutcome => {
        // The compare-and-set: one upsert whose UPDATE applies only when the lease is free
        // (expired) or already the caller's. SQLite runs it under the write lock, so of any number
        // of concurrent claims exactly one sees a free lease.
        const won = this.#statements
          .prepare(
            `INSERT INTO claims (accession_number, holder_sub, holder_given, holder_family, holder_gmc, holder_trust, claimed_at_ms, expires_at_ms)
             VALUES (@a, @sub, @given, @family, @gmc, @trust, @now, @expires)
             ON CONFLICT (accession_number) DO UPDATE SET
               holder_sub = excluded.holder_sub, holder_given = excluded.holder_given, holder_family = excluded.holder_family,
               holder_gmc = excluded.holder_gmc, holder_trust = excluded.holder_trust,
               claimed_at_ms = CASE WHEN claims.holder_sub = excluded.holder_sub AND claims.expires_at_ms > @now
                                    THEN claims.claimed_at_ms ELSE excluded.claimed_at_ms END,
               expires_at_ms = excluded.expires_at_ms
             WHERE claims.expires_at_ms <= @now OR claims.holder_sub = excluded.holder_sub
             RETURNING *`,
          )
          .get({ a: accessionNumber, sub: who.sub, given: who.given, family: who.family, gmc: who.gmc, trust: who.trust, now: nowMs, expires: nowMs + ttlMs }) as
          | ClaimColumns
          | undefined;
        if (won) return { ok: true, claim: toClaim(won) };
        const held = this.#statements.prepare('SELECT * FROM claims WHERE accession_number = ?').get(accessionNumber) as ClaimColumns;
        return { ok: false, heldBy: toClaim(held) };
      })
      .immediate();
  }

  renew(accessionNumber: string, sub: string, nowMs: number, ttlMs: number): ClaimRow | undefined {
    const row = this.#statements
      .prepare('UPDATE claims SET expires_at_ms = ? WHERE accession_number = ? AND holder_sub = ? AND expires_at_ms > ? RETURNING *')
      .get(nowMs + ttlMs, accessionNumber, sub, nowMs) as ClaimColumns | undefined;
    return row ? toClaim(row) : undefined;
  }

  release(accessionNumber: string, sub: string, nowMs: number): boolean {
    const result = this.#statements
      .prepare('DELETE FROM claims WHERE accession_number = ? AND holder_sub = ? AND expires_at_ms > ?')
      .run(accessionNumber, sub, nowMs);
    return result.changes > 0;
  }

  takeExpiredClaims(nowMs: number): ClaimRow[] {
    return (this.#statements.prepare('DELETE FROM claims WHERE expires_at_ms <= ? RETURNING *').all(nowMs) as ClaimColumns[]).map(toClaim);
  }
}
