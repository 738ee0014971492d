import type { PatientClassValue, PriorityValue } from '../../../../schema/generated/enums.ts';
import type { ReporterValue } from '../ingest-port.ts';
import type { PatientChanges } from '../ingest-port.ts';
import type { ReportResultStatus } from './status-machine.ts';

/**
 * What an HL7 message means to the trust, independent of HL7: the pure mappers (adt.ts,
 * orders.ts, results.ts, schedule.ts) produce these; apply-events.ts writes them in one store
 * transaction. Optional fields follow the HL7 update rule: undefined leaves the stored value,
 * null clears it (`""`).
 */

/** A patient as a message names it (PID). */
export interface PatientFacts {
  /** Local MRN (PID-3 type MR, else the first PID-3 that is not the NHS number). */
  mrn: string | null;
  /** The NHS number when the message carries a valid one (also in `changes`). */
  nhsNumber: string | null;
  /** CHI (Scotland) or H&C (Northern Ireland) numbers the PID carries (never NHS numbers). */
  nationalIds: { type: 'CHI' | 'HC'; value: string }[];
  changes: PatientChanges;
}

export interface OrderFacts {
  accessionNumber: string;
  /** ORC-1, table 0119. */
  orderControl: string;
  /** ORC-5, table 0038. */
  orderStatus: string;
  placerOrderNumber?: string | null;
  fillerOrderNumber?: string | null;
  studyInstanceUid?: string | null;
  description?: string | null;
  procedureCode?: string | null;
  procedureCodingSystem?: string | null;
  bodyPart?: string | null;
  modality?: string | null;
  /** null: the message's value is not understood (a warning names it); undefined: not sent. */
  priority?: PriorityValue | null;
  patientClass?: PatientClassValue | null;
  /** ORC-9 of NW (else OBR-6); for other controls OBR-6, only used when none is stored. */
  requestedAt?: string | null;
  /** ORC-9 (else MSH-7): when this change happened at the RIS (orders cancellations and reinstatements). */
  transactionAt: string | null;
  scheduledAt?: string | null;
  performedAt?: string | null;
}

export interface ReportFacts {
  accessionNumber: string;
  resultStatus: ReportResultStatus;
  text: string;
  reportedAt: string | null;
  author: string | null;
  /** OBR-32 principal result interpreter, structured. */
  reporter: ReporterValue | null;
  /** OBR-33 assistant result interpreter (e.g. the trainee). */
  assistant: ReporterValue | null;
  /** OBX ED (encapsulated data, e.g. a PDF report) as received. */
  attachment: string | null;
  /** OBR-7: when the examination was done. */
  performedAt?: string | null;
  /**
   * What the ORU's OBR says of the order, so that a report for an order never received (ORM
   * lost, feed started mid-stream) still makes a visible study (orderMissing).
   */
  order: ReportOrderFacts;
}

/** Order details an ORU's OBR carries (ORC is optional in ORU^R01). */
export interface ReportOrderFacts {
  placerOrderNumber?: string;
  fillerOrderNumber?: string;
  description?: string | null;
  procedureCode?: string | null;
  procedureCodingSystem?: string | null;
  modality?: string | null;
  /** OBR-6 requested date/time. */
  requestedAt?: string | null;
  patientClass?: PatientClassValue | null;
}

export interface AppointmentFacts {
  accessionNumber: string;
  /** SIU trigger event: S12 new, S13 reschedule, S14 modification, S15 cancel, S26 no-show. */
  event: 'S12' | 'S13' | 'S14' | 'S15' | 'S26';
  /** SCH-25 filler status code (table 0278), uppercased: e.g. STARTED, NOSHOW, BOOKED ('' when not sent). */
  fillerStatus: string;
  /** S15 cancelled at the patient's request (SCH-6 event reason): the DM01 clock restarts. */
  patientCancelled: boolean;
  scheduledAt?: string | null;
  description?: string | null;
  placerOrderNumber?: string | null;
  fillerOrderNumber?: string | null;
  /** MSH-7: when the appointment change was sent (S15 notes it). */
  messageTime: string | null;
}

export type DomainEvent =
  /** ADT A01/A04/A05/A08/A28/A31: register or update. */
  | { type: 'patient-registered'; patient: PatientFacts }
  /** ADT A40: MRG-1 (retired) merged into PID-3 (survivor). */
  | { type: 'patients-merged'; retiredMrn: string; survivor: PatientFacts }
  | { type: 'order-changed'; patient: PatientFacts; order: OrderFacts }
  | { type: 'report-received'; patient: PatientFacts; report: ReportFacts }
  | { type: 'appointment-changed'; patient: PatientFacts; appointment: AppointmentFacts };
