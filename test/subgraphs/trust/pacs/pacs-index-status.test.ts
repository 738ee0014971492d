import { describe, expect, it } from 'vitest';
import { pacsIndexStatus, pageMayBeIncomplete } from '../../../../subgraphs/trust/pacs/pacs-index-status.ts';
import { INITIAL_SYNC_STATE, type PacsSyncState } from '../../../../subgraphs/trust/pacs/pacs-index-port.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');
function state(p: Partial<PacsSyncState['backfill']>, rest: Partial<PacsSyncState> = {}): PacsSyncState {
  return { ...structuredClone(INITIAL_SYNC_STATE), ...rest, backfill: { ...INITIAL_SYNC_STATE.backfill, ...p } };
}

describe('pacsIndex state (pure)', () => {
  it('is BACKFILLING until dates and the undated sweep are done, then CURRENT', () => {
    const recent = { lastSyncAt: '2026-11-28T11:59:58Z' };
    expect(pacsIndexStatus(state({ nextTo: '2026-10-01' }, recent), 10, NOW, 60_000)).toMatchObject({ state: 'BACKFILLING', backfilledThrough: '2026-10-02', lagSeconds: 2, complete: false });
    expect(pacsIndexStatus(state({ datesDone: true, oldestDate: '2020-01-01' }, recent), 10, NOW, 60_000).state).toBe('BACKFILLING');
    expect(pacsIndexStatus(state({ datesDone: true, sweepDone: true, oldestDate: '2020-01-01' }, recent), 10, NOW, 60_000)).toMatchObject({ state: 'CURRENT', backfilledThrough: '2020-01-01', complete: true });
  });

  it('is STALE without a success for staleAfterMs, FAILED when failing that long', () => {
    const done = { datesDone: true, sweepDone: true };
    expect(pacsIndexStatus(state(done, { lastSyncAt: '2026-11-28T11:50:00Z' }), 1, NOW, 60_000).state).toBe('STALE');
    expect(pacsIndexStatus(state(done, { lastSyncAt: '2026-11-28T11:50:00Z', lastError: 'PACS unavailable (unreachable)' }), 1, NOW, 60_000).state).toBe('FAILED');
    expect(pacsIndexStatus(state({}, { lastError: 'PACS unavailable (timeout)' }), 0, NOW, 60_000)).toMatchObject({ state: 'FAILED', lagSeconds: null });
  });

  it('flags a page INDEX_INCOMPLETE only when the back-fill has not reached its range', () => {
    const filling = { complete: false, backfilledThrough: '2026-10-02' };
    const inside = Date.parse('2026-11-01T00:00:00Z');
    const older = Date.parse('2026-09-01T00:00:00Z');
    expect(pageMayBeIncomplete(filling, { hasNextPage: true, lastSortMillis: inside })).toBe(false);
    expect(pageMayBeIncomplete(filling, { hasNextPage: true, lastSortMillis: older })).toBe(true);
    expect(pageMayBeIncomplete(filling, { hasNextPage: false, lastSortMillis: inside })).toBe(true);
    expect(pageMayBeIncomplete(filling, { hasNextPage: true, lastSortMillis: inside, toMillis: older })).toBe(true);
    expect(pageMayBeIncomplete({ complete: true, backfilledThrough: null }, { hasNextPage: false, lastSortMillis: undefined })).toBe(false);
    expect(pageMayBeIncomplete({ complete: false, backfilledThrough: null }, { hasNextPage: true, lastSortMillis: inside })).toBe(true);
  });
});
