import type { Hl7Segment } from '../hl7/index.ts';
import { ApplyError } from './apply-error.ts';
import type { DomainEvent, ReportFacts } from './domain-events.ts';
import { readPatient } from './identity.ts';
import type { MessageContext } from './message-context.ts';
import { orderGroups } from './order-groups.ts';
import { requireAccession } from './orders.ts';
import { isReportResultStatus } from './status-machine.ts';

/**
 * OBX-2 value types (table 0125) that carry report text: TX text, FT formatted text, ST string.
 * NM, CE, ED (encapsulated PDF)… are not report text and are left out.
 */
const TEXT_TYPES = new Set(['TX', 'FT', 'ST']);

/**
 * ORU^R01 (v2.5.1 ch. 7.3.1) → one report version per OBR. OBR-25 (table 0123) P/F/C/X are report
 * versions; other result statuses (O, I, S, R…) carry no report and are acknowledged with a
 * warning (ERR 103). Text: OBX-5 of every TX/FT/ST OBX, each repetition a line, joined with `\n`
 * (the codec already turned `\.br\` and hex CR/LF into newlines and dropped `\H\`/`\N\`).
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
    };
    const performed = ctx.timeChange(obr, '7.1');
    if (performed !== undefined) report.performedAt = performed;
    events.push({ type: 'report-received', patient: readPatient(group.pid, ctx), report });
  });
  return events;
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
 * OBR-32 principal result interpreter (v2.5 NDL; v2.3 CM): component 1 is a name whose
 * subcomponents are ID, family, given. Written `ID FAMILY GIVEN`. Senders that put the name in
 * components instead (`ID^FAMILY^GIVEN`) are read too, unless component 2 is NDL's start time.
 */
export function authorOf(obr: Hl7Segment): string | null {
  const sub = [obr.get('32.1.1'), obr.get('32.1.2'), obr.get('32.1.3')].map((s) => s.trim());
  let parts = sub;
  if (sub[1] === '' && sub[2] === '' && !/^\d{8}/.test(obr.get('32.2'))) {
    parts = [sub[0]!, obr.get('32.2').trim(), obr.get('32.3').trim()];
  }
  const author = parts.filter((p) => p !== '').join(' ');
  return author === '' ? null : author;
}
