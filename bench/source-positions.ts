import { findSourceMap } from 'node:module';

/** A 0-based position in a file, as V8 call frames and source maps count. */
export interface Position {
  line: number;
  column: number;
}

export type Locate = (url: string, position: Position) => Position;

/**
 * Maps positions in tsx-transformed project files back to the TypeScript source. A `--cpu-prof`
 * profile of a child that ran through tsx names generated positions (esbuild emits each module on
 * very few lines), so `file.ts:1` would be all it could say. tsx is deterministic: this process
 * imports the same files through the same tsx, and Node keeps each module's source map
 * (`module.findSourceMap`, tsx turns source maps on). Files under `bench/servers/` are never
 * imported here (they start servers); dependencies in node_modules are plain JS and need no map.
 */
export async function sourceLocator(urls: Iterable<string>, projectRoot: string): Promise<Locate> {
  const root = projectRoot.endsWith('/') ? projectRoot : `${projectRoot}/`;
  const project = [...new Set(urls)].filter(
    (u) => u.startsWith(`file://${root}`) && /\.ts$/.test(u) && !u.includes('/node_modules/') && !u.includes('/bench/servers/'),
  );
  for (const url of project) {
    try {
      await import(url);
    } catch {
      // A file that no longer imports cleanly (edited since the profile ran) keeps its generated position.
    }
  }
  return (url, position) => {
    if (!project.includes(url)) return position;
    const entry = findSourceMap(url)?.findEntry(position.line, position.column) as { originalLine?: number; originalColumn?: number } | undefined;
    return entry && typeof entry.originalLine === 'number' ? { line: entry.originalLine, column: entry.originalColumn ?? 0 } : position;
  };
}
