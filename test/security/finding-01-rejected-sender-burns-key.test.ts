/**
 * Finding 1 (issue 15): a rejected sender burns a real message's key, and `hl7 replay` applies
 * what live ingest refused. Real peers: `imaging-network trust` processes, MLLP over real TCP
 * from two loopback source addresses (127.0.0.2 plays the RIS, 127.0.0.1 the attacker), the
 * `imaging-network hl7` command, and the trust's GraphQL over HTTP to see what was applied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adt, NHS } from '../fixtures/ris/hl7-fixtures.ts';
import { connectMllp } from './mllp-raw.ts';
import { emptyPacs, postGraphql, runToEnd, startTrustProcess, tempDir, type TrustPeer } from './security-peers.ts';

const msa1 = (ack: string | null): string | undefined => ack?.split('\r').find((s) => s.startsWith('MSA'))?.split('|')[1];

describe('finding 1: a rejected message never takes a real message\'s key; replay keeps the allow-lists', () => {
  let pacs: { url: string; close(): Promise<void> };
  const trusts: TrustPeer[] = [];
  beforeAll(async () => {
    pacs = await emptyPacs();
  });
  afterAll(async () => {
    await Promise.all(trusts.map((t) => t.stop()));
    await pacs?.close();
  });

  async function familyOf(trust: TrustPeer, nhs: string): Promise<unknown> {
    const res = await postGraphql(trust.url, { query: `{ patient(nhsNumber: "${nhs}") { name { family } } }` });
    return res.json.data?.['patient']?.name?.family ?? null;
  }

  it('refuses a connection from an address off mllp.allowedAddresses before reading, and the RIS\'s message with the same key is applied', async () => {
    const trust = await startTrustProcess(tempDir('f1a'), 'RXA', pacs.url, {}, { allowedAddresses: ['127.0.0.2'] });
    trusts.push(trust);
    // The attacker copies the RIS's MSH-3/MSH-4 and guesses its next control id.
    const attacker = await connectMllp(trust.mllpPort, '127.0.0.1');
    const forged = await attacker.send(adt('A04', 'CTRL-100', { mrn: 'EVIL1', nhs: NHS.a, name: 'FORGED^NAME' }));
    attacker.close();
    expect(forged).toBeNull(); // closed unread: no AR, nothing journalled

    const ris = await connectMllp(trust.mllpPort, '127.0.0.2');
    const real = await ris.send(adt('A04', 'CTRL-100', { mrn: 'REAL1', nhs: NHS.a, name: 'GENUINE^PATIENT' }));
    ris.close();
    expect(msa1(real)).toBe('AA');
    expect(await familyOf(trust, NHS.a)).toBe('GENUINE');

    const failed = await runToEnd(['hl7', 'failed', '--config', trust.configFile, '--all']);
    expect(failed.stderr).toContain('0 failed message(s)');
  });

  it('keeps a refused sender\'s message without its key, and hl7 replay refuses it again', async () => {
    const trust = await startTrustProcess(tempDir('f1b'), 'RXB', pacs.url, {}, { allowedSenders: [{ application: 'RIS', facility: 'RXA01' }] });
    trusts.push(trust);
    const mllp = await connectMllp(trust.mllpPort);
    // From an allowed address, but not an allowed sender: AR, kept for the operator.
    const forged = await mllp.send(adt('A04', 'CTRL-200', { mrn: 'EVIL2', nhs: NHS.b, name: 'FORGED^NAME' }, { app: 'EVIL' }));
    expect(msa1(forged)).toBe('AR');
    // The real sender's message with the same control id is applied (the key is per sender).
    expect(msa1(await mllp.send(adt('A04', 'CTRL-200', { mrn: 'REAL2', nhs: NHS.c, name: 'GENUINE^PATIENT' })))).toBe('AA');
    mllp.close();

    const replay = await runToEnd(['hl7', 'replay', '--config', trust.configFile]);
    expect(replay.stdout).toContain('replayed 0, still failing 1');
    expect(replay.code).toBe(1);
    expect(await familyOf(trust, NHS.b)).toBeNull();
    expect(await familyOf(trust, NHS.c)).toBe('GENUINE');
  });

  it('does not let a failed message (AE) deduplicate the corrected resend with its control id', async () => {
    const trust = await startTrustProcess(tempDir('f1c'), 'RXC', pacs.url);
    trusts.push(trust);
    const mllp = await connectMllp(trust.mllpPort);
    // PID-3 with no identifier at all cannot be applied (AE); the RIS fixes it and resends.
    const broken = await mllp.send(adt('A04', 'CTRL-300', { mrn: '', pid3: '' }));
    expect(['AE', 'AR']).toContain(msa1(broken));
    expect(msa1(await mllp.send(adt('A04', 'CTRL-300', { mrn: 'FIXED3', nhs: NHS.d, name: 'RESENT^PATIENT' })))).toBe('AA');
    mllp.close();
    expect(await familyOf(trust, NHS.d)).toBe('RESENT');
  });
});
