import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuditLog, type AuditEntry } from '../../audit/audit-log.ts';
import { parseSince, runAudit } from '../../bin/audit-command.ts';

const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  at: '2026-03-29T10:00:00.000Z', where: 'RXA', sub: 'dr-synthetic', roles: ['clinician'], callerTrust: 'RXB',
  operationName: 'Look', studyId: 'S1.RXA.YTpBQ0Mx', nhsNumber: '9990000018', dataTrust: 'RXA', ...over,
});

describe('imaging-network audit', () => {
  let dir: string;
  let out: string[];
  let err: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'audit-cmd-'));
    out = [];
    err = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    vi.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
    const log = AuditLog.open(join(dir, 'RXA.db.audit.db'));
    log.record([entry({}), entry({ sub: 'analyst-1', roles: ['analyst'], nhsNumber: null, at: '2026-03-30T10:00:00.000Z' }), entry({ nhsNumber: '9990000026', studyId: null, at: '2026-03-31T10:00:00.000Z' })]);
    log.close();
    writeFileSync(join(dir, 'trust.json'), JSON.stringify({ code: 'RXA', name: 'A', http: { port: 0 }, mllp: { port: 0 }, pacs: { dicomweb: 'http://127.0.0.1:1/dicom-web' }, store: { sqlite: join(dir, 'RXA.db') } }));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  const config = () => join(dir, 'trust.json');

  it('prints every entry, one a line, tab-separated', async () => {
    expect(await runAudit(['--config', config()])).toBe(0);
    expect(out).toHaveLength(3);
    expect(out[0]).toBe(['2026-03-29T10:00:00.000Z', 'RXA', 'dr-synthetic', 'clinician', 'RXB', 'Look', 'RXA', 'S1.RXA.YTpBQ0Mx', '9990000018'].join('\t'));
    expect(out[1]!.split('\t').at(-1)).toBe('-');
  });

  it('filters by user, patient (spaces allowed) and time', async () => {
    await runAudit(['--config', config(), '--user', 'analyst-1']);
    expect(out.map((l) => l.split('\t')[2])).toEqual(['analyst-1']);
    out.length = 0;
    await runAudit(['--config', config(), '--patient', '999 000 0026']);
    expect(out.map((l) => l.split('\t')[8])).toEqual(['9990000026']);
    out.length = 0;
    await runAudit(['--config', config(), '--since', '2026-03-30']);
    expect(out).toHaveLength(2);
  });

  it('refuses a bad NHS number, a bad time and a missing config with exit 2', async () => {
    expect(await runAudit(['--config', config(), '--patient', '9990000019'])).toBe(2);
    expect(err.join('\n')).toMatch(/check digit/);
    expect(await runAudit(['--config', config(), '--since', 'yesterday'])).toBe(2);
    expect(await runAudit([])).toBe(2);
  });

  it('reads ages for --since', () => {
    const now = Date.parse('2026-03-29T10:00:00Z');
    expect(parseSince('24h', now)).toBe('2026-03-28T10:00:00.000Z');
    expect(parseSince('7d', now)).toBe('2026-03-22T10:00:00.000Z');
    expect(parseSince('2026-03-01T00:00:00+01:00', now)).toBe('2026-02-28T23:00:00.000Z');
    expect(parseSince('soon', now)).toBeNull();
  });
});
