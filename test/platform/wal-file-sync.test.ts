import { fdatasync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WalFileSync, type FileSync } from '../../platform/wal-file-sync.ts';

let dir: string;
let db: Database.Database | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wal-sync-'));
});
afterEach(() => {
  db?.close();
  db = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** A WAL-mode database with its -wal file present (a read opens it). */
function walDatabase(): string {
  const path = join(dir, 'x.db');
  db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (v)');
  return path;
}

describe('WalFileSync', () => {
  it('is undefined without a WAL file (rollback journal, :memory:): the caller keeps synchronous = FULL', () => {
    const path = join(dir, 'plain.db');
    db = new Database(path);
    db.exec('CREATE TABLE t (v)');
    expect(WalFileSync.open(path)).toBeUndefined();
    expect(WalFileSync.open(':memory:')).toBeUndefined();
  });

  it('commits made during a sync share the next one; every waiter is released by a sync that started after it', async () => {
    const path = walDatabase();
    const calls: Array<() => void> = [];
    const sync: FileSync = (fd, done) => calls.push(() => fdatasync(fd, done));
    const wal = WalFileSync.open(path, sync)!;
    const released: string[] = [];
    const a = wal.afterCommit().then(() => released.push('a'));
    const b = wal.afterCommit().then(() => released.push('b'));
    const c = wal.afterCommit().then(() => released.push('c'));
    expect(calls).toHaveLength(1); // a's sync is in flight; b and c wait for the next
    calls.shift()!();
    await a;
    expect(released).toEqual(['a']);
    expect(calls).toHaveLength(1);
    calls.shift()!();
    await Promise.all([b, c]);
    expect(released).toEqual(['a', 'b', 'c']);
    wal.close();
  });

  it('after a failed sync every waiter and every later call rejects, even when the disk answers again', async () => {
    const path = walDatabase();
    let fail = true;
    const wal = WalFileSync.open(path, (fd, done) => (fail ? done(Object.assign(new Error('EIO'), { code: 'EIO' })) : fdatasync(fd, done)))!;
    await expect(wal.afterCommit()).rejects.toThrow('WAL sync failed: EIO');
    fail = false;
    await expect(wal.afterCommit()).rejects.toThrow('WAL sync failed: EIO');
    expect(wal.broken?.message).toBe('WAL sync failed: EIO');
    wal.close();
  });

  it('syncNow (a synchronous caller, the audit log\'s record): a failure throws and breaks every later sync, inline or not', async () => {
    const path = walDatabase();
    let fail = true;
    const wal = WalFileSync.open(path, (fd, done) => fdatasync(fd, done), () => {
      if (fail) throw Object.assign(new Error('EIO'), { code: 'EIO' });
    })!;
    expect(() => wal.syncNow()).toThrow('WAL sync failed: EIO');
    fail = false;
    expect(() => wal.syncNow()).toThrow('WAL sync failed: EIO');
    await expect(wal.afterCommit()).rejects.toThrow('WAL sync failed: EIO');
    wal.close();
  });

  it('close() rejects the commits not yet synced (never released unsynced)', async () => {
    const path = walDatabase();
    const calls: Array<() => void> = [];
    const wal = WalFileSync.open(path, (fd, done) => calls.push(() => fdatasync(fd, done)))!;
    const first = wal.afterCommit();
    const second = wal.afterCommit();
    wal.close();
    await expect(second).rejects.toThrow('closed before the commit was synced');
    calls.shift()!(); // the sync in flight still returns, and covers the first
    await expect(first).resolves.toBeUndefined();
  });

  it('inline: a lone commit is synced on the calling thread; with a sync in flight it waits for the next one like any other', async () => {
    const path = walDatabase();
    const calls: Array<() => void> = [];
    let inlineSyncs = 0;
    const wal = WalFileSync.open(path, (fd, done) => calls.push(() => fdatasync(fd, done)), () => void inlineSyncs++)!;
    await expect(wal.afterCommit({ inline: true })).resolves.toBeUndefined();
    expect(inlineSyncs).toBe(1);
    expect(calls).toHaveLength(0);
    const first = wal.afterCommit(); // thread pool: in flight
    let secondDone = false;
    const second = wal.afterCommit({ inline: true }).then(() => (secondDone = true));
    expect(inlineSyncs).toBe(1); // not inline: a sync is in flight, so it cannot cover this commit
    calls.shift()!();
    await first;
    expect(secondDone).toBe(false);
    expect(calls).toHaveLength(1);
    calls.shift()!();
    await second;
    wal.close();
  });

  it('inline: a failed sync rejects it and breaks every later call, inline or not', async () => {
    const path = walDatabase();
    const wal = WalFileSync.open(path, (fd, done) => fdatasync(fd, done), () => {
      throw Object.assign(new Error('EIO'), { code: 'EIO' });
    })!;
    await expect(wal.afterCommit({ inline: true })).rejects.toThrow('WAL sync failed: EIO');
    await expect(wal.afterCommit()).rejects.toThrow('WAL sync failed: EIO');
    await expect(wal.afterCommit({ inline: true })).rejects.toThrow('WAL sync failed: EIO');
    wal.close();
  });
});
