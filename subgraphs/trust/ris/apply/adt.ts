import type { Hl7Segment } from '../hl7/index.ts';
import { ApplyError } from './apply-error.ts';
import type { DomainEvent } from './domain-events.ts';
import { mrnOf, readPatient } from './identity.ts';
import type { MessageContext } from './message-context.ts';

/**
 * ADT events that register or update a patient (v2.5.1 ch. 3.3): A01 admit, A04 register, A05
 * pre-admit, A08 update, A28 add person, A31 update person.
 */
const UPSERT_EVENTS = new Set(['A01', 'A04', 'A05', 'A08', 'A28', 'A31']);

/**
 * ADT → patient events. A40 (ch. 3.3.40, merge patient – patient identifier list) may hold
 * several PID/MRG pairs; each merges MRG-1 (the retired identifier) into PID-3 (the survivor).
 */
export function mapAdtMessage(ctx: MessageContext): DomainEvent[] {
  const event = ctx.message.type.event.toUpperCase();
  if (UPSERT_EVENTS.has(event)) {
    return [{ type: 'patient-registered', patient: readPatient(ctx.message.segment('PID'), ctx) }];
  }
  if (event === 'A40') return mapMerge(ctx);
  throw new ApplyError(`ADT^${event} is not supported`, 201, 'MSH-9.2', 'AR');
}

function mapMerge(ctx: MessageContext): DomainEvent[] {
  const events: DomainEvent[] = [];
  let pid: Hl7Segment | undefined;
  for (const segment of ctx.message.segments) {
    if (segment.name === 'PID') pid = segment;
    if (segment.name !== 'MRG') continue;
    const retiredMrn = mrnOf(segment, 1);
    if (retiredMrn === null) throw new ApplyError('MRG-1 holds no prior patient identifier', 101, 'MRG-1');
    const survivor = readPatient(pid, ctx);
    if (survivor.mrn === null) throw new ApplyError('the surviving patient has no MRN in PID-3', 101, 'PID-3');
    events.push({ type: 'patients-merged', retiredMrn, survivor });
  }
  if (events.length === 0) throw new ApplyError('ADT^A40 without an MRG segment', 100, 'MRG');
  return events;
}
