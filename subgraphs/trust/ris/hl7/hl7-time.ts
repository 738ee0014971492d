import { DateTime, FixedOffsetZone, type Zone } from 'luxon';
import { CachedIanaZone } from './cached-zone.ts';

/**
 * HL7 DTM values (v2.5.1 ch. 2A.3.22; also the first component of TS, 2A.3.77):
 * `YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]`.
 */
const DTM = /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?)?)?)?)?([+-]\d{4})?$/;

export interface ParseHl7TimeOptions {
  /**
   * IANA zone in which values without an offset are read (the trust's, e.g. Europe/London), with
   * the zone's offset on that value's own date. There is deliberately no "default offset": MSH-7's
   * offset is the offset at the moment of sending only (DOMAIN.md, "Time zones").
   */
  timezone: string;
}

/**
 * HL7 DTM → ISO 8601 with offset (`2026-03-29T02:30:00+01:00`), or null when empty or invalid.
 * Missing parts take their lowest value (a date alone is local midnight). Fractions keep the
 * digits given. Without an offset the value is read in `timezone` via the IANA rules for its own
 * date (so correct on both sides of a BST change). A local time that does not
 * exist (the hour skipped in spring) moves forward by the gap; one that occurs twice (autumn)
 * is read with the offset after the change, i.e. the later instant (luxon's rule): such a value
 * is ambiguous, and senders that care send an offset.
 */
export function parseHl7Time(value: string, opts: ParseHl7TimeOptions): string | null {
  const m = DTM.exec(value.trim());
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', frac, off] = m;
  const parts = { year: +y!, month: +mo, day: +d, hour: +h, minute: +mi, second: +s };
  if (parts.month < 1 || parts.month > 12 || parts.day < 1 || parts.hour > 23 || parts.minute > 59 || parts.second > 59) return null;
  let zone: Zone | string = CachedIanaZone.of(opts.timezone) ?? opts.timezone;
  if (off !== undefined) {
    const minutes = offsetMinutes(off);
    if (minutes === null) return null;
    zone = FixedOffsetZone.instance(minutes);
  }
  const dt = DateTime.fromObject(parts, { zone });
  if (!dt.isValid || dt.day !== parts.day || dt.month !== parts.month) return null;
  const fraction = frac ? `.${frac}` : '';
  // What dt.toFormat("yyyy-MM-dd'T'HH:mm:ss") + fraction + dt.toFormat('ZZ') writes, without
  // parsing the format string again for every value.
  return `${pad(dt.year, 4)}-${pad(dt.month, 2)}-${pad(dt.day, 2)}T${pad(dt.hour, 2)}:${pad(dt.minute, 2)}:${pad(dt.second, 2)}${fraction}${offsetText(dt.offset, 'short')}`;
}

/** luxon's padding of a date part (`yyyy`, `MM`, …): at least `width` digits, sign kept. */
function pad(n: number, width: number): string {
  return n < 0 ? `-${String(-n).padStart(width, '0')}` : String(n).padStart(width, '0');
}

/** The offset as luxon's `ZZ` (short, `+01:00`) or `ZZZ` (techie, `+0100`) writes it. */
function offsetText(minutes: number, format: 'short' | 'techie'): string {
  return FixedOffsetZone.instance(minutes).formatOffset(0, format);
}

/**
 * ISO 8601 with offset → HL7 DTM `YYYYMMDDHHMMSS[.SSS]±ZZZZ`, keeping the offset written in the
 * ISO value (`Z` becomes `+0000`). Throws RangeError on a value that is not ISO 8601.
 */
export function formatHl7Time(iso: string): string {
  const dt = DateTime.fromISO(iso, { setZone: true });
  if (!dt.isValid) throw new RangeError(`"${iso}" is not an ISO 8601 date-time`);
  const ms = dt.millisecond ? `.${String(dt.millisecond).padStart(3, '0')}` : '';
  return dt.toFormat('yyyyMMddHHmmss') + ms + dt.toFormat('ZZZ');
}

/** HL7 time of an instant in an IANA zone (for MSH-7 of messages we send). */
export function hl7TimeIn(instant: Date, timezone: string): string {
  const dt = DateTime.fromJSDate(instant, { zone: CachedIanaZone.of(timezone) ?? timezone });
  if (!dt.isValid) throw new RangeError(`unknown time zone "${timezone}"`);
  // What dt.toFormat('yyyyMMddHHmmssZZZ') writes.
  return `${pad(dt.year, 4)}${pad(dt.month, 2)}${pad(dt.day, 2)}${pad(dt.hour, 2)}${pad(dt.minute, 2)}${pad(dt.second, 2)}${offsetText(dt.offset, 'techie')}`;
}

/** `+0100`, `-0530`, `+01:00` → minutes east of UTC; null if malformed (HL7 allows −12:00…+14:00). */
function offsetMinutes(text: string): number | null {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [, sign, hours = '', minutes = ''] = m;
  const h = +hours;
  const min = +minutes;
  if (min > 59 || h > 14) return null;
  return (sign === '-' ? -1 : 1) * (h * 60 + min);
}
