import type { TrustPositions } from './network-cursor.ts';

/** Negative when `a` comes before `b` (the list's network order). */
export type RowComparator<K> = (a: K, b: K) => number;

/** One trust's page as the merge needs it (from the hidden `__gw_*` fields): each row's order key and cursor. */
export interface TrustPage<K extends object> {
  trust: string;
  /** In the trust's order, which is the network order of the list (e.g. schema/study-order.ts). */
  rows: ReadonlyArray<K & { cursor: string }>;
  /** The trust said more rows follow its page. */
  hasNextPage: boolean;
}

export interface MergedRow {
  trust: string;
  /** Index of the row in its trust's page. */
  index: number;
  /** Positions after this row: the gateway cursor "as of" this row. */
  positions: TrustPositions;
}

export interface MergedPage {
  rows: MergedRow[];
  /** Positions after the last row (the input positions when the page is empty). */
  positions: TrustPositions;
  hasNextPage: boolean;
}

/**
 * k-way merge of per-trust pages in the list's network order (`compare`: for studies
 * compareStudyOrder, newest sortAt first, nulls last, then id ascending), taking `first` rows. Each trust's position advances to the
 * cursor of its last row taken; a trust with no row taken (exhausted, failed, or simply behind)
 * keeps its position, so its rows are neither skipped nor repeated on the next page. More rows
 * exist when any trust has fetched rows left over or said it has more.
 *
 * Pure; k is the number of trusts (tens), so a linear scan of the heads beats a heap.
 */
export function mergePages<K extends object>(pages: ReadonlyArray<TrustPage<K>>, first: number, start: TrustPositions, compare: RowComparator<K>): MergedPage {
  const cursors = pages.map((page) => ({ page, head: 0 }));
  const positions: Record<string, string> = { ...start };
  const rows: MergedRow[] = [];
  while (rows.length < first) {
    let best: { cursor: (typeof cursors)[number]; row: TrustPage<K>['rows'][number] } | undefined;
    for (const cursor of cursors) {
      const row = cursor.page.rows[cursor.head];
      if (row && (!best || compare(row, best.row) < 0)) best = { cursor, row };
    }
    if (!best) break;
    const { cursor, row } = best;
    const index = cursor.head++;
    positions[cursor.page.trust] = row.cursor;
    rows.push({ trust: cursor.page.trust, index, positions: { ...positions } });
  }
  const hasNextPage = cursors.some(({ page, head }) => head < page.rows.length || page.hasNextPage);
  return { rows, positions, hasNextPage };
}
