import { DEFAULT_DELIMITERS, encodingCharacters, type Delimiters } from './delimiters.ts';
import { encodeHl7Escapes } from './escape.ts';
import { hl7TimeIn } from './hl7-time.ts';
import { Hl7Message } from './message.ts';
import { MessageErrorCondition, type AcknowledgmentCode, type ErrorSeverity } from './vocabulary.ts';

/** One ERR segment (v2.5 style, ch. 2.15.5). */
export interface AckError {
  /** ERR-3.1, table 0357 (e.g. 101 required field missing, 207 application internal error). */
  code: number;
  /** ERR-4, table 0516. */
  severity: ErrorSeverity;
  /** ERR-2 error location (ERL), components written with `^`: `PID^1^3` = PID, 1st, field 3. */
  location?: string;
  /** ERR-8 user message: free text for the sender's operators. Never put patient data here. */
  text?: string;
}

export interface AckOptions {
  /** MSA-1, table 0008. AA/AE/AR application level; CA/CE/CR commit level (enhanced mode). */
  code: AcknowledgmentCode;
  /** MSH-10 of the ACK itself: a new id, unique per sender. */
  controlId: string;
  /** MSA-3 text message (kept for receivers on versions before 2.5). */
  text?: string;
  errors?: AckError[];
  /** MSH-7 of the ACK. @default new Date() */
  now?: Date;
  /** Zone in which MSH-7 is written. @default 'Europe/London' */
  timezone?: string;
}

/** What the ACK echoes from the message it answers, as raw (escaped) text in `delimiters`. */
interface Echo {
  delimiters: Delimiters;
  sendingApplication: string;
  sendingFacility: string;
  receivingApplication: string;
  receivingFacility: string;
  /** MSH-9.2 */
  event: string;
  controlId: string;
  processingId: string;
  version: string;
  charset: string;
}

/**
 * The acknowledgment of a received message (HL7 v2.5.1 ch. 2.9 and 2.14.1 ACK): MSH-3/4 and
 * MSH-5/6 swapped, MSH-9 `ACK^<event>^ACK`, MSH-10 new, MSH-11/12 echoed, MSH-18 echoed (the
 * ACK is written in the sender's character set), MSA-1 the code, MSA-2 the received MSH-10,
 * then one ERR per error. Written with the received message's delimiters; segments end in CR.
 */
export function buildAck(received: Hl7Message, opts: AckOptions): string {
  const msh = received.segment('MSH')!;
  const raw = (n: number): string => msh.field(n)?.raw() ?? '';
  const d = received.delimiters;
  return writeAck(
    {
      delimiters: d,
      sendingApplication: raw(3),
      sendingFacility: raw(4),
      receivingApplication: raw(5),
      receivingFacility: raw(6),
      event: encodeHl7Escapes(received.type.event, d),
      controlId: raw(10),
      processingId: raw(11),
      version: raw(12),
      charset: raw(18),
    },
    opts,
  );
}

/**
 * An ACK (normally AR) for text that is not a readable message. Best effort: when the text
 * parses after all, this is `buildAck`; otherwise MSH-3..6, 9.2, 10, 11, 12 are salvaged from
 * what looks like an MSH line and written, as plain text, with the standard delimiters.
 */
export function buildAckForUnparseable(raw: string, opts: AckOptions): string {
  try {
    return buildAck(Hl7Message.parse(raw), opts);
  } catch {
    // fall through: salvage what we can
  }
  const d = DEFAULT_DELIMITERS;
  const text = raw.replace(/^\uFEFF/, '').trimStart();
  const line = text.startsWith('MSH') ? (text.split(/[\r\n]/)[0] ?? '') : '';
  const sep = line.charAt(3);
  const parts = sep !== '' && !/[A-Za-z0-9\s]/.test(sep) ? line.split(sep) : [];
  const compSep = parts[1]?.charAt(0) ?? '';
  const part = (n: number): string => encodeHl7Escapes((parts[n - 1] ?? '').slice(0, 200), d);
  const msh9 = parts[8] ?? '';
  const event = compSep !== '' && !/[A-Za-z0-9\s]/.test(compSep) ? (msh9.split(compSep)[1] ?? '') : '';
  return writeAck(
    {
      delimiters: d,
      sendingApplication: part(3),
      sendingFacility: part(4),
      receivingApplication: part(5),
      receivingFacility: part(6),
      event: encodeHl7Escapes(event.slice(0, 20), d),
      controlId: part(10),
      processingId: part(11),
      version: part(12),
      charset: '',
    },
    opts,
  );
}

function writeAck(e: Echo, opts: AckOptions): string {
  const d = e.delimiters;
  const esc = (s: string): string => encodeHl7Escapes(s, d);
  const now = opts.now ?? new Date();
  const msh = [
    'MSH',
    encodingCharacters(d),
    e.receivingApplication,
    e.receivingFacility,
    e.sendingApplication,
    e.sendingFacility,
    hl7TimeIn(now, opts.timezone ?? 'Europe/London'),
    '',
    e.event === '' ? 'ACK' : ['ACK', e.event, 'ACK'].join(d.component),
    esc(opts.controlId),
    e.processingId,
    e.version,
  ];
  if (e.charset !== '') msh.push('', '', '', '', '', e.charset);
  const segments = [msh.join(d.field)];
  const msa = ['MSA', opts.code, e.controlId];
  if (opts.text) msa.push(esc(opts.text));
  segments.push(msa.join(d.field));
  for (const err of opts.errors ?? []) segments.push(errSegment(err, d));
  return segments.map((s) => s + '\r').join('');
}

/** ERR (ch. 2.15.5): ERR-2 location, ERR-3 code^text^HL70357, ERR-4 severity, ERR-8 user message. */
function errSegment(err: AckError, d: Delimiters): string {
  const esc = (s: string): string => encodeHl7Escapes(s, d);
  const location = (err.location ?? '').split('^').map(esc).join(d.component);
  const name = (MessageErrorCondition as Record<number, string>)[err.code] ?? '';
  const fields = ['ERR', '', location, [String(err.code), esc(name), 'HL70357'].join(d.component), err.severity];
  if (err.text) fields.push('', '', '', esc(err.text));
  return fields.join(d.field);
}
