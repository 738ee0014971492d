/**
 * Finding 8 (issue 15): MLLP resource exhaustion: no connection limit, and a non-loopback bind
 * needing neither TLS nor an allow-list. Real peers: `imaging-network trust` processes and MLLP
 * over real TCP.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adt, NHS } from '../fixtures/ris/hl7-fixtures.ts';
import net from 'node:net';
import { connectMllp, type RawMllp } from './mllp-raw.ts';
import { startMllpListener } from '../../subgraphs/trust/ris/mllp/mllp-listener.ts';
import { frameMllp } from '../../subgraphs/trust/ris/mllp/mllp-bytes.ts';
import { emptyPacs, runToEnd, startTrustProcess, tempDir, type TrustPeer } from './security-peers.ts';
import { stopPeers } from '../helpers/stop-peers.ts';

const msa1 = (ack: string | null): string | undefined => ack?.split('\r').find((s) => s.startsWith('MSA'))?.split('|')[1];

describe('finding 8: MLLP connection limit and refuse-to-bind-openly', () => {
  let pacs: { url: string; close(): Promise<void> };
  let trust: TrustPeer | undefined;
  beforeAll(async () => {
    pacs = await emptyPacs();
  });
  afterAll(() => stopPeers(trust, pacs));

  it('closes connections beyond mllp.maxConnections and serves again once one closes', async () => {
    trust = await startTrustProcess(tempDir('f8'), 'RXA', pacs.url, {}, { maxConnections: 2 });
    const held: RawMllp[] = [];
    for (let i = 0; i < 2; i++) {
      const c = await connectMllp(trust.mllpPort);
      expect(msa1(await c.send(adt('A08', `HOLD-${i}`, { mrn: `H${i}`, nhs: NHS.a })))).toBe('AA');
      held.push(c);
    }
    const third = await connectMllp(trust.mllpPort);
    expect(await third.send(adt('A08', 'OVER-1', { mrn: 'O1', nhs: NHS.a }))).toBeNull();
    held.shift()!.close();
    // The slot frees when the server sees the close; retry until it has (no timing asserted).
    let ack: string | null = null;
    while (ack === null) {
      const c = await connectMllp(trust.mllpPort);
      ack = await c.send(adt('A08', 'AFTER-1', { mrn: 'A1', nhs: NHS.a }));
      c.close();
    }
    expect(msa1(ack)).toBe('AA');
    for (const c of held) c.close();
  });

  it('refuses to start an MLLP listener on a non-loopback address without mllp.tls or mllp.allowedAddresses', async () => {
    const dir = tempDir('f8bind');
    const config = join(dir, 'open.json');
    writeFileSync(
      config,
      JSON.stringify({ code: 'RXB', name: 'Open', http: { port: 0 }, mllp: { port: 0, host: '0.0.0.0' }, pacs: { dicomweb: pacs.url }, store: { sqlite: join(dir, 'RXB.db') } }),
    );
    const run = await runToEnd(['trust', '--config', config]);
    expect(run.code).not.toBe(0);
    expect(run.stderr + run.stdout).toContain('mllp.host');
  });
});

describe('finding 8: a per-connection byte budget (mllp.maxConnectionBytes)', () => {
  it('stops reading a sender that pipelines past the budget while its first message is in hand', async () => {
    const budget = 1024 * 1024;
    const maxFrameBytes = 512 * 1024;
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    let handled = 0;
    const listener = await startMllpListener({
      port: 0,
      maxFrameBytes,
      maxConnectionBytes: budget,
      // The store is slow: the first message is held until the test lets it go.
      handler: async () => {
        handled++;
        await held;
        return Buffer.from('MSH|^~\\&|A|B|C|D|20260101||ACK|1|P|2.5.1\rMSA|AA|1\r');
      },
    });
    const socket = net.connect({ host: '127.0.0.1', port: listener.port });
    await new Promise<void>((r) => socket.once('connect', r));
    socket.on('error', () => undefined);
    const frame = frameMllp(Buffer.from(`MSH|^~\\&|RIS|RXA01|N|RXA|20260101||ADT^A08|X|P|2.5.1\r${'Z'.repeat(256 * 1024)}\r`));
    for (let i = 0; i < 40; i++) socket.write(frame); // 10 MiB, far past the budget
    // The listener pauses the connection once what it holds passes the budget (no timing asserted).
    while (listener.buffered().pausedConnections === 0) await new Promise((r) => setTimeout(r, 10));
    const { bytes } = listener.buffered();
    expect(handled).toBe(1);
    expect(bytes).toBeLessThanOrEqual(budget + maxFrameBytes + frame.length);
    release();
    socket.destroy();
    await listener.close();
  });
});
