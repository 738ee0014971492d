import { buildAdtMessage } from './adt-message.ts';
import { buildOrderMessage, orderMessageType, type OrderStep } from './order-message.ts';
import { buildScheduleMessage } from './schedule-message.ts';
import { buildReportMessage } from './report-message.ts';
import type { SimMessage } from './sim-message.ts';
import type { SimTrustProfile } from './sim-trust-profile.ts';
import type { StudyEvent } from './study-events.ts';
import type { StudyPlan } from './study-plan.ts';

const STEP: Partial<Record<StudyEvent['kind'], OrderStep>> = {
  order: 'new', booked: 'scheduled', started: 'in-progress', completed: 'completed', cancelled: 'cancelled',
};
/** MSH-10 suffix per step: control ids are the accession plus the step, stable across runs. */
const SUFFIX: Record<StudyEvent['kind'], string> = {
  order: 'N', booked: 'B', 'did-not-attend': 'A', rebooked: 'K', started: 'S', completed: 'D', cancelled: 'X', report: 'R', update: 'U', merge: 'M',
};

/**
 * Turns one trust's study events, in send order, into HL7 messages. It remembers which MRNs the
 * RIS has announced, so a patient's first order is preceded by a registration (A01 for
 * inpatients, A04 otherwise, chapter 3.3) and a merge never names a survivor nobody registered.
 */
export class TrustMessageWriter {
  private readonly registered = new Set<string>();

  constructor(private readonly profile: SimTrustProfile) {}

  write(event: StudyEvent): SimMessage[] {
    const { plan } = event;
    const out: SimMessage[] = [];
    const base = `${plan.accessionNumber}${SUFFIX[event.kind]}`;
    const step = STEP[event.kind];
    if (event.kind === 'order') this.register(plan, plan.mrn, !plan.nhsNumberKnown, event.at, out);
    const booking = event.kind === 'booked' || event.kind === 'rebooked';
    if (booking && this.profile.dialect.schedulesBy === 'SIU') {
      out.push(this.message(event.at, 'SIU^S12', base, plan, buildScheduleMessage(this.profile, plan, event.at, base)));
    } else if (event.kind === 'rebooked') {
      const type = orderMessageType(this.profile);
      out.push(this.message(event.at, type, base, plan, buildOrderMessage(this.profile, plan, 'scheduled', event.at, base)));
    } else if (event.kind === 'did-not-attend') {
      // Every dialect announces a no-show with SIU^S26 (ORC-5 has no DNA code in table 0038).
      out.push(this.message(event.at, 'SIU^S26', base, plan, buildScheduleMessage(this.profile, plan, event.at, base, 'S26')));
    } else if (event.kind === 'cancelled' && plan.cancelledBy === 'ORU-X') {
      // OBR-25 X (table 0123): no results available, order cancelled.
      const x = { status: 'X' as const, at: event.at, author: plan.referrer, lines: [] };
      out.push(this.message(event.at, 'ORU^R01', base, plan, buildReportMessage(this.profile, plan, x, base)));
    } else if (step) {
      const type = orderMessageType(this.profile);
      out.push(this.message(event.at, type, base, plan, buildOrderMessage(this.profile, plan, step, event.at, base)));
    } else if (event.kind === 'report') {
      const report = plan.reports[event.report ?? 0];
      if (!report) throw new Error(`internal: ${plan.accessionNumber} has no report ${event.report}`);
      const id = `${base}${event.report ?? 0}`;
      out.push(this.message(event.at, 'ORU^R01', id, plan, buildReportMessage(this.profile, plan, report, id)));
    } else if (event.kind === 'update') {
      const hl7 = buildAdtMessage(this.profile, {
        type: 'ADT^A08', patient: plan.patient, mrn: plan.mrn, nhsNumberKnown: plan.nhsNumberKnown,
        patientClass: plan.patientClass, controlId: base, at: event.at,
      });
      out.push(this.message(event.at, 'ADT^A08', base, plan, hl7));
    } else if (event.kind === 'merge') {
      this.register(plan, plan.survivorMrn, false, event.at, out);
      const hl7 = buildAdtMessage(this.profile, {
        type: 'ADT^A40', patient: plan.patient, mrn: plan.survivorMrn, nhsNumberKnown: true,
        patientClass: plan.patientClass, retiredMrn: plan.mrn, controlId: base, at: event.at,
      });
      out.push(this.message(event.at, 'ADT^A40', base, plan, hl7));
    }
    return out;
  }

  private register(plan: StudyPlan, mrn: string, temporary: boolean, at: number, out: SimMessage[]): void {
    if (this.registered.has(mrn)) return;
    this.registered.add(mrn);
    const type = plan.patientClass === 'I' ? 'ADT^A01' : 'ADT^A04';
    // Sent just before the order, at the same time; its id is the MRN plus a minute count.
    const regAt = at;
    const controlId = `${mrn}R${Math.floor(regAt / 60_000).toString(36)}`;
    const hl7 = buildAdtMessage(this.profile, {
      type, patient: plan.patient, mrn, nhsNumberKnown: !temporary, patientClass: plan.patientClass, controlId, at: regAt,
    });
    out.push({ at: new Date(regAt).toISOString(), type, controlId, hl7 });
  }

  private message(at: number, type: SimMessage['type'], controlId: string, plan: StudyPlan, hl7: string): SimMessage {
    return { at: new Date(at).toISOString(), type, controlId, accessionNumber: plan.accessionNumber, hl7 };
  }
}
