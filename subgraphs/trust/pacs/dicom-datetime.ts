/**
 * DICOM dates and times (PS3.5 6.2, VRs DA and TM) turned into instants with an offset.
 *
 * DA and TM carry no offset: they are local times of the site that made the images, unless the
 * data set has Timezone Offset From UTC (0008,0201) (PS3.3 C.12.1.1.8). Without it they are read
 * in the trust's IANA time zone, the same rule the RIS side applies to HL7 times.
 *
 * Daylight-saving edges (Europe/London: last Sunday of March and of October, 01:00 UTC):
 * - a local time that does not exist (spring forward, 01:30 on 2026-03-29) is shifted forward by
 *   the gap: 02:30+01:00. The scanner's clock was still on GMT; this is the instant it meant.
 * - a local time that happens twice (fall back, 01:30 on 2026-10-25) is read as the EARLIER
 *   instant, 01:30+01:00 (BST). Same choice as java.time and TC39 Temporal's `compatible`
 *   disambiguation; a study cannot be told apart otherwise, and being early by an hour keeps a
 *   waiting-time measure on the safe side.
 */
import { DateTime, IANAZone, FixedOffsetZone, type Zone } from 'luxon';

export interface DicomDate {
  year: number;
  month: number;
  day: number;
}

export interface DicomTime {
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/**
 * DA (PS3.5 6.2): `YYYYMMDD`; the ACR-NEMA form `YYYY.MM.DD` (PS3.5 6.2, note on DA) is also
 * read because old archives still hold it. Null when absent or not a calendar date.
 */
export function parseDicomDate(da: string | null | undefined): DicomDate | null {
  if (!da) return null;
  const m = /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(da.trim());
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return null;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  return { year, month, day };
}

/** A DA as ISO 8601 `YYYY-MM-DD` (e.g. for PatientBirthDate); null when invalid. */
export function dicomDateToIso(da: string | null | undefined): string | null {
  const d = parseDicomDate(da);
  if (!d) return null;
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/**
 * TM (PS3.5 6.2): `HH[MM[SS[.F{1,6}]]]`, and the ACR-NEMA form `HH:MM[:SS[.F…]]`. A leap second
 * (SS = 60, allowed by PS3.5) is read as 59.999 so it stays within its minute. Null when invalid.
 */
export function parseDicomTime(tm: string | null | undefined): DicomTime | null {
  if (!tm) return null;
  const t = tm.trim();
  const m = /^(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,6}))?)?)?$/.exec(t) ?? /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/.exec(t);
  if (!m) return null;
  const hour = Number(m[1]);
  const minute = Number(m[2] ?? 0);
  let second = Number(m[3] ?? 0);
  let millisecond = m[4] ? Math.floor(Number(`0.${m[4]}`) * 1000) : 0;
  if (hour > 23 || minute > 59 || second > 60) return null;
  if (second === 60) [second, millisecond] = [59, 999];
  return { hour, minute, second, millisecond };
}

/**
 * Timezone Offset From UTC (0008,0201), `&ZZXX` (PS3.3 C.12.1.1.8): `+0100`, `-0500`. Returns
 * minutes east of UTC, or null when absent or malformed (then the trust's zone applies).
 */
export function parseTimezoneOffset(value: string | null | undefined): number | null {
  const m = value ? /^([+-])(\d{2})(\d{2})$/.exec(value.trim()) : null;
  if (!m) return null;
  const hours = Number(m[2]);
  const minutes = Number(m[3]);
  if (hours > 14 || minutes > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

export interface DicomDateTimeOptions {
  /** IANA zone the site's local times are in. @default 'Europe/London' */
  timezone?: string;
  /** Timezone Offset From UTC (0008,0201) of the data set, when it has one. */
  timezoneOffset?: string | null;
}

const MINUTE = 60_000;

/**
 * Reads a local wall-clock time in `zone`, choosing the earlier instant when it occurs twice and
 * shifting forward when it does not occur (see the module comment).
 */
function inZone(date: DicomDate, time: DicomTime, zone: Zone): DateTime {
  const wall = Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute, time.second, time.millisecond);
  // Offsets in force a day either side bracket any single transition on this day.
  const candidates = new Set([zone.offset(wall - 86_400_000), zone.offset(wall), zone.offset(wall + 86_400_000)]);
  const instants = [...candidates]
    .map((offset) => wall - offset * MINUTE)
    .filter((instant) => zone.offset(instant) * MINUTE === wall - instant)
    .sort((a, b) => a - b);
  const [earliest] = instants;
  if (earliest !== undefined) return DateTime.fromMillis(earliest, { zone });
  // Nonexistent (a gap): Luxon moves it forward by the length of the gap.
  return DateTime.fromObject({ ...date, ...time }, { zone });
}

/**
 * StudyDate + StudyTime (or any DA + TM pair) as ISO 8601 with offset, e.g.
 * `2026-03-29T02:30:00+01:00`; milliseconds appear only when non-zero. A DA alone is local
 * midnight. Null when the date is missing or invalid; an invalid time is treated as absent.
 * @throws RangeError when `timezone` is not an IANA zone (a configuration error).
 */
export function dicomDateTimeToIso(
  da: string | null | undefined,
  tm: string | null | undefined,
  options: DicomDateTimeOptions = {},
): string | null {
  const date = parseDicomDate(da);
  if (!date) return null;
  const time = parseDicomTime(tm) ?? { hour: 0, minute: 0, second: 0, millisecond: 0 };
  const offset = parseTimezoneOffset(options.timezoneOffset);
  let zone: Zone;
  if (offset !== null) {
    zone = FixedOffsetZone.instance(offset);
  } else {
    const name = options.timezone ?? 'Europe/London';
    if (!IANAZone.isValidZone(name)) throw new RangeError(`Unknown IANA time zone ${JSON.stringify(name)}`);
    zone = IANAZone.create(name);
  }
  const dt = inZone(date, time, zone);
  return dt.toISO({ suppressMilliseconds: true, includeOffset: true, extendedZone: false });
}
