/**
 * Finding 13 (issue 15): `hl7 failed` printed decoded control characters (HL7 `\X1B\` escapes)
 * to the operator's terminal: forged lines and escape sequences. Real peers: a trust process, a
 * message over real TCP MLLP from a sender it does not allow, and the `imaging-network hl7` command.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adt } from '../fixtures/ris/hl7-fixtures.ts';
import { connectMllp } from './mllp-raw.ts';
import { emptyPacs, runToEnd, startTrustProcess, tempDir, type TrustPeer } from './security-peers.ts';
import { stopPeers } from '../helpers/stop-peers.ts';

describe('finding 13: hl7 failed escapes what the sender controls', () => {
  let pacs: { url: string; close(): Promise<void> };
  let trust: TrustPeer;
  beforeAll(async () => {
    pacs = await emptyPacs();
    trust = await startTrustProcess(tempDir('f13'), 'RXA', pacs.url, {}, { allowedSenders: [{ application: 'RIS' }] });
  });
  afterAll(() => stopPeers(trust, pacs));

  it('prints one line per kept message, with no control characters', async () => {
    const mllp = await connectMllp(trust.mllpPort);
    // MSH-3 and MSH-10 with HL7 hex escapes (ch. 2.7.5): ESC [2J (clear screen), CR LF and a forged row.
    const hostile = adt('A04', 'C1\\X1B\\[2J\\X0D0A\\99\\tforged-row', { mrn: 'M1' }, { app: 'EVIL\\X1B\\]0;pwned\\X07\\' });
    const ack = await mllp.send(hostile);
    mllp.close();
    expect(ack).toMatch(/MSA\|AR/);
    const run = await runToEnd(['hl7', 'failed', '--config', trust.configFile]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(run.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(lines[0]).toContain('\\x1b');
  });
});
