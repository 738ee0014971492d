import { graphqlBody, isCleanGraphqlAnswer, type LoadSample } from '../http-load.ts';
import { pairedRatios, runInterleaved, type LoadTarget } from '../interleaved-runs.ts';
import { markdownTable } from '../markdown-table.ts';
import { postGraphql } from '../graphql-post.ts';
import type { GatewayKind, OverheadBed } from '../overhead-bed.ts';
import { OVERHEAD_WORLD } from '../overhead-bed.ts';
import { progress } from '../progress.ts';
import { readStudiesPage, STUDIES_PAGE_QUERY } from '../queries.ts';
import { startRssSampler, rssMiB, type RssSampler } from '../rss-sampler.ts';
import { formatSpread, spreadOf } from '../stats.ts';
import type { SectionContext, SectionReport, TargetCheck } from './section-report.ts';

/** Connections kept busy by the load generator: enough to saturate a 2-core machine. */
export const OVERHEAD_CONNECTIONS = 8;
/** Rows per page, as the issue asks: 20 studies with series and reports. */
export const OVERHEAD_PAGE = 20;
/** Issue 16's targets: throughput vs the trust directly and vs @apollo/gateway; peak RSS. */
const DIRECT_TARGET = 0.85;
const APOLLO_TARGET = 2;
const RSS_TARGET_MIB = 200;

const LABEL: Record<GatewayKind | 'direct', string> = {
  direct: 'trust subgraph, direct',
  'ours-full': 'our gateway, full job (JWT auth, roles, limits, audit, signed trust calls)',
  'ours-full-unshared': 'our gateway, full job, in-flight sharing off (`trustCalls.dedupeInFlight: false`)',
  ours: 'our gateway, auth off (limits, audit; unsigned trust calls)',
  apollo: '@apollo/gateway on @apollo/server',
  hive: 'Hive Gateway, in-flight dedupe off',
  'hive-dedupe': 'Hive Gateway, defaults (dedupes identical in-flight queries)',
};

interface Checked {
  name: GatewayKind | 'direct';
  url: string;
  headers?: Record<string, string>;
  pid: number;
  /** Why it is not measured, when its answer is unusable. */
  problem?: string;
}

/** The ids of a page, to check a gateway returns what the trust returns. */
function idsOf(body: unknown): string[] {
  const edges = (body as { data?: { studies?: { edges?: Array<{ node?: { id?: string } }> } } }).data?.studies?.edges ?? [];
  return edges.map((e) => e.node?.id ?? '?');
}

/**
 * Issue #8, part 1 and 5: the same `studies` page against the trust directly and through each
 * gateway, side by side in one run; each gateway's throughput as a fraction of direct; and the
 * peak RSS of each server process while it was under load.
 */
