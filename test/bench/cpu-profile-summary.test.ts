import { describe, expect, it } from 'vitest';
import { shortUrl, summariseCpuProfile, type CpuProfile } from '../../bench/cpu-profile-summary.ts';

const ROOT = '/work/main/';
const frame = (functionName: string, url: string, lineNumber: number) => ({ functionName, url, lineNumber, columnNumber: 0 });

/** root → a (gateway file) → b (dependency); idle and GC beside. Deltas in µs. */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', '', -1) },
    { id: 2, callFrame: frame('mergePages', 'file:///work/main/gateway/merge-pages.ts', 9) },
    { id: 3, callFrame: frame('executeFields', 'file:///work/main/node_modules/graphql/execution/execute.js', 650) },
    { id: 4, callFrame: frame('(idle)', '', -1) },
    { id: 5, callFrame: frame('(garbage collector)', '', -1) },
    { id: 6, callFrame: frame('', 'file:///work/main/gateway/merge-pages.ts', 30) },
  ],
  startTime: 1_000,
  endTime: 11_000,
  samples: [2, 3, 3, 4, 5, 2, 6, 4],
  timeDeltas: [1000, 2000, 2000, 3000, 500, 500, 500, 500],
};

describe('summariseCpuProfile', () => {
  it('charges each sample\'s delta to its node and ranks by self time, idle left out', () => {
    const s = summariseCpuProfile(profile, { root: ROOT });
    expect(s.totalMs).toBe(10);
    expect(s.idleMs).toBe(3.5);
    expect(s.functions.map((f) => [f.location, f.selfMs])).toEqual([
      ['executeFields (node_modules/graphql/execution/execute.js:651)', 4],
      ['mergePages (gateway/merge-pages.ts:10)', 1.5],
      ['(garbage collector)', 0.5],
      ['(anonymous) (gateway/merge-pages.ts:31)', 0.5],
    ]);
    expect(s.functions[0]!.percent).toBeCloseTo((100 * 4) / 6.5);
  });
  it('groups by file too', () => {
    const s = summariseCpuProfile(profile, { root: ROOT });
    expect(s.files.map((f) => [f.location, f.selfMs])).toEqual([
      ['node_modules/graphql/execution/execute.js', 4],
      ['gateway/merge-pages.ts', 2],
      ['(garbage collector)', 0.5],
    ]);
  });
  it('keeps only samples inside the window (timestamps = startTime + running deltas)', () => {
    // Sample times: 2000, 4000, 6000, 9000, 9500, 10000, 10500, 11000.
    const s = summariseCpuProfile(profile, { root: ROOT, window: { fromUs: 9_400, toUs: 10_600 } });
    expect(s.totalMs).toBe(1.5);
    expect(s.functions.map((f) => f.functionName).sort()).toEqual(['(anonymous)', '(garbage collector)', 'mergePages']);
  });
  it('names the caller most of a function\'s self time came through', () => {
    const withTree: CpuProfile = {
      ...profile,
      nodes: profile.nodes.map((n) => (n.id === 1 ? { ...n, children: [2] } : n.id === 2 ? { ...n, children: [3, 6] } : n)),
    };
    const s = summariseCpuProfile(withTree, { root: ROOT });
    expect(s.functions[0]!.topCaller).toBe('mergePages (gateway/merge-pages.ts:10)');
    // Called from the root only: no caller worth naming.
    expect(s.functions.find((f) => f.functionName === 'mergePages')!.topCaller).toBeUndefined();
  });
  it('maps positions through `locate` and honours `top`', () => {
    const s = summariseCpuProfile(profile, { root: ROOT, top: 2, locate: (url, p) => (url.endsWith('.ts') ? { line: p.line + 100, column: 0 } : p) });
    expect(s.functions).toHaveLength(2);
    expect(s.functions[1]!.location).toBe('mergePages (gateway/merge-pages.ts:110)');
  });
});

describe('shortUrl', () => {
  it('keeps node_modules paths from the package on and strips the project root', () => {
    expect(shortUrl('file:///x/node_modules/a/node_modules/pino/lib/x.js', ROOT)).toBe('node_modules/pino/lib/x.js');
    expect(shortUrl('file:///work/main/audit/audit-log.ts', ROOT)).toBe('audit/audit-log.ts');
    expect(shortUrl('node:internal/timers', ROOT)).toBe('node:internal/timers');
  });
});
