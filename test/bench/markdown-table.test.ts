import { describe, expect, it } from 'vitest';
import { markdownTable } from '../../bench/markdown-table.ts';

describe('markdownTable', () => {
  it('renders a header, a rule and the rows', () => {
    expect(markdownTable(['a', 'b'], [['1', '2']])).toBe('| a | b |\n| --- | --- |\n| 1 | 2 |');
  });
  it('escapes pipes and flattens newlines so a reason text cannot break the table', () => {
    expect(markdownTable(['x'], [['not installable: a|b\nc']])).toBe('| x |\n| --- |\n| not installable: a\\|b c |');
  });
  it('refuses a row of the wrong width', () => {
    expect(() => markdownTable(['a', 'b'], [['1']])).toThrow(/1 cells, header 2/);
  });
});
