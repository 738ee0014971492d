import { compareStudyOrder } from '../../schema/index.ts';
import { encodeTrustCursor, type TrustCursor } from './trust-cursor.ts';
import type { StudyView } from './study-view.ts';

export interface StudyPage {
  edges: Array<{ cursor: string; node: StudyView }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * Keyset paging over studies sorted in the network order: the page holds the first `first`
 * studies strictly after the cursor's sort key. A study added or removed between calls never
 * makes a page skip or repeat another one (unlike offset paging).
 */
export function pageStudies(sorted: readonly StudyView[], first: number, after: TrustCursor | undefined): StudyPage {
  let start = 0;
  if (after) {
    const key = { sortAt: after.sortMillis, id: after.id };
    // Binary search for the first study ordered after the cursor.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const v = sorted[mid]!;
      if (compareStudyOrder({ sortAt: v.sortMillis, id: v.id }, key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const slice = sorted.slice(start, start + first);
  const edges = slice.map((node) => ({ cursor: encodeTrustCursor({ sortMillis: node.sortMillis, id: node.id }), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: start + first < sorted.length,
      endCursor: edges.length ? edges[edges.length - 1]!.cursor : null,
    },
  };
}
