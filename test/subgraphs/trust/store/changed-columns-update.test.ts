import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ChangedColumnsUpdate } from '../../../../subgraphs/trust/store/changed-columns-update.ts';

/**
 * SQLite decides which indexes (and `UPDATE OF column` triggers) an UPDATE touches from its SET
 * list; the triggers here record exactly that, so the test sees what a changed-columns UPDATE
 * would rewrite.
 */
function table(): Database.Database {
  const db = new Database(':memory:');
  db.exec(`
    CREATE TABLE t (id TEXT PRIMARY KEY, a TEXT, b INTEGER, c TEXT, updated TEXT);
    CREATE TABLE touched (col TEXT);
    CREATE TRIGGER ta AFTER UPDATE OF a ON t BEGIN INSERT INTO touched VALUES ('a'); END;
    CREATE TRIGGER tb AFTER UPDATE OF b ON t BEGIN INSERT INTO touched VALUES ('b'); END;
    CREATE TRIGGER tc AFTER UPDATE OF c ON t BEGIN INSERT INTO touched VALUES ('c'); END;
    INSERT INTO t VALUES ('k', 'x', 1, NULL, 'then');
  `);
  return db;
}
const COLUMNS = [['fa', 'a'], ['fb', 'b'], ['fc', 'c']] as const;
const stored = (db: Database.Database) => db.prepare('SELECT * FROM t').get() as Record<string, unknown>;
const touched = (db: Database.Database) => (db.prepare('SELECT col FROM touched').pluck().all() as string[]).sort();

describe('ChangedColumnsUpdate', () => {
  it('sets only the columns whose value differs (null and numbers compared as stored)', () => {
    const db = table();
    const update = new ChangedColumnsUpdate(db, 't', COLUMNS, 'id = @id');
    const values = { id: 'k', fa: 'x', fb: 2, fc: null };
    const mask = update.changes(stored(db), values);
    expect(mask).toBe(update.maskOf(['fb']));
    update.run(mask, values);
    expect(touched(db)).toEqual(['b']);
    expect(stored(db)).toEqual({ id: 'k', a: 'x', b: 2, c: null, updated: 'then' });
  });

  it('writes nothing when nothing changed, unless an assignment is always made', () => {
    const db = table();
    const values = { id: 'k', fa: 'x', fb: 1, fc: null, t: 'now' };
    const quiet = new ChangedColumnsUpdate(db, 't', COLUMNS, 'id = @id');
    quiet.run(quiet.changes(stored(db), values), values);
    expect(stored(db)['updated']).toBe('then');
    const stamped = new ChangedColumnsUpdate(db, 't', COLUMNS, 'id = @id', 'updated = @t');
    stamped.run(stamped.changes(stored(db), values), values);
    expect(stored(db)['updated']).toBe('now');
    expect(touched(db)).toEqual([]);
  });

  it('one statement per set of changed columns, whatever the values', () => {
    const db = table();
    const update = new ChangedColumnsUpdate(db, 't', COLUMNS, 'id = @id');
    update.run(update.maskOf(['fa', 'fc']), { id: 'k', fa: 'y', fb: 1, fc: 'z' });
    update.run(update.maskOf(['fa', 'fc']), { id: 'k', fa: 'w', fb: 1, fc: 'v' });
    expect(touched(db)).toEqual(['a', 'a', 'c', 'c']);
    expect(stored(db)).toMatchObject({ a: 'w', b: 1, c: 'v' });
  });
});
