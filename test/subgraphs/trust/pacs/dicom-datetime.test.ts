import { describe, expect, it } from 'vitest';
import {
  dicomDateTimeToIso,
  dicomDateToIso,
  parseDicomTime,
  parseTimezoneOffset,
} from '../../../../subgraphs/trust/pacs/dicom-datetime.ts';

describe('DA (PS3.5 6.2)', () => {
  it.each([
    ['20260329', '2026-03-29'],
    ['2026.03.29', '2026-03-29'],
    ['20240229', '2024-02-29'],
    [' 19700101 ', '1970-01-01'],
    ['20250229', null],
    ['20261301', null],
    ['20260100', null],
    ['2026-03-29', null],
    ['2026032', null],
    ['', null],
    [null, null],
  ])('%j → %j', (da, want) => {
    expect(dicomDateToIso(da)).toBe(want);
  });
});

describe('TM (PS3.5 6.2)', () => {
  it.each([
    ['13', { hour: 13, minute: 0, second: 0, millisecond: 0 }],
    ['1330', { hour: 13, minute: 30, second: 0, millisecond: 0 }],
    ['133005', { hour: 13, minute: 30, second: 5, millisecond: 0 }],
    ['133005.1', { hour: 13, minute: 30, second: 5, millisecond: 100 }],
    ['133005.123456', { hour: 13, minute: 30, second: 5, millisecond: 123 }],
    ['13:30:05', { hour: 13, minute: 30, second: 5, millisecond: 0 }],
    ['13:30', { hour: 13, minute: 30, second: 0, millisecond: 0 }],
    ['235960', { hour: 23, minute: 59, second: 59, millisecond: 999 }],
    ['2400', null],
    ['1260', null],
    ['133', null],
    ['133005.1234567', null],
    ['ab', null],
  ])('%j → %j', (tm, want) => {
    expect(parseDicomTime(tm)).toEqual(want);
  });
});

describe('Timezone Offset From UTC (PS3.3 C.12.1.1.8)', () => {
  it.each([
    ['+0100', 60],
    ['-0500', -300],
    ['+0000', 0],
    ['+0530', 330],
    ['0100', null],
    ['+01:00', null],
    ['+1500', null],
    [null, null],
  ])('%j → %j', (v, want) => {
    expect(parseTimezoneOffset(v)).toBe(want);
  });
});

describe('DA + TM → instant in the trust zone', () => {
  it.each([
    // GMT in winter, BST in summer.
    ['20260115', '093000', '2026-01-15T09:30:00+00:00'],
    ['20260701', '120000', '2026-07-01T12:00:00+01:00'],
    // Spring forward, Sunday 2026-03-29: 01:00 GMT → 02:00 BST.
    ['20260329', '005959', '2026-03-29T00:59:59+00:00'],
    ['20260329', '013000', '2026-03-29T02:30:00+01:00'], // does not exist: shifted forward by the gap
    ['20260329', '020000', '2026-03-29T02:00:00+01:00'],
    // Fall back, Sunday 2026-10-25: 02:00 BST → 01:00 GMT; 01:00–01:59 happens twice.
    ['20261025', '005959', '2026-10-25T00:59:59+01:00'],
    ['20261025', '013000', '2026-10-25T01:30:00+01:00'], // ambiguous: the earlier instant (BST)
    ['20261025', '020000', '2026-10-25T02:00:00+00:00'],
    // Fractions, DA alone, invalid TM treated as absent.
    ['20260115', '093000.25', '2026-01-15T09:30:00.250+00:00'],
    ['20260701', null, '2026-07-01T00:00:00+01:00'],
    ['20260701', '99', '2026-07-01T00:00:00+01:00'],
    [null, '093000', null],
    ['garbage', '093000', null],
  ])('%j %j → %j (Europe/London)', (da, tm, want) => {
    expect(dicomDateTimeToIso(da, tm)).toBe(want);
  });

  it('the ambiguous pick is really the earlier of two valid instants, one hour apart', () => {
    const chosen = Date.parse(dicomDateTimeToIso('20261025', '013000')!);
    const later = Date.parse('2026-10-25T01:30:00+00:00');
    expect(later - chosen).toBe(3_600_000);
  });

  it('honours TimezoneOffsetFromUTC over the zone', () => {
    expect(dicomDateTimeToIso('20260701', '120000', { timezoneOffset: '-0500' })).toBe('2026-07-01T12:00:00-05:00');
    expect(dicomDateTimeToIso('20260329', '013000', { timezoneOffset: '+0000' })).toBe('2026-03-29T01:30:00Z');
    // Malformed offset: the zone applies.
    expect(dicomDateTimeToIso('20260701', '120000', { timezoneOffset: 'bogus' })).toBe('2026-07-01T12:00:00+01:00');
  });

  it('uses another IANA zone when configured, with its own DST dates', () => {
    expect(dicomDateTimeToIso('20260308', '023000', { timezone: 'America/New_York' })).toBe('2026-03-08T03:30:00-04:00');
    expect(dicomDateTimeToIso('20261101', '013000', { timezone: 'America/New_York' })).toBe('2026-11-01T01:30:00-04:00');
    expect(dicomDateTimeToIso('20260115', '093000', { timezone: 'Asia/Kolkata' })).toBe('2026-01-15T09:30:00+05:30');
  });

  it('refuses an unknown zone (configuration error)', () => {
    expect(() => dicomDateTimeToIso('20260115', '093000', { timezone: 'Mars/Olympus' })).toThrow(RangeError);
  });
});
