/**
 * `npm run bench [-- --quick] [-- --only overhead,fanout]`: the benchmarks of issue #8. Prints a
 * Markdown report on stdout, writes it to bench/results/latest.md (and the gateway's CPU profile
 * summary to bench/results/profile.md). Progress goes to stderr. Every server it starts listens on
 * 127.0.0.1 only, on a free port, and all load targets loopback.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchOptions, type BenchOptions, type SectionName } from './bench-options.ts';
import { machineInfo, machineInfoMarkdown } from './machine-info.ts';
import { markdownTable } from './markdown-table.ts';
import { startOverheadBed, type OverheadBed } from './overhead-bed.ts';
import { progress } from './progress.ts';
import { runBatching } from './sections/batching.ts';
import { runFanOut } from './sections/fanout.ts';
import { runIngest } from './sections/ingest.ts';
import { runOverhead } from './sections/overhead.ts';
import { runProfile } from './sections/profile.ts';
import { runImages } from './sections/images.ts';
import { runTrustScale } from './sections/trust-scale.ts';
import type { SectionContext, SectionReport } from './sections/section-report.ts';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));

let options: BenchOptions;
try {
  options = parseBenchOptions(process.argv.slice(2));
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(2);
}

const started = performance.now();
// Other work on a shared 2-core machine shows up here; the report prints it beside the numbers.
const loadAtStart = loadavg()[0]!;
const machine = machineInfo();
const tmpDir = mkdtempSync(join(tmpdir(), 'imaging-bench-'));
const ctx: SectionContext = { durations: options.durations, tmpDir, now: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') };
let bed: Promise<OverheadBed> | undefined;
const overheadBed = () => (bed ??= startOverheadBed(ctx, { withGateways: options.sections.includes('overhead') }));
/** Stops the shared bed, if one started; a bed that failed to start has nothing left to stop. */
const closeBed = async () => {
  const starting = bed;
  bed = undefined;
  if (starting) await starting.then((b) => b.close(), () => undefined);
};

const RUNNERS: Record<SectionName, () => Promise<SectionReport>> = {
  overhead: async () => runOverhead(ctx, await overheadBed()),
  fanout: () => runFanOut(ctx),
  batching: () => runBatching(ctx),
  ingest: () => runIngest(ctx),
  profile: async () => runProfile(ctx, await overheadBed()),
  images: () => runImages(ctx),
  scale: () => runTrustScale(ctx, { quick: options.quick }),
};

const TITLES: Record<SectionName, string> = {
  overhead: 'Gateway overhead and memory',
  fanout: 'Fan-out',
  batching: 'Batching',
  ingest: 'HL7 ingest',
  profile: 'Gateway CPU profile',
  images: 'Images (WADO-RS through the gateway)',
  scale: 'Trust scale (issue #11)',
};

const reports: SectionReport[] = [];
try {
  for (const name of options.sections) {
    progress(`== ${name} ==`);
    try {
      reports.push(await RUNNERS[name]());
      // The overhead bed is shared with the profile section; free it once neither needs it.
      if (!options.sections.slice(options.sections.indexOf(name) + 1).some((s) => s === 'overhead' || s === 'profile')) await closeBed();
    } catch (err) {
      const message = err instanceof Error ? err.stack ?? err.message : String(err);
      progress(`${name} FAILED: ${message}`);
      reports.push({ name, title: TITLES[name], body: `**Failed:** ${message.split('\n')[0]}`, targets: [{ target: TITLES[name], measured: 'section failed', met: false }] });
    }
  }
} finally {
  await closeBed().catch(() => undefined);
  rmSync(tmpDir, { recursive: true, force: true });
}

const minutes = (performance.now() - started) / 60_000;
const verdict = (met: boolean | null) => (met === null ? '–' : met ? 'yes' : '**no**');
const targets = reports.flatMap((r) => r.targets);
const report = [
  `# Benchmarks (issues #8, #16)${options.quick ? ' (--quick: short runs, noisier numbers)' : ''}`,
  '',
  machineInfoMarkdown(machine),
  `- sections: ${options.sections.join(', ')}; whole run ${minutes.toFixed(1)} min; 1-minute load average ${loadAtStart.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end (2 cores: above ~2 means other work shared the CPU)`,
  '',
  '## Targets',
  '',
  markdownTable(['target', 'measured', 'met'], targets.map((t) => [t.target, t.measured, verdict(t.met)])),
  '',
  ...reports.flatMap((r) => [`## ${r.title}`, '', r.body, '']),
].join('\n');

mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, 'latest.md'), report);
for (const r of reports) for (const [file, content] of Object.entries(r.files ?? {})) writeFileSync(join(RESULTS, file), content);
process.stdout.write(`${report}\n`);
progress(`done in ${minutes.toFixed(1)} min; wrote ${join(RESULTS, 'latest.md')}`);
process.exit(0);
