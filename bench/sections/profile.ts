import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChildServer } from '../child-server.ts';
import { benchGatewayConfig } from '../gateway-config.ts';
import { summariseCpuProfile, type CpuProfile } from '../cpu-profile-summary.ts';
import { graphqlBody, isCleanGraphqlAnswer, measureLoad } from '../http-load.ts';
import { markdownTable } from '../markdown-table.ts';
import type { OverheadBed } from '../overhead-bed.ts';
import { progress } from '../progress.ts';
import { sourceLocator } from '../source-positions.ts';
import { STUDIES_PAGE_QUERY } from '../queries.ts';
import { OVERHEAD_CONNECTIONS, OVERHEAD_PAGE } from './overhead.ts';
import type { SectionContext, SectionReport } from './section-report.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Our gateway under the overhead load once more, this time in a child started with
 * `node --cpu-prof`; the profile is written when it exits, then ranked by self time. The result
 * goes to bench/results/profile.md so the biggest cost can be named.
 */
export async function runProfile(ctx: SectionContext, bed: OverheadBed): Promise<SectionReport> {
  const dir = join(ctx.tmpDir, 'cpu-profile');
  mkdirSync(dir, { recursive: true });
  const gateway = await startChildServer<{ url: string }>('our gateway (--cpu-prof)', './servers/gateway-process.ts', { config: benchGatewayConfig(ctx.tmpDir, [bed.trustEntry], { trustCalls: { dedupeInFlight: false } }) }, {
    nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  });
  const body = graphqlBody(STUDIES_PAGE_QUERY, { first: OVERHEAD_PAGE });
  let load;
  let window;
  try {
    progress(`profile: our gateway under --cpu-prof, ${OVERHEAD_CONNECTIONS} connections, ${ctx.durations.profileSeconds} s`);
    await measureLoad({ url: gateway.ready.url, body, connections: OVERHEAD_CONNECTIONS, seconds: Math.min(2, ctx.durations.warmupSeconds) });
    // The profile's clock is the monotonic one process.hrtime reads: keep only the measured load.
    const fromUs = Number(process.hrtime.bigint() / 1000n);
    load = await measureLoad({ url: gateway.ready.url, body, connections: OVERHEAD_CONNECTIONS, seconds: ctx.durations.profileSeconds, verify: isCleanGraphqlAnswer });
    window = { fromUs, toUs: Number(process.hrtime.bigint() / 1000n) };
  } finally {
    await gateway.stop(30_000);
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile written in ${dir} (did the gateway exit cleanly?)`);
  // Kept for Chrome DevTools / speedscope (ignored by git: *.cpuprofile).
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  copyFileSync(join(dir, file), join(ROOT, 'bench', 'results', 'gateway.cpuprofile'));
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  if (window.fromUs < profile.startTime || window.toUs > profile.endTime) {
    throw new Error(`the load window [${window.fromUs}, ${window.toUs}] µs is not inside the profile [${profile.startTime}, ${profile.endTime}]: clocks differ`);
  }
  const locate = await sourceLocator(profile.nodes.map((n) => n.callFrame.url), ROOT);
  const summary = summariseCpuProfile(profile, { root: ROOT, top: 10, window, locate });
  const busy = summary.totalMs - summary.idleMs;

  const fnRows = summary.functions.map((f, i) => [String(i + 1), f.location, f.selfMs.toFixed(0), f.percent.toFixed(1), f.topCaller ?? '–']);
  const fnHeader = ['#', 'function (file:line)', 'self ms', '% of busy', 'mostly called from'];
  const fnTable = markdownTable(fnHeader, fnRows);
  const fileTable = markdownTable(
    ['#', 'file or V8 category', 'self ms', '% of busy'],
    summary.files.map((f, i) => [String(i + 1), f.location, f.selfMs.toFixed(0), f.percent.toFixed(1)]),
  );
  const header = [
    `Our gateway (auth off, and in-flight sharing off so that every request makes its own trust call, as in the issue 16 "before" profile \`profile-before.md\`; one trust, the overhead test's query and load: ${OVERHEAD_CONNECTIONS} connections, ${ctx.durations.profileSeconds} s after a short warm-up) under \`node --cpu-prof\`, in its own process. Only samples taken during the measured load count (start-up and warm-up left out).`,
    'Lines of project files are mapped back to the TypeScript source through tsx\'s source maps (the profile has generated positions).',
    'The raw profile is bench/results/gateway.cpuprofile (not committed): open it in Chrome DevTools (Performance) or speedscope for call trees.',
    `Served ${load.requests} requests (${load.rps.toFixed(1)} req/s, ${load.failures} failed) while profiled (profiling slows it down).`,
    `Profile window: ${(summary.totalMs / 1000).toFixed(1)} s, ${(busy / 1000).toFixed(1)} s busy (${((100 * busy) / summary.totalMs).toFixed(0)}%), the rest idle (waiting on the trust): **${(busy / Math.max(1, load.requests)).toFixed(2)} ms busy per request**.`,
  ];
  const top = summary.functions[0];
  const profileMd = [
    '# Gateway CPU profile (issue #8)',
    '',
    ...header.map((h) => `- ${h}`),
    '',
    '## Top 10 functions by self time',
    '',
    fnTable,
    '',
    '## Self time by file',
    '',
    fileTable,
    '',
  ].join('\n');
  return {
    name: 'profile',
    title: 'Gateway CPU profile',
    body: `${header.map((h) => `- ${h}`).join('\n')}\n\nTop 5 by self time (all 10 and by-file in bench/results/profile.md):\n\n${markdownTable(fnHeader, fnRows.slice(0, 5))}`,
    targets: top
      ? [{ target: 'biggest self-time cost in the gateway (reported, no target)', measured: `${top.location}${top.topCaller ? `, called from ${top.topCaller}` : ''}: ${top.percent.toFixed(1)}% of busy time`, met: null }]
      : [],
    files: { 'profile.md': profileMd },
  };
}
