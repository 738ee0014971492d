import { DateTime } from 'luxon';

/**
 * ISO 8601 weeks (ISO 8601-1:2019 §3.2.2, "calendar week": Monday to Sunday) on the local clock of
 * a zone. A week is local Monday 00:00 to the next local Monday 00:00, so a week holding a clock
 * change is 167 (spring) or 169 (autumn) hours long; luxon's `startOf('week')` is ISO (Monday)
 * unless locale weeks are asked for.
 */

/** The zone every capacity week is counted in (`CapacityDimension.WEEK` in network.graphql). */
export const CAPACITY_WEEK_ZONE = 'Europe/London';

const HOUR_MS = 3_600_000;

function local(millis: number, zone: string): DateTime {
  const t = DateTime.fromMillis(millis, { zone });
  if (!t.isValid) throw new RangeError(`not a usable time zone: ${zone} (${t.invalidExplanation ?? t.invalidReason})`);
  return t;
}

/** The Monday (`YYYY-MM-DD`) of the local ISO week that holds the instant. */
export function isoWeekMonday(millis: number, zone: string): string {
  return local(millis, zone).startOf('week').toISODate()!;
}

/** The instants bounding the week of `monday`: `[startMillis, endMillis)`. */
export function isoWeekSpan(monday: string, zone: string): { startMillis: number; endMillis: number } {
  const start = DateTime.fromISO(monday, { zone }).startOf('week');
  if (!start.isValid) throw new RangeError(`not a week: ${monday} in ${zone}`);
  return { startMillis: start.toMillis(), endMillis: start.plus({ weeks: 1 }).toMillis() };
}

/** Hours of the week of `monday` (168, or 167/169 when the clocks change in it). */
export function isoWeekHours(monday: string, zone: string): number {
  const { startMillis, endMillis } = isoWeekSpan(monday, zone);
  return (endMillis - startMillis) / HOUR_MS;
}
