import type { Delimiters } from './delimiters.ts';
import type { Hl7Charset } from './charset.ts';

/** What every part of one parsed message needs to decode its values: its delimiters and charset. */
export interface Hl7Context {
  readonly delimiters: Delimiters;
  /** MSH-18's character set, used for `\Xhh\` escapes (ch. 2.7.3). */
  readonly charset: Hl7Charset;
}

/** The HL7 null `""`: "delete the value at the receiver" (ch. 2.5.3, "Null values"). */
export const HL7_NULL = '""';

/** Splits on a delimiter the message may not declare (a short MSH-2): no delimiter, no split. */
export function splitOn(raw: string, delimiter: string): string[] {
  return delimiter === '' ? [raw] : raw.split(delimiter);
}
