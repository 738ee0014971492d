import type { Hl7Segment } from '../hl7/index.ts';
import { accessionFields, accessionOf } from './accession.ts';
import { ApplyError } from './apply-error.ts';
import type { DomainEvent, OrderFacts } from './domain-events.ts';
import { readPatient } from './identity.ts';
import { firstChange, valueChange, type MessageContext } from './message-context.ts';
import { orderGroups, type OrderGroup } from './order-groups.ts';
import { toPriority } from './priority.ts';

/**
 * ORM^O01 (v2.3.1 ch. 4.2), OMI^O23 and OMG^O19 (v2.5.1 ch. 4.4) → order events, one per order
 * group (one per IPC requested procedure in OMI when the accession comes from IPC-1).
 */
export function mapOrderMessage(ctx: MessageContext): DomainEvent[] {
  const groups = orderGroups(ctx.message).filter((g) => g.orc || g.obr);
  if (groups.length === 0) throw new ApplyError('the order message has no ORC/OBR segment', 101, 'ORC');
  const events: DomainEvent[] = [];
  for (const group of groups) {
    if (!group.orc) throw new ApplyError('an OBR without its ORC', 100, 'ORC');
    const patient = readPatient(group.pid, ctx);
    const useIpc = group.ipcs.length > 0 && (ctx.options.accessionNumber === 'auto' || ctx.options.accessionNumber === 'IPC-1');
    for (const ipc of useIpc ? group.ipcs : [undefined]) {
      events.push({ type: 'order-changed', patient, order: readOrder(group, ipc, ctx) });
    }
  }
  return events;
}

/** Every filler / placer order number the group carries, OBR first (both are EI: component 1). */
export function orderNumbers(group: Pick<OrderGroup, 'orc' | 'obr'>): { filler: string; placer: string } {
  return {
    filler: group.obr?.get('3.1') || group.orc?.get('3.1') || '',
    placer: group.obr?.get('2.1') || group.orc?.get('2.1') || '',
  };
}

/** The group's accession per the configured mode; AE 101 naming the fields when it has none. */
export function requireAccession(
  group: Pick<OrderGroup, 'orc' | 'obr'>,
  ipc: Hl7Segment | undefined,
  ctx: MessageContext,
): string {
  const numbers = orderNumbers(group);
  const accession = accessionOf(
    { ipc1: ipc?.get('1.1'), obr18: group.obr?.get('18'), filler: numbers.filler, placer: numbers.placer },
    ctx.options.accessionNumber,
  );
  if (accession === undefined) {
    const fields = accessionFields(ctx.options.accessionNumber);
    throw new ApplyError(`no accession number in ${fields} (hl7.accessionNumber = ${ctx.options.accessionNumber})`, 101, fields);
  }
  return accession;
}

function readOrder(group: OrderGroup, ipc: Hl7Segment | undefined, ctx: MessageContext): OrderFacts {
  const { orc, obr, tq1 } = group;
  const orderControl = orc!.get('1').trim().toUpperCase();
  const numbers = orderNumbers(group);
  const facts: OrderFacts = {
    accessionNumber: requireAccession(group, ipc, ctx),
    orderControl,
    orderStatus: orc!.get('5').trim().toUpperCase(),
  };
  if (numbers.placer) facts.placerOrderNumber = numbers.placer;
  if (numbers.filler) facts.fillerOrderNumber = numbers.filler;
  const uid = valueChange(ipc, '3');
  if (uid !== undefined) facts.studyInstanceUid = uid;
  // OBR-4 universal service id (CE/CWE): the text (component 2), else the code.
  const description = obr?.field(4)?.isNull() ? null : valueChange(obr, '4.2') ?? valueChange(obr, '4.1');
  if (description !== undefined) facts.description = description;
  // OBR-15 specimen source (v2.5 SPS): component 4 is the body site (CWE: text, else code).
  const bodyPart = valueChange(obr, '15.4.2') ?? valueChange(obr, '15.4.1');
  if (bodyPart !== undefined) facts.bodyPart = bodyPart;
  // IPC-5 is the DICOM modality; OBR-24 the diagnostic service section (table 0074), which
  // radiology RIS fill with the modality.
  const modality = firstChange(valueChange(ipc, '5.1'), valueChange(obr, '24'));
  if (modality !== undefined) facts.modality = modality === null ? null : modality.toUpperCase();
  const priority = [tq1?.get('9.1'), obr?.get('27.6'), orc!.get('7.6')]
    .map((p) => (p ? toPriority(p) : undefined))
    .find((p) => p !== undefined);
  if (priority) facts.priority = priority;
  // ORC-9 is the transaction time; only on the NW order is it when the exam was requested.
  const requested = orderControl === 'NW'
    ? firstChange(ctx.timeChange(orc, '9.1'), ctx.timeChange(obr, '6.1'))
    : ctx.timeChange(obr, '6.1');
  if (requested !== undefined) facts.requestedAt = requested;
  const scheduled = firstChange(ctx.timeChange(tq1, '7.1'), ctx.timeChange(obr, '27.4.1'), ctx.timeChange(orc, '7.4.1'));
  if (scheduled !== undefined) facts.scheduledAt = scheduled;
  const performed = ctx.timeChange(obr, '7.1');
  if (performed !== undefined) facts.performedAt = performed;
  return facts;
}
