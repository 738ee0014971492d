import { attributeByKey, availableAt, type AttributeDef, type DicomRow, type QueryLevel } from './dicom-attributes.ts';

/** A QIDO-RS request the simulator refuses: answered 400 with this message (PS3.18 8.3.4.1). */
export class QidoQueryError extends Error {}

export interface QidoQuery {
  matchers: ((row: DicomRow) => boolean)[];
  limit?: number;
  offset: number;
  /** Extra attributes named in `includefield`; `all` returns every attribute of the level. */
  include: AttributeDef[] | 'all';
}

/** Query parameters that are not attribute matches (PS3.18 8.3.4, table 8.3.4-1). */
const CONTROL = new Set(['limit', 'offset', 'includefield', 'fuzzymatching', 'emptyvaluematching', 'multiplevaluematching']);

/**
 * Wildcard matching (PS3.4 C.2.2.2.4): `*` any run, `?` one character; case-insensitive for PN
 * (the brief and most PACS, including Orthanc, fold case for names), case-sensitive otherwise.
 */
function wildcard(pattern: string, caseInsensitive: boolean): RegExp {
  const body = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, caseInsensitive ? 'iu' : 'u');
}

const DATE = /^\d{8}$/;

function validDate(d: string): boolean {
  if (!DATE.test(d)) return false;
  const y = Number(d.slice(0, 4));
  const m = Number(d.slice(4, 6));
  const day = Number(d.slice(6));
  return m >= 1 && m <= 12 && day >= 1 && day <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * DA matching (PS3.4 C.2.2.2.5): a single date, or a range `d1-d2`, `-d2`, `d1-` (inclusive).
 * Anything else is a client error, not an empty result.
 */
function dateMatcher(key: string, value: string): (v: string) => boolean {
  const bad = (why: string): never => {
    throw new QidoQueryError(`${key}=${value}: ${why}; expected YYYYMMDD or a range d1-d2, -d2, d1- (PS3.4 C.2.2.2.5)`);
  };
  const parts = value.split('-');
  if (parts.length === 1) {
    if (!validDate(value)) bad('not a valid date');
    return (v) => v === value;
  }
  if (parts.length !== 2) bad('more than one "-"');
  const [from, to] = parts as [string, string];
  if (from === '' && to === '') bad('a range needs at least one end');
  if (from !== '' && !validDate(from)) bad(`"${from}" is not a valid date`);
  if (to !== '' && !validDate(to)) bad(`"${to}" is not a valid date`);
  if (from !== '' && to !== '' && from > to) bad('the range ends before it starts');
  return (v) => v !== '' && (from === '' || v >= from) && (to === '' || v <= to);
}

/** One attribute match: UID list (PS3.18 8.3.4.1), date range, wildcard or single value (C.2.2.2). */
function matcherFor(attr: AttributeDef, key: string, value: string): (row: DicomRow) => boolean {
  // Universal matching (C.2.2.2.3): an empty value matches everything.
  if (value === '' || value === '*') return () => true;
  let test: (v: string) => boolean;
  if (attr.vr === 'UI') {
    const uids = new Set(value.split(/[,\\]/).filter((u) => u !== ''));
    test = (v) => uids.has(v);
  } else if (attr.vr === 'DA') {
    test = dateMatcher(key, value);
  } else if (attr.vr === 'IS') {
    if (!/^[+-]?\d+$/.test(value)) throw new QidoQueryError(`${key}=${value}: not an integer (IS, PS3.5 6.2)`);
    test = (v) => Number(v) === Number(value);
  } else {
    // A multi-valued key such as ModalitiesInStudy may be asked as a list (`CT,MR` or `CT\MR`).
    const alternatives = attr.keyword === 'ModalitiesInStudy' || attr.keyword === 'Modality' ? value.split(/[,\\]/) : [value];
    const pn = attr.vr === 'PN';
    const tests = alternatives.map((alt) => {
      if (/[*?]/.test(alt)) {
        const re = wildcard(alt, pn);
        return (v: string) => re.test(v);
      }
      return pn ? (v: string) => v.toLowerCase() === alt.toLowerCase() : (v: string) => v === alt;
    });
    test = (v) => tests.some((t) => t(v));
  }
  // A multi-valued attribute matches when any of its values does (C.2.2.2.x, "Modalities in Study").
  return (row) => attr.read(row).some((v) => typeof v !== 'object' && test(String(v)));
}

function nonNegativeInteger(key: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new QidoQueryError(`${key}=${value}: must be a non-negative integer (PS3.18 8.3.4.4)`);
  return Number(value);
}

/**
 * Reads a QIDO-RS query string at a level. Unknown attributes, and attributes of a lower level,
 * are ignored (PS3.18 8.3.4.1: "unsupported parameters are ignored"); a supported one with an
 * invalid value throws QidoQueryError (answered 400).
 */
export function parseQidoQuery(params: URLSearchParams, level: QueryLevel): QidoQuery {
  const query: QidoQuery = { matchers: [], offset: 0, include: [] };
  for (const [key, value] of params) {
    const lower = key.toLowerCase();
    if (lower === 'limit') query.limit = nonNegativeInteger(key, value);
    else if (lower === 'offset') query.offset = nonNegativeInteger(key, value);
    else if (lower === 'includefield') {
      for (const name of value.split(',')) {
        if (name === 'all') query.include = 'all';
        const attr = attributeByKey(name);
        if (attr && query.include !== 'all') query.include.push(attr);
      }
    } else if (!CONTROL.has(lower)) {
      const attr = attributeByKey(key);
      if (attr && availableAt(attr, level)) query.matchers.push(matcherFor(attr, key, value));
    }
  }
  return query;
}

/** Applies offset then limit (PS3.18 8.3.4.4). */
export function page<T>(rows: readonly T[], q: QidoQuery): T[] {
  return rows.slice(q.offset, q.limit === undefined ? undefined : q.offset + q.limit);
}
