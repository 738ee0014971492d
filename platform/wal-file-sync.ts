import { closeSync, existsSync, fdatasync, fdatasyncSync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** How the WAL file is flushed: `fs.fdatasync` (libuv's thread pool) unless a test injects a fault. */
export type FileSync = (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void;
/** The same flush, on the calling thread (`fs.fdatasyncSync`); throws on failure. */
export type FileSyncNow = (fd: number) => void;

/**
 * Group durability for a SQLite database in WAL mode whose commits run with `synchronous = NORMAL`:
 * the commit writes its frames into the `-wal` file without syncing it (SQLite docs, "PRAGMA
 * synchronous": in WAL mode NORMAL syncs only at checkpoints; "Write-Ahead Logging": "the WAL
 * file is synced before each checkpoint and the database file after it" is what keeps it
 * consistent), and this class then `fdatasync`s the WAL file itself on libuv's thread pool, so
 * the event loop goes on (parsing, applying the next group) while the disk works.
 *
 * Why a commit is durable once `afterCommit()` resolves:
 * - a waiter is only ever released by a sync that STARTED after its commit returned: the
 *   commit's `write()`s were done by then, and fdatasync flushes every dirty page of the file
 *   whichever descriptor wrote it (POSIX fsync is per file; Linux flushes the inode), the WAL
 *   header included, so SQLite's WAL recovery replays the commit after a power cut;
 * - a checkpoint between the commit and the sync does not lose it: SQLite syncs the WAL before
 *   copying it into the database and the database after (see above), and only then may the next
 *   writer rewind the WAL, so the commit is then durable in the database file itself;
 * - the file is the same inode while the owning connection is open (SQLite deletes the WAL only
 *   when the last connection closes; a checkpoint rewinds it in place), and its directory entry
 *   is synced once, when it is opened here.
 * A later commit can never be durable without an earlier one: the WAL is one append-ordered file.
 *
 * After a failed sync nothing is trusted ("fsyncgate", PostgreSQL 2018: the kernel may have
 * dropped the dirty pages and marked them clean, so a later fsync can succeed without them):
 * every waiter of that sync and every later `afterCommit()` rejects, for the life of the process.
 * The audit log (audit/audit-log.ts) syncs its WAL through this class too.
 *
 * `afterCommit({ inline: true })` syncs on the calling thread instead, when no sync is in flight
 * and no other commit waits: a lone commit (one MLLP connection, whose sender waits for this ACK
 * before it sends anything else) has nothing to overlap with the disk, and the hand-off to the
 * thread pool and back (a worker wake-up, then the event loop's wake-up by the completion) cost
 * more than it saved (issue 16, measured on the one-connection ingest: see the commit message).
 * Same sync, same rules; only the thread differs.
 */
export class WalFileSync {
  readonly #fd: number;
  readonly #sync: FileSync;
  /** Undefined when a test injected `sync` without this: then every sync goes through `#sync`. */
  readonly #syncNow: FileSyncNow | undefined;
  /** Committed, waiting for the next sync to start. */
  #waiting: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  #syncing = false;
  #broken: Error | undefined;
  #closed = false;

  private constructor(fd: number, sync: FileSync, syncNow: FileSyncNow | undefined) {
    this.#fd = fd;
    this.#sync = sync;
    this.#syncNow = syncNow;
  }

  /**
   * Opens `<database>-wal` for syncing (read-only: fsync needs no write access on Linux) and
   * syncs its directory once. Undefined when the WAL file does not exist (not in WAL mode, or
   * `:memory:`): the caller then keeps `synchronous = FULL`. A test that injects `sync` (to hold
   * or fail it) gets no inline syncs unless it injects `syncNow` too.
   */
  static open(databasePath: string, sync?: FileSync, syncNow?: FileSyncNow): WalFileSync | undefined {
    const walPath = `${databasePath}-wal`;
    if (databasePath === ':memory:' || databasePath === '' || !existsSync(walPath)) return undefined;
    const dirFd = openSync(dirname(walPath), 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
    return sync ? new WalFileSync(openSync(walPath, 'r'), sync, syncNow) : new WalFileSync(openSync(walPath, 'r'), fdatasync, syncNow ?? fdatasyncSync);
  }

  /** The error of the failed sync, once one failed (then nothing is ever released again). */
  get broken(): Error | undefined {
    return this.#broken;
  }

  /**
   * Resolves once a sync that started after this call has returned: call it right after a commit
   * returns. Commits made while a sync is in flight share the next one (group commit). With
   * `inline`, and when no sync is in flight and nobody else waits, the sync runs now on this
   * thread and the promise is settled when this returns.
   */
  afterCommit(opts?: { inline?: boolean }): Promise<void> {
    if (this.#broken) return Promise.reject(this.#broken);
    if (this.#closed) return Promise.reject(new Error('the WAL sync is closed'));
    if (opts?.inline && this.#syncNow && !this.#syncing && this.#waiting.length === 0) {
      try {
        this.syncNow();
        return Promise.resolve();
      } catch {
        return Promise.reject(this.#broken);
      }
    }
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      if (!this.#syncing) this.#start();
    });
  }

  /**
   * Syncs now, on this thread, for a synchronous caller (the audit log's `record`): returns once
   * every commit made before the call is on disk. A failure breaks this sync as any other does.
   */
  syncNow(): void {
    if (this.#broken) throw this.#broken;
    if (this.#closed) throw new Error('the WAL sync is closed');
    try {
      (this.#syncNow ?? fdatasyncSync)(this.#fd);
    } catch (error) {
      const err = error as NodeJS.ErrnoException;
      this.#broken = Object.assign(new Error(`WAL sync failed: ${err.code ?? err.message}`), { code: err.code ?? 'EIO' });
      throw this.#broken;
    }
  }

  #start(): void {
    const batch = this.#waiting;
    this.#waiting = [];
    this.#syncing = true;
    this.#sync(this.#fd, (err) => {
      this.#syncing = false;
      if (err) this.#broken ??= Object.assign(new Error(`WAL sync failed: ${err.code ?? err.message}`), { code: err.code ?? 'EIO' });
      for (const w of batch) (this.#broken ? w.reject(this.#broken) : w.resolve());
      if (this.#closed) {
        closeSync(this.#fd);
        return;
      }
      if (this.#broken) {
        for (const w of this.#waiting.splice(0)) w.reject(this.#broken);
        return;
      }
      if (this.#waiting.length > 0) this.#start();
    });
  }

  /** Closes the descriptor; waiters not yet synced are rejected (nothing is released unsynced). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const closing = new Error('the WAL sync was closed before the commit was synced');
    for (const w of this.#waiting.splice(0)) w.reject(closing);
    // A sync in flight still uses the descriptor: its callback closes it.
    if (!this.#syncing) closeSync(this.#fd);
  }
}
