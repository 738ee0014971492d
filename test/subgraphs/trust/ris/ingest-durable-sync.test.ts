/**
 * Issue 16: the ingest's group commit syncs the WAL off the event loop, and no ACK leaves before
 * that sync returns. Real peers: the real MLLP listener and ingest on a SQLite file, MLLP senders
 * over loopback TCP. The disk's fdatasync is wrapped (the store's `syncWal` seam) to hold it or to
 * make it fail, as a disk can; everything else is the production path.
 */
import { fdatasync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Hl7Message } from '../../../../subgraphs/trust/ris/hl7/index.ts';
import { MllpClient } from '../../../../subgraphs/trust/ris/mllp/mllp-client.ts';
import { startMllpListener, type MllpListener } from '../../../../subgraphs/trust/ris/mllp/mllp-listener.ts';
import { createRisIngest, type IngestLogger } from '../../../../subgraphs/trust/ris/ris-ingest.ts';
import { openTrustStore } from '../../../../subgraphs/trust/store/open-trust-store.ts';
import type { TrustStore } from '../../../../subgraphs/trust/store/trust-store.ts';
import { StoreFailure } from '../../../../subgraphs/trust/ris/ingest-port.ts';
import type { FileSync } from '../../../../platform/wal-file-sync.ts';
import { orm } from '../../../fixtures/ris/hl7-fixtures.ts';

