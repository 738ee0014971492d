/**
 * Real peers: a child process running the MLLP listener + RIS ingest on a SQLite file, and MLLP
 * senders over loopback. The child is killed with SIGKILL mid-stream, restarted on the same
 * database, and the senders resend everything not ACKed (as MLLP senders must). Every message
 * must end up stored exactly once: applied once, one ACK row, duplicates answered, none lost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MllpClient } from '../../subgraphs/trust/ris/mllp/mllp-client.ts';
import { Hl7Message } from '../../subgraphs/trust/ris/hl7/index.ts';
import { orm } from '../fixtures/ris/hl7-fixtures.ts';

const TOTAL = 2000;
const KILL_AFTER_ACKS = 700;
const SENDERS = 2;
const SERVER = join(import.meta.dirname, '..', 'fixtures', 'ris', 'ris-ingest-server.ts');

const dir = mkdtempSync(join(tmpdir(), 'ris-crash-'));
const dbPath = join(dir, 'RXA.db');
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, dbPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code, signal) => reject(new Error(`ingest server exited (${code ?? signal}) before READY:\n${stderr}`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

const messages = Array.from({ length: TOTAL }, (_, i) =>
  orm({ controlId: `CRASH-${i}`, patient: { mrn: `MRN${i % 50}` }, accession: `ACC${i}`, orderTime: '20250115103000' }),
);

/**
 * Sends `indexes` in order on `SENDERS` connections, recording each ACK. Stops a connection at
 * its first failure (the peer died): what was not ACKed stays to be resent.
 */
async function sendAll(port: number, indexes: number[], acks: Map<number, string>, onAck?: () => void): Promise<void> {
  const lanes = Array.from({ length: SENDERS }, (_, lane) => indexes.filter((_, k) => k % SENDERS === lane));
  await Promise.all(
    lanes.map(async (lane) => {
      const client = new MllpClient('127.0.0.1', port, { timeoutMs: 10_000 });
      try {
        for (const i of lane) {
          let ack: string;
          try {
            ack = await client.send(messages[i]!);
          } catch {
            return;
          }
          acks.set(i, ack);
          onAck?.();
        }
      } finally {
        await client.close().catch(() => undefined);
      }
    }),
  );
}

describe('RIS ingest survives kill -9 (real child process, MLLP over loopback, SQLite file)', () => {
  it('stores every message exactly once across a crash and resend', async () => {
    const acks = new Map<number, string>();
    const first = await startServer();
    let killed = false;
    await sendAll(first.port, messages.map((_, i) => i), acks, () => {
      if (!killed && acks.size >= KILL_AFTER_ACKS) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    });
    await exited(first.child);
    expect(first.child.signalCode).toBe('SIGKILL');
    const ackedBeforeCrash = acks.size;
    expect(ackedBeforeCrash).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(ackedBeforeCrash).toBeLessThan(TOTAL);

    const second = await startServer();
    const missing = messages.map((_, i) => i).filter((i) => !acks.has(i));
    await sendAll(second.port, missing, acks);
    second.child.kill('SIGTERM');
    await exited(second.child);

    expect(acks.size).toBe(TOTAL);
    for (const [i, ack] of acks) {
      const parsed = Hl7Message.parse(ack);
      expect([parsed.get('MSA-1'), parsed.get('MSA-2')]).toEqual(['AA', `CRASH-${i}`]);
    }

    const db = new Database(dbPath, { readonly: true });
    try {
      const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
      expect(count('SELECT COUNT(*) AS n FROM orders')).toBe(TOTAL);
      expect(count('SELECT COUNT(*) AS n FROM acks')).toBe(TOTAL);
      expect(count('SELECT COUNT(*) AS n FROM failed')).toBe(0);
      expect(count(`SELECT COUNT(*) AS n FROM journal WHERE outcome = 'APPLIED'`)).toBe(TOTAL);
      expect(count(`SELECT COUNT(DISTINCT control_id) AS n FROM journal WHERE outcome = 'APPLIED'`)).toBe(TOTAL);
      // Anything else journaled is a resend of a message already stored (answered with its
      // original ACK) or the raw row of a message in flight when the process died.
      const others = db.prepare(`SELECT outcome, COUNT(*) AS n FROM journal WHERE outcome <> 'APPLIED' GROUP BY outcome`).all() as { outcome: string; n: number }[];
      for (const o of others) expect(['DUPLICATE', 'RECEIVED']).toContain(o.outcome);
      expect(count('SELECT COUNT(*) AS n FROM patients')).toBe(50);
    } finally {
      db.close();
    }
  }, 120_000);
});
