import type { Database, Statement } from 'better-sqlite3';

/**
 * Prepared statements of one connection, by SQL text. Preparing parses and plans the SQL each
 * time (measured: ~5% of HL7 ingest CPU); the store's per-call statements are a small fixed set
 * of shapes (plus `IN (?, ?, …)` lists by chunk size), so each is prepared once and reused. The
 * store asks this cache explicitly (`statements.prepare(sql)`) instead of `db.prepare`, which
 * stays the driver's own. Safe because the store never iterates a statement (`.iterate()`), the
 * one use in which a statement is busy between calls. Past `maxStatements` distinct texts a
 * statement is prepared for the call and not kept (bounded memory for unexpected shapes).
 */
export class StatementCache {
  readonly #db: Database;
  readonly #maxStatements: number;
  readonly #cache = new Map<string, Statement>();

  constructor(db: Database, maxStatements = 512) {
    this.#db = db;
    this.#maxStatements = maxStatements;
  }

  /** The statement for `sql`, prepared on first use. */
  prepare<BindParameters extends unknown[] | {} = unknown[], Result = unknown>(sql: string): Statement<BindParameters, Result> {
    let statement = this.#cache.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      if (this.#cache.size < this.#maxStatements) this.#cache.set(sql, statement);
    }
    return statement as Statement<BindParameters, Result>;
  }

  /** How many statements are kept (for tests). */
  get size(): number {
    return this.#cache.size;
  }
}
