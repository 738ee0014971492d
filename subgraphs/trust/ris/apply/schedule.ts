import { accessionFields, accessionOf } from './accession.ts';
import { ApplyError } from './apply-error.ts';
import type { AppointmentFacts, DomainEvent } from './domain-events.ts';
import { readPatient } from './identity.ts';
import { firstChange, valueChange, type MessageContext } from './message-context.ts';

const EVENTS = new Set(['S12', 'S13', 'S14', 'S15', 'S26']);

/**
 * SIU^S12–S15 and S26 (v2.5.1 ch. 10.4: new, reschedule, modification, cancellation, patient did
 * not show up) → appointment
 * events. The order is found by accession: SIU has no IPC or OBR, so the filler order number
 * SCH-27 (or the placer's, SCH-26, in `OBR-2` mode) stands for it. Start time: SCH-11 component 4
 * (TQ start, v2.3–2.4), else TQ1-7 (v2.5), else AIS-4 (service start).
 */
export function mapScheduleMessage(ctx: MessageContext): DomainEvent[] {
  const msg = ctx.message;
  const event = msg.type.event.toUpperCase();
  if (!EVENTS.has(event)) throw new ApplyError(`SIU^${event} is not supported (S12–S15 and S26 are)`, 201, 'MSH-9.2', 'AR');
  const sch = msg.segment('SCH');
  if (!sch) throw new ApplyError('the SIU has no SCH segment', 100, 'SCH');
  const ais = msg.segment('AIS');
  const tq1 = msg.segment('TQ1');
  const filler = sch.get('27.1');
  const placer = sch.get('26.1');
  const accessionNumber = accessionOf({ filler, placer }, ctx.options.accessionNumber);
  if (accessionNumber === undefined) {
    const fields = accessionFields(ctx.options.accessionNumber);
    throw new ApplyError(`no accession number for the appointment in ${fields} (SIU: SCH-27 filler, SCH-26 placer)`, 101, fields);
  }
  const appointment: AppointmentFacts = {
    accessionNumber,
    event: event as AppointmentFacts['event'],
    messageTime: ctx.time(msg.get('MSH-7.1'), 'MSH-7') ?? null,
    // SCH-25 filler status code (table 0278: Booked, Started, Complete, Noshow, Cancelled…).
    fillerStatus: sch.get('25.1').trim().toUpperCase(),
    // SCH-6 event reason (CE): RIS put who cancelled here; a patient-initiated cancellation
    // restarts the DM01 clock. Read as patient-initiated when code or text says "patient".
    patientCancelled: event === 'S15' && /PATIENT|^PAT$|^PC$/i.test(`${sch.get('6.1')} ${sch.get('6.2')}`.trim()),
  };
  const scheduled = firstChange(ctx.timeChange(sch, '11.4.1'), ctx.timeChange(tq1, '7.1'), ctx.timeChange(ais, '4.1'));
  if (scheduled !== undefined) appointment.scheduledAt = scheduled;
  // AIS-3 universal service id: text, else code.
  const description = valueChange(ais, '3.2') ?? valueChange(ais, '3.1');
  if (description !== undefined) appointment.description = description;
  if (filler) appointment.fillerOrderNumber = filler;
  if (placer) appointment.placerOrderNumber = placer;
  return [{ type: 'appointment-changed', patient: readPatient(msg.segment('PID'), ctx), appointment }];
}
