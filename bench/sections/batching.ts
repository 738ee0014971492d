import { join } from 'node:path';
import { startChildServer, type ChildServer } from '../child-server.ts';
import { benchGatewayConfig } from '../gateway-config.ts';
import { postGraphql } from '../graphql-post.ts';
import { markdownTable } from '../markdown-table.ts';
import { progress } from '../progress.ts';
import { readStudiesPage, STUDIES_PAGE_QUERY } from '../queries.ts';
import { startSimulatedTrust, type SimulatedTrust } from '../simulated-trust.ts';
import type { SectionContext, SectionReport } from './section-report.ts';

/** Page sizes compared: requests per trust and per PACS must not grow with them. */
export const BATCH_PAGES = [10, 50, 100] as const;

/** Two trusts of the simulator with different HL7 dialects, each with its own PACS. */
const WORLDS = [
  { profile: 'RXA', seed: 8, days: 14, studiesPerDay: 20 },
  { profile: 'RH8', seed: 9, days: 14, studiesPerDay: 20 },
] as const;

/**
 * Issue #8, part 3 (ARCHITECTURE.md "No N+1"): the worklist page with series and reports through
 * our gateway, for pages of 10, 50 and 100 rows, with counting proxies in front of every trust and
 * every PACS. Counts are exact (requests seen on the wire), so one query per page size suffices.
 */
export async function runBatching(ctx: SectionContext): Promise<SectionReport> {
  const trusts: SimulatedTrust[] = [];
  let gateway: ChildServer<{ url: string }> | undefined;
  try {
    for (const world of WORLDS) {
      progress(`batching: seeding ${world.profile} (${world.days} days × ${world.studiesPerDay}/day) with counting proxies`);
      const t = await startSimulatedTrust({ ...world, now: ctx.now, dir: join(ctx.tmpDir, 'batching'), countRequests: true });
      progress(`  ${t.code}: ${t.seedMessages} messages, ACKs ${JSON.stringify(t.seedAcks)}`);
      trusts.push(t);
    }
    const config = benchGatewayConfig(ctx.tmpDir, trusts.map((t) => ({ code: t.code, url: t.url })));
    gateway = await startChildServer('our gateway', './servers/gateway-process.ts', { config });

    const rows: string[][] = [];
    const perTrust = new Map<string, number[]>();
    const perPacs = new Map<string, number[]>();
    for (const first of BATCH_PAGES) {
      for (const t of trusts) {
        t.trustProxy!.reset();
        t.pacsProxy!.reset();
      }
      const { body } = await postGraphql(gateway.ready.url, STUDIES_PAGE_QUERY, { first });
      const page = readStudiesPage(body);
      if (page.errors) throw new Error(`page of ${first} answered with errors: ${JSON.stringify(body).slice(0, 300)}`);
      const cells = [String(first), `${page.rows} (${page.withSeries} with series, ${page.withReports} with reports)`];
      for (const t of trusts) {
        const tc = t.trustProxy!.count();
        const pc = t.pacsProxy!.count();
        perTrust.set(t.code, [...(perTrust.get(t.code) ?? []), tc]);
        perPacs.set(t.code, [...(perPacs.get(t.code) ?? []), pc]);
        cells.push(String(tc), String(pc));
      }
      rows.push(cells);
      progress(`  page ${first}: ${cells.slice(1).join(' | ')}`);
    }

    const constant = [...perTrust.values(), ...perPacs.values()].every((counts) => counts.every((c) => c === counts[0]));
    const fullPage = rows.at(-1)!;
    const header = ['rows asked', 'rows answered'];
    for (const t of trusts) header.push(`${t.code} trust requests`, `${t.code} PACS requests`);
    const paths = trusts.map((t) => `${t.code} PACS: ${t.pacsProxy!.paths().map((p) => p.replace(/\?.*/, '?…')).join(', ')}`);
    const notes = [
      `Our gateway over ${trusts.length} seeded trusts (${trusts.map((t) => `${t.code}: ${t.seedMessages} HL7 messages over MLLP, ${t.pacs.ready.studies} PACS studies`).join('; ')}), each trust and each simulated PACS behind a counting HTTP proxy; one query per page size, counters reset before each.`,
      'Query: the overhead test\'s worklist page (series from the PACS, reports and patients from the RIS store) with `first` = rows asked.',
      `Requests of the last page: ${paths.join('; ')}.`,
    ];
    return {
      name: 'batching',
      title: 'Batching (issue #8 part 3)',
      body: `${markdownTable(header, rows)}\n\n${notes.map((n) => `- ${n}`).join('\n')}`,
      targets: [
        {
          target: 'requests per trust and per PACS constant in rows (10, 50, 100)',
          measured: `${[...perTrust].map(([c, n]) => `${c} trust ${n.join('/')}`).join(', ')}; ${[...perPacs].map(([c, n]) => `${c} PACS ${n.join('/')}`).join(', ')} (page of 100: ${fullPage[1]})`,
          met: constant,
        },
      ],
    };
  } finally {
    await gateway?.stop();
    for (const t of trusts) await t.close();
  }
}