let dir: string;
let dbPath: string;
const opened: Array<{ store: TrustStore; listener: MllpListener }> = [];
const errors: string[] = [];
const noop = (): void => {};
const logger: IngestLogger = { debug: noop, info: noop, warn: noop, error: (_obj, msg) => errors.push(msg ?? '') };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ingest-sync-'));
  dbPath = join(dir, 'RXA.db');
  errors.length = 0;
});
afterEach(async () => {
  for (const { store, listener } of opened.splice(0)) {
    await listener.close();
    store.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

/** A trust's RIS side on `dbPath` whose WAL syncs go through `syncWal`. */
async function startIngest(syncWal?: FileSync): Promise<{ store: TrustStore; port: number; handedOver: string[] }> {
  const store = openTrustStore(dbPath, syncWal ? { syncWal } : {});
  const ingest = createRisIngest({ store, logger });
  /** MSA-2 of every ACK the ingest handed to the listener to send, in order. */
  const handedOver: string[] = [];
  const handler = async (frame: Parameters<typeof ingest.handle>[0]) => {
    const ack = await ingest.handle(frame);
    if (ack) handedOver.push(Hl7Message.parse(ack.toString('latin1')).get('MSA-2') ?? '');
    return ack;
  };
  const listener = await startMllpListener({ host: '127.0.0.1', port: 0, handler, logger, closeGraceMs: 1000 });
  opened.push({ store, listener });
  return { store, port: listener.port, handedOver };
}

/** Lets every callback and promise chain that is ready run (event-loop turns, no clock). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Syncs that wait until released: `started` counts them, `release()` lets the held ones run. */
function heldSync(): { sync: FileSync; started: () => number; release: () => void; releaseOldest: () => void; whenStarted: (n: number) => Promise<void> } {
  let held: Array<() => void> = [];
  let started = 0;
  let wake: (() => void) | undefined;
  return {
    sync: (fd, done) => {
      started++;
      held.push(() => fdatasync(fd, done));
      wake?.();
    },
    started: () => started,
    release: () => {
      const run = held;
      held = [];
      for (const r of run) r();
    },
    releaseOldest: () => held.shift()?.(),
    whenStarted: async (n) => {
      while (started < n) await new Promise<void>((resolve) => (wake = resolve));
    },
  };
}

const message = (i: number) => orm({ controlId: `SYNC-${i}`, patient: { mrn: `MRN${i % 5}` }, accession: `ACC${i}`, orderTime: '20250115103000' });

describe('ACK after the WAL sync (issue 16)', () => {
  it('withholds the ACK while the sync is in flight, although the commit is already readable; sends it once the sync returns', async () => {
    const disk = heldSync();
    const { store, port, handedOver } = await startIngest(disk.sync);
    const client = new MllpClient('127.0.0.1', port, { timeoutMs: 10_000 });
    try {
      const sent = client.send(message(1));
      await disk.whenStarted(1);
      await settle();
      // The group is committed (a reader on the store's connection sees it) and its sync started...
      expect(store.ordersByAccession(['ACC1']).has('ACC1')).toBe(true);
      // ...but no ACK was handed to the listener: the sync has not returned.
      expect(handedOver).toEqual([]);
      disk.release();
      const ack = await sent;
      expect(handedOver).toEqual(['SYNC-1']);
      expect([Hl7Message.parse(ack).get('MSA-1'), Hl7Message.parse(ack).get('MSA-2')]).toEqual(['AA', 'SYNC-1']);
    } finally {
      await client.close();
    }
  });

  it('a group committed while a sync is in flight waits for a sync that started after its commit', async () => {
    const disk = heldSync();
    const { store, port, handedOver } = await startIngest(disk.sync);
    const a = new MllpClient('127.0.0.1', port, { timeoutMs: 10_000 });
    const b = new MllpClient('127.0.0.1', port, { timeoutMs: 10_000 });
    try {
      const first = a.send(message(1));
      await disk.whenStarted(1);
      // Committed after the first sync started: that sync may not cover it.
      const second = b.send(message(2));
      while (!store.ordersByAccession(['ACC2']).has('ACC2')) await new Promise((r) => setImmediate(r));
      disk.releaseOldest(); // only the sync that started before the second commit returns
      await first;
      await settle();
      expect(handedOver).toEqual(['SYNC-1']);
      await disk.whenStarted(2);
      disk.release();
      await second;
      expect(handedOver).toEqual(['SYNC-1', 'SYNC-2']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('a failed WAL sync (fsyncgate: nothing is trusted after it)', () => {
  it('sends no ACK for that group nor any later one; after a restart the resends are stored exactly once', async () => {
    let fail = false;
    const failing: FileSync = (fd, done) => (fail ? done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })) : fdatasync(fd, done));
    const first = await startIngest(failing);
    const total = 12;
    const acks = new Map<number, string>();
    const sendAll = async (port: number, indexes: number[]): Promise<void> => {
      // Each message on its own connection, one after another: a connection closed without an
      // ACK is what a sender sees when the receiver could not store the message.
      for (const i of indexes) {
        const client = new MllpClient('127.0.0.1', port, { timeoutMs: 10_000 });
        try {
          acks.set(i, await client.send(message(i)));
        } catch {
          // no ACK: the sender keeps the message for a resend
        } finally {
          await client.close().catch(() => undefined);
        }
      }
    };
    await sendAll(first.port, [0, 1, 2, 3]);
    expect([...acks.keys()]).toEqual([0, 1, 2, 3]);
    fail = true;
    await sendAll(first.port, [4, 5, 6]);
    // The disk recovers, but the ingest does not trust it again: still no ACK.
    fail = false;
    await sendAll(first.port, [7, 8]);
    expect([...acks.keys()]).toEqual([0, 1, 2, 3]);
    expect(errors.some((e) => e.includes('could not be synced'))).toBe(true);
    // Nor does the store take any other write on that connection (claims, reports, replay…);
    // it still answers reads.
    expect(() => first.store.transaction((w) => w.createPatient({ family: 'AFTER' }))).toThrow(StoreFailure);
    // The four ACKed, and the one whose sync failed (committed, never ACKed); nothing after it.
    expect(first.store.counts().orders).toBe(5);

    // Restart on the same database; the senders resend everything not ACKed, and some that were
    // (a sender that lost an ACK resends too).
    const { store, listener } = opened.pop()!;
    await listener.close();
    store.close();
    const second = await startIngest();
    const resend = [2, 3, ...Array.from({ length: total - 4 }, (_, k) => k + 4)];
    const before = new Map(acks);
    await sendAll(second.port, resend);
    expect(acks.size).toBe(total);
    for (const [i, ack] of acks) expect([Hl7Message.parse(ack).get('MSA-1'), Hl7Message.parse(ack).get('MSA-2')]).toEqual(['AA', `SYNC-${i}`]);
    // A resend of an ACKed message gets its original ACK back.
    expect(acks.get(2)).toBe(before.get(2));

    const db = new Database(dbPath, { readonly: true });
    try {
      const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
      expect(count('SELECT COUNT(*) AS n FROM orders')).toBe(total);
      expect(count('SELECT COUNT(*) AS n FROM acks')).toBe(total);
      expect(count(`SELECT COUNT(DISTINCT control_id) AS n FROM journal WHERE outcome = 'APPLIED'`)).toBe(total);
      expect(count(`SELECT COUNT(*) AS n FROM journal WHERE outcome = 'APPLIED'`)).toBe(total);
      expect(count('SELECT COUNT(*) AS n FROM study_status_history')).toBe(total);
    } finally {
      db.close();
    }
  });
});
