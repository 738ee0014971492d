/**
 * Paths into a message, in the notation of HL7 field references (ch. 2.5: `PID-3` is field 3
 * of PID, `PID-3.1` its first component, `PID-3.4.2` a subcomponent), extended with 1-based
 * indices in brackets: `OBX[2]-5` (second OBX), `PID-3[2].1` (second repetition of PID-3).
 * `PID.3.1` (dot after the segment) is accepted too.
 */
export interface Hl7Path {
  /** Segment name, absent for a path relative to a segment. */
  segment?: string;
  /** 1-based occurrence of the segment (default 1). */
  segmentIndex: number;
  field: number;
  /** 1-based repetition; undefined means "the first" for get(), "every one" for getAll(). */
  repetition?: number;
  component?: number;
  subcomponent?: number;
}

const ABSOLUTE = /^([A-Z][A-Z0-9]{2})(?:\[(\d+)\])?[-.](.+)$/;
const RELATIVE = /^(\d+)(?:\[(\d+)\])?(?:\.(\d+)(?:\.(\d+))?)?$/;

/**
 * Parsed paths by their text. Paths are constants of the code that reads messages (a few hundred
 * at most), read for every message: parsing each once keeps regex work off the ingest path.
 * Results are frozen, as callers share them.
 */
const absoluteCache = new Map<string, Readonly<Hl7Path & { segment: string }>>();
const relativeCache = new Map<string, Readonly<Hl7Path>>();
const CACHE_LIMIT = 1024;

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size < CACHE_LIMIT) cache.set(key, Object.freeze(value));
  return value;
}

/** Parses an absolute path (`PID-3[2].4.1`, `OBX[2]-5`). Throws on malformed paths (a bug in the caller). */
export function parseHl7Path(path: string): Readonly<Hl7Path & { segment: string }> {
  return absoluteCache.get(path) ?? remember(absoluteCache, path, parseAbsolute(path));
}

function parseAbsolute(path: string): Hl7Path & { segment: string } {
  const m = ABSOLUTE.exec(path);
  if (!m) throw new Error(`bad HL7 path "${path}": expected e.g. PID-3, PID-3.1, PID-3[2].4.1, OBX[2]-5`);
  const [, segment = '', index, relative = ''] = m;
  const rel = parseRelative(relative, path);
  return { ...rel, segment, segmentIndex: index ? positive(index, path) : 1 };
}

/** Parses a path relative to a segment (`3`, `3.1`, `3[2].4.1`). */
export function parseRelativeHl7Path(rel: string, whole = rel): Readonly<Hl7Path> {
  return relativeCache.get(rel) ?? remember(relativeCache, rel, parseRelative(rel, whole));
}

function parseRelative(rel: string, whole: string): Hl7Path {
  const m = RELATIVE.exec(rel);
  if (!m) throw new Error(`bad HL7 path "${whole}": expected field[repetition].component.subcomponent, e.g. 3[2].4.1`);
  const p: Hl7Path = { segmentIndex: 1, field: positive(m[1] ?? '', whole) };
  if (m[2]) p.repetition = positive(m[2], whole);
  if (m[3]) p.component = positive(m[3], whole);
  if (m[4]) p.subcomponent = positive(m[4], whole);
  return p;
}

function positive(digits: string, path: string): number {
  const n = Number(digits);
  if (n < 1) throw new Error(`bad HL7 path "${path}": HL7 numbering starts at 1`);
  return n;
}