export async function runOverhead(ctx: SectionContext, bed: OverheadBed): Promise<SectionReport> {
  const body = graphqlBody(STUDIES_PAGE_QUERY, { first: OVERHEAD_PAGE });
  const direct = await postGraphql(bed.trust.url, STUDIES_PAGE_QUERY, { first: OVERHEAD_PAGE });
  const shape = readStudiesPage(direct.body);
  const directIds = idsOf(direct.body);
  progress(`overhead: direct page has ${shape.rows} rows, ${shape.withSeries} with series, ${shape.withReports} with reports, ${shape.errors} errors`);
  if (shape.errors || shape.rows !== OVERHEAD_PAGE) throw new Error(`the seeded trust's page is not usable: ${JSON.stringify(shape)}`);

  const candidates: Checked[] = [{ name: 'direct', url: bed.trust.url, pid: bed.trust.trust.pid }];
  const notRun = new Map<GatewayKind, string>();
  for (const g of bed.gateways) {
    if (!g.ok) {
      notRun.set(g.kind, g.reason);
      continue;
    }
    const fullJob = g.kind === 'ours-full' || g.kind === 'ours-full-unshared';
    const headers = fullJob ? bed.fullJobHeaders : {};
    const answer = await postGraphql(g.server.ready.url, STUDIES_PAGE_QUERY, { first: OVERHEAD_PAGE }, headers).catch((err: Error) => ({ status: 0, body: { errors: [{ message: err.message }] } }));
    const a = readStudiesPage(answer.body);
    const ids = idsOf(answer.body);
    let problem: string | undefined;
    if (a.errors) problem = `answers with errors: ${JSON.stringify((answer.body as { errors?: unknown[] }).errors?.[0]).slice(0, 200)}`;
    else if (ids.join() !== directIds.join()) problem = `answers a different page (${a.rows} rows)`;
    else if (a.withSeries !== shape.withSeries || a.withReports !== shape.withReports) problem = 'answers without some series or reports';
    if (problem) {
      progress(`  ${g.kind}: ${problem}`);
      notRun.set(g.kind, problem);
      continue;
    }
    candidates.push({ name: g.kind, url: g.server.ready.url, pid: g.server.pid, ...(fullJob ? { headers } : {}) });
  }

  const idle = new Map(candidates.map((c) => [c.name, rssMiB(c.pid)]));
  const samplers = new Map<string, RssSampler>(candidates.map((c) => [c.name, startRssSampler(c.pid)]));
  progress(`overhead: ${candidates.length} targets, ${OVERHEAD_CONNECTIONS} connections, ${ctx.durations.repetitions} × ${ctx.durations.repetitionSeconds} s each`);
  // Where each request's CPU goes: the load generator (this process), the gateway, the trust that
  // answers (the signed twin for the full job) and the PACS simulator behind it.
  const trustPid = (c: Checked) => (c.name === 'ours-full' || c.name === 'ours-full-unshared' ? bed.trust.signedTwin!.pid : bed.trust.trust.pid);
  const cpuOf = (c: Checked): Record<string, number | 'self'> => ({
    'load generator': 'self',
    ...(c.name === 'direct' ? {} : { gateway: c.pid }),
    trust: trustPid(c),
    PACS: bed.trust.pacs.pid,
  });
  const targets: LoadTarget[] = candidates.map((c) => ({ name: c.name, url: c.url, cpuOf: cpuOf(c), ...(c.headers ? { headers: c.headers } : {}) }));
  const samples = await runInterleaved(targets, { body, connections: OVERHEAD_CONNECTIONS, verify: isCleanGraphqlAnswer, durations: ctx.durations });
  for (const s of samplers.values()) s.stop();

  const directSamples = samples.get('direct')!;
  const rows: string[][] = [];
  const fraction = new Map<string, number[]>();
  for (const c of candidates) {
    const s = samples.get(c.name)!;
    const ratios = pairedRatios(s, directSamples, (x: LoadSample) => x.rps);
    fraction.set(c.name, ratios);
    const sampler = samplers.get(c.name)!;
    rows.push([
      LABEL[c.name],
      formatSpread(spreadOf(s.map((x) => x.rps)), 1),
      formatSpread(spreadOf(s.map((x) => x.p50Ms)), 1),
      formatSpread(spreadOf(s.map((x) => x.p99Ms)), 1),
      c.name === 'direct' ? '1' : formatSpread(spreadOf(ratios), 2),
      `${idle.get(c.name)!.toFixed(0)} → ${sampler.maxSampledMiB().toFixed(0)} (peak ${sampler.peakMiB().toFixed(0)})`,
      String(s.reduce((n, x) => n + x.failures, 0)),
    ]);
  }
  for (const [kind, reason] of notRun) rows.push([LABEL[kind], reason, '–', '–', '–', '–', '–']);

  const table = markdownTable(
    ['target', 'throughput req/s', 'p50 ms', 'p99 ms', 'throughput ÷ direct', 'RSS MiB idle → max under load (peak)', 'failed requests'],
    rows,
  );
  const cpuColumns = ['load generator', 'gateway', 'trust', 'PACS'];
  const cpuRows = candidates.map((c) => {
    const per = samples.get(c.name)!.map((x) => x.cpuMsPerRequest ?? {});
    const cell = (k: string) => (per.every((p) => p[k] === undefined) ? '–' : formatSpread(spreadOf(per.map((p) => p[k]!)), 2));
    const total = formatSpread(spreadOf(per.map((p) => Object.values(p).reduce((a, b) => a + b, 0))), 2);
    return [LABEL[c.name], ...cpuColumns.map(cell), total];
  });
  const cpuTable = markdownTable(['target', ...cpuColumns.map((k) => `${k} CPU ms/req`), 'all processes CPU ms/req'], cpuRows);
  const notes = [
    `Query: \`studies(first: ${OVERHEAD_PAGE}, filter: {statuses: [PRELIMINARY, FINAL, AMENDED]})\` with patient, series (PACS) and reports (RIS); every answer checked: ${shape.rows} rows, ${shape.withSeries} with series, ${shape.withReports} with reports, same ids through every gateway.`,
    `Trust seeded with the simulator's ${OVERHEAD_WORLD.profile} world (${OVERHEAD_WORLD.days} days × ${OVERHEAD_WORLD.studiesPerDay} requests/day): ${bed.trust.seedMessages} HL7 messages over MLLP (ACKs ${JSON.stringify(bed.trust.seedAcks)}), ${bed.trust.pacs.ready.studies} studies in the simulated PACS (DICOMweb, own process).`,
    `Load: autocannon, ${OVERHEAD_CONNECTIONS} connections, no pipelining, ${ctx.durations.warmupSeconds} s warm-up per target, then ${ctx.durations.repetitions} repetitions × ${ctx.durations.repetitionSeconds} s, round-robin across targets. Cells: median (min–max) over repetitions; "÷ direct" is per repetition (neighbours in time), then median (min–max).`,
    'Every server in its own process (trust, PACS, each gateway); the load generator is the bench process. All share the same 2 cores, so a gateway\'s own CPU is taken from the trust behind it: that is the cost being measured.',
    '@requiresScopes is removed from the stock gateways\' supergraph (composed with @apollo/composition from the trust\'s `_service { sdl }`): @apollo/gateway refuses to load a supergraph with that SECURITY feature; no gateway here enforces scopes.',
    'Hive Gateway by default shares one subgraph call among identical queries in flight at once; with one repeated query from 8 connections that is a cache, not gateway work, so the comparable row is the one with it off.',
    'RSS from /proc/<pid>/status: VmRSS sampled every 100 ms during the whole overhead test, peak = VmHWM (kernel high-water mark since the process started).',
  ];

  const checks: TargetCheck[] = [];
  const apollo = samples.get('apollo');
  const whichOf = { 'ours-full': 'full job', 'ours-full-unshared': 'full job, in-flight sharing off', ours: 'auth off' } as const;
  for (const kind of ['ours-full', 'ours-full-unshared', 'ours'] as const) {
    const which = whichOf[kind];
    const vsDirect = fraction.get(kind);
    const own = samples.get(kind);
    checks.push(
      vsDirect
        ? { target: `our gateway (${which}) throughput ≥ ${DIRECT_TARGET} × the trust directly`, measured: formatSpread(spreadOf(vsDirect), 2), met: spreadOf(vsDirect).median >= DIRECT_TARGET }
        : { target: `our gateway (${which}) throughput ≥ ${DIRECT_TARGET} × the trust directly`, measured: `not measured: ${notRun.get(kind)}`, met: false },
    );
    if (own && apollo) {
      const vsApollo = pairedRatios(own, apollo, (x) => x.rps);
      checks.push({ target: `our gateway (${which}) throughput ≥ ${APOLLO_TARGET} × @apollo/gateway`, measured: `${formatSpread(spreadOf(vsApollo), 2)} ×`, met: spreadOf(vsApollo).median >= APOLLO_TARGET });
      notes.push(`Our gateway (${which}) ÷ @apollo/gateway throughput per repetition: ${formatSpread(spreadOf(vsApollo), 2)}.`);
    } else {
      checks.push({ target: `our gateway (${which}) throughput ≥ ${APOLLO_TARGET} × @apollo/gateway`, measured: `not measured: ${notRun.get('apollo') ?? notRun.get(kind)}`, met: false });
    }
    const hive = samples.get('hive');
    if (own && hive) notes.push(`Our gateway (${which}) ÷ Hive Gateway (dedupe off) throughput per repetition: ${formatSpread(spreadOf(pairedRatios(own, hive, (x) => x.rps)), 2)}.`);
  }
  for (const kind of ['ours-full', 'ours-full-unshared', 'ours'] as const) {
    const sampler = samplers.get(kind);
    const which = whichOf[kind];
    if (sampler) checks.push({ target: `our gateway (${which}) peak RSS under the overhead load ≤ ${RSS_TARGET_MIB} MiB`, measured: `${sampler.peakMiB().toFixed(0)} MiB (VmHWM)`, met: sampler.peakMiB() <= RSS_TARGET_MIB });
  }
  notes.push('Full job: the gateway verifies an HS256 bearer JWT (a clinician of the trust) on every request, checks roles (@requiresScopes), applies the query limits, writes the durable audit entry before answering, and signs every trust call (HMAC), which a second trust process over the same seeded store (`gatewaySecret` set, its own audit log) verifies and audits too. Auth off: no token, unsigned calls to the unsigned trust; limits and audit still on.');
  notes.push('In-flight sharing (`trustCalls.dedupeInFlight`, on by default since issue 16): identical queries of the same caller to the same trust while one is in flight share that one call. All 8 connections here send the same query with the same token, the best case for sharing (as for Hive Gateway\'s defaults row); the "in-flight sharing off" row is the same full job with every request making its own trust call, the worst case.');
  const cpuNotes = [
    'CPU ms per request of each process during the measured repetitions (utime + stime from /proc/<pid>/stat, 10 ms ticks; the load generator from process.cpuUsage), median (min–max) over repetitions. "trust" is the process that answered: the signed twin for the full job. With 2 cores, throughput cannot exceed 2000 ÷ (all processes CPU ms/req), nor 1000 ÷ the largest single process\'s CPU ms/req (each is one event loop).',
  ];
  return {
    name: 'overhead',
    title: 'Gateway overhead and memory (issue #8 parts 1 and 5)',
    body: `${table}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n\n### Where the CPU goes\n\n${cpuTable}\n\n${cpuNotes.map((n) => `- ${n}`).join('\n')}`,
    targets: checks,
  };
}
