import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';

/**
 * The project's own import graph, read from the source text with a small regex (no bundler, no
 * madge): static `import … from`, side-effect `import '…'`, `export … from` and dynamic
 * `import('…')` with a literal specifier. Only relative specifiers count: packages and `node:`
 * modules are not project files. Paths are repository-relative with forward slashes.
 */
export type ImportGraph = Map<string, string[]>;

const SOURCE = /\.(ts|js|mjs)$/;
const SKIP_DIRS = new Set(['node_modules', '.git', 'results', 'data']);
const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*\s{},$]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** Specifiers a source text imports, in order (comments are not stripped: see `stripComments`). */
export function importSpecifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of stripComments(text).matchAll(IMPORT)) out.push((m[1] ?? m[2]) as string);
  return out;
}

/** Block and line comments removed (an `import` in a doc comment is prose, not an edge). */
export function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"\\])\/\/.*$/gm, '$1');
}

/** Every project source file below `root`, repository-relative. */
export function sourceFiles(root: string, dir = root): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIP_DIRS.has(entry.name)) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(root, full));
    else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(relative(root, full).split(sep).join('/'));
  }
  return out.sort();
}

/** The graph of relative imports between the files below `root`. */
export function readImportGraph(root: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of sourceFiles(root)) {
    const text = readFileSync(join(root, file), 'utf8');
    const targets = importSpecifiers(text)
      .filter((s) => s.startsWith('./') || s.startsWith('../'))
      .map((s) => posix.normalize(posix.join(posix.dirname(file), s)));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Edges `from → to` where `from` starts with `fromPrefix` and `to` with `toPrefix`. */
export function edgesBetween(graph: ImportGraph, fromPrefix: string, toPrefix: string): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    if (!from.startsWith(fromPrefix)) continue;
    for (const to of targets) if (to.startsWith(toPrefix)) out.push(`${from} → ${to}`);
  }
  return out;
}

/**
 * The import circles: strongly connected components of more than one module, or a module that
 * imports itself (Tarjan's algorithm, iterative so a deep graph cannot overflow the stack).
 */
export function importCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let next = 0;
  const targetsOf = (n: string): string[] => (graph.get(n) ?? []).filter((t) => graph.has(t));
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; i: number }[] = [{ node: start, i: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: string; i: number };
      const targets = targetsOf(frame.node);
      if (frame.i < targets.length) {
        const t = targets[frame.i++] as string;
        if (!index.has(t)) {
          index.set(t, next);
          low.set(t, next++);
          stack.push(t);
          onStack.add(t);
          work.push({ node: t, i: 0 });
        } else if (onStack.has(t)) {
          low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(t) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let n: string;
        do {
          n = stack.pop() as string;
          onStack.delete(n);
          component.push(n);
        } while (n !== frame.node);
        if (component.length > 1 || targetsOf(frame.node).includes(frame.node)) cycles.push(component.sort());
      }
    }
  }
  return cycles;
}

export const REPO_ROOT = join(dirname(new URL(import.meta.url).pathname), '..', '..');
