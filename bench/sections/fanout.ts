import { startChildServer, type ChildServer } from '../child-server.ts';
import { benchGatewayConfig } from '../gateway-config.ts';
import { postGraphql } from '../graphql-post.ts';
import { graphqlBody, isCleanGraphqlAnswer } from '../http-load.ts';
import type { LoadSample } from '../http-load.ts';
import { pairedRatios, runInterleaved } from '../interleaved-runs.ts';
import { markdownTable } from '../markdown-table.ts';
import { progress } from '../progress.ts';
import { FANOUT_QUERY } from '../queries.ts';
import { formatSpread, spreadOf } from '../stats.ts';
import type { DelayedSubgraphsArgs } from '../servers/delayed-subgraphs-process.ts';
import type { SectionContext, SectionReport } from './section-report.ts';

/** Trust counts compared; the ratio is against 1. */
export const FANOUT_WIDTHS = [1, 2, 4, 8, 16] as const;
/** Every trust answers after this long (the issue's fixed delay). */
export const TRUST_DELAY_MS = 20;
/**
 * One client connection: the question is how latency grows with the number of trusts (slowest
 * trust, not the sum), so the gateway is not also queueing other clients' requests.
 */
export const FANOUT_CONNECTIONS = 1;

/** ODS-shaped codes (R + 2 characters) that no real trust config here uses: RZA, RZB, … */
export function fanOutCodes(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `RZ${String.fromCharCode(65 + i)}`);
}

/**
 * Issue #8, part 2: the same query through our gateway over 1, 2, 4, 8 and 16 trusts that each
 * answer after 20 ms; p50 at N ÷ p50 at 1. One gateway process per width, all measured
 * round-robin in one run.
 */
