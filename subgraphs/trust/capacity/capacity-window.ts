/**
 * The activity window of a capacity report (`CapacityFilter.from`..`to` in network.graphql):
 * both ends inclusive; `to` defaults to now, `from` to `to` minus 28 days. The 28 days are
 * 28 × 24 elapsed hours, not 28 local calendar days, so a default window always holds exactly
 * 28 days of scanner capacity whatever the clocks did (the same rule as the 6-week DM01 wait).
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** Default window length. */
export const DEFAULT_WINDOW_MS = 28 * DAY_MS;

export interface CapacityWindow {
  fromMillis: number;
  toMillis: number;
}

export function resolveWindow(bounds: { fromMillis?: number; toMillis?: number }, now: Date): CapacityWindow {
  const toMillis = bounds.toMillis ?? now.getTime();
  const fromMillis = bounds.fromMillis ?? toMillis - DEFAULT_WINDOW_MS;
  return { fromMillis, toMillis };
}

export function inWindow(window: CapacityWindow, millis: number): boolean {
  return millis >= window.fromMillis && millis <= window.toMillis;
}

/** Hours of `[startMillis, endMillis)` that fall inside the window (0 when they do not meet). */
export function hoursInWindow(window: CapacityWindow, startMillis: number, endMillis: number): number {
  const from = Math.max(window.fromMillis, startMillis);
  const to = Math.min(window.toMillis, endMillis);
  return to > from ? (to - from) / HOUR_MS : 0;
}
