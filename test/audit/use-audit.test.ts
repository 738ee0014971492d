import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSchema, type Plugin } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../audit/audit-log.ts';
import { useAudit } from '../../audit/use-audit.ts';
import { stripFederation } from '../../gateway/federation-sdl.ts';
import { networkSdl } from '../../schema/network-sdl.ts';
import { encodeStudyId } from '../../schema/study-id.ts';
import { listenLoopback, postJson, tinyYoga } from '../gateway/security/tiny-server.ts';

const A = encodeStudyId({ trust: 'RXA', kind: 'accession', value: 'ACC1' });
const NHS1 = '9990000018';
const study = { id: A, trust: { code: 'RXA', name: 'A' }, patient: { nhsNumber: NHS1, sex: 'FEMALE' }, modalities: ['CT'], status: 'FINAL', reports: [], series: [] };

const withCaller = (caller: unknown): Plugin => ({ onContextBuilding: ({ extendContext }) => extendContext({ caller } as never) });

describe('useAudit over HTTP', () => {
  let dir: string;
  let log: AuditLog;
  let server: Awaited<ReturnType<typeof listenLoopback>>;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'use-audit-'));
    log = AuditLog.open(join(dir, 'audit.db'));
    const schema = createSchema({
      typeDefs: stripFederation(networkSdl),
      resolvers: { Query: { study: () => study, trusts: () => [{ code: 'RXA', name: 'A' }] } },
    });
    const caller = { sub: 'dr-synthetic', roles: ['clinician'], trust: 'RXB' };
    server = await listenLoopback(tinyYoga([withCaller(caller), useAudit({ log, where: 'gateway', now: () => new Date('2026-03-29T10:00:00Z') })], { schema }));
    url = `${server.url}/graphql`;
  });
  afterAll(async () => {
    await server.close();
    log.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records who read which study and patient, and serves the data', async () => {
    const r = await postJson(url, { query: `query Look { study(id: "${A}") { id patient { nhsNumber } } }` });
    expect(r.body).toEqual({ data: { study: { id: A, patient: { nhsNumber: NHS1 } } } });
    expect(log.query({ nhsNumber: NHS1 })).toEqual([
      { at: '2026-03-29T10:00:00.000Z', where: 'gateway', sub: 'dr-synthetic', roles: ['clinician'], callerTrust: 'RXB', operationName: 'Look', studyId: A, nhsNumber: NHS1, dataTrust: 'RXA' },
    ]);
  });

  it('records nothing for a response without patient data', async () => {
    const before = log.query().length;
    await postJson(url, { query: '{ trusts { code } }' });
    expect(log.query()).toHaveLength(before);
  });

  it('withholds the response when the entry cannot be written (no audit, no data)', async () => {
    const failing = { record: () => { throw new Error('disk full'); } } as unknown as AuditLog;
    const errors: object[] = [];
    const schema = createSchema({ typeDefs: stripFederation(networkSdl), resolvers: { Query: { study: () => study } } });
    const s = await listenLoopback(tinyYoga([useAudit({ log: failing, where: 'RXA', logger: { error: (o) => void errors.push(o) } })], { schema }));
    try {
      const r = await postJson(`${s.url}/graphql`, { query: `{ study(id: "${A}") { id patient { nhsNumber } } }` });
      expect(r.body).toEqual({ data: null, errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      expect(JSON.stringify(errors)).not.toContain(NHS1);
      expect(errors).toHaveLength(1);
    } finally {
      await s.close();
    }
  });
});
