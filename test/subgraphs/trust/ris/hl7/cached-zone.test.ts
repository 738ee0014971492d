/**
 * Issue 16: HL7 times are read and written through a zone that remembers offsets per UTC hour.
 * Differential check against luxon's own IANA zone and formatter (the code this replaced), over
 * 2026 (every 17 minutes for offsets, every 47 for times read and written), in zones with hour, half-hour and
 * 45-minute offsets and with half-hour DST (Lord Howe).
 */
import { DateTime, IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { CachedIanaZone } from '../../../../../subgraphs/trust/ris/hl7/cached-zone.ts';
import { hl7TimeIn, parseHl7Time } from '../../../../../subgraphs/trust/ris/hl7/hl7-time.ts';

const ZONES = ['Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham', 'America/St_Johns'];
const STEP_MS = 17 * 60_000;
const FROM = Date.UTC(2026, 0, 1);
const TO = Date.UTC(2027, 0, 1);

/** luxon's reading of a local DTM without offset, as parseHl7Time did it before. */
function luxonReading(local: string, zone: string): string {
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((i, k) => +local.slice(i, i + (k === 0 ? 4 : 2)));
  const dt = DateTime.fromObject({ year: y!, month: mo!, day: d!, hour: h!, minute: mi!, second: s! }, { zone });
  return dt.toFormat("yyyy-MM-dd'T'HH:mm:ss") + dt.toFormat('ZZ');
}

describe('CachedIanaZone', () => {
  it('gives the offset luxon\'s IANA zone gives, at every instant checked', () => {
    for (const name of ZONES) {
      const cached = CachedIanaZone.of(name)!;
      const plain = IANAZone.create(name);
      const wrong: string[] = [];
      for (let ts = FROM; ts < TO; ts += STEP_MS) if (cached.offset(ts) !== plain.offset(ts)) wrong.push(`${name} at ${new Date(ts).toISOString()}`);
      expect(wrong).toEqual([]);
    }
  });

  it('is undefined for a name that is not an IANA zone', () => {
    expect(CachedIanaZone.of('Mars/Olympus_Mons')).toBeUndefined();
  });

  it('parseHl7Time and hl7TimeIn write what luxon\'s formatter writes, gaps and overlaps included', () => {
    const wrong: string[] = [];
    const check = (what: string, ours: string | null, luxons: string): void => {
      if (ours !== luxons) wrong.push(`${what}: ${ours} ≠ ${luxons}`);
    };
    let checked = 0;
    for (const name of ZONES) {
      for (let ts = FROM; ts < TO; ts += 47 * 60_000) {
        const instant = new Date(ts);
        const written = hl7TimeIn(instant, name);
        check(`${name} ${instant.toISOString()}`, written, DateTime.fromJSDate(instant, { zone: name }).toFormat('yyyyMMddHHmmssZZZ'));
        // The local wall time of this instant read back (overlap hours read the later offset, gap
        // times move on, as luxon does); and a UTC wall time read as local (lands in gaps too).
        const local = written.slice(0, 14);
        check(`${name} ${local}`, parseHl7Time(local, { timezone: name }), luxonReading(local, name));
        const utcWall = DateTime.fromJSDate(instant, { zone: 'UTC' }).toFormat('yyyyMMddHHmmss');
        check(`${name} ${utcWall}`, parseHl7Time(utcWall, { timezone: name }), luxonReading(utcWall, name));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(60_000);
    expect(wrong).toEqual([]);
  });
});
