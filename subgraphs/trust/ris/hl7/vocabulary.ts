/**
 * HL7 v2 tables the trust reads and writes, with the standard's own names (HL7 v2.5.1
 * Appendix A / chapter where each table is defined). One place for the vocabulary: code
 * elsewhere uses these types, never ad-hoc strings.
 */

/** Table 0008 Acknowledgment code (MSA-1, ch. 2.15.8.1). */
export const AcknowledgmentCode = {
  AA: 'Original mode: Application Accept; Enhanced mode: Application acknowledgment: Accept',
  AE: 'Original mode: Application Error; Enhanced mode: Application acknowledgment: Error',
  AR: 'Original mode: Application Reject; Enhanced mode: Application acknowledgment: Reject',
  CA: 'Enhanced mode: Accept acknowledgment: Commit Accept',
  CE: 'Enhanced mode: Accept acknowledgment: Commit Error',
  CR: 'Enhanced mode: Accept acknowledgment: Commit Reject',
} as const;
export type AcknowledgmentCode = keyof typeof AcknowledgmentCode;

/** Table 0357 Message error condition codes (ERR-3, ch. 2.15.5.3). */
export const MessageErrorCondition = {
  0: 'Message accepted',
  100: 'Segment sequence error',
  101: 'Required field missing',
  102: 'Data type error',
  103: 'Table value not found',
  200: 'Unsupported message type',
  201: 'Unsupported event code',
  202: 'Unsupported processing id',
  203: 'Unsupported version id',
  204: 'Unknown key identifier',
  205: 'Duplicate key identifier',
  206: 'Application record locked',
  207: 'Application internal error',
} as const;
export type MessageErrorCondition = keyof typeof MessageErrorCondition;

/** Table 0516 Error severity (ERR-4, ch. 2.15.5.4). */
export const ErrorSeverity = {
  E: 'Error',
  W: 'Warning',
  I: 'Information',
} as const;
export type ErrorSeverity = keyof typeof ErrorSeverity;

/** Table 0119 Order control codes (ORC-1, ch. 4.5.1.1). */
export const OrderControl = {
  AF: 'Order/service refill request approval',
  CA: 'Cancel order/service request',
  CH: 'Child order/service',
  CN: 'Combined result',
  CR: 'Canceled as requested',
  DC: 'Discontinue order/service request',
  DE: 'Data errors',
  DF: 'Order/service refill request denied',
  DR: 'Discontinued as requested',
  FU: 'Order/service refilled, unsolicited',
  HD: 'Hold order request',
  HR: 'On hold as requested',
  LI: 'Link order/service to patient care problem or goal',
  NA: 'Number assigned',
  NW: 'New order/service',
  OC: 'Order/service canceled',
  OD: 'Order/service discontinued',
  OE: 'Order/service released',
  OF: 'Order/service refilled as requested',
  OH: 'Order/service held',
  OK: 'Order/service accepted & OK',
  OP: 'Notification of order for outside dispense',
  OR: 'Released as requested',
  PA: 'Parent order/service',
  PR: 'Previous Results with new order/service',
  PY: 'Notification of replacement order for outside dispense',
  RC: 'Recall',
  RE: 'Observations/Performed Service to follow',
  RF: 'Refill order/service request',
  RL: 'Release previous hold',
  RO: 'Replacement order',
  RP: 'Order/service replace request',
  RQ: 'Replaced as requested',
  RR: 'Request received',
  RU: 'Replaced unsolicited',
  SC: 'Status changed',
  SN: 'Send order/service number',
  SR: 'Response to send order/service status request',
  SS: 'Send order/service status request',
  UA: 'Unable to accept order/service',
  UC: 'Unable to cancel',
  UD: 'Unable to discontinue',
  UF: 'Unable to refill',
  UH: 'Unable to put on hold',
  UM: 'Unable to replace',
  UN: 'Unlink order/service from patient care problem or goal',
  UR: 'Unable to release',
  UX: 'Unable to change',
  XO: 'Change order/service request',
  XR: 'Changed as requested',
  XX: 'Order/service changed, unsol.',
} as const;
export type OrderControl = keyof typeof OrderControl;

