import { compareStudyOrder, type StudySortKey } from '../schema/index.ts';
import type { TrustPositions } from './network-cursor.ts';

/** One trust's page as the merge needs it (from the hidden `__gw_*` fields). */
export interface TrustPage {
  trust: string;
  /** In the trust's order, which is the network order (schema/study-order.ts). */
  rows: ReadonlyArray<StudySortKey & { cursor: string }>;
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
 * k-way merge of per-trust pages in the network order (compareStudyOrder: newest sortAt first,
 * nulls last, then id ascending), taking `first` rows. Each trust's position advances to the
 * cursor of its last row taken; a trust with no row taken (exhausted, failed, or simply behind)
 * keeps its position, so its rows are neither skipped nor repeated on the next page. More rows
 * exist when any trust has fetched rows left over or said it has more.
 *
 * Pure; k is the number of trusts (tens), so a linear scan of the heads beats a heap.
 */
export function mergePages(pages: readonly TrustPage[], first: number, start: TrustPositions): MergedPage {
  const heads = pages.map(() => 0);
  const positions: Record<string, string> = { ...start };
  const rows: MergedRow[] = [];
  while (rows.length < first) {
    let best = -1;
    for (let i = 0; i < pages.length; i++) {
      const row = pages[i]!.rows[heads[i]!];
      if (row && (best < 0 || compareStudyOrder(row, pages[best]!.rows[heads[best]!]!) < 0)) best = i;
    }
    if (best < 0) break;
    const page = pages[best]!;
    const index = heads[best]!;
    heads[best] = index + 1;
    positions[page.trust] = page.rows[index]!.cursor;
    rows.push({ trust: page.trust, index, positions: { ...positions } });
  }
  const hasNextPage = pages.some((p, i) => heads[i]! < p.rows.length || p.hasNextPage);
  return { rows, positions, hasNextPage };
}
