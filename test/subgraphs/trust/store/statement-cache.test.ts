import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { StatementCache } from '../../../../subgraphs/trust/store/statement-cache.ts';

describe('StatementCache', () => {
  it('prepares a SQL text once and hands back that statement after', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (v INTEGER)');
    const statements = new StatementCache(db);
    const insert = statements.prepare<[number]>('INSERT INTO t (v) VALUES (?)');
    expect(statements.prepare('INSERT INTO t (v) VALUES (?)')).toBe(insert);
    insert.run(1);
    statements.prepare<[number]>('INSERT INTO t (v) VALUES (?)').run(2);
    expect(statements.prepare('SELECT v FROM t ORDER BY v').pluck().all()).toEqual([1, 2]);
    expect(statements.size).toBe(2);
    db.close();
  });

  it('leaves the connection\'s own prepare alone (no patched driver)', () => {
    const db = new Database(':memory:');
    const statements = new StatementCache(db);
    const cached = statements.prepare('SELECT 1');
    expect(db.prepare('SELECT 1')).not.toBe(cached);
    expect(db.prepare('SELECT 1')).not.toBe(db.prepare('SELECT 1'));
    db.close();
  });

  it('keeps at most maxStatements texts; others are prepared per call and still work', () => {
    const db = new Database(':memory:');
    const statements = new StatementCache(db, 2);
    statements.prepare('SELECT 1');
    statements.prepare('SELECT 2');
    const third = statements.prepare('SELECT 3');
    expect(statements.size).toBe(2);
    expect(statements.prepare('SELECT 3')).not.toBe(third);
    expect(statements.prepare('SELECT 3').pluck().get()).toBe(3);
    db.close();
  });
});
