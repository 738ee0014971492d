import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cpuPerRequest, processCpuMs, selfCpuMs } from '../../bench/cpu-time.ts';

describe('bench CPU time', () => {
  it("reads another process's CPU time from /proc, and grows while it spins", async () => {
    // A child that burns 400 ms of its own CPU (by its own count, so a loaded machine only makes it
    // slower), says so, then waits: /proc must show at least that much, less the 10 ms ticks.
    const child = spawn(process.execPath, ['-e', "const t = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }; while (t() < 400); console.log('done'); setTimeout(() => {}, 10000);"]);
    try {
      const before = processCpuMs(child.pid!);
      await new Promise<void>((resolve) => child.stdout!.on('data', () => resolve()));
      const after = processCpuMs(child.pid!);
      expect(after - before).toBeGreaterThanOrEqual(300);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('gives NaN for a process that does not exist', () => {
    expect(processCpuMs(2 ** 22 + 12345)).toBeNaN();
  });

  it('divides each process CPU delta by the requests served', () => {
    expect(cpuPerRequest({ a: 100, b: 0 }, { a: 300, b: 50 }, 100)).toEqual({ a: 2, b: 0.5 });
    expect(cpuPerRequest({ a: 1 }, { a: 2 }, 0).a).toBeNaN();
    expect(selfCpuMs()).toBeGreaterThan(0);
  });
});