export async function runFanOut(ctx: SectionContext): Promise<SectionReport> {
  const widest = Math.max(...FANOUT_WIDTHS);
  const codes = fanOutCodes(widest);
  const subgraphArgs: DelayedSubgraphsArgs = { codes, delayMs: TRUST_DELAY_MS, studiesPerTrust: 40 };
  // All trusts in one process: on 2 shared cores, one process per trust cost ~4× the CPU in
  // total (16 event loops waking per request), taken from the gateway being measured.
  progress(`fan-out: ${widest} delayed subgraphs (${TRUST_DELAY_MS} ms) in one child process`);
  const subgraphs = await startChildServer<{ urls: Record<string, string> }>('delayed subgraphs', './servers/delayed-subgraphs-process.ts', subgraphArgs);
  const gateways: Array<{ width: number; server: ChildServer<{ url: string }> }> = [];
  try {
    for (const width of FANOUT_WIDTHS) {
      const trusts = codes.slice(0, width).map((code) => ({ code, url: subgraphs.ready.urls[code]! }));
      const config = benchGatewayConfig(ctx.tmpDir, trusts);
      gateways.push({ width, server: await startChildServer(`gateway over ${width}`, './servers/gateway-process.ts', { config }) });
    }
    for (const g of gateways) {
      const { body } = await postGraphql(g.server.ready.url, FANOUT_QUERY);
      const edges = (body as { data?: { studies?: { edges?: Array<{ node: { trust: { code: string } } }> } }; errors?: unknown[] }).data?.studies?.edges ?? [];
      const trustsSeen = new Set(edges.map((e) => e.node.trust.code)).size;
      if ((body as { errors?: unknown[] }).errors || edges.length !== 20 || trustsSeen !== Math.min(g.width, 20)) {
        throw new Error(`gateway over ${g.width} trusts answered wrongly: ${JSON.stringify(body).slice(0, 300)}`);
      }
    }
    // Reference: the first trust asked directly, so the gateway's own share of latency shows.
    const directUrl = subgraphs.ready.urls[codes[0]!]!;
    const samples = await runInterleaved(
      [
        { name: 'direct', url: directUrl, cpuOf: { trusts: subgraphs.pid } },
        ...gateways.map((g) => ({ name: String(g.width), url: g.server.ready.url, cpuOf: { gateway: g.server.pid, trusts: subgraphs.pid } })),
      ],
      { body: graphqlBody(FANOUT_QUERY), connections: FANOUT_CONNECTIONS, verify: isCleanGraphqlAnswer, durations: ctx.durations },
    );
    const one = samples.get('1')!;
    const direct = samples.get('direct')!;
    // CPU ms per request: the gateway's own, and the process serving every trust.
    const cpuCell = (s: readonly LoadSample[], pick: (c: Record<string, number>) => number) => formatSpread(spreadOf(s.map((x) => pick(x.cpuMsPerRequest ?? {}))), 2);
    const gatewayCpu = (c: Record<string, number>) => c.gateway ?? Number.NaN;
    const trustsCpu = (c: Record<string, number>) => c.trusts ?? Number.NaN;
    const rows = FANOUT_WIDTHS.map((width) => {
      const s = samples.get(String(width))!;
      const ratios = pairedRatios(s, one, (x) => x.p50Ms);
      return [
        `${width} through our gateway`,
        formatSpread(spreadOf(s.map((x) => x.p50Ms)), 1),
        formatSpread(spreadOf(s.map((x) => x.p99Ms)), 1),
        formatSpread(spreadOf(s.map((x) => x.rps)), 1),
        width === 1 ? '1' : formatSpread(spreadOf(ratios), 2),
        cpuCell(s, gatewayCpu),
        cpuCell(s, trustsCpu),
        String(s.reduce((n, x) => n + x.failures, 0)),
      ];
    });
    rows.unshift([
      '1, direct (no gateway)',
      formatSpread(spreadOf(direct.map((x) => x.p50Ms)), 1),
      formatSpread(spreadOf(direct.map((x) => x.p99Ms)), 1),
      formatSpread(spreadOf(direct.map((x) => x.rps)), 1),
      '–',
      '–',
      cpuCell(direct, trustsCpu),
      String(direct.reduce((n, x) => n + x.failures, 0)),
    ]);
    const at16 = spreadOf(pairedRatios(samples.get(String(widest))!, one, (x) => x.p50Ms));
    const table = markdownTable(['trusts', 'p50 ms', 'p99 ms', 'req/s', 'p50 ÷ p50 at 1 trust', 'gateway CPU ms/req', 'trusts\' process CPU ms/req', 'failed requests'], rows);
    const notes = [
      `Each trust: a real Federation 2 subgraph (buildSubgraphSchema over schema/network.graphql, graphql-js execute behind a lean node:http handler, own loopback port) whose \`studies\` answer comes ${TRUST_DELAY_MS} ms after the request; all ${widest} in one child process, our gateway (one process per width) in others. (Until issue 16's last run the subgraphs were served by graphql-yoga, at ~2 ms of CPU per answer on these shared cores; the lean handler costs a third of that, so less of the trusts' work competes with the gateway's.)`,
      'Query: `studies(first: 20)` (id, accession, status, sortAt, trust) merged across every trust; each answer checked: 20 rows from min(N, 20) trusts, no errors.',
      'CPU ms per request (utime + stime from /proc/<pid>/stat over each repetition ÷ its requests): the gateway process, and the process of all the trusts.',
      `Load: autocannon, ${FANOUT_CONNECTIONS} connection (latency, not saturation), ${ctx.durations.warmupSeconds} s warm-up, ${ctx.durations.repetitions} × ${ctx.durations.repetitionSeconds} s round-robin across widths; median (min–max); the ratio is per repetition.`,
    ];
    return {
      name: 'fanout',
      title: 'Fan-out (issue #8 part 2)',
      body: `${table}\n\n${notes.map((n) => `- ${n}`).join('\n')}`,
      targets: [{ target: `fan-out p50 at ${widest} trusts ÷ p50 at 1 ≤ 1.25`, measured: formatSpread(at16, 2), met: at16.median <= 1.25 }],
    };
  } finally {
    for (const g of gateways) await g.server.stop();
    await subgraphs.stop();
  }
}
