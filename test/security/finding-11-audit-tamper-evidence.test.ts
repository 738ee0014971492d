/**
 * Finding 11 (issue 15): the audit log was append-only by triggers only: drop trigger, delete,
 * recreate left no trace. Real peers: a gateway process writing its audit log (over a fixture
 * trust), the `imaging-network audit verify` command, and SQLite opened as an attacker with file
 * access would.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeStudyId } from '../../schema/study-id.ts';
import { startFixtureTrust, type FixtureTrust } from '../helpers/fixture-trust.ts';
import { postGraphql, runToEnd, startGatewayProcess, tempDir, type GatewayPeer } from './security-peers.ts';
import { stopPeers } from '../helpers/stop-peers.ts';

describe('finding 11: the audit log is hash-chained and `audit verify` names the first broken entry', () => {
  let trust: FixtureTrust;
  let gateway: GatewayPeer;
  let dir: string;
  beforeAll(async () => {
    dir = tempDir('f11');
    const studies = ['A1', 'A2', 'A3', 'A4'].map((accession, i) => ({ accession, sortAt: `2026-03-0${i + 1}T10:00:00Z`, nhsNumber: '9990000018' }));
    trust = await startFixtureTrust({ code: 'RXA', studies });
    gateway = await startGatewayProcess(dir, [{ code: 'RXA', url: trust.url }]);
    // Four requests, four entries (one study each).
    for (const s of studies) {
      const id = encodeStudyId({ trust: 'RXA', kind: 'accession', value: s.accession });
      const res = await postGraphql(gateway.url, { query: `{ study(id: "${id}") { status } }` });
      expect(res.json.data?.['study']).toEqual({ status: 'COMPLETED' });
    }
  }, 120_000);
  afterAll(() => stopPeers(gateway, trust));

  const verify = () => runToEnd(['audit', 'verify', '--config', gateway.configFile]);
  /** What an attacker with the file does: drop the trigger, change history, recreate it. */
  function tamper(sql: string): void {
    const db = new Database(join(dir, 'gateway-audit.db'));
    db.exec(`DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; ${sql};
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;`);
    db.close();
  }

  it('verifies an intact log (exit 0)', async () => {
    const run = await verify();
    expect(run.stdout).toMatch(/intact: 4 entries/);
    expect(run.code).toBe(0);
  });

  it('names a changed entry, then a deleted one (exit 1)', async () => {
    tamper("UPDATE audit SET sub = 'someone-else' WHERE id = 3");
    let run = await verify();
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/BROKEN at entry 3\b/);

    tamper("UPDATE audit SET sub = NULL WHERE id = 3"); // restore what it was (auth off: no sub)
    expect((await verify()).code).toBe(0);

    tamper('DELETE FROM audit WHERE id = 2');
    run = await verify();
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/BROKEN at entry 3\b.*missing/);
  });
});
