import type { BenchDurations } from './bench-options.ts';
import { cpuPerRequest, cpuSnapshot } from './cpu-time.ts';
import { measureLoad, type LoadSample } from './http-load.ts';
import { progress } from './progress.ts';

export interface LoadTarget {
  name: string;
  url: string;
  /** Extra request headers for this target (e.g. its bearer token). */
  headers?: Record<string, string>;
  /**
   * Processes whose CPU time is read around each measured repetition (name → pid, or 'self' for
   * the load generator): the sample then carries their CPU ms per request (`cpuMsPerRequest`).
   */
  cpuOf?: Readonly<Record<string, number | 'self'>>;
}

export interface InterleavedOptions {
  body: string;
  connections: number;
  verify?: (body: string) => boolean;
  durations: Pick<BenchDurations, 'warmupSeconds' | 'repetitionSeconds' | 'repetitions'>;
}

/**
 * Side-by-side measurement: every target is warmed up (JIT, caches, pooled connections), then the
 * repetitions go round-robin (A B C, A B C, …) so that drift on a shared 2-core machine (another
 * process waking up, thermal state) falls on every target alike instead of on whichever ran last.
 * Returns each target's samples in repetition order: sample i of two targets are neighbours in
 * time, so their ratio is a fair per-repetition ratio.
 */
export async function runInterleaved(targets: readonly LoadTarget[], options: InterleavedOptions): Promise<Map<string, LoadSample[]>> {
  const { durations } = options;
  const load = (t: LoadTarget, seconds: number) =>
    measureLoad({ url: t.url, body: options.body, connections: options.connections, seconds, ...(options.verify ? { verify: options.verify } : {}), ...(t.headers ? { headers: t.headers } : {}) });
  for (const t of targets) {
    progress(`  warm-up ${t.name} (${durations.warmupSeconds} s)`);
    await load(t, durations.warmupSeconds);
  }
  const samples = new Map<string, LoadSample[]>(targets.map((t) => [t.name, []]));
  for (let rep = 1; rep <= durations.repetitions; rep++) {
    for (const t of targets) {
      const before = t.cpuOf ? cpuSnapshot(t.cpuOf) : undefined;
      const s = await load(t, durations.repetitionSeconds);
      if (before && t.cpuOf) s.cpuMsPerRequest = cpuPerRequest(before, cpuSnapshot(t.cpuOf), s.requests);
      samples.get(t.name)!.push(s);
      progress(`  rep ${rep}/${durations.repetitions} ${t.name}: ${s.rps.toFixed(1)} req/s, p50 ${s.p50Ms.toFixed(1)} ms, p99 ${s.p99Ms.toFixed(1)} ms${s.failures ? `, ${s.failures} FAILED` : ''}`);
    }
  }
  return samples;
}

/** Per-repetition ratios a[i] / b[i] of a measure. */
export function pairedRatios(a: readonly LoadSample[], b: readonly LoadSample[], measure: (s: LoadSample) => number): number[] {
  if (a.length !== b.length) throw new Error(`pairedRatios: ${a.length} vs ${b.length} samples`);
  return a.map((s, i) => measure(s) / measure(b[i]!));
}
