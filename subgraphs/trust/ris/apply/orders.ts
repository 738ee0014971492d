import type { Hl7Segment } from '../hl7/index.ts';
import { accessionFields, accessionOf } from './accession.ts';
import { ApplyError } from './apply-error.ts';
import type { DomainEvent, OrderFacts } from './domain-events.ts';
import { readPatient } from './identity.ts';
import { firstChange, valueChange, type MessageContext } from './message-context.ts';
import { orderGroups, type OrderGroup } from './order-groups.ts';
import { mapPatientClass } from './patient-class.ts';
import { mapPriority } from './priority.ts';
import { readProcedure } from './procedure.ts';

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
    // ORC-9 date/time of transaction, else when the message was sent (MSH-7).
    transactionAt: ctx.time(orc!.get('9.1'), 'ORC-9') ?? ctx.time(ctx.message.get('MSH-7.1'), 'MSH-7') ?? null,
  };
  if (numbers.placer) facts.placerOrderNumber = numbers.placer;
  if (numbers.filler) facts.fillerOrderNumber = numbers.filler;
  const uid = valueChange(ipc, '3');
  if (uid !== undefined) facts.studyInstanceUid = uid;
  Object.assign(facts, procedureFacts(obr));
  // OBR-15 specimen source (v2.5 SPS): component 4 is the body site (CWE: text, else code).
  const bodyPart = valueChange(obr, '15.4.2') ?? valueChange(obr, '15.4.1');
  if (bodyPart !== undefined) facts.bodyPart = bodyPart;
  // IPC-5 is the DICOM modality; OBR-24 the diagnostic service section (table 0074), which
  // radiology RIS fill with the modality.
  const modality = firstChange(valueChange(ipc, '5.1'), valueChange(obr, '24'));
  if (modality !== undefined) facts.modality = modality === null ? null : modality.toUpperCase();
  const priority = readPriority(group, ctx);
  if (priority !== undefined) facts.priority = priority;
  const patientClass = readPatientClass(group, ctx);
  if (patientClass !== undefined) facts.patientClass = patientClass;
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

/** OBR-4 as the order's procedure: code, coding system, and the display kept in `description`. */
export function procedureFacts(obr: Hl7Segment | undefined): Pick<OrderFacts, 'description' | 'procedureCode' | 'procedureCodingSystem'> {
  const procedure = readProcedure(obr);
  const out: Pick<OrderFacts, 'description' | 'procedureCode' | 'procedureCodingSystem'> = {};
  if (procedure.display !== undefined) out.description = procedure.display;
  if (procedure.code !== undefined) out.procedureCode = procedure.code;
  if (procedure.codingSystem !== undefined) out.procedureCodingSystem = procedure.codingSystem;
  return out;
}

/**
 * Priority from the first of TQ1-9, OBR-27.6, ORC-7.6 that is valued, mapped per trust
 * (priority.ts). A value neither the trust's map nor table 0027 knows is a warning (ERR 103)
 * naming it, and clears the stored priority: never a silent keep of the old one.
 */
function readPriority(group: OrderGroup, ctx: MessageContext): OrderFacts['priority'] {
  const sources: [Hl7Segment | undefined, string, string][] = [
    [group.tq1, '9.1', 'TQ1-9'],
    [group.obr, '27.6', 'OBR-27.6'],
    [group.orc, '7.6', 'ORC-7.6'],
  ];
  for (const [segment, path, location] of sources) {
    const raw = segment?.get(path).trim() ?? '';
    if (raw === '' || raw === '""') continue;
    const mapped = mapPriority(raw, ctx.options.priorities);
    if (mapped.kind === 'mapped') return mapped.value;
    ctx.warn(103, location, `priority ${JSON.stringify(mapped.value.slice(0, 40))} is not mapped (hl7.priorities): priority cleared`);
    return null;
  }
  return undefined;
}

/** PV1-2 patient class, mapped per trust (patient-class.ts); an unmapped value warns and reads UNKNOWN. */
export function readPatientClass(group: Pick<OrderGroup, 'pv1'>, ctx: MessageContext): OrderFacts['patientClass'] {
  const raw = valueChange(group.pv1, '2.1');
  if (raw === undefined || raw === null) return raw;
  const mapped = mapPatientClass(raw, ctx.options.patientClasses);
  if (mapped) return mapped;
  ctx.warn(103, 'PV1-2', `patient class ${JSON.stringify(raw.slice(0, 40))} is not mapped (hl7.patientClasses): UNKNOWN`);
  return 'UNKNOWN';
}
