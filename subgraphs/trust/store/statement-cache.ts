import type { Database, Statement } from 'better-sqlite3';

/**
 * Makes `db.prepare(sql)` return the statement prepared earlier for the same SQL text. Preparing
 * parses and plans the SQL each time (measured: ~5% of HL7 ingest CPU); the store's statements
 * are a small fixed set of shapes, so they are prepared once. Safe because the store never
 * iterates a statement (`.iterate()`), the one use in which a statement is busy between calls.
 */
export function cacheStatements(db: Database, maxStatements = 512): Database {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Statement>();
  db.prepare = ((sql: string) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = prepare(sql);
      if (cache.size < maxStatements) cache.set(sql, statement);
    }
    return statement;
  }) as Database['prepare'];
  return db;
}
