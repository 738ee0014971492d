import { readFileSync } from 'node:fs';

/**
 * Samples the resident set size of another process from `/proc/<pid>/status` (Linux, proc(5)):
 * `VmRSS` now, and `VmHWM`, the kernel's own high-water mark, so a peak between samples is not
 * missed. Reading a small procfs file costs microseconds: the sampler does not disturb the load.
 */
export interface RssSampler {
  /** Highest VmRSS sampled since start, MiB. */
  maxSampledMiB(): number;
  /** VmHWM now: the process's peak RSS since it started, MiB. */
  peakMiB(): number;
  stop(): void;
}

function readStatusKiB(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no ${key}`);
  return Number(match[1]);
}

/** Current RSS of `pid`, MiB. */
export function rssMiB(pid: number): number {
  return readStatusKiB(pid, 'VmRSS') / 1024;
}

export function startRssSampler(pid: number, intervalMs = 100): RssSampler {
  let max = rssMiB(pid);
  const timer = setInterval(() => {
    try {
      max = Math.max(max, rssMiB(pid));
    } catch {
      clearInterval(timer);
    }
  }, intervalMs);
  timer.unref();
  return {
    maxSampledMiB: () => max,
    peakMiB: () => readStatusKiB(pid, 'VmHWM') / 1024,
    stop: () => clearInterval(timer),
  };
}
