import { describe, expect, it } from 'vitest';
import { mergePages, type TrustPage } from '../../gateway/merge-pages.ts';
import { compareStudyOrder, type StudySortKey } from '../../schema/index.ts';

const row = (id: string, sortAt: number | null) => ({ id, sortAt, cursor: `c-${id}` });

describe('mergePages', () => {
  const pages: Array<TrustPage<StudySortKey>> = [
    { trust: 'RXA', rows: [row('a1', 300), row('a2', 100), row('a3', null)], hasNextPage: false },
    { trust: 'RXB', rows: [row('b1', 300), row('b2', 200)], hasNextPage: true },
  ];

  it('takes rows in network order: newest first, ties by id, null sortAt last', () => {
    const merged = mergePages(pages, 10, {}, compareStudyOrder);
    expect(merged.rows.map((r) => `${r.trust}:${r.index}`)).toEqual(['RXA:0', 'RXB:0', 'RXB:1', 'RXA:1', 'RXA:2']);
    expect(merged.hasNextPage).toBe(true); // RXB said it has more
  });

  it('records each trust position as of every row; untouched trusts keep their start position', () => {
    const merged = mergePages(pages, 2, { RXC: 'c-x' }, compareStudyOrder);
    expect(merged.rows[0]!.positions).toEqual({ RXC: 'c-x', RXA: 'c-a1' });
    expect(merged.rows[1]!.positions).toEqual({ RXC: 'c-x', RXA: 'c-a1', RXB: 'c-b1' });
    expect(merged.positions).toEqual(merged.rows[1]!.positions);
  });

  it('has a next page when fetched rows were left over', () => {
    const merged = mergePages([{ trust: 'RXA', rows: [row('a1', 1), row('a2', 0)], hasNextPage: false }], 1, {}, compareStudyOrder);
    expect(merged.hasNextPage).toBe(true);
    expect(mergePages([{ trust: 'RXA', rows: [row('a1', 1)], hasNextPage: false }], 1, {}, compareStudyOrder).hasNextPage).toBe(false);
  });

  it('first: 0 takes nothing and keeps the start positions', () => {
    const merged = mergePages(pages, 0, { RXA: 'c-a1' }, compareStudyOrder);
    expect(merged.rows).toEqual([]);
    expect(merged.positions).toEqual({ RXA: 'c-a1' });
    expect(merged.hasNextPage).toBe(true);
  });
});
