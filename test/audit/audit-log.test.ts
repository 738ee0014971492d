import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog, type AuditEntry } from '../../audit/audit-log.ts';
import { auditPathOf } from '../../audit/audit-path.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'audit-log-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
  at: '2026-03-29T10:00:00.000Z',
  where: 'gateway',
  sub: 'dr-synthetic',
  roles: ['clinician'],
  callerTrust: 'RXA',
  operationName: 'Worklist',
  studyId: 'S1.RXA.YTpBQ0Mx',
  nhsNumber: '9990000018',
  dataTrust: 'RXA',
  ...over,
});

describe('AuditLog', () => {
  it('writes entries durably and reads them back by user, patient and time', () => {
    const path = join(tempDir(), 'nested', 'audit.db');
    const log = AuditLog.open(path);
    log.record([entry(), entry({ sub: 'analyst-1', roles: ['analyst'], nhsNumber: null, at: '2026-03-29T11:00:00.000Z' })]);
    log.record([entry({ nhsNumber: '9990000026', studyId: null, roles: [], sub: null, callerTrust: null, operationName: null, dataTrust: null, at: '2026-03-30T09:00:00.000Z' })]);
    log.close();

    const reader = AuditLog.open(path, { readonly: true });
    expect(reader.query()).toHaveLength(3);
    expect(reader.query({ sub: 'dr-synthetic' })).toEqual([entry()]);
    expect(reader.query({ nhsNumber: '9990000026' })[0]).toEqual(entry({ nhsNumber: '9990000026', studyId: null, roles: [], sub: null, callerTrust: null, operationName: null, dataTrust: null, at: '2026-03-30T09:00:00.000Z' }));
    expect(reader.query({ since: '2026-03-29T10:30:00.000Z' }).map((e) => e.at)).toEqual(['2026-03-29T11:00:00.000Z', '2026-03-30T09:00:00.000Z']);
    expect(reader.query({ sub: 'analyst-1', nhsNumber: '9990000018' })).toEqual([]);
    expect(() => reader.record([entry()])).toThrow(/read-only/);
    reader.close();
  });

  it('is append-only: UPDATE and DELETE are refused by the database itself', () => {
    const path = join(tempDir(), 'audit.db');
    AuditLog.open(path).record([entry()]);
    const db = new Database(path);
    expect(() => db.prepare("UPDATE audit SET sub = 'someone-else'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
    expect(db.prepare('SELECT count(*) AS n FROM audit').get()).toEqual({ n: 1 });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});

describe('auditPathOf', () => {
  it('uses audit.sqlite, else beside a trust store, else the gateway default', () => {
    expect(auditPathOf({ audit: { sqlite: '/var/audit/x.db' }, trusts: [] })).toEqual({ path: '/var/audit/x.db', kind: 'gateway' });
    expect(auditPathOf({ code: 'RXA', store: { sqlite: '/data/RXA.db' } })).toEqual({ path: '/data/RXA.db.audit.db', kind: 'trust' });
    expect(auditPathOf({ http: { port: 4000 }, trusts: [{ code: 'RXA' }] }).path).toMatch(/\/data\/gateway-audit\.db$/);
    expect(() => auditPathOf({ http: {} })).toThrow(/neither/);
    expect(() => auditPathOf({ audit: { sqlite: 3 }, trusts: [] })).toThrow(/audit.sqlite/);
  });

  it('concurrent appends (group commit, synced off the event loop) are all kept, in one unbroken chain, also after reopening', async () => {
    const path = join(tempDir(), 'audit.db');
    const log = AuditLog.open(path);
    await Promise.all(Array.from({ length: 50 }, (_, i) => log.append([entry({ sub: `u${i}` }), entry({ sub: `u${i}`, studyId: `S${i}` })])));
    // A second wave while the first sync may still be in flight.
    const wave = Array.from({ length: 20 }, (_, i) => log.append([entry({ sub: `w${i}` })]));
    await Promise.all(wave);
    log.close();
    const again = AuditLog.open(path);
    await again.append([entry({ sub: 'after-reopen' })]);
    again.close();
    const reader = AuditLog.open(path, { readonly: true });
    expect(reader.query()).toHaveLength(121);
    expect(reader.query({ sub: 'u7' })).toHaveLength(2);
    expect(reader.verify()).toMatchObject({ ok: true, entries: 121, unchained: 0 });
    reader.close();
  });
});
