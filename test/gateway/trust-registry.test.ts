import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, sendJson } from '../../platform/server-lifecycle.ts';
import { pino } from 'pino';
import { parseGatewayConfig } from '../../gateway/config.ts';
import { buildContractSchema } from '../../gateway/gateway-schema.ts';
import { TrustFailure } from '../../gateway/trust-failure.ts';
import { TrustRegistry } from '../../gateway/trust-registry.ts';
import { networkSdl } from '../../schema/index.ts';

/** A real HTTP "trust" on a free loopback port answering the registry's check query with `sdl`. */
async function checkedTrust(sdl: string, trusts: unknown = []) {
  const http = await serve((req, res) => void req.resume().on('end', () => sendJson(res, 200, { data: { _service: { sdl }, trusts } })), {
    host: '127.0.0.1',
    port: 0,
    keepAliveTimeoutMs: 5_000,
    drainMs: 0,
  });
  closers.push(() => http.close());
  return `${http.origin}/graphql`;
}

/** A loopback port nobody listens on: bind, note the port, close. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/graphql`;
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function registry(trusts: Array<{ code: string; url: string; name?: string }>, circuit = { failureThreshold: 1, coolDownMs: 60_000 }) {
  const config = parseGatewayConfig({ http: { port: 0 }, trusts, circuit });
  return new TrustRegistry(config, buildContractSchema(), pino({ level: 'silent' }));
}

/** The network SDL with one field taken out of `type Study`: a trust that does not implement the contract. */
const withoutAccession = networkSdl.replace('  "The accession number issued by the trust\'s RIS."\n  accessionNumber: String\n', '');

describe('TrustRegistry', () => {
  it('checks every trust: UP when it implements the contract, INCOMPATIBLE naming the problem, DOWN when unreachable', async () => {
    const reg = registry([
      { code: 'RXA', url: await checkedTrust(networkSdl, [{ code: 'RXA', name: 'Alpha Hospitals NHS Trust' }]) },
      { code: 'RXB', url: await checkedTrust(withoutAccession) },
      { code: 'RXC', url: await closedPort() },
    ]);
    expect(withoutAccession).not.toBe(networkSdl);
    expect(reg.all().map((t) => [t.code, t.checked, t.lastError])).toEqual([
      ['RXA', 'DOWN', 'not checked yet'],
      ['RXB', 'DOWN', 'not checked yet'],
      ['RXC', 'DOWN', 'not checked yet'],
    ]);
    await reg.checkAll();
    expect(reg.all().map((t) => [t.code, t.checked, t.lastError])).toEqual([
      ['RXA', 'UP', null],
      ['RXB', 'INCOMPATIBLE', 'incompatible schema: Study.accessionNumber: missing'],
      ['RXC', 'DOWN', 'connection refused'],
    ]);
  });

  it('takes the trust\'s own name when the config gives none, the config\'s otherwise', async () => {
    const url = await checkedTrust(networkSdl, [{ code: 'RXA', name: 'Alpha Hospitals NHS Trust' }]);
    const reg = registry([
      { code: 'RXA', url },
      { code: 'RXB', url: await checkedTrust(networkSdl, [{ code: 'RXB', name: 'Their name' }]), name: 'Our name' },
    ]);
    await reg.checkAll();
    expect(reg.all().map((t) => t.name)).toEqual(['Alpha Hospitals NHS Trust', 'Our name']);
  });

  it('a runtime failure becomes lastError; an open circuit shows the trust DOWN while its check says UP', async () => {
    const reg = registry([{ code: 'RXA', url: await checkedTrust(networkSdl) }]);
    await reg.checkAll();
    const entry = reg.get('RXA')!;
    reg.noteFailure(new TrustFailure('RXA', 'timeout'));
    expect(entry.lastError).toBe('no answer within the deadline');
    expect(reg.status(entry)).toBe('UP');
    entry.client.breaker.failure(); // threshold 1: open
    expect([entry.checked, reg.status(entry)]).toEqual(['UP', 'DOWN']);
    reg.noteFailure(new TrustFailure('RZZ', 'timeout')); // not a trust of this network: ignored
    expect(reg.get('RZZ')).toBeUndefined();
  });
});
