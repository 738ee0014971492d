/**
 * Reads a V8 `.cpuprofile` (what `node --cpu-prof` writes: the Chrome DevTools Profiler.Profile
 * object) and ranks functions by self time: the time samples landed in the function itself, not
 * in what it called. `timeDeltas[i]` is the time since the previous sample, in microseconds, and
 * is charged to sample i's node, as DevTools does.
 */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; hitCount?: number; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTimeEntry {
  /** `name (file:line)`, file relative to the project or `node_modules/<package>/…`. */
  location: string;
  functionName: string;
  selfMs: number;
  /** Share of the non-idle time, 0–100. */
  percent: number;
  /**
   * The caller that most of this self time came through (functions only). Native work (a SQLite
   * commit, a write) is charged to the JS frame that called it, so the caller says whose it is.
   */
  topCaller?: string;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  /** Top functions by self time, idle excluded. */
  functions: SelfTimeEntry[];
  /** Self time grouped by file (or V8 pseudo-node such as `(garbage collector)`). */
  files: SelfTimeEntry[];
}

/** Shortens a script URL: project files relative to the root, dependencies from `node_modules/`. */
export function shortUrl(url: string, root: string): string {
  let u = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  const nm = u.lastIndexOf('/node_modules/');
  if (nm >= 0) return u.slice(nm + 1);
  if (root && u.startsWith(root)) u = u.slice(root.length).replace(/^\//, '');
  return u;
}

interface Tally {
  functionName: string;
  us: number;
  callers?: Map<string, number>;
}

function rank(map: Map<string, Tally>, busyUs: number, top: number): SelfTimeEntry[] {
  return [...map.entries()]
    .sort((a, b) => b[1].us - a[1].us)
    .slice(0, top)
    .map(([location, v]) => {
      const caller = v.callers ? [...v.callers.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] : undefined;
      return { location, functionName: v.functionName, selfMs: v.us / 1000, percent: busyUs > 0 ? (100 * v.us) / busyUs : 0, ...(caller ? { topCaller: caller } : {}) };
    });
}

export interface SummaryOptions {
  /** Maps a generated position to the source (e.g. through source maps); identity by default. */
  locate?: (url: string, position: { line: number; column: number }) => { line: number; column: number };
  /** Project root, stripped from file URLs. */
  root?: string;
  /** @default 10 */
  top?: number;
  /**
   * Only samples taken in this window, in the profile's clock (µs; V8 uses the monotonic clock,
   * the one `process.hrtime` reads), e.g. to leave out start-up (module loading, schema building).
   */
  window?: { fromUs: number; toUs: number };
}

export function summariseCpuProfile(profile: CpuProfile, options: SummaryOptions = {}): ProfileSummary {
  const top = options.top ?? 10;
  const root = options.root ?? '';
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (options.window && (at < options.window.fromUs || at > options.window.toUs)) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });

  let totalUs = 0;
  let idleUs = 0;
  const functions = new Map<string, Tally>();
  const files = new Map<string, Tally>();
  const keyOf = (id: number): string | undefined => {
    const frame = byId.get(id)?.callFrame;
    if (!frame) return undefined;
    const name = frame.functionName || '(anonymous)';
    const file = frame.url ? shortUrl(frame.url, root) : '';
    const at = options.locate ? options.locate(frame.url, { line: frame.lineNumber, column: frame.columnNumber }) : { line: frame.lineNumber, column: frame.columnNumber };
    // Positions are 0-based in the profile; editors count from 1.
    return file ? `${name} (${file}:${at.line + 1})` : name;
  };
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    totalUs += us;
    const name = frame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idleUs += us;
      continue;
    }
    const file = frame.url ? shortUrl(frame.url, root) : '';
    const fnKey = keyOf(id)!;
    const f = functions.get(fnKey) ?? { functionName: name, us: 0, callers: new Map<string, number>() };
    f.us += us;
    const parent = parentOf.get(id);
    const callerKey = parent === undefined ? undefined : keyOf(parent);
    if (callerKey && callerKey !== '(root)') f.callers!.set(callerKey, (f.callers!.get(callerKey) ?? 0) + us);
    functions.set(fnKey, f);
    const fileKey = file || name;
    const g = files.get(fileKey) ?? { functionName: fileKey, us: 0 };
    g.us += us;
    files.set(fileKey, g);
  }
  const busyUs = totalUs - idleUs;
  return { totalMs: totalUs / 1000, idleMs: idleUs / 1000, functions: rank(functions, busyUs, top), files: rank(files, busyUs, top) };
}
