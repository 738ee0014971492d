/**
 * Real peers: a real `imaging-network trust` process whose RIS carries Scottish CHI numbers in PID
 * (the simulator's RXS profile: typed NH, no assigning authority), fed over real MLLP and joined
 * with the simulator's DICOMweb PACS over HTTP (issue 14, item 14). The CHI numbers pass Modulus 11,
 * so only the trust's `hl7.nationalNumber` keeps them from being matched as NHS numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isValidNhsNumber } from '../../schema/nhs-number.ts';
import { RXS_PROFILE, generateHistory, startDicomwebSimulator, trustHl7Config } from '../../simulator/index.ts';
import { chiNumberOf } from '../../simulator/chi-number.ts';
import { resolveHistory } from '../../simulator/generate-history.ts';
import { MllpClient } from '../../subgraphs/trust/ris/mllp/mllp-client.ts';
import { freePort } from '../helpers/orthanc.ts';
import { gql, runCli, waitForHttp, type RunningChild } from '../helpers/child-process.ts';
import { stopPeers } from '../helpers/stop-peers.ts';

const OPTS = { seed: 5, days: 10, studiesPerDay: 6, now: '2026-04-10T12:00:00Z' };

describe('a trust whose PID carries CHI numbers (hl7.nationalNumber CHI), fed over MLLP', () => {
  const history = generateHistory(RXS_PROFILE, OPTS);
  const plans = resolveHistory(RXS_PROFILE, OPTS).plans.filter((p) => p.requestedAt <= Date.parse(OPTS.now) && p.nhsNumberKnown);
  let trust: RunningChild;
  let pacs: Awaited<ReturnType<typeof startDicomwebSimulator>>;
  let url: string;

  beforeAll(async () => {
    pacs = await startDicomwebSimulator({ port: 0, studies: () => history.studies });
    const dir = mkdtempSync(join(tmpdir(), 'trust-RXS-'));
    const httpPort = await freePort();
    const mllpPort = await freePort();
    writeFileSync(
      join(dir, 'trust.json'),
      JSON.stringify({
        code: RXS_PROFILE.code, name: RXS_PROFILE.name, http: { port: httpPort }, mllp: { port: mllpPort },
        pacs: { dicomweb: pacs.url }, store: { sqlite: join(dir, 'store.db') }, hl7: trustHl7Config(RXS_PROFILE),
      }),
    );
    trust = runCli(['trust', '--config', join(dir, 'trust.json')]);
    await waitForHttp(`http://127.0.0.1:${httpPort}/healthz`, trust);
    url = `http://127.0.0.1:${httpPort}/graphql`;
    const client = new MllpClient('127.0.0.1', mllpPort, { timeoutMs: 10_000 });
    for (const m of history.messages) await client.send(m.hl7);
    await client.close();
  });

  afterAll(() => stopPeers(trust, pacs));

  it('CHI numbers are kept as CHI identifiers and never matched as NHS numbers', async () => {
    expect(plans.length).toBeGreaterThan(5);
    const plan = plans[0]!;
    const chi = chiNumberOf(plan.patient.birthDate, plan.patient.sex, plan.patient.nhsNumber);
    // The hazard: a CHI number is a valid NHS number by the check digit alone.
    expect(isValidNhsNumber(chi)).toBe(true);
    const res = await gql<{ studies: { edges: Array<{ node: { accessionNumber: string; patient: { nhsNumber: string | null; identifiers: Array<{ type: string; value: string }> } } }> } }>(
      url,
      '{ studies(first: 200) { edges { node { accessionNumber patient { nhsNumber identifiers { type value } } } } } }',
    );
    expect(res.errors).toBeUndefined();
    const byAccession = new Map(res.data!.studies.edges.map((e) => [e.node.accessionNumber, e.node]));
    for (const p of plans) {
      const node = byAccession.get(p.accessionNumber)!;
      expect(node.patient.nhsNumber, p.accessionNumber).toBeNull();
      expect(node.patient.identifiers, p.accessionNumber).toContainEqual({ type: 'CHI', value: chiNumberOf(p.patient.birthDate, p.patient.sex, p.patient.nhsNumber) });
    }
    const byNumber = await gql<{ patient: unknown; studies: { edges: unknown[] } }>(
      url,
      'query($n: String!) { patient(nhsNumber: $n) { nhsNumber } studies(filter: { nhsNumber: $n }) { edges { node { id } } } }',
      { n: chi },
    );
    expect(byNumber.errors).toBeUndefined();
    expect(byNumber.data!.patient).toBeNull();
    expect(byNumber.data!.studies.edges).toEqual([]);
  });
});
