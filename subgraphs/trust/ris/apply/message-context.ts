import { parseHl7Time, type Hl7Message, type Hl7Segment } from '../hl7/index.ts';
import type { PatientClassValue, PriorityValue } from '../../../../schema/generated/enums.ts';
import type { AccessionMode } from './accession.ts';
import type { Hl7Warning } from './apply-error.ts';

/** How a trust's RIS writes its messages (config `hl7.*`). */
export interface ApplyOptions {
  /** @default 'auto' */
  accessionNumber: AccessionMode;
  /** IANA zone for HL7 times without an offset. @default 'Europe/London' */
  timezone: string;
  /** The trust's priority codes and words → network priorities (`hl7.priorities`). @default {} */
  priorities: Readonly<Record<string, PriorityValue>>;
  /** The trust's PV1-2 values → patient classes (`hl7.patientClasses`). @default {} */
  patientClasses: Readonly<Record<string, PatientClassValue>>;
  /** Which national number the trust's PID carries (`hl7.nationalNumber`). @default 'NHS' */
  nationalNumber: NationalNumberKind;
}

/** NHS number (England, Wales), CHI number (Scotland), H&C number (Northern Ireland). */
export type NationalNumberKind = 'NHS' | 'CHI' | 'HC';

export const DEFAULT_APPLY_OPTIONS: ApplyOptions = {
  accessionNumber: 'auto',
  timezone: 'Europe/London',
  priorities: {},
  patientClasses: {},
  nationalNumber: 'NHS',
};

/**
 * One message being mapped: the options and the warnings collected on the way (they become ERR
 * segments of severity W on an AA).
 */
export class MessageContext {
  readonly message: Hl7Message;
  readonly options: ApplyOptions;
  readonly warnings: Hl7Warning[] = [];

  constructor(message: Hl7Message, options: ApplyOptions) {
    this.message = message;
    this.options = options;
  }

  warn(code: number, location: string, text: string): void {
    this.warnings.push({ code, location, text });
  }

  /**
   * An HL7 DTM/TS value as ISO 8601 with offset. Without an offset it is the sender's local time,
   * read in the trust's zone for that value's own date (BST or GMT as on that day), never with
   * MSH-7's offset: MSH-7's offset is the offset at the moment of sending only, and applying it to
   * an exam before a clock change puts the exam an hour out (DOMAIN.md, "Time zones"). A malformed
   * value is a warning (ERR 102) and reads as absent, so one bad time does not lose the order.
   */
  time(value: string, location: string): string | undefined {
    if (value === '') return undefined;
    const iso = parseHl7Time(value, { timezone: this.options.timezone });
    if (iso === null) {
      this.warn(102, location, `not an HL7 date/time: ${JSON.stringify(value.slice(0, 40))}`);
      return undefined;
    }
    return iso;
  }

  /**
   * A time field as a change: `""` clears (null), empty leaves unchanged (undefined), else the
   * instant. `path` is relative to the segment, e.g. `7.1`.
   */
  timeChange(segment: Hl7Segment | undefined, path: string): string | null | undefined {
    const v = valueChange(segment, path);
    if (v === null || v === undefined) return v;
    return this.time(v, `${segment!.name}-${path}`);
  }
}

/**
 * A field read as a change (HL7 v2.5.1 ch. 2.5.3): the HL7 null `""` in the field means "delete
 * the stored value" → null; a field not sent means "leave it" → undefined; else the value.
 */
export function valueChange(segment: Hl7Segment | undefined, path: string): string | null | undefined {
  if (!segment) return undefined;
  const field = Number(/^\d+/.exec(path)?.[0]);
  if (segment.field(field)?.isNull() || segment.isNull(path)) return null;
  const value = segment.get(path).trim();
  return value === '' ? undefined : value;
}

/** The first change among several paths that is not "unchanged". */
export function firstChange(
  ...changes: (string | null | undefined)[]
): string | null | undefined {
  for (const c of changes) if (c !== undefined) return c;
  return undefined;
}
