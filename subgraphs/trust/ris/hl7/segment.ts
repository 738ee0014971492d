import { Hl7Field } from './field.ts';
import type { Hl7Context } from './hl7-context.ts';
import { parseRelativeHl7Path, type Hl7Path } from './hl7-path.ts';

/**
 * One segment: its name and fields, numbered as HL7 numbers them (ch. 2.5.2). MSH is special
 * (ch. 2.14.9): MSH-1 is the field separator itself and MSH-2 the encoding characters, so the
 * text after `MSH|` starts with MSH-2, not MSH-1.
 */
export class Hl7Segment {
  readonly name: string;
  readonly #raw: string;
  readonly #parts: string[];
  readonly #ctx: Hl7Context;
  readonly #fields = new Map<number, Hl7Field>();

  constructor(raw: string, ctx: Hl7Context) {
    this.#raw = raw;
    this.#ctx = ctx;
    this.#parts = raw.split(ctx.delimiters.field);
    // split() always yields at least one part: the segment name (possibly empty).
    this.name = this.#parts[0] ?? '';
  }

  /** Number of fields present, trailing empty ones included (MSH counts MSH-1). */
  get fieldCount(): number {
    return this.#parts.length - 1 + (this.#isMsh() ? 1 : 0);
  }

  /** Field `n` (1-based); for MSH, field(1) is the separator and field(2) MSH-2. */
  field(n: number): Hl7Field | undefined {
    if (!Number.isInteger(n) || n < 1 || n > this.fieldCount) return undefined;
    let f = this.#fields.get(n);
    if (!f) {
      if (this.#isMsh() && n === 1) f = new Hl7Field(this.#ctx.delimiters.field, this.#ctx, true);
      else if (this.#isMsh() && n === 2) f = new Hl7Field(this.#parts[1] ?? '', this.#ctx, true);
      else f = new Hl7Field(this.#parts[this.#isMsh() ? n - 1 : n] ?? '', this.#ctx);
      this.#fields.set(n, f);
    }
    return f;
  }

  /** Decoded value at a relative path (`3`, `3.1`, `3[2].4.1`); '' when absent. */
  get(path: string): string {
    return this.at(parseRelativeHl7Path(path));
  }

  /** Every repetition of the field (or of its component/subcomponent), decoded. */
  getAll(path: string): string[] {
    return this.allAt(parseRelativeHl7Path(path));
  }

  /** True when the element at the relative path is the HL7 null `""`. */
  isNull(path: string): boolean {
    const p = parseRelativeHl7Path(path);
    const rep = this.field(p.field)?.repetitions[(p.repetition ?? 1) - 1];
    return rep?.isNull(p.component, p.subcomponent) ?? false;
  }

  /** The segment as written (escaped), without its terminator. */
  toString(): string {
    return this.#raw;
  }

  /** @internal value at a parsed path (segment part ignored). */
  at(p: Hl7Path): string {
    const field = this.field(p.field);
    if (!field) return '';
    const rep = field.repetitions[(p.repetition ?? 1) - 1];
    return rep ? valueOf(rep, p) : '';
  }

  /** @internal every repetition at a parsed path, or the one the path names. */
  allAt(p: Hl7Path): string[] {
    const field = this.field(p.field);
    if (!field) return [];
    const reps = p.repetition === undefined ? field.repetitions : field.repetitions.slice(p.repetition - 1, p.repetition);
    return reps.map((r) => valueOf(r, p));
  }

  #isMsh(): boolean {
    return this.name === 'MSH';
  }
}

function valueOf(rep: Hl7Field['repetitions'][number], p: Hl7Path): string {
  if (p.component === undefined) return rep.value();
  if (p.subcomponent === undefined) return rep.component(p.component);
  return rep.subcomponent(p.component, p.subcomponent);
}
