import type { ReporterValue } from '../ingest-port.ts';
import type { Hl7Segment } from '../hl7/index.ts';
import { ApplyError } from './apply-error.ts';
import type { DomainEvent, ReportFacts, ReportOrderFacts } from './domain-events.ts';
import { readPatient } from './identity.ts';
import { valueChange, type MessageContext } from './message-context.ts';
import { orderGroups } from './order-groups.ts';
import { orderNumbers, procedureFacts, readPatientClass, requireAccession } from './orders.ts';
import { isReportResultStatus } from './status-machine.ts';

/**
 * OBX-2 value types (table 0125) that carry report text: TX text, FT formatted text, ST string.
 * ED (encapsulated data, e.g. a PDF report) is kept as the version's attachment; NM, CE, RP… are
 * not report text and are left out.
 */
const TEXT_TYPES = new Set(['TX', 'FT', 'ST']);

/**
 * ORU^R01 (v2.5.1 ch. 7.3.1) → one event per OBR. OBR-25 (table 0123): P preliminary, R results
 * stored not verified (a preliminary too), F final, C correction are report versions; X (no
 * results, order cancelled) cancels the order; other result statuses (O, I, S, A…) carry no
 * report and are acknowledged with a warning (ERR 103). Text: OBX-5 of every TX/FT/ST OBX, each
 * repetition a line, joined with `\n` (the codec already turned `\.br\` and hex CR/LF into
 * newlines and dropped `\H\`/`\N\`). An ED OBX is kept as the attachment (`Report.hasAttachment`).
 */
export function mapResultMessage(ctx: MessageContext): DomainEvent[] {
  const groups = orderGroups(ctx.message).filter((g) => g.obr);
  if (groups.length === 0) throw new ApplyError('the ORU has no OBR segment', 101, 'OBR');
  const events: DomainEvent[] = [];
  groups.forEach((group, i) => {
    const obr = group.obr!;
    const resultStatus = obr.get('25').trim().toUpperCase();
    if (!isReportResultStatus(resultStatus)) {
      ctx.warn(103, `OBR[${i + 1}]-25`, `result status ${JSON.stringify(resultStatus)} carries no report version`);
      return;
    }
    const report: ReportFacts = {
      accessionNumber: requireAccession(group, undefined, ctx),
      resultStatus,
      text: reportText(group.obxs),
      reportedAt: ctx.time(obr.get('22.1'), 'OBR-22') ?? null,
      author: authorOf(obr),
      reporter: reporterOf(obr, 32),
      assistant: reporterOf(obr, 33),
      attachment: attachmentOf(group.obxs),
      order: reportOrderFacts(group, ctx),
    };
    const performed = ctx.timeChange(obr, '7.1');
    if (performed !== undefined) report.performedAt = performed;
    events.push({ type: 'report-received', patient: readPatient(group.pid, ctx), report });
  });
  return events;
}

/** What the OBR says of the order: used only when no order is on record (orderMissing). */
function reportOrderFacts(group: Parameters<typeof orderNumbers>[0] & { pv1: Hl7Segment | undefined }, ctx: MessageContext): ReportOrderFacts {
  const obr = group.obr;
  const out: ReportOrderFacts = { ...procedureFacts(obr) };
  const numbers = orderNumbers(group);
  if (numbers.placer) out.placerOrderNumber = numbers.placer;
  if (numbers.filler) out.fillerOrderNumber = numbers.filler;
  const modality = valueChange(obr, '24');
  if (modality) out.modality = modality.toUpperCase();
  const requested = ctx.timeChange(obr, '6.1');
  if (requested) out.requestedAt = requested;
  const patientClass = readPatientClass(group, ctx);
  if (patientClass) out.patientClass = patientClass;
  return out;
}

export function reportText(obxs: readonly Hl7Segment[]): string {
  const lines: string[] = [];
  for (const obx of obxs) {
    if (!TEXT_TYPES.has(obx.get('2').trim().toUpperCase())) continue;
    // An OBX with an empty OBX-5 is a blank line of the report (TX sends one line per OBX).
    const values = obx.getAll('5');
    if (values.length === 0) lines.push('');
    for (const value of values) lines.push(value.replace(/\r\n?/g, '\n'));
  }
  return lines.join('\n');
}

/**
 * The first ED OBX's value (v2.5.1 2A.3.23 ED: source application ^ type of data ^ data subtype
 * ^ encoding ^ data), as received; null when the version has none.
 */
export function attachmentOf(obxs: readonly Hl7Segment[]): string | null {
  const ed = obxs.find((obx) => obx.get('2').trim().toUpperCase() === 'ED');
  if (!ed) return null;
  const parts = [1, 2, 3, 4, 5].map((c) => ed.get(`5.${c}`));
  return parts.join('^');
}

/**
 * OBR-32 principal result interpreter (v2.5 NDL; v2.3 CM): component 1 is a name whose
 * subcomponents are ID, family, given. Written `ID FAMILY GIVEN`. Senders that put the name in
 * components instead (`ID^FAMILY^GIVEN`) are read too, unless component 2 is NDL's start time.
 */
export function authorOf(obr: Hl7Segment): string | null {
  const parts = interpreterParts(obr, 32);
  const author = parts.filter((p) => p !== '').join(' ');
  return author === '' ? null : author;
}

/** [ID, FAMILY, GIVEN] of OBR-32 / OBR-33 (same NDL / CM layout). */
function interpreterParts(obr: Hl7Segment, field: 32 | 33): [string, string, string] {
  const part = (path: string): string => obr.get(`${field}.${path}`).trim();
  const [id, family, given] = [part('1.1'), part('1.2'), part('1.3')] as const;
  if (family === '' && given === '' && !/^\d{8}/.test(obr.get(`${field}.2`))) {
    return [id, part('2'), part('3')];
  }
  return [id, family, given];
}

/**
 * OBR-32 (principal result interpreter) or OBR-33 (assistant, e.g. the trainee) as a structured
 * person: the RIS's id, the name (given then family), and the GMC number when the id is one (UK
 * doctors' registration numbers are 7 digits). Null when the field names nobody; a name without
 * an id is kept in `author` only (a Reporter is keyed by its id).
 */
export function reporterOf(obr: Hl7Segment, field: 32 | 33): ReporterValue | null {
  const [id, family, given] = interpreterParts(obr, field);
  if (id === '') return null;
  const name = [given, family].filter((p) => p !== '').join(' ');
  return { id, name: name === '' ? null : name, gmcNumber: /^\d{7}$/.test(id) ? id : null };
}
