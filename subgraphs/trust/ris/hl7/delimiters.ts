import { Hl7ParseError } from './errors.ts';

/**
 * The message delimiters, read from MSH-1 (field separator) and MSH-2 (encoding characters:
 * component, repetition, escape, subcomponent, and from v2.7 truncation), HL7 v2.5.1 ch. 2.5.4
 * and 2.14.9.1–2. Never hard-coded: every message carries its own.
 *
 * A delimiter that MSH-2 leaves out (a short MSH-2 such as `^~`) is the empty string: the
 * codec then never splits on it (and never escapes with it).
 */
export interface Delimiters {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
  /** v2.7 truncation character (MSH-2.5), when the message declares one. */
  truncation?: string;
}

/** The recommended delimiters `|^~\&` (ch. 2.5.4), used when a builder is not told otherwise. */
export const DEFAULT_DELIMITERS: Readonly<Delimiters> = Object.freeze({
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
});

/** MSH-2 as written: the encoding characters in their standard order (ch. 2.14.9.2). */
export function encodingCharacters(d: Delimiters): string {
  return d.component + d.repetition + d.escape + d.subcomponent + (d.truncation ?? '');
}

/**
 * Reads the delimiters from the start of an MSH segment (`MSH|^~\&|…`).
 * @throws Hl7ParseError 100 when the text is not an MSH segment, 102 when MSH-1/MSH-2 are unusable
 *   (alphanumeric, repeated, or containing the field separator: ch. 2.5.4 requires distinct
 *   non-alphanumeric characters).
 */
export function readDelimiters(mshSegment: string): Delimiters {
  if (!mshSegment.startsWith('MSH')) {
    throw new Hl7ParseError('an HL7 message starts with an MSH segment', 100, 'MSH');
  }
  const field = mshSegment.charAt(3);
  if (field === '' || !isDelimiterChar(field)) {
    throw new Hl7ParseError('MSH-1 (field separator) is missing or not a delimiter character', 102, 'MSH^1^1');
  }
  const end = mshSegment.indexOf(field, 4);
  const msh2 = end === -1 ? mshSegment.slice(4) : mshSegment.slice(4, end);
  if (msh2.length < 1 || msh2.length > 5) {
    throw new Hl7ParseError('MSH-2 (encoding characters) must hold 1 to 5 characters', 102, 'MSH^1^2');
  }
  const seen = new Set<string>([field]);
  for (const c of msh2) {
    if (!isDelimiterChar(c) || seen.has(c)) {
      throw new Hl7ParseError('MSH-2 encoding characters must be distinct, non-alphanumeric and differ from MSH-1', 102, 'MSH^1^2');
    }
    seen.add(c);
  }
  const d: Delimiters = {
    field,
    component: msh2.charAt(0),
    repetition: msh2.charAt(1),
    escape: msh2.charAt(2),
    subcomponent: msh2.charAt(3),
  };
  if (msh2.length === 5) d.truncation = msh2.charAt(4);
  return d;
}

function isDelimiterChar(c: string): boolean {
  return !/^[A-Za-z0-9\r\n\s]$/.test(c) && c.charCodeAt(0) >= 0x21 && c.charCodeAt(0) < 0x7f;
}
