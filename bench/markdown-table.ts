/** A GitHub-flavoured Markdown table; `|` in cells is escaped so a reason text cannot break it. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const widthMismatch = rows.find((r) => r.length !== header.length);
  if (widthMismatch) throw new Error(`markdownTable: row has ${widthMismatch.length} cells, header ${header.length}`);
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
