/**
 * Real peers: for each of the three simulator dialects (v2.3 ORM / v2.4 ORM with NHS number in
 * PID-2 / v2.5.1 OMI with IPC and SIU), a real `imaging-network trust` process is fed the
 * simulator's HL7 history over real MLLP (TCP) and joined with the simulator's DICOMweb PACS over
 * HTTP. The GraphQL answers are compared with the simulator's own plan of what happened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_IN_PROFILES, generateHistory, startDicomwebSimulator, type SimTrustProfile } from '../../simulator/index.ts';
import { resolveHistory } from '../../simulator/generate-history.ts';
import { MllpClient } from '../../subgraphs/trust/ris/mllp/mllp-client.ts';
import { planStatus, plannedReportsInSendOrder } from '../helpers/plan-status.ts';
import { gql, runCli, waitForHttp, type RunningChild } from '../helpers/child-process.ts';
import { stopPeers } from '../helpers/stop-peers.ts';
import { writeSimTrustConfig } from '../helpers/sim-trust-config.ts';

const NOW = '2026-04-10T12:00:00Z';
const SEED = 7;
const DAYS = 21;
const PER_DAY = 6;


const PRIORITY: Record<string, string> = { S: 'STAT', A: 'URGENT', R: 'ROUTINE' };

interface StudyNode {
  id: string;
  accessionNumber: string;
  studyInstanceUid: string | null;
  status: string;
  priority: string | null;
  performedAt: string | null;
  modalities: string[];
  imageCount: number | null;
  series: Array<{ seriesInstanceUid: string }>;
  reports: Array<{ version: number; status: string; text: string }>;
  report: { status: string } | null;
  patient: { nhsNumber: string | null; identifiers: Array<{ type: string; value: string }> };
}

for (const profile of BUILT_IN_PROFILES as readonly SimTrustProfile[]) {
  describe(`trust ${profile.code} (HL7 v${profile.dialect.version} ${profile.dialect.orders}) fed over MLLP`, () => {
    let trust: RunningChild;
    let pacs: Awaited<ReturnType<typeof startDicomwebSimulator>>;
    let url: string;
    let acks: string[] = [];
    const history = generateHistory(profile, { seed: SEED, days: DAYS, studiesPerDay: PER_DAY, now: NOW });
    const plans = resolveHistory(profile, { seed: SEED, days: DAYS, studiesPerDay: PER_DAY, now: NOW }).plans.filter(
      (p) => p.requestedAt <= Date.parse(NOW),
    );

    beforeAll(async () => {
      pacs = await startDicomwebSimulator({ port: 0, studies: () => history.studies });
      const dir = mkdtempSync(join(tmpdir(), `trust-${profile.code}-`));
      const { configPath, httpPort, mllpPort } = await writeSimTrustConfig(dir, profile, pacs.url);
      trust = runCli(['trust', '--config', configPath]);
      await waitForHttp(`http://127.0.0.1:${httpPort}/healthz`, trust);
      url = `http://127.0.0.1:${httpPort}/graphql`;
      const client = new MllpClient('127.0.0.1', mllpPort, { timeoutMs: 10_000 });
      acks = [];
      for (const m of history.messages) acks.push(await client.send(m.hl7));
      // A duplicate (same MSH-3/4/10) gets the original ACK back.
      const again = await client.send(history.messages[0]!.hl7);
      expect(again.split('\r').find((s) => s.startsWith('MSA'))).toBe(acks[0]!.split('\r').find((s) => s.startsWith('MSA')));
      await client.close();
    });

    afterAll(() => stopPeers(trust, pacs));

    it('acknowledges every message AA', () => {
      const codes = acks.map((a) => /\rMSA\|([A-Z]{2})/.exec(a)?.[1]);
      const bad = acks.filter((_, i) => codes[i] !== 'AA' && codes[i] !== 'CA');
      expect(bad.slice(0, 3)).toEqual([]);
      expect(acks).toHaveLength(history.messages.length);
    });

    it('answers every study with the status, priority, reports and images the plan says', async () => {
      const res = await gql<{ studies: { edges: Array<{ node: StudyNode }>; pageInfo: { hasNextPage: boolean } } }>(
        url,
        `{ studies(first: 200) { pageInfo { hasNextPage } edges { node { id accessionNumber studyInstanceUid status priority performedAt modalities imageCount
            series { seriesInstanceUid } reports { version status text } report { status }
            patient { nhsNumber identifiers { type value } } } } } }`,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.studies.pageInfo.hasNextPage).toBe(false);
      // A re-scan (simulator hard case) is a second study of one accession, with its own id.
      const edges = res.data!.studies.edges.map((e) => e.node);
      expect(new Set(edges.map((n) => n.id)).size).toBe(edges.length);
      const byAccession = new Map<string, StudyNode[]>();
      for (const n of edges) byAccession.set(n.accessionNumber, [...(byAccession.get(n.accessionNumber) ?? []), n]);
      expect([...byAccession.keys()].sort()).toEqual(plans.map((p) => p.accessionNumber).sort());
      const now = Date.parse(NOW);
      for (const plan of plans) {
        const sims = history.studies.filter((s) => s.accessionNumber === plan.accessionNumber);
        const mine = byAccession.get(plan.accessionNumber)!;
        expect(mine.length, `${profile.code} ${plan.accessionNumber} studies`).toBe(Math.max(1, sims.length));
        for (const node of mine) {
          const where = `${profile.code} ${plan.accessionNumber} ${node.studyInstanceUid ?? ''}`;
          expect(node.status, where).toBe(planStatus(plan, now));
          expect(node.priority, where).toBe(PRIORITY[plan.priority]);
          // Versions are numbered as the RIS sent them (a late preliminary comes after the final).
          const reports = plannedReportsInSendOrder(plan, now);
          expect(node.reports.map((r) => r.version), where).toEqual(reports.map((_, i) => i + 1));
          for (const [i, r] of reports.entries()) expect(node.reports[i]!.text, where).toBe(r.lines.join('\n'));
          const sim = sims.find((s) => s.studyInstanceUid === node.studyInstanceUid);
          if (sims.length) {
            expect(sim, where).toBeDefined();
            expect(node.series.map((s) => s.seriesInstanceUid).sort(), where).toEqual(sim!.series.map((s) => s.seriesInstanceUid).sort());
            expect(node.imageCount, where).toBe(sim!.series.reduce((n, s) => n + s.instanceCount, 0));
            // The RIS's performed time (OBR-7) is the original exam's, for a re-scan too.
            if (sim!.studyInstanceUid === plan.studyInstanceUid) expect(Date.parse(node.performedAt!), where).toBe(Date.parse(sim!.performedAt));
          } else {
            expect(node.series, where).toEqual([]);
          }
          if (plan.nhsNumberKnown) expect(node.patient.nhsNumber, where).toBe(plan.patient.nhsNumber);
          if (plan.mergeAt === undefined || plan.mergeAt <= now) {
            expect(node.patient.identifiers.filter((i) => i.type === 'MRN').map((i) => i.value), where).toContain(plan.survivorMrn);
          }
        }
      }
    });

    it('finds a patient by NHS number with their studies, and filters by status', async () => {
      const plan = plans.find((p) => p.nhsNumberKnown)!;
      const mine = plans.filter((p) => p.patient.nhsNumber === plan.patient.nhsNumber && p.nhsNumberKnown);
      const res = await gql<{ patient: { nhsNumber: string; studies: { edges: Array<{ node: { accessionNumber: string } }> } } }>(
        url,
        'query($n: String!) { patient(nhsNumber: $n) { nhsNumber studies(first: 100) { edges { node { accessionNumber } } } } }',
        { n: plan.patient.nhsNumber },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.patient.nhsNumber).toBe(plan.patient.nhsNumber);
      const got = res.data!.patient.studies.edges.map((e) => e.node.accessionNumber);
      for (const p of mine) expect(got).toContain(p.accessionNumber);

      const now = Date.parse(NOW);
      const finals = await gql<{ studies: { edges: Array<{ node: { accessionNumber: string } }> } }>(
        url,
        '{ studies(first: 200, filter: { statuses: [FINAL, AMENDED] }) { edges { node { accessionNumber } } } }',
      );
      expect(finals.data!.studies.edges.map((e) => e.node.accessionNumber).sort()).toEqual(
        // One row per study: a re-scan's accession appears twice.
        plans
          .filter((p) => ['FINAL', 'AMENDED'].includes(planStatus(p, now)))
          .flatMap((p) => Array(Math.max(1, history.studies.filter((s) => s.accessionNumber === p.accessionNumber).length)).fill(p.accessionNumber) as string[])
          .sort(),
      );
    });
  });
}
