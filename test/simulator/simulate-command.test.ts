import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildAck, Hl7Message } from '../../subgraphs/trust/ris/hl7/index.ts';
import { startMllpListener } from '../../subgraphs/trust/ris/mllp/mllp-listener.ts';
import { generateHistory } from '../../simulator/generate-history.ts';
import { runSimulate } from '../../simulator/simulate-command.ts';
import { RH8_PROFILE } from '../../simulator/sim-trust-profile.ts';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString('utf8')));
  return { stream, text: () => text };
}

describe('runSimulate arguments', () => {
  it('prints usage for --help and exits 0', async () => {
    const out = capture();
    expect(await runSimulate(['--help'], { stdout: out.stream })).toBe(0);
    expect(out.text()).toContain('--mllp HOST:PORT');
    expect(out.text()).toContain('--dicomweb PORT');
  });

  it.each([
    [['--days', 'x', '--dicomweb', '0'], '--days'],
    [['--trust', 'RZZ', '--dicomweb', '0'], '--trust'],
    [['--mllp', 'localhost', '--dicomweb', '0'], '--mllp'],
    [['--rate', '-3', '--dicomweb', '0'], '--rate'],
    [['--dicomweb', '70000'], '--dicomweb'],
    [['--bogus'], '--bogus'],
    [[], '--mllp'],
  ])('rejects %j naming %s, exit 2', async (argv, flag) => {
    const err = capture();
    expect(await runSimulate(argv, { stderr: err.stream })).toBe(2);
    expect(err.text()).toContain(flag);
  });
});

describe('runSimulate against a real MLLP listener (the trust layer) and its own PACS', () => {
  it('sends the whole history in order, counts ACK codes, serves the matching PACS, and stops on abort', async () => {
    const now = '2026-03-05T09:00:00Z';
    const expected = generateHistory(RH8_PROFILE, { seed: 5, days: 1, now });
    const received: string[] = [];
    const stop = new AbortController();
    const listener = await startMllpListener({
      port: 0,
      handler: async (frame) => {
        const msg = Hl7Message.parse(frame.payload.toString('utf8'));
        received.push(msg.get('MSH-10'));
        const code = msg.get('MSH-9.2') === 'A08' ? 'AE' : 'AA';
        return Buffer.from(buildAck(msg, { code, controlId: `ACK${received.length}` }), 'utf8');
      },
    });
    const err = capture();
    let pacsCount: number | undefined;
    const watcher = setInterval(async () => {
      if (received.length < expected.messages.length || pacsCount !== undefined) return;
      const url = /PACS simulator: (\S+)/.exec(err.text())?.[1];
      pacsCount = url ? ((await (await fetch(`${url}/studies`)).json()) as unknown[]).length : -1;
      stop.abort();
    }, 50);
    try {
      const code = await runSimulate(
        ['--trust', 'RH8', '--seed', '5', '--days', '1', '--rate', '0', '--now', now, '--mllp', `127.0.0.1:${listener.port}`, '--dicomweb', '0'],
        { stderr: err.stream, signal: stop.signal },
      );
      expect(code).toBe(0);
    } finally {
      clearInterval(watcher);
      await listener.close();
    }
    expect(received).toEqual(expected.messages.map((m) => m.controlId));
    expect(pacsCount).toBe(expected.studies.length);
    const a08 = expected.messages.filter((m) => m.type === 'ADT^A08').length;
    expect(err.text()).toContain(`sent ${expected.messages.length}/${expected.messages.length}`);
    expect(err.text()).toContain(`AA ${expected.messages.length - a08}`);
    if (a08 > 0) expect(err.text()).toContain(`AE ${a08}`);
  });
});
