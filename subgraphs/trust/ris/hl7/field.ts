import { decodeHl7Escapes } from './escape.ts';
import { HL7_NULL, splitOn, type Hl7Context } from './hl7-context.ts';

/**
 * One repetition of a field (ch. 2.5.3: a field may repeat, separated by the repetition
 * character; each repetition holds components, each component subcomponents). Kept raw
 * (escaped); values are decoded on read. Numbering is 1-based, as in HL7 (`PID-3.4.2`).
 */
export class Hl7Repetition {
  readonly #raw: string;
  readonly #ctx: Hl7Context;
  /** MSH-1 and MSH-2 are the delimiters themselves: never split, never unescaped. */
  readonly #literal: boolean;
  /** The raw components (split on the component separator only), cached. */
  #rawComps: string[] | undefined;
  #components: string[][] | undefined;

  constructor(raw: string, ctx: Hl7Context, literal = false) {
    this.#raw = raw;
    this.#ctx = ctx;
    this.#literal = literal;
  }

  /** The repetition as written (escaped). */
  raw(): string {
    return this.#raw;
  }

  /** Raw components, each split into raw subcomponents. */
  rawComponents(): string[][] {
    return this.#parts().map((subs) => subs.slice());
  }

  /** The split, cached; callers here only read it (rawComponents() hands out copies). */
  #parts(): string[][] {
    if (!this.#components) {
      const sub = this.#ctx.delimiters.subcomponent;
      this.#components = this.#literal ? [[this.#raw]] : this.#comps().map((c) => splitOn(c, sub));
    }
    return this.#components;
  }

  /** Raw components, not split into subcomponents (most reads never need that split). */
  #comps(): string[] {
    if (!this.#rawComps) this.#rawComps = this.#literal ? [this.#raw] : splitOn(this.#raw, this.#ctx.delimiters.component);
    return this.#rawComps;
  }

  /** Decoding changes nothing in `text`: no escape character, no HL7 null in it. */
  #plain(text: string): boolean {
    const esc = this.#ctx.delimiters.escape;
    return (esc === '' || !text.includes(esc)) && !text.includes(HL7_NULL);
  }

  /** Every component, each as its decoded subcomponents. */
  components(): string[][] {
    return this.#parts().map((subs) => subs.map((s) => this.#decode(s)));
  }

  /**
   * Component `n`, decoded; subcomponents rejoined with the subcomponent separator
   * (`NHS&2.16.840.1.113883.2.1.4.1&ISO`). '' when absent or the HL7 null `""`.
   */
  component(n: number): string {
    const comp = this.#comps()[n - 1];
    if (comp === undefined) return '';
    // Split into subcomponents, decoded and rejoined, a plain component is itself.
    if (this.#literal || this.#plain(comp)) return comp;
    const subs = this.#parts()[n - 1]!;
    return subs.map((s) => this.#decode(s)).join(this.#ctx.delimiters.subcomponent);
  }

  /** Subcomponent `s` of component `c`, decoded; '' when absent. */
  subcomponent(c: number, s: number): string {
    const raw = this.#parts()[c - 1]?.[s - 1];
    return raw === undefined ? '' : this.#decode(raw);
  }

  /** The whole repetition decoded: decoded leaves rejoined with this message's delimiters. */
  value(): string {
    if (this.#literal) return this.#raw;
    const d = this.#ctx.delimiters;
    // No escape character and no HL7 null in it: decoding changes no leaf, and splitting then
    // rejoining with the same delimiters gives the text back (most fields of most messages).
    if (this.#plain(this.#raw)) return this.#raw;
    return this.components()
      .map((subs) => subs.join(d.subcomponent))
      .join(d.component);
  }

  /** True when component `c` (subcomponent `s`) is the HL7 null `""`; whole repetition by default. */
  isNull(c?: number, s?: number): boolean {
    if (c === undefined) return this.#raw === HL7_NULL;
    if (s === undefined) return this.#comps()[c - 1] === HL7_NULL;
    const comp = this.#parts()[c - 1];
    if (!comp) return false;
    return comp[s - 1] === HL7_NULL;
  }

  #decode(leaf: string): string {
    if (this.#literal) return leaf;
    // The HL7 null reads as "no value"; isNull() tells it apart from an empty one.
    if (leaf === HL7_NULL) return '';
    return decodeHl7Escapes(leaf, this.#ctx.delimiters, this.#ctx.charset);
  }
}

/** One field of a segment: its repetitions (none when the field is empty). */
export class Hl7Field {
  readonly #raw: string;
  readonly #ctx: Hl7Context;
  readonly #literal: boolean;
  #repetitions: Hl7Repetition[] | undefined;

  constructor(raw: string, ctx: Hl7Context, literal = false) {
    this.#raw = raw;
    this.#ctx = ctx;
    this.#literal = literal;
  }

  /** The field's repetitions; [] for an empty field. */
  get repetitions(): Hl7Repetition[] {
    if (!this.#repetitions) {
      if (this.#raw === '') this.#repetitions = [];
      else if (this.#literal) this.#repetitions = [new Hl7Repetition(this.#raw, this.#ctx, true)];
      else this.#repetitions = splitOn(this.#raw, this.#ctx.delimiters.repetition).map((r) => new Hl7Repetition(r, this.#ctx));
    }
    return this.#repetitions;
  }

  /** The first repetition decoded whole (see Hl7Repetition.value); '' when empty or `""`. */
  value(): string {
    return this.repetitions[0]?.value() ?? '';
  }

  /** The field as written, all repetitions, escaped. */
  raw(): string {
    return this.#raw;
  }

  /** The HL7 null `""` (ch. 2.5.3): the sender asks the receiver to delete the value. */
  isNull(): boolean {
    return this.#raw === HL7_NULL;
  }

  /** Not valued at all (not even `""`). */
  isEmpty(): boolean {
    return this.#raw === '';
  }
}
