import { readFileSync } from 'node:fs';

/**
 * CPU time used by processes, to say where a request's CPU goes when every server shares the
 * same 2 cores. Linux proc(5): fields 14 and 15 of `/proc/<pid>/stat` are utime and stime in
 * clock ticks (`getconf CLK_TCK`, 100 on Linux x86-64: 10 ms resolution, enough over seconds of
 * load). The bench process itself (the load generator) is read with `process.cpuUsage()`.
 */
const TICK_MS = 10;

/** CPU ms used so far by `pid` (user + system), or NaN when it is gone. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and fields[12].
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return Number.NaN;
  }
}

/** CPU ms used so far by this process. */
export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Named processes' CPU ms, read now; `self` is this process. */
export function cpuSnapshot(pids: Readonly<Record<string, number | 'self'>>): Record<string, number> {
  return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid === 'self' ? selfCpuMs() : processCpuMs(pid)]));
}

/** CPU ms per request of each named process between two snapshots. */
export function cpuPerRequest(before: Record<string, number>, after: Record<string, number>, requests: number): Record<string, number> {
  return Object.fromEntries(Object.keys(before).map((k) => [k, requests > 0 ? (after[k]! - before[k]!) / requests : Number.NaN]));
}
