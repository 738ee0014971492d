import { DateTime } from 'luxon';

/**
 * Local times of a zone, formatted for HL7 and DICOM. Zone offsets only change on quarter-hour
 * boundaries, so the (slow) zone lookup is cached per quarter hour and the digits are computed
 * from the shifted UTC fields: the simulator formats tens of thousands of times per history.
 */
const QUARTER_HOUR = 900_000;
const offsetCache = new Map<string, number>();

/** The zone's UTC offset in minutes at `ms`. */
export function zoneOffsetMinutes(ms: number, zone: string): number {
  const key = `${zone}|${Math.floor(ms / QUARTER_HOUR)}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    offset = DateTime.fromMillis(ms, { zone }).offset;
    if (Number.isNaN(offset)) throw new Error(`unknown time zone ${zone}`);
    if (offsetCache.size > 100_000) offsetCache.clear();
    offsetCache.set(key, offset);
  }
  return offset;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

interface LocalFields {
  date: string;
  time: string;
  /** `+HHMM` */
  offset: string;
}

function localFields(ms: number, zone: string): LocalFields {
  const offset = zoneOffsetMinutes(ms, zone);
  const d = new Date(Math.floor(ms / 1000) * 1000 + offset * 60_000);
  const abs = Math.abs(offset);
  return {
    date: `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`,
    offset: `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`,
  };
}

/**
 * HL7 v2 TS/DTM `YYYYMMDDHHMMSS+ZZZZ` (chapter 2A.22 DTM) in the trust's local time, always with
 * the offset: a receiver then never has to guess which side of a clock change a time falls on.
 */
export function formatHl7Time(ms: number, zone: string): string {
  const f = localFields(ms, zone);
  return `${f.date}${f.time}${f.offset}`;
}

/**
 * A time in a message body as a RIS that writes local wall-clock times does (`dialect.localTimes`):
 * `YYYYMMDDHHMMSS` without an offset, which a receiver must read in the trust's zone for that
 * time's own date (DOMAIN.md, "Time zones"), not with MSH-7's offset. A wall time that occurs
 * twice (the autumn hour) keeps its offset: without one it cannot be read back to one instant.
 */
export function formatHl7BodyTime(ms: number, zone: string, localTimes: boolean): string {
  const f = localFields(ms, zone);
  if (!localTimes) return `${f.date}${f.time}${f.offset}`;
  const second = Math.floor(ms / 1000) * 1000;
  const ambiguous = zoneOffsetMinutes(second - 3_600_000, zone) !== zoneOffsetMinutes(second, zone) || zoneOffsetMinutes(second + 3_600_000, zone) !== zoneOffsetMinutes(second, zone);
  return ambiguous ? `${f.date}${f.time}${f.offset}` : `${f.date}${f.time}`;
}

/** HL7 DT `YYYYMMDD` from an ISO date. */
export function formatHl7Date(isoDate: string): string {
  return isoDate.replace(/-/g, '');
}

/** DICOM DA `YYYYMMDD`, TM `HHMMSS` and the `+HHMM` offset (PS3.5 §6.2) of an instant in a zone. */
export function dicomLocalTime(ms: number, zone: string): LocalFields {
  return localFields(ms, zone);
}

/** ISO 8601 with the zone's offset and seconds precision, e.g. `2026-03-29T01:30:00+01:00`. */
export function isoInZone(ms: number, zone: string): string {
  const f = localFields(ms, zone);
  return `${f.date.slice(0, 4)}-${f.date.slice(4, 6)}-${f.date.slice(6)}T${f.time.slice(0, 2)}:${f.time.slice(2, 4)}:${f.time.slice(4)}${f.offset.slice(0, 3)}:${f.offset.slice(3)}`;
}