/** Table 0038 Order status (ORC-5, ch. 4.5.1.5). */
export const OrderStatus = {
  A: 'Some, but not all, results available',
  CA: 'Order was canceled',
  CM: 'Order is completed',
  DC: 'Order was discontinued',
  ER: 'Error, order not found',
  HD: 'Order is on hold',
  IP: 'In process, unspecified',
  RP: 'Order has been replaced',
  SC: 'In process, scheduled',
} as const;
export type OrderStatus = keyof typeof OrderStatus;

/** Table 0123 Result status (OBR-25, ch. 4.5.3.25). */
export const ResultStatus = {
  O: 'Order received; specimen not yet received',
  I: 'No results available; specimen received, procedure incomplete',
  S: 'No results available; procedure scheduled, but not done',
  A: 'Some, but not all, results available',
  P: 'Preliminary: A verified early result is available, final results not yet obtained',
  C: 'Correction to results',
  R: 'Results stored; not yet verified',
  F: 'Final results; results stored and verified. Can only be changed with a corrected result.',
  X: 'No results available; Order canceled.',
  Y: 'No order on record for this test. (Used only on queries)',
  Z: 'No record of this patient. (Used only on queries)',
} as const;
export type ResultStatus = keyof typeof ResultStatus;

/** Table 0027 Priority (TQ1-9 / ORC-7.6 / OBR-27.6, ch. 4.5.4.9). */
export const Priority = {
  S: 'Stat',
  A: 'ASAP',
  R: 'Routine',
  P: 'Preop',
  C: 'Callback',
  T: 'Timing critical',
  PRN: 'As needed',
} as const;
export type Priority = keyof typeof Priority;

/** Table 0004 Patient class (PV1-2, ch. 3.4.3.2). */
export const PatientClass = {
  E: 'Emergency',
  I: 'Inpatient',
  O: 'Outpatient',
  P: 'Preadmit',
  R: 'Recurring patient',
  B: 'Obstetrics',
  C: 'Commercial Account',
  N: 'Not Applicable',
  U: 'Unknown',
} as const;
export type PatientClass = keyof typeof PatientClass;

/** Table 0278 Filler status codes (SCH-25, ch. 10.6.2.25), as SIU senders spell them. */
export const FillerStatus = {
  PENDING: 'Appointment has not yet been confirmed',
  WAITLIST: 'Appointment has been placed on a waiting list',
  BOOKED: 'The indicated appointment is booked',
  STARTED: 'The indicated appointment has begun and is currently in progress',
  COMPLETE: 'The indicated appointment has completed normally',
  CANCELLED: 'The indicated appointment was stopped from occurring (canceled prior to starting)',
  DC: 'The indicated appointment was discontinued',
  DELETED: 'The indicated appointment has been deleted from the filler application',
  BLOCKED: 'The indicated time slot(s) is(are) blocked',
  OVERBOOK: 'The appointment has been confirmed; however it is confirmed in an overbooked state',
  NOSHOW: 'The patient did not show up for the appointment',
} as const;
export type FillerStatus = keyof typeof FillerStatus;

/** Table 0001 Administrative sex (PID-8, ch. 3.4.2.8). */
export const AdministrativeSex = {
  F: 'Female',
  M: 'Male',
  O: 'Other',
  U: 'Unknown',
  A: 'Ambiguous',
  N: 'Not applicable',
} as const;
export type AdministrativeSex = keyof typeof AdministrativeSex;

/** Table 0155 Accept/application acknowledgment conditions (MSH-15/16, ch. 2.14.9.15). */
export const AcknowledgmentCondition = {
  AL: 'Always',
  NE: 'Never',
  ER: 'Error/reject conditions only',
  SU: 'Successful completion only',
} as const;
export type AcknowledgmentCondition = keyof typeof AcknowledgmentCondition;

/** True when `code` is a key of `table` (narrowing a received value to the table's type). */
export function isTableValue<T extends object>(table: T, code: string): code is Extract<keyof T, string> {
  return Object.prototype.hasOwnProperty.call(table, code);
}
