import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AuditLog, type AuditEntry } from '../../audit/audit-log.ts';

const entry = (sub: string): AuditEntry => ({ at: '2026-03-29T10:00:00.000Z', where: 'gateway', sub, roles: ['clinician'], callerTrust: null, operationName: null, studyId: null, nhsNumber: '9990000018', dataTrust: null });

describe('audit hash chain', () => {
  it('chains entries across appends and reopening', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'audit-chain-')), 'a.db');
    let log = AuditLog.open(path);
    log.record([entry('a'), entry('b')]);
    log.close();
    log = AuditLog.open(path);
    log.record([entry('c')]);
    expect(log.verify()).toMatchObject({ ok: true, entries: 3, unchained: 0 });
    log.close();
  });

  it('keeps entries of a log written before the chain as unchained, and chains what follows', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'audit-chain-')), 'old.db');
    const old = new Database(path);
    old.exec(`CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, server TEXT NOT NULL, sub TEXT, roles TEXT NOT NULL, caller_trust TEXT, operation TEXT, study_id TEXT, nhs_number TEXT, data_trust TEXT);
      INSERT INTO audit (at, server, roles) VALUES ('2026-01-01T00:00:00Z', 'gateway', ''), ('2026-01-01T00:00:01Z', 'gateway', '');`);
    old.close();
    const log = AuditLog.open(path);
    log.record([entry('new')]);
    expect(log.verify()).toMatchObject({ ok: true, entries: 1, unchained: 2 });
    log.close();
  });
});
