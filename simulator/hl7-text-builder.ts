/**
 * A minimal HL7 v2 message writer for the simulator, with the standard delimiters `|^~\&`.
 *
 * The simulator writes its own text rather than use the trust's codec: a generator that shares
 * the parser's code would share its bugs, and this one must exercise them (escapes, repetitions,
 * `\.br\`). Values are given unescaped; the builder escapes them (HL7 v2.5.1 chapter 2.7).
 */

/** Components; a component may hold subcomponents. */
export type Hl7Components = readonly (string | readonly string[] | null)[];

/** One repetition of a field: a plain value or its components. */
export type Hl7Repetition = string | Hl7Components;

export type Hl7FieldValue =
  | string
  | Hl7Components
  | null
  | undefined
  /** Repetitions joined with `~` (chapter 2.5.3). */
  | { readonly repeat: readonly Hl7Repetition[] }
  /** FT text: line breaks become the `\.br\` formatting escape (chapter 2.7.6). */
  | { readonly formatted: string };

/**
 * Escapes the delimiters inside a value (chapter 2.7.4): `\` first, so the escapes added for the
 * others are not escaped again.
 */
export function escapeHl7(value: string): string {
  return value
    .replace(/\\/g, '\\E\\')
    .replace(/\|/g, '\\F\\')
    .replace(/\^/g, '\\S\\')
    .replace(/&/g, '\\T\\')
    .replace(/~/g, '\\R\\')
    .replace(/\r\n|\r|\n/g, '\\X0D\\');
}

function components(value: Hl7Components): string {
  return value
    .map((c) => (c === null ? '' : typeof c === 'string' ? escapeHl7(c) : c.map(escapeHl7).join('&')))
    .join('^')
    .replace(/\^+$/, '');
}

function repetition(value: Hl7Repetition): string {
  return typeof value === 'string' ? escapeHl7(value) : components(value);
}

function field(value: Hl7FieldValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return escapeHl7(value);
  if ('repeat' in value) return value.repeat.map(repetition).join('~');
  if ('formatted' in value) return value.formatted.split(/\r\n|\r|\n/).map(escapeHl7).join('\\.br\\');
  return components(value);
}

export class Hl7TextBuilder {
  private readonly segments: string[] = [];

  /**
   * MSH: MSH-1 is the field separator itself and MSH-2 the encoding characters (chapter 2.14.9),
   * so `fields[0]` is MSH-3.
   */
  msh(fields: readonly Hl7FieldValue[]): this {
    this.segments.push(['MSH', '^~\\&', ...fields.map(field)].join('|').replace(/\|+$/, ''));
    return this;
  }

  /** Any other segment; `fields[0]` is field 1. Trailing empty fields are dropped. */
  segment(name: string, fields: readonly Hl7FieldValue[]): this {
    this.segments.push([name, ...fields.map(field)].join('|').replace(/\|+$/, ''));
    return this;
  }

  /** Segments end with a carriage return (chapter 2.5.1), including the last one. */
  toString(): string {
    return this.segments.map((s) => `${s}\r`).join('');
  }
}
