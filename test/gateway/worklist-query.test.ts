import { describe, expect, it } from 'vitest';
import { mergePages } from '../../gateway/merge-pages.ts';
import { compareWorklistOrder, WORKLIST_ORDER } from '../../gateway/worklist-query.ts';

describe('the worklist order at the gateway', () => {
  it('dueAt ascending, none last, then id in code-unit order', () => {
    const rows = [
      { id: 'b', dueAt: 2000 },
      { id: 'a', dueAt: null },
      { id: 'B', dueAt: 2000 },
      { id: 'c', dueAt: 1000 },
    ];
    expect([...rows].sort(compareWorklistOrder).map((r) => r.id)).toEqual(['c', 'B', 'b', 'a']);
  });
  it('reads a node\'s hidden id and dueAt; a wrong shape is undefined (that trust\'s failure)', () => {
    expect(WORKLIST_ORDER.key({ id: 'x', dueAt: '2026-04-01T10:00:00Z' })).toEqual({ id: 'x', dueAt: Date.parse('2026-04-01T10:00:00Z') });
    expect(WORKLIST_ORDER.key({ id: 'x', dueAt: null })).toEqual({ id: 'x', dueAt: null });
    expect(WORKLIST_ORDER.key({ id: 1, dueAt: null })).toBeUndefined();
    expect(WORKLIST_ORDER.key({ id: 'x', dueAt: 5 })).toBeUndefined();
  });
  it('merges trusts\' pages most overdue first', () => {
    const page = (trust: string, rows: Array<[string, number | null]>, hasNextPage = false) => ({
      trust,
      rows: rows.map(([id, dueAt]) => ({ id, dueAt, cursor: `${trust}:${id}` })),
      hasNextPage,
    });
    const merged = mergePages([page('RXA', [['S1.RXA.a', 1000], ['S1.RXA.b', 5000]]), page('RH8', [['S1.RH8.a', 3000], ['S1.RH8.b', null]], true)], 3, {}, compareWorklistOrder);
    expect(merged.rows.map((r) => `${r.trust}#${r.index}`)).toEqual(['RXA#0', 'RH8#0', 'RXA#1']);
    expect(merged.hasNextPage).toBe(true);
    expect(merged.positions).toEqual({ RXA: 'RXA:S1.RXA.b', RH8: 'RH8:S1.RH8.a' });
  });
});
