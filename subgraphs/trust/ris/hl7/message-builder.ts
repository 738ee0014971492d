import { DEFAULT_DELIMITERS, encodingCharacters, type Delimiters } from './delimiters.ts';
import { encodeHl7Escapes } from './escape.ts';

const REPEATED = Symbol('hl7.repeated');

/** A field value of several repetitions (ch. 2.5.3): build with `repeated(...)`. */
export interface Hl7Repeated {
  readonly [REPEATED]: readonly Hl7SingleValue[];
}

/** One repetition: text, components, or components of subcomponents. Plain (unescaped) text. */
export type Hl7SingleValue = string | string[] | string[][];

/**
 * A field given to the builder: `null` (or '') leaves it empty; a string is one value; a
 * `string[]` its components; a `string[][]` components of subcomponents
 * (`[['123'], [''], [''], ['NHS', '2.16.840.1.113883.2.1.4.1', 'ISO']]`); `repeated(a, b)`
 * several repetitions. To send the HL7 null ("delete", ch. 2.5.3) pass the text `""`.
 */
export type Hl7FieldInput = Hl7SingleValue | Hl7Repeated | null;

/** Several repetitions of one field. */
export function repeated(...repetitions: Hl7SingleValue[]): Hl7Repeated {
  return { [REPEATED]: repetitions };
}

/**
 * Builds a message from plain text values, escaping them (ch. 2.7) with its delimiters.
 * Segments are terminated by CR (ch. 2.5.2), the last one included.
 */
export class Hl7MessageBuilder {
  readonly delimiters: Delimiters;
  readonly #segments: string[] = [];

  constructor(delims: Partial<Delimiters> = {}) {
    this.delimiters = { ...DEFAULT_DELIMITERS, ...delims };
  }

  /**
   * Appends a segment; `fields[0]` is field 1. For MSH, fields 1 and 2 are the delimiters and
   * the builder writes them: pass `null` (or the builder's own delimiters) there, and MSH-3
   * at `fields[2]`.
   */
  segment(name: string, fields: Hl7FieldInput[]): this {
    if (!/^[A-Z][A-Z0-9]{2}$/.test(name)) throw new Error(`segment name "${name}" is not an HL7 segment ID (ch. 2.5.2: 3 characters, A-Z then A-Z/0-9)`);
    const d = this.delimiters;
    const out = [name];
    fields.forEach((f, i) => {
      if (name === 'MSH' && i < 2) {
        const own = i === 0 ? d.field : encodingCharacters(d);
        if (f !== null && f !== '' && f !== own) {
          throw new Error(`MSH-${i + 1} is written by the builder (${JSON.stringify(own)}); pass null there, MSH-3 goes at fields[2]`);
        }
        if (i === 1) out.push(own);
        return;
      }
      out.push(encodeField(f, d));
    });
    if (name === 'MSH' && fields.length < 2) out.push(encodingCharacters(d));
    this.#segments.push(out.join(d.field));
    return this;
  }

  /** The message text, each segment terminated by CR. */
  toString(): string {
    return this.#segments.map((s) => s + '\r').join('');
  }
}

function encodeField(f: Hl7FieldInput, d: Delimiters): string {
  if (f === null) return '';
  if (typeof f === 'object' && REPEATED in f) return f[REPEATED].map((r) => encodeSingle(r, d)).join(d.repetition);
  return encodeSingle(f, d);
}

/** Each leaf is escaped on its own (ch. 2.7); `""` needs no escaping, quotes are not delimiters. */
function encodeSingle(v: Hl7SingleValue, d: Delimiters): string {
  if (typeof v === 'string') return encodeHl7Escapes(v, d);
  return v
    .map((c) => (typeof c === 'string' ? encodeHl7Escapes(c, d) : c.map((s) => encodeHl7Escapes(s, d)).join(d.subcomponent)))
    .join(d.component);
}
