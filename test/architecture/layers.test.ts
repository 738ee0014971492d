import { describe, expect, it } from 'vitest';
import { edgesBetween, importCycles, importSpecifiers, readImportGraph, REPO_ROOT } from './import-graph.ts';

/**
 * The layering of ARCHITECTURE.md's layout table, checked over the real tree (imports read with a
 * regex: import-graph.ts), so a change that breaks it fails here instead of in a review.
 */
const graph = readImportGraph(REPO_ROOT);

describe('import graph reader', () => {
  it('reads static, type, side-effect, re-export and dynamic imports, and skips comments', () => {
    // Built from pieces so this file's own text holds no import of these names.
    const I = ['im', 'port'].join('');
    const E = ['ex', 'port'].join('');
    const text = [
      `${I} { a } from './a.ts';`,
      `${I} type { B } from '../b.ts';`,
      `${I} './side.ts';`,
      `${E} { c } from './c.ts';`,
      `${E} * from './d.ts';`,
      `const e = await ${I}('./e.ts');`,
      `// ${I} { x } from './commented.ts';`,
      `/* ${I} { y } from './block.ts'; */`,
      `${I} {\n  f,\n  type G,\n} from "./f.ts";`,
    ].join('\n');
    expect(importSpecifiers(text)).toEqual(['./a.ts', '../b.ts', './side.ts', './c.ts', './d.ts', './e.ts', './f.ts']);
  });

  it('finds circles, self-imports included, and nothing in a tree', () => {
    const circle = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
    expect(importCycles(circle).map((c) => c.join(','))).toEqual(['a,b,c']);
    expect(importCycles(new Map([['a', ['a']]]))).toEqual([['a']]);
    expect(importCycles(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]))).toEqual([]);
  });

  it('sees the project (a sanity floor: the reader found the tree and its edges)', () => {
    expect(graph.size).toBeGreaterThan(300);
    expect(graph.get('subgraphs/trust/ris/ris-ingest.ts')).toContain('subgraphs/trust/ris/ingest-port.ts');
  });

  it('resolves every relative import to a file of the tree', () => {
    const missing = [...graph].flatMap(([from, targets]) => targets.filter((t) => !graph.has(t)).map((t) => `${from} → ${t}`));
    expect(missing).toEqual([]);
  });
});

describe('layers (ARCHITECTURE.md layout)', () => {
  it('ris/ never imports the store: the store implements the port ris/ owns (ris/ingest-port.ts)', () => {
    expect(edgesBetween(graph, 'subgraphs/trust/ris/', 'subgraphs/trust/store/')).toEqual([]);
  });

  it('ris/ imports only itself, the contract (schema/) and the platform (platform/)', () => {
    const outside = [...graph]
      .filter(([from]) => from.startsWith('subgraphs/trust/ris/'))
      .flatMap(([from, targets]) => targets.filter((t) => !/^(subgraphs\/trust\/ris|schema|platform)\//.test(t)).map((t) => `${from} → ${t}`));
    expect(outside).toEqual([]);
  });

  it('the gateway never imports subgraph code (it knows trusts only through GraphQL)', () => {
    expect(edgesBetween(graph, 'gateway/', 'subgraphs/')).toEqual([]);
  });

  it('the contract (schema/) imports nothing of the project outside itself', () => {
    const outside = [...graph]
      .filter(([from]) => from.startsWith('schema/'))
      .flatMap(([from, targets]) => targets.filter((t) => !t.startsWith('schema/')).map((t) => `${from} → ${t}`));
    expect(outside).toEqual([]);
  });

  it('the platform (platform/) imports only itself and the contract', () => {
    const outside = [...graph]
      .filter(([from]) => from.startsWith('platform/'))
      .flatMap(([from, targets]) => targets.filter((t) => !/^(platform|schema)\//.test(t)).map((t) => `${from} → ${t}`));
    expect(outside).toEqual([]);
  });

  it('no module is in an import circle (type-only imports count too)', () => {
    expect(importCycles(graph)).toEqual([]);
  });
});
