import { charsetFromMsh18, type Hl7Charset, type Hl7DefaultCharset } from './charset.ts';
import { readDelimiters, type Delimiters } from './delimiters.ts';
import { Hl7ParseError } from './errors.ts';
import type { Hl7Context } from './hl7-context.ts';
import { parseHl7Path } from './hl7-path.ts';
import { Hl7Segment } from './segment.ts';
import { splitHl7Segments } from './segment-split.ts';

export interface Hl7ParseOptions {
  /** Charset for `\Xhh\` escapes when MSH-18 names none. @default 'utf8' */
  defaultCharset?: Hl7DefaultCharset;
}

/**
 * A parsed HL7 v2 message: segments → fields → repetitions → components → subcomponents, kept
 * raw (escaped) so that `toString()` of an unmodified message gives back the (normalised) text
 * byte for byte; values are decoded when read (ch. 2.7). Immutable: build new messages with
 * Hl7MessageBuilder.
 */
export class Hl7Message {
  readonly delimiters: Delimiters;
  readonly segments: readonly Hl7Segment[];
  /** The character set MSH-18 names (else the parse default); used for `\Xhh\` escapes. */
  readonly charset: Hl7Charset;

  private constructor(segments: Hl7Segment[], ctx: Hl7Context) {
    this.segments = Object.freeze(segments);
    this.delimiters = ctx.delimiters;
    this.charset = ctx.charset;
  }

  /**
   * Parses message text (CR, LF or CRLF segment terminators; leading BOM dropped).
   * @throws Hl7ParseError when there is no MSH first (100) or MSH-1/MSH-2 are unusable (102).
   */
  static parse(text: string, opts: Hl7ParseOptions = {}): Hl7Message {
    const lines = splitHl7Segments(text);
    const [first] = lines;
    if (first === undefined) throw new Hl7ParseError('the message is empty', 100, 'MSH');
    const delimiters = Object.freeze(readDelimiters(first));
    const bare: Hl7Context = { delimiters, charset: 'utf8' };
    const msh18 = new Hl7Segment(first, bare).field(18)?.repetitions[0]?.value();
    const ctx: Hl7Context = { delimiters, charset: charsetFromMsh18(msh18, opts.defaultCharset ?? 'utf8') };
    return new Hl7Message(
      lines.map((l) => new Hl7Segment(l, ctx)),
      ctx,
    );
  }

  /** The first segment of that name, or the one at 0-based `index` among those of that name. */
  segment(name: string, index = 0): Hl7Segment | undefined {
    let seen = 0;
    for (const s of this.segments) {
      if (s.name === name && seen++ === index) return s;
    }
    return undefined;
  }

  /** Every segment of that name, in message order. */
  segmentsNamed(name: string): Hl7Segment[] {
    return this.segments.filter((s) => s.name === name);
  }

  /**
   * Decoded value at a path: `PID-3` (first repetition, decoded whole), `PID-3.1`,
   * `PID-3[2].4.1`, `OBX[2]-5` (second OBX). '' when absent or the HL7 null `""`.
   */
  get(path: string): string {
    const p = parseHl7Path(path);
    return this.segment(p.segment, p.segmentIndex - 1)?.at(p) ?? '';
  }

  /** Every repetition of the field (or of the component/subcomponent in each), decoded. */
  getAll(path: string): string[] {
    const p = parseHl7Path(path);
    return this.segment(p.segment, p.segmentIndex - 1)?.allAt(p) ?? [];
  }

  /** True when the element at the path is the HL7 null `""` ("delete this value", ch. 2.5.3). */
  isNull(path: string): boolean {
    const p = parseHl7Path(path);
    const rel = `${p.field}${p.repetition ? `[${p.repetition}]` : ''}${p.component ? `.${p.component}` : ''}${p.subcomponent ? `.${p.subcomponent}` : ''}`;
    return this.segment(p.segment, p.segmentIndex - 1)?.isNull(rel) ?? false;
  }

  /** MSH-9 message type (table 0076), trigger event (table 0003), structure (table 0354). */
  get type(): { code: string; event: string; structure: string } {
    return { code: this.get('MSH-9.1'), event: this.get('MSH-9.2'), structure: this.get('MSH-9.3') };
  }

  /** MSH-10 message control id: with MSH-3/MSH-4, the key for duplicate detection. */
  get controlId(): string {
    return this.get('MSH-10');
  }

  /** MSH-12.1 version id (table 0104), e.g. `2.5.1`. */
  get version(): string {
    return this.get('MSH-12.1');
  }

  /** MSH-3 sending application (HD, decoded whole). */
  get sendingApplication(): string {
    return this.get('MSH-3');
  }

  /** MSH-4 sending facility (HD, decoded whole). */
  get sendingFacility(): string {
    return this.get('MSH-4');
  }

  /** MSH-5 receiving application. */
  get receivingApplication(): string {
    return this.get('MSH-5');
  }

  /** MSH-6 receiving facility. */
  get receivingFacility(): string {
    return this.get('MSH-6');
  }

  /** MSH-7 date/time of message, as written (parse with parseHl7Time). */
  get timestamp(): string {
    return this.get('MSH-7.1');
  }

  /** MSH-11.1 processing id (table 0103: P production, T training, D debugging). */
  get processingId(): string {
    return this.get('MSH-11.1');
  }

  /** MSH-15 accept acknowledgment type (table 0155); valued means enhanced mode (ch. 2.9.3). */
  get acceptAckType(): string {
    return this.get('MSH-15');
  }

  /** MSH-16 application acknowledgment type (table 0155). */
  get applicationAckType(): string {
    return this.get('MSH-16');
  }

  /** Enhanced acknowledgment mode applies when MSH-15 or MSH-16 is valued (ch. 2.9.3). */
  get enhancedMode(): boolean {
    return this.acceptAckType !== '' || this.applicationAckType !== '';
  }

  /** The segments joined with CR (no trailing terminator), as written with this message's delimiters. */
  toString(): string {
    return this.segments.map((s) => s.toString()).join('\r');
  }
}
